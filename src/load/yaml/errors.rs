//! The YAML parser's and serde's messages, reworded for a facilitator who has never read the YAML
//! specification, at the place that is really at fault, with a `help:` line.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Span};

/// Turns a parser error into a diagnostic with the file's own line and column.
///
/// `text` is what was parsed (starting at `first_line`), to look at the character at fault.
pub(super) fn to_diagnostic(path: &Path, first_line: usize, text: &str, error: &serde_yaml::Error) -> Diagnostic {
    let raw = error.to_string();
    let (mut line, mut column) = error.location().map_or((1, 0), |loc| (loc.line(), loc.column()));
    let message = without_positions(&raw);
    let found = |line: usize, column: usize| {
        text.split('\n').nth(line.saturating_sub(1)).and_then(|l| l.chars().nth(column.saturating_sub(1)))
    };
    let (message, help) = match syntax(&message, found(line, column), context_position(&raw)) {
        Some(plain) => {
            if let Some((at_line, at_column)) = plain.at {
                (line, column) = (at_line, at_column);
            }
            (plain.message.to_string(), Some(plain.help.to_string()))
        }
        None => explain(&message),
    };
    let diagnostic = Diagnostic::error(Span::new(path, line + first_line - 1, column), message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// A YAML syntax error in plain words, and where it really is when that is not where the parser stopped.
struct Plain {
    message: &'static str,
    help: &'static str,
    at: Option<(usize, usize)>,
}

/// Rewords the YAML parser's syntax errors for people who have never read the YAML specification.
///
/// `found` is the character at the error; `context` is where the construct the parser was
/// reading began (its "while scanning ... at line N column M").
fn syntax(message: &str, found: Option<char>, context: Option<(usize, usize)>) -> Option<Plain> {
    let plain = |message, help| Some(Plain { message, help, at: None });
    if found == Some('\t') || message.contains("tab character") {
        return plain(
            "a tab character is used here, and YAML allows only spaces to indent",
            "replace the tab with spaces, lined up with the line above (most editors can show tabs)",
        );
    }
    if message.starts_with("mapping values are not allowed") {
        return plain(
            "a colon followed by a space here makes YAML read a second `key: value` on this line",
            "put the whole value in quotes (\"like: this\"), or, for a comment's text, write `body: |` and the text on the lines below it, indented",
        );
    }
    if message.starts_with("could not find expected ':'") {
        return Some(Plain {
            message: "this line is not indented like the lines above it, so YAML reads it as a new key, which needs a colon",
            help: "if it belongs to the text above, indent it by as many spaces as that text; if it is a key, add a `:` after it",
            at: context,
        });
    }
    if message.starts_with("found character that cannot start any token") {
        return plain(
            "a value cannot start with this character (` @ % | > are kept by YAML for itself)",
            "put the whole value in quotes, like \"@Claire said...\"",
        );
    }
    if message.starts_with("did not find expected key") {
        return plain(
            "this line is indented differently from the keys around it",
            "line each key up with the other keys of its entry, using spaces (two more than the `- ` above)",
        );
    }
    if message.starts_with("did not find expected '-' indicator") {
        return plain(
            "this line is indented differently from the list entries around it",
            "start each entry with `- ` at the beginning of the line, and indent its keys by two spaces",
        );
    }
    if message.contains("while scanning a quoted scalar") {
        return Some(Plain {
            message: "a quote opened here is never closed",
            help: "add the closing quote at the end of the value, or remove the opening one",
            at: context,
        });
    }
    if message.contains("unknown escape character") || message.contains("while parsing a quoted scalar") {
        return plain(
            "in double quotes, a backslash starts an escape such as \\n",
            "write \\\\ for a backslash, or use single quotes ('like this') around the value",
        );
    }
    if message.starts_with("did not find expected ',' or ']'")
        || message.starts_with("did not find expected ',' or '}'")
    {
        return Some(Plain {
            message: "a list in [brackets] or a mapping in {braces} that starts here is not closed, or two of its items have no comma between them",
            help: "put a comma between the items and close the bracket; quote an item that holds a comma, a bracket or a colon",
            at: context,
        });
    }
    if message.contains("found unexpected end of stream") {
        return plain(
            "the file ends in the middle of a value",
            "close the quote or bracket that is still open, or remove it",
        );
    }
    if message.contains("found undefined tag handle") || message.contains("did not find expected tag URI") {
        return plain("`!` at the start of a value is kept by YAML for itself", "put the whole value in quotes");
    }
    if message.starts_with("block sequence entries are not allowed") {
        return plain(
            "a `- ` list entry cannot follow a key's value on the same line",
            "put each `- ` entry on a line of its own, indented under its key",
        );
    }
    None
}

/// Where the construct being read began: the `at line N column M` after the parser's ", while ...".
fn context_position(raw: &str) -> Option<(usize, usize)> {
    let context = &raw[raw.find(", while ")?..];
    let at = &context[context.find(" at line ")? + " at line ".len()..];
    let (line, rest) = at.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Removes the ` at line N column M` that the parser writes into its messages.
pub(super) fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line_end = digits(after);
        match after[line_end..].strip_prefix(" column ") {
            Some(col) if line_end > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Keys of other site generators (Jekyll, Hugo, Zola, WordPress exports): roundtable's name for
/// each, or `""` and the reason it has none.
fn elsewhere(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "excerpt" | "description" | "abstract" => ("summary", ""),
        "categories" | "category" | "keywords" | "taxonomies" => ("tags", ""),
        "permalink" | "url" | "path" => ("slug", ""),
        "authors" | "creator" => ("author", ""),
        "published" => {
            ("", "write `draft: true` instead of `published: false`, and nothing instead of `published: true`")
        }
        "layout" | "template" => ("", "each kind of page has its own template in roundtable: remove this line"),
        "image" | "cover" | "header" | "thumbnail" | "featured_image" => {
            ("", "a reading has no cover picture (put one in its text instead): remove this line")
        }
        "comments_enabled" | "allow_comments" => ("comments", ""),
        "lastmod" | "updated" | "modified" | "last_modified_at" | "toc" | "weight" | "aliases" | "redirect_from" => {
            ("", "roundtable has no such setting: remove this line")
        }
        _ => return None,
    })
}

/// Rewords serde's messages for people who do not read Rust, and suggests a fix.
pub(super) fn explain(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let name = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let suggestion = match elsewhere(name).filter(|(ours, _)| ours.is_empty() || expected.contains(ours)) {
            Some(("", why)) => format!("{why}; "),
            Some((ours, _)) => format!("roundtable calls this `{ours}`: rename the key; "),
            None => expected
                .iter()
                .map(|e| (strsim::levenshtein(name, e), *e))
                .filter(|(distance, _)| *distance <= 2)
                .min()
                .map(|(_, e)| format!("did you mean `{e}`? "))
                .unwrap_or_default(),
        };
        let prefix = message.split("unknown field").next().unwrap_or_default();
        return (
            format!("{prefix}unknown key `{name}`"),
            Some(format!("{suggestion}the keys allowed here are: {}", expected.join(", "))),
        );
    }
    if message.contains("control characters are not allowed") {
        return (message.to_string(), Some("remove the invisible character at this place".into()));
    }
    if ["anchor", "alias", "recursion limit", "repetition limit"].iter().any(|m| message.contains(m)) {
        let help = "write the value out in full instead of using YAML anchors (&name) and aliases (*name)";
        return (message.to_string(), Some(help.into()));
    }
    if let Some((_, expected)) =
        message.split_once("unknown variant").and_then(|(_, rest)| rest.split_once("expected "))
    {
        return (message.to_string(), Some(format!("write {}", expected.replace("one of", "one of:"))));
    }
    if message.starts_with("invalid type") || message.contains(": invalid type") {
        return (message.to_string(), Some("check the value's form: text, a number, or a list in [brackets]".into()));
    }
    (message.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(without_positions("found a tab at line 3 column 1, while scanning"), "found a tab, while scanning");
        assert_eq!(without_positions("at line x"), "at line x");
    }
}
