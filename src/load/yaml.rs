//! The only file that calls the YAML parser: typed values with file positions.
//!
//! yaml_serde reports where a syntax or type error is, but keeps no positions
//! for values that parsed. So a list of comments (or a map of people) is cut
//! into its top-level entries, and each entry is parsed on its own with its
//! first line remembered: every entry gets a line for later errors, and a bad
//! entry does not hide the problems of the next one.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Span};

/// One top-level entry of a list or map file, parsed, with where it starts.
pub struct Entry<T> {
    /// The entry's first line.
    pub span: Span,
    /// The positions of the entry's own keys.
    pub keys: KeySpans,
    /// The parsed value, or every reason it could not be parsed.
    pub value: Result<T, Vec<Diagnostic>>,
}

/// Where each key of one mapping stands, so a later error can point at it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct KeySpans {
    start: Option<Span>,
    keys: Vec<(String, Span)>,
}

impl KeySpans {
    /// The span of `key`, or of the mapping's first line when the key is absent.
    pub fn of(&self, key: &str) -> Span {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, span)| span.clone())
            .or_else(|| self.start.clone())
            .unwrap_or_else(|| Span::file(""))
    }
}

/// Parses all of `text` (which starts at `first_line` of `path`) as one `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str, first_line: usize) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(path, first_line, &e))
}

/// Parses a mapping, reporting every bad key at once, and returns where its keys stand.
///
/// Serde stops at the first bad key. So each time a key fails, its lines are
/// blanked (line numbers stay) and the rest is parsed again: every bad key is
/// reported, and the value is returned without them, for further checks.
pub fn parse_mapping<T: DeserializeOwned>(path: &Path, text: &str, first_line: usize) -> Parsed<T> {
    let keys = key_spans(path, text, first_line);
    let mut problems = Vec::new();
    let mut text = text.to_string();
    loop {
        match serde_yaml::from_str::<T>(&text) {
            Ok(value) => return Parsed { value: Some(value), problems, keys },
            Err(error) => {
                let problem = to_diagnostic(path, first_line, &error);
                let blanked =
                    error.location().and_then(|at| blank_key_at(&text, &keys, at.line() + first_line - 1, first_line));
                problems.push(problem);
                match blanked {
                    Some(shorter) => text = shorter,
                    None => return Parsed { value: None, problems, keys },
                }
            }
        }
    }
}

/// A mapping parsed as far as it could be.
pub struct Parsed<T> {
    /// The value, when the text parsed once bad keys were left out.
    pub value: Option<T>,
    /// Every problem found, in order.
    pub problems: Vec<Diagnostic>,
    /// Where each key stands.
    pub keys: KeySpans,
}

/// `text` with the lines of the key whose block holds file line `line` made blank.
fn blank_key_at(text: &str, keys: &KeySpans, line: usize, first_line: usize) -> Option<String> {
    let starts: Vec<usize> = keys.keys.iter().map(|(_, span)| span.line).collect();
    let position = starts.iter().rposition(|&start| start <= line)?;
    let from = starts[position] - first_line;
    let to = starts.get(position + 1).map_or(usize::MAX, |&next| next - first_line);
    let mut out = String::with_capacity(text.len());
    for (index, piece) in text.split_inclusive('\n').enumerate() {
        if (from..to).contains(&index) {
            // An entry's `- ` must stay, or its other keys would change meaning.
            if piece.starts_with("- ") {
                out.push('-');
            }
            if piece.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(piece);
        }
    }
    (out != text).then_some(out)
}

/// True when `text` holds no YAML content at all (only blank lines, comments or `---`).
pub fn is_empty(text: &str) -> bool {
    text.lines().all(is_trivia)
}

/// Parses a file whose top level is a list: each `- ` entry on its own.
pub fn parse_list<T: DeserializeOwned>(path: &Path, text: &str) -> Result<Vec<Entry<T>>, Diagnostic> {
    split_entries(path, text, |line| {
        line.starts_with('-') && !line.starts_with("---") && line[1..].starts_with([' ', '\t', '\r']) || line == "-"
    })
    .map(|entries| {
        entries
            .into_iter()
            .map(|(span, slice)| {
                let parsed = parse_mapping::<Vec<T>>(path, slice, span.line);
                let keys = parsed.keys;
                let mut problems = parsed.problems;
                let value = match parsed.value {
                    Some(mut one) if one.len() == 1 && problems.is_empty() => Ok(one.remove(0)),
                    Some(_) if problems.is_empty() => {
                        Err(vec![Diagnostic::error(span.clone(), "this list entry is not one mapping")
                            .with_help("start each entry with `- ` and indent its keys under it")])
                    }
                    _ => {
                        problems.iter_mut().for_each(|p| {
                            p.message = p.message.trim_start_matches(".[0].").trim_start_matches(".[0]: ").to_string()
                        });
                        Err(problems)
                    }
                };
                Entry { span, keys, value }
            })
            .collect()
    })
    .map_err(|()| {
        Diagnostic::error(Span::new(path, 1, 1), "this file should be a list, one entry per `- ` line")
            .with_help("write each entry as `- id: c1` with its other keys indented below it")
    })
}

