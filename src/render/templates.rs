//! Tera, loaded with the theme's templates; template errors become diagnostics.

use std::collections::BTreeMap;

use tera::{ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Span};
use crate::load::Theme;

/// The compiled templates and the file each came from, for messages.
pub struct Templates {
    /// The engine.
    pub tera: Tera,
    origins: BTreeMap<String, String>,
}

impl Templates {
    /// Compiles every template of `theme`; the first syntax error is reported at its line.
    pub fn new(theme: &Theme) -> Result<Templates, Diagnostic> {
        let origins: BTreeMap<String, String> =
            theme.templates.iter().map(|(name, t)| (name.clone(), t.origin.clone())).collect();
        let mut templates = Templates { tera: Tera::new(), origins };
        let sources = theme.templates.iter().map(|(name, t)| (name.as_str(), t.text.as_str()));
        match templates.tera.add_raw_templates(sources) {
            Ok(()) => Ok(templates),
            Err(error) => Err(templates.problem(&error, None)),
        }
    }

    /// Turns a Tera error into a diagnostic at the template's file and line.
    pub fn problem(&self, error: &tera::Error, page: Option<&str>) -> Diagnostic {
        let during = page.map(|p| format!(" (while making {p})")).unwrap_or_default();
        let origin = |name: &str| self.origins.get(name).cloned().unwrap_or_else(|| format!("templates/{name}"));
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                Diagnostic::error(
                    Span::new(origin(report.filename()), span.start_line, span.start_col + 1),
                    format!("{}{during}", report.message()),
                )
                .with_help("fix the template, or delete your copy of it to use the built-in one")
            }
            other => Diagnostic::error(Span::file("templates"), format!("{other}{during}"))
                .with_help("check the names of the templates your templates extend and include"),
        }
    }
}
