//! Text hygiene shared by every stage: control characters out, BOM off.

use std::borrow::Cow;

/// Removes control characters other than tab, newline and carriage return, and U+FFFE and U+FFFF.
///
/// They are invisible, break XML feeds and can hide text from a reviewer, so
/// they never reach a page. Applied to whole files as they are read and to
/// every string that YAML escapes could have produced.
pub fn strip_controls(text: &str) -> Cow<'_, str> {
    let is_unwanted = |c: char| !allowed_in_xml(c) || c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if text.contains(is_unwanted) {
        Cow::Owned(text.chars().filter(|&c| !is_unwanted(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether XML 1.0 allows `c` in a document: not a control other than tab and line ends, not U+FFFE
/// or U+FFFF (Rust's `char` already rules out surrogates). A feed holding one is refused whole.
pub fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// A string trimmed and cleaned of control characters, ready to show as plain text.
pub fn clean_line(text: &str) -> String {
    strip_controls(text).trim().to_string()
}

/// `text` on one line: control characters gone, every run of white space one space.
pub fn single_line(text: &str) -> String {
    clean_line(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `count` words of `text`, on one line, with `…` when there were more.
pub fn first_words(text: &str, count: usize) -> String {
    let mut words = text.split_whitespace();
    let kept: Vec<&str> = words.by_ref().take(count).collect();
    let more = if words.next().is_some() { "…" } else { "" };
    format!("{}{more}", clean_line(&kept.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_controls_but_keeps_layout() {
        assert_eq!(strip_controls("a\u{0}b\u{7}\tc\r\nd\u{85}e\u{7f}\u{fffe}f\u{ffff}"), "ab\tc\r\ndef");
        assert!(allowed_in_xml('\u{fffd}') && allowed_in_xml('\u{1fffe}') && !allowed_in_xml('\u{1}'));
        assert!(matches!(strip_controls("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_and_starts_stay_on_one_line() {
        assert_eq!(single_line(" Ana\n  Silva\u{7} "), "Ana Silva");
        assert_eq!(first_words("one two\nthree four", 3), "one two three…");
        assert_eq!(first_words("one two", 3), "one two");
    }
}