/// Parses a file whose top level is a map of `key:` entries, each on its own.
pub fn parse_map<T: DeserializeOwned>(path: &Path, text: &str) -> Result<Vec<Entry<(String, T)>>, Diagnostic> {
    split_entries(path, text, |line| !line.starts_with([' ', '\t', '-', '[', '{', '#']) && line.contains(':'))
        .map(|entries| {
            entries
                .into_iter()
                .map(|(span, slice)| {
                    let nested = first_nested_line(slice);
                    let (head, inner) = slice.split_at(nested);
                    let inline = head.split_once(':').is_some_and(|(_, v)| !is_trivia(v));
                    let key = parse::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(path, head, span.line)
                        .map(|one| one.into_keys().next().unwrap_or_default());
                    let value = match key {
                        Err(problem) => Err(vec![problem]),
                        // `ana: {name: Ana}` on one line: parsed whole, first problem only.
                        Ok(_) if inline => parse::<std::collections::BTreeMap<String, T>>(path, slice, span.line)
                            .map_err(|p| vec![p])
                            .and_then(|one| {
                                one.into_iter().next().ok_or_else(|| {
                                    vec![Diagnostic::error(span.clone(), "this entry has no key")
                                        .with_help("start each entry with its key and a colon, like `ana-silva:`")]
                                })
                            }),
                        Ok(key) if is_empty(inner) => {
                            parse::<T>(path, "{}", span.line).map(|v| (key, v)).map_err(|p| vec![p])
                        }
                        Ok(key) => {
                            let parsed = parse_mapping::<T>(path, inner, span.line + 1);
                            match parsed.value {
                                Some(value) if parsed.problems.is_empty() => Ok((key, value)),
                                _ => Err(parsed.problems),
                            }
                        }
                    };
                    let keys = key_spans(path, inner, span.line + 1);
                    Entry { span, keys, value }
                })
                .collect()
        })
        .map_err(|()| {
            Diagnostic::error(Span::new(path, 1, 1), "this file should be a map of `key:` entries")
                .with_help("start each entry at the beginning of a line with its key and a colon")
        })
}

/// Cuts `text` into entries at lines where `starts_entry` holds.
///
/// Fails when something other than blank lines and comments precedes the first entry,
/// which means the top level is not the expected kind (a flow list, a scalar).
fn split_entries<'t>(
    path: &Path,
    text: &'t str,
    starts_entry: impl Fn(&str) -> bool,
) -> Result<Vec<(Span, &'t str)>, ()> {
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if starts_entry(bare) {
            starts.push((offset, index + 1));
        } else if starts.is_empty() && !is_trivia(bare) {
            return Err(());
        }
        offset += line.len();
    }
    let ends = starts.iter().skip(1).map(|&(o, _)| o).chain([text.len()]);
    Ok(starts.iter().zip(ends).map(|(&(start, line), end)| (Span::new(path, line, 1), &text[start..end])).collect())
}

fn is_trivia(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#') || t == "---" || t == "..." || t.starts_with('%')
}

/// The byte offset of the first line after the first one.
fn first_nested_line(slice: &str) -> usize {
    slice.find('\n').map_or(slice.len(), |i| i + 1)
}

/// Finds the keys of the first mapping in `text` and where each stands.
fn key_spans(path: &Path, text: &str, first_line: usize) -> KeySpans {
    let mut spans = KeySpans::default();
    let mut indent = None;
    for (index, line) in text.lines().enumerate() {
        let line_no = first_line + index;
        let (lead, rest) = match line.strip_prefix("- ") {
            Some(rest) => (2 + rest.len() - rest.trim_start().len(), rest.trim_start()),
            None => (line.len() - line.trim_start().len(), line.trim_start()),
        };
        if is_trivia(rest) {
            continue;
        }
        let Some(key) = key_of(rest) else {
            continue;
        };
        let this_indent = *indent.get_or_insert(lead);
        if spans.start.is_none() {
            spans.start = Some(Span::new(path, line_no, lead + 1));
        }
        if lead == this_indent {
            spans.keys.push((key.to_string(), Span::new(path, line_no, lead + 1)));
        }
    }
    spans
}

fn key_of(line: &str) -> Option<&str> {
    let end = line.find(':')?;
    let key = &line[..end];
    let valid = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'));
    valid.then_some(key.trim())
}

