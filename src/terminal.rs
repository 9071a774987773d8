//! How problems and progress look on a terminal: the line at fault with a caret under the column
//! (drawn by annotate-snippets), many identical problems as one, colour and a progress line only
//! when standard error is a terminal.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostics::{one_line, Diagnostic, Severity};
use crate::progress::{Progress, Step};

/// More places than this with the very same problem are shown as one, with a count of the others.
const GROUP_AFTER: usize = 3;

/// Prints problems of the site in `root`, reading each file once to show its lines.
pub struct Terminal {
    root: PathBuf,
    colour: bool,
    live: bool,
    sources: RefCell<HashMap<Arc<Path>, Option<String>>>,
}

impl Terminal {
    /// Problems of the site in `root`, coloured when standard error is a terminal (and `NO_COLOR` is unset).
    pub fn new(root: &Path) -> Terminal {
        let live = std::io::stderr().is_terminal();
        let colour = live
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Terminal { live, ..Terminal::with_colour(root, colour) }
    }

    /// Problems of the site in `root`, in colour or not, as if standard error were not a terminal.
    pub fn with_colour(root: &Path, colour: bool) -> Terminal {
        Terminal { root: root.to_path_buf(), colour, live: false, sources: RefCell::default() }
    }

    /// Prints `problems` to standard error, in their order.
    pub fn print(&self, problems: &[Diagnostic]) {
        if problems.is_empty() {
            return;
        }
        // A progress line a failed stage left is cleared first.
        let clear = if self.live { "\r\u{1b}[2K" } else { "" };
        let _ = std::io::stderr().lock().write_all(format!("{clear}{}", self.show(problems)).as_bytes());
    }

    /// `problems` as printed: each with its line, a caret and its help; repeats grouped.
    pub fn show(&self, problems: &[Diagnostic]) -> String {
        let mut out = String::new();
        for (first, others) in grouped(problems) {
            out.push_str(&self.one(first));
            if !others.is_empty() {
                out.push_str(&format!("  {}\n", more(first, &others)));
            }
        }
        out
    }

    /// One problem: `path:line:col: error: message`, the line with a caret, then `help:`.
    fn one(&self, problem: &Diagnostic) -> String {
        let (kind, level) = match problem.severity {
            Severity::Error => ("error", Level::ERROR),
            Severity::Warning => ("warning", Level::WARNING),
        };
        let kind = self.paint(kind, if problem.severity == Severity::Error { "1;31" } else { "1;33" });
        let mut out = format!("{}: {kind}: {}\n", one_line(&problem.span.to_string()), one_line(&problem.message));
        if let Some(snippet) = self.snippet(problem, level) {
            out.push_str(&snippet);
            out.push('\n');
        }
        if let Some(help) = &problem.help {
            out.push_str(&format!("  {}: {}\n", self.paint("help", "1;36"), one_line(help)));
        }
        out
    }

    /// The problem's line with a caret under its column, when it names a line of a readable file.
    fn snippet(&self, problem: &Diagnostic, level: Level<'_>) -> Option<String> {
        let span = &problem.span;
        if span.line == 0 {
            return None;
        }
        let mut sources = self.sources.borrow_mut();
        let source = sources.entry(Arc::clone(&span.path)).or_insert_with(|| {
            std::fs::read(self.root.join(&span.path)).ok().map(|b| String::from_utf8_lossy(&b).into())
        });
        let line = source.as_deref()?.split('\n').nth(span.line - 1)?;
        let (text, at) = shown_line(line.trim_end_matches('\r'), span.column);
        let renderer = if self.colour { Renderer::styled() } else { Renderer::plain() };
        let report = [Group::with_level(level)
            .element(Snippet::source(&text).line_start(span.line).annotation(AnnotationKind::Primary.span(at)))];
        Some(renderer.render(&report))
    }

    fn paint(&self, text: &str, style: &str) -> String {
        match self.colour {
            true => format!("\u{1b}[{style}m{text}\u{1b}[0m"),
            false => text.to_string(),
        }
    }

    /// A listener for a build: with `verbose`, each stage and its time; on a terminal, a progress line.
    pub fn progress(&self, verbose: bool) -> Progress {
        let live = std::io::stderr().is_terminal();
        if !verbose && !live {
            return Progress::default();
        }
        let line = Mutex::new(Line { started: Instant::now(), drawn: None, stage: "" });
        Progress::new(move |step| {
            let mut line = line.lock().unwrap_or_else(|e| e.into_inner());
            let mut err = std::io::stderr().lock();
            match step {
                Step::Begin(stage) => line.begin(&mut err, stage, live),
                Step::Done { stage, did, took } if verbose => {
                    line.clear(&mut err);
                    let _ = writeln!(err, "{stage:>14}: {did} ({:.0} ms)", took.as_secs_f64() * 1000.0);
                }
                Step::Done { .. } => line.clear(&mut err),
                Step::Count { what, done, total } if live => line.draw(&mut err, what, done, total),
                Step::Count { .. } => {}
            }
        })
    }
}

