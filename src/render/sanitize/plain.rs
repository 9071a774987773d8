//! The plain text of cleaned HTML, as a reader sees it: what the search index reads of every text.

use super::Html;

impl Html {
    /// The text a reader sees, tags dropped and entities decoded, white space made single spaces.
    ///
    /// It reads only what the policies here write: quoted attribute values and
    /// the few entities the serializer makes.
    pub fn plain_text(&self) -> String {
        // One pass, white space squeezed as the text is copied: the search index reads every text
        // of a site this way, so it is on every build's path.
        let mut text = String::with_capacity(self.0.len());
        let mut space = false;
        let mut rest: &str = &self.0;
        while let Some(start) = rest.find(['<', '&']) {
            push_words(&mut text, &rest[..start], &mut space);
            rest = &rest[start..];
            if rest.starts_with('<') {
                space = true;
                rest = skip_tag(rest);
            } else {
                let (decoded, used) = ENTITIES
                    .iter()
                    .find(|(entity, _)| rest.starts_with(entity))
                    .map_or(('&', 1), |(entity, c)| (*c, entity.len()));
                push_words(&mut text, decoded.encode_utf8(&mut [0; 4]), &mut space);
                rest = &rest[used..];
            }
        }
        push_words(&mut text, rest, &mut space);
        text
    }
}

/// Appends the words of `text` to `out`, one space apart (as `split_whitespace` cuts them); `space`
/// says white space came last, so a space is owed before the next word.
fn push_words(out: &mut String, text: &str, space: &mut bool) {
    let bytes = text.as_bytes();
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let (white, width) = match bytes[i] {
            b @ 0..=0x7f => (matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), 1),
            _ => {
                let c = text[i..].chars().next().expect("a character starts here");
                (c.is_whitespace(), c.len_utf8())
            }
        };
        match (white, word) {
            (true, Some(start)) => {
                out.push_str(&text[start..i]);
                word = None;
                *space = true;
            }
            (true, None) => *space = true,
            (false, None) => {
                if *space && !out.is_empty() {
                    out.push(' ');
                }
                *space = false;
                word = Some(i);
            }
            (false, Some(_)) => {}
        }
        i += width;
    }
    if let Some(start) = word {
        out.push_str(&text[start..]);
    }
}

const ENTITIES: [(&str, char); 6] =
    [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", '\u{a0}')];

/// What follows the tag that `html` starts with; a `>` inside a quoted value does not end it.
pub(super) fn skip_tag(html: &str) -> &str {
    let mut quote = None;
    for (index, c) in html.char_indices().skip(1) {
        match (quote, c) {
            (None, '>') => return &html[index + 1..],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
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
            text in "[ab \t\n\u{b}\u{a0}\u{3000}\u{2028}é]{0,32}"
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
        let spaced = Html::from_text(" a<br>b &nbsp; <i>c</i>&amp;\u{3000}d ".into());
        assert_eq!(spaced.plain_text(), "a b c & d", "tags and no-break spaces part words, once");
    }
}