/// Turns a parser error into a diagnostic with the file's own line and column.
fn to_diagnostic(path: &Path, first_line: usize, error: &serde_yaml::Error) -> Diagnostic {
    let (line, column) = error.location().map_or((first_line, 0), |loc| (loc.line() + first_line - 1, loc.column()));
    let message = without_positions(&error.to_string());
    let (message, help) = explain(&message);
    let diagnostic = Diagnostic::error(Span::new(path, line, column), message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// Removes the ` at line N column M` that the parser writes into its messages.
fn without_positions(message: &str) -> String {
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

/// Rewords serde's messages for people who do not read Rust, and suggests a fix.
fn explain(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let name = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let suggestion = expected
            .iter()
            .map(|e| (strsim::levenshtein(name, e), *e))
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, e)| format!("did you mean `{e}`? "))
            .unwrap_or_default();
        let prefix = message.split("unknown field").next().unwrap_or_default();
        return (
            format!("{prefix}unknown key `{name}`"),
            Some(format!("{suggestion}the keys allowed here are: {}", expected.join(", "))),
        );
    }
    if message.contains("control characters are not allowed") {
        return (message.to_string(), Some("remove the invisible character at this place".into()));
    }
    if message.contains("found character that cannot start any token") || message.contains("tab") {
        return (
            message.to_string(),
            Some("indent YAML with spaces, not tabs, and quote values that start with a symbol".into()),
        );
    }
    if ["anchor", "alias", "recursion limit", "repetition limit"].iter().any(|m| message.contains(m)) {
        let help = "write the value out in full instead of using YAML anchors (&name) and aliases (*name)";
        return (message.to_string(), Some(help.into()));
    }
    if message.starts_with("invalid type") || message.contains(": invalid type") {
        return (message.to_string(), Some("check the value's form: text, a number, or a list in [brackets]".into()));
    }
    (message.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        #[serde(default)]
        reply_to: Option<String>,
    }

    fn path() -> &'static Path {
        Path::new("t.yaml")
    }

    #[test]
    fn list_entries_keep_their_lines() {
        let text = "# a thread\n- id: c1\n\n- id: c2\n  reply_to: c1\n";
        let entries = parse_list::<Item>(path(), text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].span.line, 2);
        assert_eq!(entries[1].span.line, 4);
        assert_eq!(entries[1].keys.of("reply_to"), Span::new(path(), 5, 3));
        assert_eq!(entries[1].value.as_ref().unwrap().reply_to.as_deref(), Some("c1"));
    }

    #[test]
    fn an_error_in_one_entry_names_its_line_and_spares_the_others() {
        let text = "- id: c1\n  autor: x\n- id: c2\n  reply_to: [c1]\n- id: c3\n";
        let entries = parse_list::<Item>(path(), text).unwrap();
        let first = &entries[0].value.as_ref().unwrap_err()[0];
        assert_eq!((first.span.line, first.span.column), (2, 3));
        assert!(first.message.contains("unknown key `autor`"), "{}", first.message);
        let second = &entries[1].value.as_ref().unwrap_err()[0];
        assert_eq!(second.span.line, 4);
        assert!(entries[2].value.is_ok());
    }

    #[test]
    fn every_bad_key_of_a_mapping_is_reported_at_once() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Config {
            title: Option<String>,
            depth: Option<u32>,
        }
        let parsed = parse_mapping::<Config>(path(), "colour: blue\ndepth: deep\ntitle: ok\nsize: 3\n", 1);
        let lines: Vec<usize> = parsed.problems.iter().map(|p| p.span.line).collect();
        assert_eq!(lines, [1, 2, 4]);
        assert_eq!(parsed.value.unwrap().title.as_deref(), Some("ok"));
    }

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(without_positions("found a tab at line 3 column 1, while scanning"), "found a tab, while scanning");
        assert_eq!(without_positions("at line x"), "at line x");
    }

    #[test]
    fn suggests_the_nearest_key() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Front {
            title: String,
        }
        let err = parse::<Front>(path(), "tittle: x\n", 2).unwrap_err();
        assert_eq!(err.span.line, 2);
        assert!(err.help.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn map_entries_keep_their_lines() {
        #[derive(Debug, Deserialize)]
        struct Person {
            name: String,
        }
        let text = "# authors.yaml: key -> person\nana:\n  name: Ana\n# comment: here\nben:\n  name: Ben\n";
        let entries = parse_map::<Person>(path(), text).unwrap();
        assert_eq!(entries[1].span.line, 5);
        assert_eq!(entries[1].keys.of("name").line, 6);
        let (key, person) = entries[1].value.as_ref().unwrap();
        assert_eq!((key.as_str(), person.name.as_str()), ("ben", "Ben"));
    }

    #[test]
    fn anchors_and_aliases_get_a_help_line() {
        let err = parse::<Item>(path(), "id: *laughs\n", 3).unwrap_err();
        assert_eq!(err.span.line, 3);
        assert!(err.message.contains("unknown anchor"), "{}", err.message);
        assert!(err.help.unwrap().contains("aliases (*name)"));
    }

    #[test]
    fn a_file_of_another_shape_is_refused() {
        assert!(parse_list::<Item>(path(), "id: c1\n").is_err());
        assert!(is_empty("# nothing yet\n\n"));
    }
}
