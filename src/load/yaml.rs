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

mod errors;

use errors::{explain, to_diagnostic, without_positions};

/// One top-level entry of a list or map file, parsed, with where it starts.
pub struct Entry<T> {
    /// The entry's first line.
    pub span: Span,
    /// The positions of the entry's own keys.
    pub keys: KeySpans,
    /// The parsed value: whole, or without the keys that were refused (see [`KeySpans::refused`]).
    pub value: Option<T>,
    /// Every problem found in the entry.
    pub problems: Vec<Diagnostic>,
}

/// Where each key of one mapping stands, so a later error can point at it.
#[derive(Debug, Clone, Default)]
pub struct KeySpans {
    start: Option<Span>,
    keys: Vec<(String, Span)>,
    refused: Vec<String>,
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

    /// The keys left out of the value because they were unknown or held a bad value.
    ///
    /// A value parsed without them is still good for some checks (a comment's id), but
    /// not for others: a misspelt key would also be reported as the right one missing.
    pub fn refused(&self) -> &[String] {
        &self.refused
    }

    /// Its first line, its keys with where each stands, and its refused keys: what the parse cache keeps.
    pub(super) fn parts(&self) -> (Option<&Span>, &[(String, Span)], &[String]) {
        (self.start.as_ref(), &self.keys, &self.refused)
    }

    /// The spans of [`KeySpans::parts`], as the parse cache gives them back.
    pub(super) fn from_parts(start: Option<Span>, keys: Vec<(String, Span)>, refused: Vec<String>) -> KeySpans {
        KeySpans { start, keys, refused }
    }
}

/// Parses all of `text` (which starts at `first_line` of `path`) as one `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str, first_line: usize) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(path, first_line, text, &e))
}

