//! The `roundtable` command: parses arguments, runs a stage pipeline, maps the result to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use roundtable::cli::{Cli, Command, NewCommand};
use roundtable::diagnostics::Diagnostic;
use roundtable::{BuildOptions, BuildReport, Problems};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (options, building) = match cli.command {
        Command::Build(args) => {
            let output = args.site.root.join(&args.output);
            let options = BuildOptions {
                root: args.site.root,
                output,
                base_url: args.base_url,
                drafts: args.site.drafts,
                future: args.site.future,
            };
            (options, true)
        }
        Command::Check(args) => {
            let options = BuildOptions {
                output: args.root.join("public"),
                root: args.root,
                base_url: None,
                drafts: args.drafts,
                future: args.future,
            };
            (options, false)
        }
        Command::Init(args) => return finish(roundtable::scaffold::init(&args), cli.quiet),
        Command::New(NewCommand::Reading(args)) => return finish(roundtable::scaffold::new_reading(&args), cli.quiet),
        Command::Reply(args) => return finish(roundtable::scaffold::reply(&args), cli.quiet),
    };
    let result = if building { roundtable::build(&options) } else { roundtable::check(&options) };
    match result {
        Ok(report) => {
            print_problems(&report.warnings);
            if !cli.quiet {
                println!("{}", summary(&report, building.then_some(&options)));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            let kept = if building { "; the previous output was left as it was" } else { "" };
            report_failure(problems, kept);
            ExitCode::from(1)
        }
    }
}

fn summary(report: &BuildReport, built: Option<&BuildOptions>) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let what = format!(
        "{}, {}, {}, {}",
        plural(report.readings, "reading", "readings"),
        plural(report.comments, "comment", "comments"),
        plural(report.people, "person", "people"),
        plural(report.tags, "tag", "tags"),
    );
    let seconds = report.elapsed.as_secs_f64();
    let scheduled = match report.scheduled.first() {
        Some(next) => format!(
            "; {} not published yet (next on {}, --future to include)",
            plural(report.scheduled.len(), "scheduled reading", "scheduled readings"),
            next.date_naive()
        ),
        None => String::new(),
    };
    match built {
        Some(options) => format!(
            "Built {what}: {} written to {} in {seconds:.2} s{scheduled}",
            plural(report.pages + report.files, "file", "files"),
            options.output.display()
        ),
        None => format!(
            "Checked {what}: {} would be written, no problems found ({seconds:.2} s){scheduled}",
            plural(report.pages + report.files, "file", "files")
        ),
    }
}

/// Prints what `init`, `new` or `reply` did, or why it wrote nothing.
fn finish(result: Result<roundtable::scaffold::Done, Problems>, quiet: bool) -> ExitCode {
    match result {
        Ok(done) => {
            print_problems(&done.notes);
            if !quiet {
                println!("{}", done.summary);
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            report_failure(problems, "; nothing was written");
            ExitCode::from(1)
        }
    }
}

fn print_problems(problems: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for problem in problems {
        let _ = writeln!(err, "{problem}");
    }
}

fn report_failure(problems: Problems, after: &str) {
    let errors = problems.error_count();
    let sorted = problems.sorted();
    print_problems(&sorted);
    let count = if errors == 1 { "1 error".to_string() } else { format!("{errors} errors") };
    eprintln!("roundtable: {count} found{after}");
}
