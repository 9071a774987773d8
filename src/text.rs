//! Text hygiene shared by every stage: control characters out, BOM off.

use std::borrow::Cow;

/// Removes control characters other than tab, newline and carriage return.
///
/// They are invisible, break XML feeds and can hide text from a reviewer, so
/// they never reach a page. Applied to whole files as they are read and to
/// every string that YAML escapes could have produced.
pub fn strip_controls(text: &str) -> Cow<'_, str> {
    let is_unwanted = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if text.contains(is_unwanted) {
        Cow::Owned(text.chars().filter(|&c| !is_unwanted(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
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
        assert_eq!(strip_controls("a\u{0}b\u{7}\tc\r\nd\u{85}e\u{7f}"), "ab\tc\r\nde");
        assert!(matches!(strip_controls("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_and_starts_stay_on_one_line() {
        assert_eq!(single_line(" Ana\n  Silva\u{7} "), "Ana Silva");
        assert_eq!(first_words("one two\nthree four", 3), "one two three…");
        assert_eq!(first_words("one two", 3), "one two");
    }
}
