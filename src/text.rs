//! Text hygiene shared by every stage: control characters out, BOM off.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::cache::Bytes;

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

/// A text shared, not copied: one of its own, or a part of a buffer read whole (a cache file's).
///
/// A warm build reads 100,000 comments back from the parse cache; copying each out of the file's
/// buffer was a tenth of its time (the copies' fresh memory most of it), and a thread that did not
/// change never reads its comments' Markdown at all.
#[derive(Clone)]
pub struct SharedText(Shared);

#[derive(Clone)]
enum Shared {
    Own(Arc<str>),
    /// Checked to be UTF-8 when taken.
    Part(Bytes),
}

impl SharedText {
    /// The text `bytes` hold; none when they are not UTF-8.
    pub(crate) fn part(bytes: Bytes) -> Option<SharedText> {
        std::str::from_utf8(bytes.as_slice()).ok()?;
        Some(SharedText(Shared::Part(bytes)))
    }
}

impl Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Shared::Own(text) => text,
            // Checked again rather than trusted (no `unsafe` here): at gigabytes a second, and a
            // comment's Markdown is read only when its thread changed.
            Shared::Part(bytes) => std::str::from_utf8(bytes.as_slice()).expect("checked when taken"),
        }
    }
}

impl Default for SharedText {
    fn default() -> SharedText {
        SharedText::from("")
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> SharedText {
        SharedText(Shared::Own(text.into()))
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> SharedText {
        SharedText(Shared::Own(text.into()))
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &SharedText) -> bool {
        **self == **other
    }
}

impl<'de> serde::Deserialize<'de> for SharedText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SharedText, D::Error> {
        String::deserialize(deserializer).map(SharedText::from)
    }
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

    #[test]
    fn a_shared_text_is_its_text_wherever_it_is_kept() {
        let file = Bytes::whole("«ü» and more".as_bytes().to_vec());
        let part = SharedText::part(file.part(0..4).unwrap()).unwrap();
        assert_eq!(&*part, "«ü");
        assert_eq!(part, SharedText::from("«ü".to_string()));
        assert_eq!(format!("{part:?}"), format!("{:?}", "«ü"));
        // Half of `ü` is not UTF-8.
        assert!(SharedText::part(file.part(0..3).unwrap()).is_none());
        assert_eq!(&*SharedText::default(), "");
    }
}