/// Parses a mapping, reporting every bad key at once, and returns where its keys stand.
///
/// Serde stops at the first bad key. So each time a key fails, its lines are
/// blanked (line numbers stay) and the rest is parsed again: every bad key is
/// reported, and the value is returned without them, for further checks.
pub fn parse_mapping<T: DeserializeOwned>(path: &Path, text: &str, first_line: usize) -> Parsed<T> {
    let mut keys = key_spans(path, text, first_line);
    let mut problems = Vec::new();
    let original = text;
    let mut text = text.to_string();
    loop {
        match serde_yaml::from_str::<T>(&text) {
            Ok(value) => return Parsed { value: Some(value), problems, keys },
            Err(error) => {
                let problem = to_diagnostic(path, first_line, original, &error);
                let blanked =
                    error.location().and_then(|at| blank_key_at(&text, &keys, at.line() + first_line - 1, first_line));
                problems.push(problem);
                match blanked {
                    Some((shorter, key)) => {
                        text = shorter;
                        keys.refused.push(key);
                    }
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

/// `text` with the lines of the key whose block holds file line `line` made blank, and that key.
fn blank_key_at(text: &str, keys: &KeySpans, line: usize, first_line: usize) -> Option<(String, String)> {
    let starts: Vec<usize> = keys.keys.iter().map(|(_, span)| span.line).collect();
    let position = starts.iter().rposition(|&start| start <= line)?;
    let from = starts[position] - first_line;
    let to = starts.get(position + 1).map_or(usize::MAX, |&next| next - first_line);
    let mut out = String::with_capacity(text.len());
    for (index, piece) in text.split_inclusive('\n').enumerate() {
        if (from..to).contains(&index) {
            // An entry's `- ` must stay, or its other keys would change meaning.
            let bare = piece.trim_start();
            if bare.starts_with("- ") {
                out.push_str(&piece[..piece.len() - bare.len()]);
                out.push('-');
            }
            if piece.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(piece);
        }
    }
    (out != text).then(|| (out, keys.keys[position].0.clone()))
}

/// True when `text` holds no YAML content at all (only blank lines, comments or `---`).
pub fn is_empty(text: &str) -> bool {
    text.lines().all(is_trivia)
}

/// Parses a file whose top level is a list: each `- ` entry on its own, or a list in brackets.
pub fn parse_list<T: DeserializeOwned>(path: &Path, text: &str) -> Result<Vec<Entry<T>>, Diagnostic> {
    // A top-level list may be indented: its entries start at the first entry's indentation.
    let first = text.lines().find(|line| !is_trivia(line)).unwrap_or_default();
    let indent = &first[..first.len() - first.trim_start_matches(' ').len()];
    let block = split_entries(path, text, |line| {
        let Some(line) = line.strip_prefix(indent) else { return false };
        line.starts_with('-') && !line.starts_with("---") && line[1..].starts_with([' ', '\t', '\r']) || line == "-"
    });
    let Ok(block) = block else {
        return parse_flow_list(path, text);
    };
    Ok(block).map(|entries| {
        entries
            .into_iter()
            .map(|(span, slice)| {
                let parsed = parse_mapping::<Vec<T>>(path, slice, span.line);
                let keys = parsed.keys;
                let mut problems = parsed.problems;
                problems.iter_mut().for_each(|p| {
                    p.message = p.message.trim_start_matches(".[0].").trim_start_matches(".[0]: ").to_string()
                });
                let value = match parsed.value {
                    Some(mut one) if one.len() == 1 => Some(one.remove(0)),
                    Some(_) => {
                        problems.push(
                            Diagnostic::error(span.clone(), "this list entry is not one mapping")
                                .with_help("start each entry with `- ` and indent its keys under it"),
                        );
                        None
                    }
                    None => None,
                };
                Entry { span, keys, value, problems }
            })
            .collect()
    })
}

/// A list written in YAML's flow style (`[]`, `[{id: c1, ...}, ...]`): parsed whole, each entry
/// converted on its own and placed at the line where it starts.
fn parse_flow_list<T: DeserializeOwned>(path: &Path, text: &str) -> Result<Vec<Entry<T>>, Diagnostic> {
    let not_a_list = || {
        Diagnostic::error(Span::new(path, 1, 1), "this file should be a list, one entry per `- ` line")
            .with_help("write each entry as `- id: c1` with its other keys indented below it")
    };
    let values = match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(serde_yaml::Value::Sequence(values)) => values,
        Ok(_) => return Err(not_a_list()),
        Err(error) => return Err(to_diagnostic(path, 1, text, &error)),
    };
    let starts = flow_items(text, 1);
    let key_starts = flow_items(text, 2);
    let at = |offset: usize| {
        let (line, column) = line_column(text, offset);
        Span::new(path, line, column)
    };
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let from = starts.get(index).copied().unwrap_or(0);
            let to = starts.get(index + 1).copied().unwrap_or(text.len());
            let span = at(from);
            let mut keys = KeySpans { start: Some(span.clone()), ..KeySpans::default() };
            for &offset in key_starts.iter().filter(|&&o| (from..to).contains(&o)) {
                if let Some(key) = key_of(&text[offset..]) {
                    keys.keys.push((key.to_string(), at(offset)));
                }
            }
            let (value, problems) = match serde_yaml::from_value::<T>(value) {
                Ok(value) => (Some(value), Vec::new()),
                Err(error) => {
                    let message = without_positions(&error.to_string());
                    let (message, help) = explain(&message);
                    let name = message.split('`').nth(1).unwrap_or_default();
                    let place = if message.starts_with("unknown key") { keys.of(name) } else { span.clone() };
                    let problem = Diagnostic::error(place, message);
                    (None, vec![if let Some(help) = help { problem.with_help(help) } else { problem }])
                }
            };
            Entry { span, keys, value, problems }
        })
        .collect())
}

/// Where each item nested `depth` brackets deep in a flow collection starts, as byte offsets:
/// depth 1 gives the entries of `[a, {b: c}]`, depth 2 the keys of its mappings.
///
/// A small scan of brackets, quotes and comments: the parser keeps no positions for values.
fn flow_items(text: &str, depth: usize) -> Vec<usize> {
    let mut items = Vec::new();
    let (mut level, mut quote, mut comment, mut expecting) = (0usize, None, false, false);
    let mut previous = ' ';
    for (offset, c) in text.char_indices() {
        if c == '\n' {
            comment = false;
        } else if comment {
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == '#' && previous.is_whitespace() {
            comment = true;
        } else if !c.is_whitespace() {
            if level == depth && expecting {
                items.push(offset);
                expecting = false;
            }
            match c {
                '[' | '{' => {
                    level += 1;
                    expecting = level == depth;
                }
                ']' | '}' => {
                    level = level.saturating_sub(1);
                    expecting = false;
                }
                ',' => expecting = level == depth,
                '"' | '\'' => quote = Some(c),
                _ => {}
            }
        }
        previous = c;
    }
    items
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
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
                    let (value, problems) = match value {
                        Ok(value) => (Some(value), Vec::new()),
                        Err(problems) => (None, problems),
                    };
                    Entry { span, keys, value, problems }
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
        let trimmed = line.trim_start();
        let pad = line.len() - trimmed.len();
        let (lead, rest) = match trimmed.strip_prefix("- ") {
            Some(rest) => (pad + 2 + rest.len() - rest.trim_start().len(), rest.trim_start()),
            None => (pad, trimmed),
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
        let first = &entries[0].problems[0];
        assert_eq!((first.span.line, first.span.column), (2, 3));
        assert!(first.message.contains("unknown key `autor`"), "{}", first.message);
        let second = &entries[1].problems[0];
        assert_eq!(second.span.line, 4);
        assert!(entries[2].value.is_some() && entries[2].problems.is_empty());
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
    fn a_list_in_flow_style_keeps_each_entrys_line() {
        assert!(parse_list::<Item>(path(), "[]\n").unwrap().is_empty());
        let text = "# flow\n[{id: c1},\n  {id: 'c2, [x]', reply_to: c1}, # a comment, with [brackets]\n\n  {id: c3, autor: x}]\n";
        let entries = parse_list::<Item>(path(), text).unwrap();
        let places: Vec<(usize, usize)> = entries.iter().map(|e| (e.span.line, e.span.column)).collect();
        assert_eq!(places, [(2, 2), (3, 3), (5, 3)]);
        assert_eq!(entries[1].value.as_ref().unwrap().id, "c2, [x]");
        assert_eq!(entries[1].keys.of("reply_to"), Span::new(path(), 3, 19));
        assert!(entries[2].problems[0].to_string().starts_with("t.yaml:5:12: error: unknown key `autor`"));
        assert_eq!(flow_items("[a,\n b]", 1), [1, 5]);
    }

    #[test]
    fn an_indented_list_keeps_each_entrys_line_and_key_places() {
        let text = "  - id: c1\n    autor: x\n\n  - id: c2\n    reply_to: c1\n";
        let entries = parse_list::<Item>(path(), text).unwrap();
        assert_eq!(entries.iter().map(|e| e.span.line).collect::<Vec<_>>(), [1, 4]);
        assert_eq!(entries[1].keys.of("reply_to"), Span::new(path(), 5, 5));
        assert_eq!(entries[0].problems[0].span, Span::new(path(), 2, 5));
        assert_eq!(entries[0].value.as_ref().unwrap().id, "c1", "the bad key is left out, the rest kept");
    }

    #[test]
    fn syntax_errors_are_in_plain_words_at_the_right_line() {
        let colon = parse::<Item>(path(), "id: c1\nreply_to: I think: yes\n", 1).unwrap_err();
        assert_eq!((colon.span.line, colon.span.column), (2, 18), "at the colon");
        assert!(colon.message.starts_with("a colon followed by a space"), "{}", colon.message);
        let text = "- id: c1\n  body: |\n    one\ntwo\n";
        let entries = parse_list::<serde_yaml::Value>(path(), text);
        let lost = entries.map(|mut e| e.remove(0).problems.remove(0)).unwrap_or_else(|p| p);
        assert_eq!(lost.span.line, 4, "{lost}");
        assert!(lost.message.starts_with("this line is not indented like the lines above"), "{lost}");
        let quote = parse::<Item>(path(), "id: c1\nreply_to: \"c2\n", 1).unwrap_err();
        assert_eq!((quote.span.line, quote.span.column), (2, 11), "where the quote opens: {quote}");
        assert_eq!(quote.message, "a quote opened here is never closed");
        let bracket = parse::<serde_yaml::Value>(path(), "id: c1\ntags: [a, b\nbody: x\n", 1).unwrap_err();
        assert_eq!(bracket.span.line, 2, "where the list opens: {bracket}");
        assert!(bracket.message.starts_with("a list in [brackets]"), "{bracket}");
        let tab = parse::<Item>(path(), "id: c1\n\treply_to: c2\n", 3).unwrap_err();
        assert_eq!(tab.span.line, 4);
        assert!(tab.message.starts_with("a tab character"), "{tab}");
        assert!(tab.help.is_some());
    }

    #[test]
    fn keys_of_other_generators_get_a_hint() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Front {
            summary: Option<String>,
            tags: Option<Vec<String>>,
        }
        let hint = |text: &str| parse::<Front>(path(), text, 1).unwrap_err().help.unwrap();
        assert!(hint("excerpt: x\n").starts_with("roundtable calls this `summary`: rename the key;"));
        assert!(hint("categories: [a]\n").starts_with("roundtable calls this `tags`"));
        assert!(hint("layout: post\n").starts_with("each kind of page has its own template"));
        assert!(hint("permalink: /x/\n").starts_with("the keys allowed here"), "no `slug` here, so no hint");
    }

    #[test]
    fn a_file_of_another_shape_is_refused() {
        assert!(parse_list::<Item>(path(), "id: c1\n").is_err());
        assert!(is_empty("# nothing yet\n\n"));
    }
}