/// The progress line drawn last, so that it is redrawn at most ten times a second and cleared before other output.
struct Line {
    started: Instant,
    drawn: Option<Instant>,
    stage: &'static str,
}

impl Line {
    /// Notes that `stage` begins; once the build has run for half a second, shows it (`Render ...`).
    fn begin(&mut self, err: &mut impl Write, stage: &'static str, live: bool) {
        self.stage = stage;
        if live && self.started.elapsed() >= Duration::from_millis(500) {
            let _ = write!(err, "\r\u{1b}[2K{:>12} ...", capitalised(stage));
            let _ = err.flush();
            self.drawn = Some(Instant::now());
        }
    }

    /// Draws `[=====>    ] 512/3081 pages rendered`, once the build has run for half a second.
    fn draw(&mut self, err: &mut impl Write, what: &str, done: usize, total: usize) {
        let now = Instant::now();
        let due = self.drawn.is_none_or(|at| now - at >= Duration::from_millis(100));
        if now - self.started < Duration::from_millis(500) || !due && done < total {
            return;
        }
        self.drawn = Some(now);
        const WIDTH: usize = 30;
        let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
        let bar = format!("{}>{}", "=".repeat(filled), " ".repeat(WIDTH - filled));
        let _ = write!(err, "\r\u{1b}[2K{:>12} [{bar}] {done}/{total} {what}", capitalised(self.stage));
        if done == total {
            self.clear(err);
        }
        let _ = err.flush();
    }

