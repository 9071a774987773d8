//! Tera, loaded with the theme's templates; template errors become diagnostics.

use std::collections::BTreeMap;

use tera::{ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::Theme;

/// The compiled templates and the file each came from, for messages.
pub struct Templates {
    /// The engine.
    pub tera: Tera,
    origins: BTreeMap<String, String>,
}

impl Templates {
    /// Compiles every template of `theme`, reporting problems at their file and line.
    pub fn new(theme: &Theme) -> Result<Templates, Diagnostics> {
        let origins: BTreeMap<String, String> =
            theme.templates.iter().map(|(name, t)| (name.clone(), t.origin.clone())).collect();
        let mut templates = Templates { tera: Tera::new(), origins };
        crate::language::register(&mut templates.tera, theme.language.clone());
        let sources = theme.templates.iter().map(|(name, t)| (name.as_str(), t.text.as_str()));
        match templates.tera.add_raw_templates(sources) {
            Ok(()) => Ok(templates),
            Err(error) => Err(templates.problems(&error)),
        }
    }

    /// Every problem of a failed compilation: Tera joins several reports into one message.
    fn problems(&self, error: &tera::Error) -> Diagnostics {
        let mut all = Diagnostics::new();
        if let ErrorKind::Msg(text) = error.kind() {
            for (message, name, line, column) in parse_reports(text) {
                all.push(Diagnostic::error(Span::new(self.origin(&name), line, column), message).with_help(HELP));
            }
        }
        if all.is_empty() {
            all.push(self.problem(error, None));
        }
        all
    }

    fn origin(&self, name: &str) -> String {
        self.origins.get(name).cloned().unwrap_or_else(|| format!("templates/{name}"))
    }

    /// Turns a Tera error into a diagnostic at the template's file and line.
    pub fn problem(&self, error: &tera::Error, page: Option<&str>) -> Diagnostic {
        let during = page.map(|p| format!(" (while making {p})")).unwrap_or_default();
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                Diagnostic::error(
                    Span::new(self.origin(report.filename()), span.start_line, span.start_col + 1),
                    format!("{}{during}", report.message()),
                )
                .with_help(HELP)
            }
            other => Diagnostic::error(Span::file("templates"), format!("{other}{during}"))
                .with_help("check the names of the templates your templates extend and include"),
        }
    }
}

const HELP: &str = "fix the template, or delete your copy of it to use the built-in one";

/// Reads Tera's text reports: `error: message` followed by ` --> name:line:column`.
fn parse_reports(text: &str) -> Vec<(String, String, usize, usize)> {
    let mut found = Vec::new();
    let mut message = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m.to_string());
        } else if let (Some(place), Some(m)) = (line.trim_start().strip_prefix("--> "), &message) {
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse().ok());
            let row = parts.next().and_then(|l| l.parse().ok());
            if let (Some(column), Some(row), Some(name)) = (column, row, parts.next()) {
                found.push((m.clone(), name.to_string(), row, column));
                message = None;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_report_of_a_joined_message() {
        let text = "error: Unknown filter `a`\n --> tag.html:1:15\n  |\n1 | x\nerror: Unknown component `b`\n --> base.html:3:2\n";
        assert_eq!(
            parse_reports(text),
            [
                ("Unknown filter `a`".to_string(), "tag.html".to_string(), 1, 15),
                ("Unknown component `b`".to_string(), "base.html".to_string(), 3, 2)
            ]
        );
    }
}
