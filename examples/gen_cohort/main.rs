//! Writes a synthetic cohort site for benchmarks, byte-identical for one seed.
//!
//! ```sh
//! cargo run --release --example gen_cohort -- --size M --out target/bench-sites/M [--seed 7]
//! ```
//!
//! Sizes (readings x comments per reading): tiny 5x10, S 100x30, M 1,000x100, L 2,000x250, or any `RxC`.

mod cohort;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: gen_cohort --size tiny|S|M|L|<readings>x<comments> --out DIR [--seed N]";

fn main() -> ExitCode {
    let mut size = None;
    let mut out = None;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        match (flag.as_str(), value) {
            ("--size", Some(v)) => size = cohort::Size::parse(&v),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--seed", Some(v)) => match v.parse() {
                Ok(n) => seed = n,
                Err(_) => return usage(&format!("--seed takes a whole number, not `{v}`")),
            },
            _ => return usage(&format!("unexpected `{flag}`")),
        }
    }
    let (Some(size), Some(out)) = (size, out) else {
        return usage("--size (a known size) and --out are required");
    };
    match cohort::generate(&out, size, seed) {
        Ok(stats) => {
            println!("{}: {stats}", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("gen_cohort: cannot write {}: {error}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("gen_cohort: {problem}\n{USAGE}");
    ExitCode::from(2)
}
