//! The `roundtable` command: parses arguments, runs a stage pipeline, maps the result to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use roundtable::cli::{Cli, Command, NewCommand, ReportArgs};
use roundtable::diagnostics::Diagnostic;
use roundtable::report::{Destination, ReportOptions};
use roundtable::{BuildOptions, BuildReport, Problems};

/// Builds allocate millions of small strings from many threads; mimalloc does that about twice as fast as the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (options, building) = match cli.command {
        Command::Serve(args) => return serve(args, cli.quiet),
        Command::Build(args) => {
            let output = args.site.root.join(&args.output);
            let options = BuildOptions {
                root: args.site.root,
                output,
                base_url: args.base_url,
                drafts: args.site.drafts,
                cache: !args.no_cache,
                future: args.site.future,
                pending: false,
            };
            (options, true)
        }
        Command::Report(args) => return report(args, cli.quiet),
        Command::Ingest(args) => return ingest(args, cli.quiet),
        Command::Moderate(args) => return moderate(args, cli.quiet),
        Command::Digest(args) => return digest(args, cli.quiet),
        Command::Check(args) => {
            let options = BuildOptions {
                output: args.root.join("public"),
                root: args.root,
                base_url: None,
                drafts: args.drafts,
                cache: true,
                future: args.future,
                pending: false,
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

fn serve(args: roundtable::cli::ServeArgs, quiet: bool) -> ExitCode {
    let options = roundtable::serve::ServeOptions {
        root: args.site.root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        drafts: args.site.drafts,
        future: args.site.future,
        quiet,
    };
    match roundtable::serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            print_problems(&[problem]);
            ExitCode::from(1)
        }
    }
}

fn report(args: ReportArgs, quiet: bool) -> ExitCode {
    let root = args.site.root;
    let destination = if args.publish {
        Destination::Publish(root.join(args.output))
    } else {
        Destination::Folder(root.join(args.out))
    };
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            eprintln!("error: --from {from} is after --to {to}\nhelp: give the earlier day to --from");
            return ExitCode::from(2);
        }
    }
    let window = roundtable::report::Window { from: args.from, to: args.to, ..roundtable::report::Window::all() };
    let options = ReportOptions {
        root,
        drafts: args.site.drafts,
        future: args.site.future,
        format: args.format,
        destination,
        window,
    };
    match roundtable::report::run(&options) {
        Ok(made) => {
            print_problems(&made.warnings);
            if !quiet {
                let p = &made.participation;
                let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
                println!(
                    "Wrote the participation report of {} and {} to {}",
                    count(p.members.len(), "member"),
                    count(p.facilitators.len(), "facilitator"),
                    made.path.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            report_failure(problems, "; no report was written");
            ExitCode::from(1)
        }
    }
}

fn digest(args: roundtable::cli::DigestArgs, quiet: bool) -> ExitCode {
    let out = args.out.map(|out| args.root.join(out));
    let options = roundtable::digest::DigestOptions { root: args.root, week: args.week, out, send: args.send };
    match roundtable::digest::run(&options) {
        Ok(made) => {
            print_problems(&made.warnings);
            if !quiet {
                let n = made.digests.len();
                println!("Wrote {n} digest{} to {}", if n == 1 { "" } else { "s" }, made.folder.display());
                if let Some((sent, before)) = &made.sent {
                    println!("Sent {} now ({before} had been sent before)", sent.len());
                }
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            report_failure(problems, "");
            ExitCode::from(1)
        }
    }
}

fn ingest(args: roundtable::cli::IngestArgs, quiet: bool) -> ExitCode {
    let options =
        roundtable::ingest::IngestOptions { root: args.root, paths: args.paths, reading: args.reading, to: args.to };
    match roundtable::ingest::run(&options) {
        Ok(done) => {
            print_problems(&done.notes);
            print_problems(&done.left_out);
            if !quiet || !done.left_out.is_empty() {
                println!("{}", done.summary());
            }
            ExitCode::from(u8::from(!done.left_out.is_empty()))
        }
        Err(problems) => {
            report_failure(problems, "; nothing was added");
            ExitCode::from(1)
        }
    }
}

fn moderate(args: roundtable::cli::ModerateArgs, quiet: bool) -> ExitCode {
    use roundtable::cli::ModerateAction;
    use roundtable::moderate::{Action, ModerateOptions};
    let (action, ids) = match args.action {
        None => {
            return match roundtable::moderate::waiting(&args.root) {
                Ok(waiting) if waiting.is_empty() => {
                    println!("Nothing waits for approval.");
                    ExitCode::SUCCESS
                }
                Ok(waiting) => {
                    for w in &waiting {
                        println!("{}  /{}/  {}: {}  ({})", w.id, w.reading, w.author, w.start, w.span);
                    }
                    println!("Approve with `roundtable moderate approve ID...`, or take down with `remove ID...`.");
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    report_failure(problems, "");
                    ExitCode::from(1)
                }
            };
        }
        Some(ModerateAction::Approve(ids)) => (Action::Approve, ids),
        Some(ModerateAction::Remove(ids)) => (Action::Remove, ids),
    };
    let options = ModerateOptions { root: args.root, action, ids: ids.ids, reading: ids.reading };
    match roundtable::moderate::change(&options) {
        Ok(lines) => {
            if !quiet {
                lines.iter().for_each(|line| println!("{line}"));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            report_failure(problems, "; no file was changed");
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
    let reused = report.texts - report.cleaned;
    let cached = match reused {
        0 => String::new(),
        _ => format!(" ({reused} of {} texts from the build cache)", report.texts),
    };
    let scheduled = match report.scheduled.first() {
        Some(next) => format!(
            "; {} not published yet (next on {}, --future to include)",
            plural(report.scheduled.len(), "scheduled reading", "scheduled readings"),
            next.date_naive()
        ),
        None => String::new(),
    };
    match built {
        Some(options) if report.up_to_date => format!(
            "Nothing changed since the last build: {} is up to date ({seconds:.2} s{scheduled})",
            options.output.display()
        ),
        Some(options) => format!(
            "Built {what}: {} written to {} in {seconds:.2} s{cached}{scheduled}",
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
