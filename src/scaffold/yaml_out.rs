//! Writing YAML by hand, safely: quoted strings and block scalars that read back as written.
//!
//! roundtable appends to files people edit, so it writes plain, familiar YAML
//! rather than a serializer's layout. Every value is either a double-quoted
//! string with escapes or a literal block; the caller reads the result back
//! with the real parser before anything reaches the disk.

use std::fmt::Write;

/// `text` as a YAML double-quoted string: safe for any characters on one line.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `body: |` and its lines, for a mapping whose keys stand at `indent` spaces.
///
/// `body` must end with one newline and have no blank lines at its ends. When
/// its first line starts with a space or a tab, the indentation is given
/// explicitly (`|2`), since the parser would otherwise take it as indentation.
pub fn block(key: &str, body: &str, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let header = if body.starts_with([' ', '\t']) { "|2" } else { "|" };
    let mut out = format!("{}{key}: {header}\n", " ".repeat(indent));
    for line in body.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;
    use std::path::Path;

    #[test]
    fn quoted_strings_escape_what_yaml_would_misread() {
        assert_eq!(quoted("Ana \"A\" Silva"), r#""Ana \"A\" Silva""#);
        assert_eq!(quoted("a\\b\tc\u{7}"), r#""a\\b\tc\u0007""#);
        for text in
            ["- not a list", "#not a comment", "yes", "null", "key: value", "'single'", "@x", "Zoë", "a\u{2028}b"]
        {
            let parsed: String = parse(Path::new("t"), &quoted(text), 1).unwrap();
            assert_eq!(parsed, text);
        }
    }

    #[test]
    fn blocks_read_back_as_written() {
        #[derive(serde::Deserialize)]
        struct One {
            body: String,
        }
        let bodies = [
            "plain\n",
            "\ttab first\n",
            "then\n\ttab\n",
            "zero\u{feff}width\n",
            "  indented code\nthen text\n",
            "---\n...\n# heading\n",
            "hard  \nbreak\n\n- list\n",
        ];
        for body in bodies {
            let top: One = parse(Path::new("t"), &block("body", body, 0), 1).unwrap();
            assert_eq!(top.body, body);
            let listed = format!("- id: c1\n{}", block("body", body, 2));
            let entry: Vec<One> = parse(Path::new("t"), &listed, 1).unwrap();
            assert_eq!(entry[0].body, body, "{listed}");
        }
    }
}
