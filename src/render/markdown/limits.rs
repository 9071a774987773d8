//! What one text may cost: its length, its tables' cells and the HTML it makes, each counted as
//! the text is converted, so a hostile text is refused before it costs more than its limit.

use pulldown_cmark::{Event, Tag, TagEnd};

/// The longest text (a comment, bio, reading, summary or introduction) in bytes: 1 MiB, about
/// 150,000 words. Converting and cleaning a text takes memory in proportion to its length (up to
/// about 200 bytes per byte when it is made only of Markdown elements or tags), so this bounds what
/// one text can cost a build.
pub const MAX_TEXT: usize = 1 << 20;

/// The most table cells one text may make: pulldown-cmark pads every short row to the
/// header's width, so a few bytes per row can become hundreds of cells.
pub const MAX_TABLE_CELLS: usize = 10_000;

/// HTML one text may make beyond [`OUTPUT_PER_INPUT_BYTE`] times its own length.
pub const OUTPUT_ALLOWANCE: usize = 1 << 20;

/// HTML bytes one text may make per byte of Markdown, past [`OUTPUT_ALLOWANCE`]: ordinary
/// Markdown makes one to four; a link reference, footnote or mention repeated thousands of times
/// makes up to twenty. Cleaning HTML takes memory in proportion to it, so this bounds that too.
pub const OUTPUT_PER_INPUT_BYTE: usize = 8;

/// Why a text was not converted: it would expand past a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// What is too large, for the error message.
    pub message: String,
    /// What the writer can do about it.
    pub help: &'static str,
}

/// Refuses a text longer than [`MAX_TEXT`] before anything is made of it.
pub(super) fn check_length(markdown: &str) -> Result<(), TooLarge> {
    if markdown.len() <= MAX_TEXT {
        return Ok(());
    }
    Err(TooLarge {
        message: format!("this text is {} bytes long, more than the limit of {MAX_TEXT} (1 MiB)", markdown.len()),
        help: "split it into parts of under 1 MiB (about 150,000 words): a reflection can go on in a reply \
               to itself, a reading in a second reading",
    })
}

/// HTML as the writer writes it, refused past `allowed` bytes: the limit is on what is written,
/// exactly, and nothing past it is ever held.
pub(super) struct Bounded {
    pub(super) html: String,
    allowed: usize,
}

impl Bounded {
    /// An empty writer with the allowance of a text of `markdown`'s length.
    pub(super) fn for_text(markdown: &str) -> Bounded {
        let allowed = OUTPUT_ALLOWANCE.saturating_add(markdown.len().saturating_mul(OUTPUT_PER_INPUT_BYTE));
        Bounded { html: String::with_capacity(markdown.len() * 3 / 2), allowed }
    }

    /// Why `markdown` was refused once its HTML passed the allowance.
    pub(super) fn refused(&self, markdown: &str) -> TooLarge {
        TooLarge {
            message: format!(
                "this text of {} bytes would make more than {} bytes of HTML",
                markdown.len(),
                self.allowed
            ),
            help: "a short text makes this much only by repeating a link reference, footnote, mention or \
                   table thousands of times: write less of it",
        }
    }
}

impl std::fmt::Write for Bounded {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        if self.html.len() + text.len() > self.allowed {
            return Err(std::fmt::Error);
        }
        self.html.push_str(text);
        Ok(())
    }
}

/// What a text's Markdown has made so far, against the limits.
#[derive(Default)]
pub(super) struct Limits {
    cells: usize,
    depth: usize,
    pub(super) deepest: usize,
    pub(super) raw_html: bool,
}

impl Limits {
    /// Counts the nesting and table cells of one event of the parser; an error past a limit.
    pub(super) fn count(&mut self, event: &Event) -> Result<(), TooLarge> {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => self.raw_html = true,
            Event::Start(tag) => {
                // A table opens `<table>` and `<thead>` or `<tbody>` at once.
                self.depth += if matches!(tag, Tag::Table(_)) { 2 } else { 1 };
                self.deepest = self.deepest.max(self.depth);
                if matches!(tag, Tag::TableCell) {
                    self.cells += 1;
                }
            }
            Event::End(tag) => self.depth = self.depth.saturating_sub(if matches!(tag, TagEnd::Table) { 2 } else { 1 }),
            _ => {}
        }
        if self.cells > MAX_TABLE_CELLS {
            return Err(TooLarge {
                message: format!("this text's tables have more than {MAX_TABLE_CELLS} cells"),
                help: "every row of a table gets as many cells as its header has columns: \
                       use fewer columns or rows, or split the table",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::{to_html, Author};

    const MEMBER: Author = Author::Member { id_prefix: "ugc-c1-", mentions: None };

    #[test]
    fn texts_longer_than_the_limit_are_refused() {
        let longest = "a".repeat(MAX_TEXT);
        assert!(to_html(&longest, MEMBER).is_ok());
        let refused = to_html(&format!("{longest}b"), Author::Facilitator).unwrap_err();
        assert!(refused.message.contains("1048577 bytes long, more than the limit of 1048576"), "{refused:?}");
    }

    #[test]
    fn padded_tables_are_refused_before_they_are_written() {
        let header = format!("|{}\n|{}\n", "a|".repeat(500), "-|".repeat(500));
        let text = format!("{header}{}", "|x\n".repeat(100));
        let refused = to_html(&text, MEMBER).unwrap_err();
        assert!(refused.message.contains("more than 10000 cells"), "{refused:?}");
        let small = format!("{header}{}", "|x\n".repeat(10));
        assert!(to_html(&small, MEMBER).is_ok());
    }

    #[test]
    fn repeated_references_stay_within_the_output_limit() {
        let long_link = format!("{}\n\n[r]: https://e.org/{}\n", "[a][r] ".repeat(20_000), "x".repeat(2_000));
        let footnotes = format!("{}\n\n[^a]: note\n", "[^a]".repeat(100_000));
        let refused = to_html(&footnotes, MEMBER).unwrap_err();
        assert!(refused.message.contains("bytes of HTML"), "{refused:?}");
        for text in [long_link, footnotes] {
            let limit = OUTPUT_ALLOWANCE + OUTPUT_PER_INPUT_BYTE * text.len();
            match to_html(&text, MEMBER) {
                Ok(converted) => assert!(converted.html.len() <= limit, "{} > {limit}", converted.html.len()),
                Err(refused) => assert!(refused.message.contains("bytes of HTML"), "{refused:?}"),
            }
        }
    }
}