    fn clear(&mut self, err: &mut impl Write) {
        if self.drawn.take().is_some() {
            let _ = write!(err, "\r\u{1b}[2K");
        }
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `line` as it can be shown (control characters escaped, tabs kept) and the bytes under the caret:
/// the word starting at `column` (a key without its colon), or the whole line when no column is known.
fn shown_line(line: &str, column: usize) -> (String, std::ops::Range<usize>) {
    let mut text = String::with_capacity(line.len());
    let mut at: Option<std::ops::Range<usize>> = None;
    let mut word = true;
    for (index, c) in line.chars().enumerate() {
        let start = text.len();
        match c {
            '\t' => text.push(c),
            c => text.push_str(&one_line(c.encode_utf8(&mut [0; 4]))),
        }
        if index + 1 == column {
            word = !c.is_whitespace() && c != ':';
        }
        let in_word = word && !c.is_whitespace() && c != ':' && at.as_ref().is_some_and(|at| at.end == start);
        if index + 1 == column || in_word && index >= column {
            at = Some(at.map_or(start, |at| at.start)..text.len());
        }
    }
    let at = match (at, column) {
        (Some(at), _) => at,
        // A column past the end (a missing value): the caret goes just after the text.
        (None, 1..) => text.len()..text.len(),
        // No column: the whole line, from its first non-blank character.
        (None, 0) => text.len() - text.trim_start().len()..text.len(),
    };
    (text, at)
}

/// The problems with more than [`GROUP_AFTER`] identical copies folded into their first one.
fn grouped(problems: &[Diagnostic]) -> Vec<(&Diagnostic, Vec<&Diagnostic>)> {
    let key = |d: &Diagnostic| (d.severity, d.message.clone(), d.help.clone());
    let mut count: HashMap<_, usize> = HashMap::new();
    for problem in problems {
        *count.entry(key(problem)).or_default() += 1;
    }
    let mut firsts: HashMap<_, usize> = HashMap::new();
    let mut out: Vec<(&Diagnostic, Vec<&Diagnostic>)> = Vec::new();
    for problem in problems {
        let k = key(problem);
        if count[&k] <= GROUP_AFTER {
            out.push((problem, Vec::new()));
        } else if let Some(&at) = firsts.get(&k) {
            out[at].1.push(problem);
        } else {
            firsts.insert(k, out.len());
            out.push((problem, Vec::new()));
        }
    }
    out
}

/// `and 1,004 more files with the same problem: b.md, c.md, d.md, ...`
fn more(first: &Diagnostic, others: &[&Diagnostic]) -> String {
    let mut files: Vec<&Path> = others.iter().map(|d| &*d.span.path).collect();
    files.dedup();
    files.retain(|f| *f != &*first.span.path);
    let places = others.len() - files.len();
    let mut parts = Vec::new();
    if !files.is_empty() {
        let named: Vec<String> =
            files.iter().take(3).map(|f| one_line(&f.display().to_string()).into_owned()).collect();
        let rest = if files.len() > 3 { ", ..." } else { "" };
        let noun = if files.len() == 1 { "file" } else { "files" };
        parts.push(format!("{} more {noun} ({}{rest})", thousands(files.len()), named.join(", ")));
    }
    if places > 0 {
        parts.push(format!(
            "{} more {} in {}",
            thousands(places),
            if places == 1 { "place" } else { "places" },
            "the same files"
        ));
    }
    format!("and {} with the same problem", parts.join(" and "))
}

/// `1004` as `1,004`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Span;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for (path, text) in files {
            std::fs::write(root.path().join(path), text).unwrap();
        }
        root
    }

    #[test]
    fn a_problem_shows_its_line_with_a_caret_under_the_column() {
        let root = site(&[("a.yaml", "- id: c1\n  autor: Ana\n")]);
        let problem =
            Diagnostic::error(Span::new("a.yaml", 2, 3), "unknown key `autor`").with_help("did you mean `author`?");
        let shown = Terminal::with_colour(root.path(), false).show(&[problem]);
        assert_eq!(
            shown,
            "a.yaml:2:3: error: unknown key `autor`\n  |\n2 |   autor: Ana\n  |   ^^^^^\n  help: did you mean `author`?\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let root = site(&[("a.yaml", "x\n")]);
        let problem = Diagnostic::warning(Span::new("a.yaml", 1, 1), "w");
        assert!(Terminal::with_colour(root.path(), true).show(std::slice::from_ref(&problem)).contains('\u{1b}'));
        assert!(!Terminal::with_colour(root.path(), false).show(&[problem]).contains('\u{1b}'));
    }

    #[test]
    fn typed_control_characters_are_escaped_in_the_shown_line() {
        let (text, at) = shown_line("a\u{1b}[2Jb: c", 5);
        assert_eq!(text, "a\\u{1b}[2Jb: c");
        assert_eq!(&text[at], "Jb");
        let (text, at) = shown_line("  autor: Ana", 3);
        assert_eq!(&text[at], "autor");
        let (text, at) = shown_line("\ttimezone: UTC", 1);
        assert_eq!(&text[at], "\t");
        assert_eq!(shown_line("  x", 0).1, 2..3);
        assert_eq!(shown_line("x:", 9).1, 2..2);
    }

    #[test]
    fn the_progress_line_shows_on_long_builds_only_redraws_sparingly_and_clears_itself() {
        let mut out = Vec::new();
        let short = Instant::now();
        Line { started: short - Duration::from_secs(1), drawn: None, stage: "" }.begin(&mut out, "load", true);
        assert_eq!(String::from_utf8(out.split_off(0)).unwrap(), "\r\u{1b}[2K        Load ...");
        Line { started: short, drawn: None, stage: "render" }.draw(&mut out, "pages rendered", 1, 4);
        assert!(out.is_empty(), "a build shorter than half a second shows no progress line");
        let mut line = Line { started: short - Duration::from_secs(1), drawn: None, stage: "render" };
        line.draw(&mut out, "pages rendered", 1, 4);
        let first = String::from_utf8(out.clone()).unwrap();
        assert_eq!(first, format!("\r\u{1b}[2K      Render [{}>{}] 1/4 pages rendered", "=".repeat(7), " ".repeat(23)));
        line.draw(&mut out, "pages rendered", 2, 4);
        assert_eq!(out.len(), first.len(), "not redrawn within a tenth of a second");
        line.draw(&mut out, "pages rendered", 4, 4);
        assert!(
            String::from_utf8(out).unwrap().ends_with("4/4 pages rendered\r\u{1b}[2K"),
            "the last is drawn, then cleared"
        );
    }

    #[test]
    fn many_identical_problems_are_shown_once_with_a_count() {
        let problems: Vec<Diagnostic> = (0..1005)
            .map(|i| Diagnostic::error(Span::file(format!("p{i:04}.md")), "unknown key `excerpt`"))
            .chain([Diagnostic::error(Span::file("z.md"), "other")])
            .collect();
        let shown = Terminal::with_colour(Path::new("."), false).show(&problems);
        assert_eq!(
            shown,
            "p0000.md: error: unknown key `excerpt`\n  and 1,004 more files (p0001.md, p0002.md, p0003.md, ...) with the same problem\nz.md: error: other\n"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
