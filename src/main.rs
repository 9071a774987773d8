//! The `roundtable` command: parses arguments, calls the library's function for the command,
//! prints what happened and maps the result to an exit code (0 done, 1 content errors, 2 a mistake
//! in the command).

mod cli;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use cli::{Cli, Command, NewCommand, ReportArgs, ReportFormat};
use roundtable::diagnostics::Diagnostic;
use roundtable::report::{Destination, Format};
use roundtable::terminal::Terminal;
use roundtable::{BuildOptions, BuildReport, Problems};

/// Builds allocate millions of small strings from many threads; mimalloc does that about twice as fast as the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How much to say, from `-q` and `-v`.
#[derive(Debug, Clone, Copy)]
struct Say {
    quiet: bool,
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let say = Say { quiet: cli.quiet, verbose: cli.verbose };
    match cli.command {
        Command::Build(args) => {
            let root = args.site.root;
            let options = BuildOptions {
                output: root.join(&args.output),
                base_url: args.base_url,
                drafts: args.site.drafts,
                cache: !args.no_cache,
                future: args.site.future,
                pending: false,
                progress: progress(&root, say),
                root,
            };
            site_command(&options, true, say)
        }
        Command::Check(args) => {
            let root = args.root;
            let options = BuildOptions {
                output: root.join("public"),
                base_url: None,
                drafts: args.drafts,
                cache: true,
                future: args.future,
                pending: false,
                progress: progress(&root, say),
                root,
            };
            site_command(&options, false, say)
        }
        Command::Serve(args) => serve(args, say),
        Command::Report(args) => report(args, say),
        Command::Init(args) => {
            let options = roundtable::InitOptions { dir: args.dir, with_theme: args.with_theme, force: args.force };
            finish(Path::new(&options.dir), roundtable::init(&options), say)
        }
        Command::New(NewCommand::Reading(args)) => {
            let options = roundtable::NewReadingOptions {
                title: args.title,
                root: args.root,
                section: args.section,
                week: args.week,
                tags: args.tags,
                date: args.date,
            };
            finish(&options.root, roundtable::new_reading(&options), say)
        }
        Command::Reply(args) => {
            let options = roundtable::ReplyOptions {
                reading: args.reading,
                root: args.root,
                to: args.to,
                author: args.author,
                file: args.file,
            };
            finish(&options.root, roundtable::reply(&options), say)
        }
        Command::Ingest(args) => ingest(args, say),
        Command::Moderate(args) => moderate(args, say),
        Command::Digest(args) => digest(args, say),
        Command::Clean(args) => clean(args, say),
        Command::Import(args) => {
            let options = roundtable::ImportOptions {
                format: args.format,
                source: args.source,
                into: args.into,
                section: args.section,
                dry_run: args.dry_run,
                infer_replies: args.infer_replies,
            };
            finish(&options.into, roundtable::import(&options), say)
        }
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "roundtable", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// `build` and `check`.
fn site_command(options: &BuildOptions, building: bool, say: Say) -> ExitCode {
    let terminal = Terminal::new(&options.root);
    if let Err(problems) = roundtable::require_site(&options.root) {
        return failed(&terminal, problems, "");
    }
    // Said only when there is a previous output to keep.
    let kept = building && options.output.is_dir();
    let result = if building { roundtable::build(options) } else { roundtable::check(options) };
    match result {
        Ok(report) => {
            terminal.print(&report.warnings);
            if !say.quiet {
                println!("{}", summary(&report, building.then_some(options)));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            let after = if kept { "; the previous output was left as it was" } else { "; nothing was written" };
            failed(&terminal, problems, if building { after } else { "" })
        }
    }
}

/// The progress line and `-v`'s account of stages, as the command line asks.
fn progress(root: &Path, say: Say) -> roundtable::progress::Progress {
    match say.quiet {
        true => roundtable::progress::Progress::default(),
        false => Terminal::new(root).progress(say.verbose),
    }
}

fn serve(args: cli::ServeArgs, say: Say) -> ExitCode {
    let terminal = Terminal::new(&args.site.root);
    if let Err(problems) = roundtable::require_site(&args.site.root) {
        return failed(&terminal, problems, "");
    }
    let options = roundtable::ServeOptions {
        root: args.site.root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        drafts: args.site.drafts,
        future: args.site.future,
        quiet: say.quiet,
        progress: if say.verbose { terminal.progress(true) } else { Default::default() },
    };
    match roundtable::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => failed(&terminal, problem.into(), ""),
    }
}

fn report(args: ReportArgs, say: Say) -> ExitCode {
    let root = args.site.root;
    let terminal = Terminal::new(&root);
    if let Err(problems) = roundtable::require_site(&root) {
        return failed(&terminal, problems, "");
    }
    let destination = if args.publish {
        Destination::Publish(root.join(args.output))
    } else {
        Destination::Folder(root.join(args.out))
    };
    let format = match args.format {
        ReportFormat::Html => Format::Html,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
    };
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            eprintln!("error: --from {from} is after --to {to}\n  help: give the earlier day to --from");
            return ExitCode::from(2);
        }
    }
    let window = roundtable::report::Window { from: args.from, to: args.to, ..roundtable::report::Window::all() };
    let options = roundtable::ReportOptions {
        root,
        drafts: args.site.drafts,
        future: args.site.future,
        format,
        destination,
        window,
    };
    match roundtable::report(&options) {
        Ok(made) => {
            terminal.print(&made.warnings);
            if !say.quiet {
                let p = &made.participation;
                let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
                println!(
                    "Wrote the participation report of {} and {} to {}",
                    count(p.members.len(), "member"),
                    count(p.facilitators.len(), "facilitator"),
                    made.path.display()
                );
                if let Some(address) = &made.address {
                    println!("Anyone with its address can read it: {address}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(problems) => failed(&terminal, problems, "; no report was written"),
    }
}

fn digest(args: cli::DigestArgs, say: Say) -> ExitCode {
    let terminal = Terminal::new(&args.root);
    if let Err(problems) = roundtable::require_site(&args.root) {
        return failed(&terminal, problems, "");
    }
    let out = args.out.map(|out| args.root.join(out));
    let options = roundtable::digest::DigestOptions { root: args.root, week: args.week, out, send: args.send };
    match roundtable::digest::run(&options) {
        Ok(made) => {
            terminal.print(&made.warnings);
            if !say.quiet {
                let n = made.digests.len();
                println!("Wrote {n} digest{} to {}", if n == 1 { "" } else { "s" }, made.folder.display());
                if let Some((sent, before)) = &made.sent {
                    println!("Sent {} now ({before} had been sent before)", sent.len());
                }
            }
            ExitCode::SUCCESS
        }
        Err(problems) => failed(&terminal, problems, ""),
    }
}

fn clean(args: cli::CleanArgs, say: Say) -> ExitCode {
    let terminal = Terminal::new(&args.root);
    if let Err(problems) = roundtable::require_site(&args.root) {
        return failed(&terminal, problems, "");
    }
    let options = roundtable::CleanOptions { root: args.root, output: args.output };
    match roundtable::clean(&options) {
        Ok(removed) => {
            if !say.quiet {
                let shown: Vec<String> = removed.iter().map(|p| format!("{}/", p.display())).collect();
                match shown.as_slice() {
                    [] => println!("Nothing to remove: no built site and no .roundtable/ folder"),
                    _ => println!("Removed {}", shown.join(" and ")),
                }
            }
            ExitCode::SUCCESS
        }
        Err(problems) => failed(&terminal, problems, "; nothing was removed"),
    }
}

fn ingest(args: cli::IngestArgs, say: Say) -> ExitCode {
    let terminal = Terminal::new(&args.root);
    if let Err(problems) = roundtable::require_site(&args.root) {
        return failed(&terminal, problems, "");
    }
    let options = roundtable::IngestOptions { root: args.root, paths: args.paths, reading: args.reading, to: args.to };
    match roundtable::ingest(&options) {
        Ok(done) => {
            terminal.print(&done.notes);
            terminal.print(&done.left_out);
            if !say.quiet || !done.left_out.is_empty() {
                println!("{}", done.summary());
            }
            ExitCode::from(u8::from(!done.left_out.is_empty()))
        }
        Err(problems) => failed(&terminal, problems, "; nothing was added"),
    }
}

fn moderate(args: cli::ModerateArgs, say: Say) -> ExitCode {
    use cli::ModerateAction as Chosen;
    use roundtable::{ModerateAction, ModerateOptions};
    let terminal = Terminal::new(&args.root);
    if let Err(problems) = roundtable::require_site(&args.root) {
        return failed(&terminal, problems, "");
    }
    let (action, ids) = match args.action {
        None => {
            return match roundtable::waiting(&args.root) {
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
                Err(problems) => failed(&terminal, problems, ""),
            };
        }
        Some(Chosen::Approve(ids)) => (ModerateAction::Approve, ids),
        Some(Chosen::Remove(ids)) => (ModerateAction::Remove, ids),
    };
    let options = ModerateOptions { root: args.root, action, ids: ids.ids, reading: ids.reading };
    match roundtable::moderate(&options) {
        Ok(lines) => {
            if !say.quiet {
                lines.iter().for_each(|line| println!("{line}"));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => failed(&terminal, problems, "; no file was changed"),
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
    let indexing = match report.indexing.as_secs_f64() {
        0.0 => String::new(),
        seconds => format!(" (search index {seconds:.2} s)"),
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
            "Built {what}: {} written to {} in {seconds:.2} s{indexing}{cached}{scheduled}",
            plural(report.pages + report.files, "file", "files"),
            options.output.display()
        ),
        None => format!(
            "Checked {what}: {} would be written, no problems found ({seconds:.2} s){scheduled}",
            plural(report.pages + report.files, "file", "files")
        ),
    }
}

/// Prints what `init`, `new`, `reply` or `import` did, or why it wrote nothing.
fn finish(root: &Path, result: Result<roundtable::scaffold::Done, Problems>, say: Say) -> ExitCode {
    let terminal = Terminal::new(root);
    match result {
        Ok(done) => {
            terminal.print(&done.notes);
            if !say.quiet {
                println!("{}", done.summary);
            }
            ExitCode::SUCCESS
        }
        Err(problems) => failed(&terminal, problems, "; nothing was written"),
    }
}

/// Prints every problem and the count, and returns the exit code they call for.
fn failed(terminal: &Terminal, problems: Problems, after: &str) -> ExitCode {
    let code = problems.exit_code();
    let errors = problems.error_count();
    let sorted: Vec<Diagnostic> = problems.sorted();
    terminal.print(&sorted);
    let count = if errors == 1 { "1 error".to_string() } else { format!("{errors} errors") };
    let _ = writeln!(std::io::stderr().lock(), "roundtable: {count} found{after}");
    ExitCode::from(code)
}
