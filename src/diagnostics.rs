//! Problems found in a site, each with the place it was found and how to fix it.
//!
//! Every stage collects `Diagnostic`s into a `Diagnostics` value and goes on
//! with the next file, so one run reports every problem at once. Stages return
//! the value; only the command decides the exit code.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a problem is: errors stop the build, warnings are only printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The build cannot go on until this is fixed.
    Error,
    /// The build goes on, but the result is probably not what was meant.
    Warning,
}

/// A place in a source file: a path relative to the site root, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file, relative to the site root; shared by every place in the same file (a thread file
    /// holds thousands, each read back from the parse cache).
    pub path: Arc<Path>,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
}

impl Span {
    /// A place in `path` at `line`, `column`.
    pub fn new(path: impl Into<PathBuf>, line: usize, column: usize) -> Span {
        Span { path: path.into().into(), line, column }
    }

    /// A place in `path` at `line`, `column`, sharing `path`'s allocation.
    pub fn at(path: &Arc<Path>, line: usize, column: usize) -> Span {
        Span { path: Arc::clone(path), line, column }
    }

    /// The whole of `path`, when no line applies.
    pub fn file(path: impl Into<PathBuf>) -> Span {
        Span::new(path, 0, 0)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        Ok(())
    }
}

/// One problem: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
    /// The mistake is in the command line (a flag's value, the site folder), not in the site: exit code 2.
    pub in_command: bool,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, span, message: message.into(), help: None, in_command: false }
    }

    /// An error in the command line: `argument` is the flag or argument it concerns (`--date`).
    pub fn command(argument: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { in_command: true, ..Diagnostic::error(Span::file(argument), message) }
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(span, message) }
    }

    /// The same diagnostic with a hint on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", one_line(&self.span.to_string()), one_line(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", one_line(help))?;
        }
        Ok(())
    }
}

/// `text` with control and text-direction characters written as escapes (`\n`, `\u{1b}`).
///
/// Messages quote what people typed: a newline would forge a second diagnostic line,
/// and an escape sequence or a right-to-left override would change what the terminal shows.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.contains(hidden) {
        return text.into();
    }
    text.chars().map(|c| if hidden(c) { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// Every problem a run found, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Records an error at `span`.
    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::error(span, message));
    }

    /// These problems and then those of `found`, as a new value.
    pub fn merged(&self, found: Diagnostics) -> Diagnostics {
        let mut all = self.clone();
        all.extend(found);
        all
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many problems are errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The exit code these problems call for: 2 when every error is a mistake in the command, else 1.
    pub fn exit_code(&self) -> u8 {
        let errors = || self.0.iter().filter(|d| d.severity == Severity::Error);
        if errors().next().is_some() && errors().all(|d| d.in_command) {
            2
        } else {
            1
        }
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, sorted by file, line and column so output is stable.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| (&a.span, a.severity, &a.message).cmp(&(&b.span, b.severity, &b.message)));
        self.0.dedup();
        self.0
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics(vec![diagnostic])
    }
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_prints_place_message_and_help() {
        let d = Diagnostic::error(Span::new("content/a.md", 3, 1), "unknown key `tittle`")
            .with_help("did you mean `title`?");
        assert_eq!(d.to_string(), "content/a.md:3:1: error: unknown key `tittle`\n  help: did you mean `title`?");
        assert_eq!(Diagnostic::warning(Span::file("site.yaml"), "x").to_string(), "site.yaml: warning: x");
    }

    #[test]
    fn typed_text_cannot_break_a_diagnostic_line() {
        let d = Diagnostic::error(Span::new("a\nb.md", 2, 1), "slug `x\ncontent/c.md:1:1: error: \u{1b}[2J\u{202e}`");
        assert_eq!(d.to_string(), "a\\nb.md:2:1: error: slug `x\\ncontent/c.md:1:1: error: \\u{1b}[2J\\u{202e}`");
    }

    #[test]
    fn sorted_orders_by_place_and_drops_repeats() {
        let mut all = Diagnostics::new();
        all.error(Span::new("b", 1, 1), "late");
        all.error(Span::new("a", 9, 1), "early");
        all.error(Span::new("a", 9, 1), "early");
        let sorted = all.sorted();
        assert_eq!(sorted.len(), 2);
        assert_eq!(sorted[0].message, "early");
    }
}
