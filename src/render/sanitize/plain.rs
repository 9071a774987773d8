//! The plain text of cleaned HTML, as a reader sees it: what the search index reads of every text.

use super::Html;

impl Html {
    /// The text a reader sees, tags dropped and entities decoded, white space made single spaces.
    ///
    /// It reads only what the policies here write: quoted attribute values and
    /// the few entities the serializer makes.
    pub fn plain_text(&self) -> String {
        // One pass over the bytes, runs of plain ASCII and the single spaces between them copied
        // whole: a line of prose is one copy. The search index reads every text of a site this way,
        // so it is on every build's path (it was a quarter of indexing when it went character by
        // character; stopping at each space, as it did before, took two and a half times as long).
        let html: &str = &self.0;
        let bytes = html.as_bytes();
        let mut text = Words { out: String::with_capacity(html.len()), space: false };
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            // A second space in a row ends the run: white space is made single spaces below.
            let mut after_space = false;
            while i < bytes.len() && COPIED[bytes[i] as usize] && !(after_space && bytes[i] == b' ') {
                after_space = bytes[i] == b' ';
                i += 1;
            }
            if i > start {
                text.push_run(&html[start..i]);
                continue;
            }
            match bytes[i] {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                    text.space = true;
                    i += 1;
                }
                b'<' => {
                    text.space |= !within_a_line(&html[i..]);
                    i = bytes.len() - skip_tag(&html[i..]).len();
                }
                b'&' => {
                    let rest = &html[i..];
                    let (decoded, used) = ENTITIES
                        .iter()
                        .find(|(entity, _)| rest.starts_with(entity))
                        .map_or(('&', 1), |(entity, c)| (*c, entity.len()));
                    text.push_char(decoded);
                    i += used;
                }
                _ => {
                    let c = html[i..].chars().next().expect("a character starts here");
                    text.push_char(c);
                    i += c.len_utf8();
                }
            }
        }
        text.out
    }
}

/// Bytes that are copied as they are: printable ASCII but `<` and `&`, and the space. Every other
/// byte (other white space, controls, the start of a tag or entity, any byte of a non-ASCII
/// character) is looked at.
const COPIED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = b != b'<' as usize && b != b'&' as usize;
        b += 1;
    }
    table
};

/// Plain text being written: words one space apart (as `split_whitespace` cuts them).
struct Words {
    out: String,
    /// White space came last, so a space is owed before the next word.
    space: bool,
}

impl Words {
    /// Appends `run`, which holds no white space but spaces, never two in a row (at its ends, they
    /// are owed spaces).
    fn push_run(&mut self, run: &str) {
        let words = run.trim_start_matches(' ');
        self.space |= words.len() < run.len();
        let trimmed = words.trim_end_matches(' ');
        if !trimmed.is_empty() {
            self.push(trimmed);
        }
        self.space |= trimmed.len() < words.len();
    }

    /// Appends `part`, which holds no white space but single spaces between words.
    fn push(&mut self, part: &str) {
        if self.space && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push_str(part);
    }

    /// Appends one character, white space or not.
    fn push_char(&mut self, c: char) {
        match c.is_whitespace() {
            true => self.space = true,
            false => self.push(c.encode_utf8(&mut [0; 4])),
        }
    }
}

const ENTITIES: [(&str, char); 6] =
    [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", '\u{a0}')];

/// The elements that sit within a line of text, whose tags part no words: "<a>coaching</a>." reads
/// "coaching.". `sup` and `sub` are not among them: a footnote's number is no part of its word.
const WITHIN_A_LINE: [&str; 17] = [
    "a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span", "strong", "u",
];

/// Whether the tag `html` starts with (opening or closing) is one of [`WITHIN_A_LINE`]; the
/// serializer writes names in lower case.
fn within_a_line(html: &str) -> bool {
    let name = html[1..].trim_start_matches('/');
    let end = name.bytes().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(name.len());
    WITHIN_A_LINE.contains(&&name[..end])
}

/// What follows the tag that `html` starts with; a `>` inside a quoted value does not end it.
pub(super) fn skip_tag(html: &str) -> &str {
    // Every byte looked for is ASCII, so each index found is a character boundary.
    let bytes = html.as_bytes();
    let mut quote = None;
    for (index, &b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'>') => return &html[index + 1..],
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::super::{member, Pictures};
    use super::*;

    proptest::proptest! {
        #[test]
        fn plain_text_squeezes_white_space_as_split_whitespace_does(
            text in "[ab!.\"' \t\n\r\u{b}\u{c}\u{1}\u{7f}\u{85}\u{a0}\u{3000}\u{2028}é]{0,32}"
        ) {
            let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(Html::from_text(text).plain_text(), squeezed);
        }
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        let html = member(
            "<p>Fish &amp; <em>chips</em></p><p title=\"a>b\">1 &lt; 2</p><pre><code>x</code></pre>",
            "ugc-c1-",
            &Pictures::default(),
        )
        .html;
        assert_eq!(html.plain_text(), "Fish & chips 1 < 2 x");
        let spaced = Html::from_text(" a<br>b &nbsp; <p>c</p>&amp;\u{3000}d ".into());
        assert_eq!(spaced.plain_text(), "a b c & d", "tags and no-break spaces part words, once");
        let joined = Html::from_text("<p>About <a href=\"x\">coaching</a>. <em>Un</em>usual<sup>1</sup></p>".into());
        assert_eq!(joined.plain_text(), "About coaching. Unusual 1", "only a line's own tags join");
    }
}
