//! Splits a Markdown file into its `---` front matter and its body.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Span};

/// A Markdown file cut in two, with the front matter's first line kept for errors.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The file's line on which `yaml` starts.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The file's line on which `body` starts.
    pub body_line: usize,
}

/// Finds the front matter of `text`: it opens on the first line and closes at the next `---` line.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let Some(first_end) = text.find('\n') else {
        return Err(missing(path));
    };
    if text[..first_end].trim_end() != "---" {
        return Err(missing(path));
    }
    let yaml_start = first_end + 1;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            let body_start = offset + line.len();
            let body_line = text[..body_start].matches('\n').count() + 1;
            return Ok(Split { yaml: &text[yaml_start..offset], yaml_line: 2, body: &text[body_start..], body_line });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(Span::new(path, 1, 1), "the front matter opened here never closes")
        .with_help("add a line with just `---` after the last front matter key"))
}

fn missing(path: &Path) -> Diagnostic {
    Diagnostic::error(Span::new(path, 1, 1), "this file has no front matter")
        .with_help("start the file with a `---` line, then `title:` and `date:`, then another `---` line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: A\n---\nBody\n";
        let split = split(Path::new("a.md"), text).unwrap();
        assert_eq!(split.yaml, "title: A\n");
        assert_eq!(split.yaml_line, 2);
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn accepts_crlf_and_an_empty_body() {
        let split = split(Path::new("a.md"), "---\r\ntitle: A\r\n---\r\n").unwrap();
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(split.body, "");
    }

    #[test]
    fn reports_an_unclosed_block_at_its_opening() {
        let err = split(Path::new("a.md"), "---\ntitle: A\nBody\n").unwrap_err();
        assert_eq!(
            err.to_string().lines().next().unwrap(),
            "a.md:1:1: error: the front matter opened here never closes"
        );
        assert!(split(Path::new("a.md"), "# Just Markdown\n").is_err());
    }
}
