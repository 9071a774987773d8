//! The parse cache's form of a reading: its fields in order, numbers as LEB128, texts as their length
//! and bytes, and each place's file as an index into the files the entry has named so far (a file is
//! written out the first time it is named), so that the thousands of places of a thread file share one
//! path when read back.
//!
//! Written by hand rather than through serde: a warm build decodes every unchanged reading, and JSON
//! spent most of that time on escapes, key names and one path per place.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::cache::{leb128, Bytes};
use crate::diagnostics::Span;
use crate::load::raw::{CommentFields, CommentStatus, CommentsMode, FrontMatter, RawComment, RawReading, RawSource};
use crate::load::yaml::KeySpans;
use crate::text::SharedText;

/// A reading in the parse cache's form (its bundle files and files' key are not kept: they come from
/// its folder); none when one of its files' paths is not UTF-8 (it is not kept).
pub(super) fn encode(reading: &RawReading) -> Option<Vec<u8>> {
    let RawReading { span, section, name, keys, front, body, body_line, comments, assets: _, files_key: _ } = reading;
    let mut out = Writer::default();
    out.span(span);
    out.text(section);
    out.text(name);
    out.keys(keys);
    out.front(front);
    out.text(body);
    out.number(*body_line as u64);
    out.number(comments.len() as u64);
    for RawComment { span, keys, fields } in comments.iter() {
        out.span(span);
        out.keys(keys);
        let CommentFields { id, author, date, reply_to, body, status, mail } = fields;
        for text in [id, author, date, reply_to] {
            out.optional_text(text.as_deref());
        }
        out.optional_text(body.as_deref());
        out.byte(match status {
            None => 0,
            Some(CommentStatus::Published) => 1,
            Some(CommentStatus::Pending) => 2,
            Some(CommentStatus::Removed) => 3,
        });
        out.optional_text(mail.as_deref());
    }
    out.exact.then_some(out.bytes)
}

/// A reading [`encode`] wrote; none when the bytes are not one (the cache file's checksum makes that
/// rare: the reading is then parsed again).
///
/// Comments' bodies stay in `bytes`' buffer (see [`SharedText`]).
pub(super) fn decode(bytes: &Bytes) -> Option<RawReading> {
    let mut input = Reader { whole: bytes, rest: bytes.as_slice(), paths: Vec::new() };
    let span = input.span()?;
    let section = input.text()?;
    let name = input.text()?;
    let keys = input.keys()?;
    let front = input.front()?;
    let body = input.text()?;
    let body_line = input.size()?;
    let count = input.size()?;
    let mut comments = Vec::with_capacity(count.min(input.rest.len()));
    for _ in 0..count {
        let span = input.span()?;
        let keys = input.keys()?;
        let [id, author, date, reply_to] = [(); 4].map(|()| input.optional_text());
        let body = input.optional(Reader::shared_text)?;
        let status = match input.byte()? {
            0 => None,
            1 => Some(CommentStatus::Published),
            2 => Some(CommentStatus::Pending),
            3 => Some(CommentStatus::Removed),
            _ => return None,
        };
        let mail = input.optional_text()?;
        let fields = CommentFields { id: id?, author: author?, date: date?, reply_to: reply_to?, body, status, mail };
        comments.push(RawComment { span, keys, fields });
    }
    input.rest.is_empty().then_some(RawReading {
        span,
        section,
        name,
        keys,
        front,
        body,
        body_line,
        comments: comments.into(),
        assets: Vec::new(),
        files_key: None,
    })
}

struct Writer<'a> {
    bytes: Vec<u8>,
    /// The files named so far, by their index.
    paths: HashMap<&'a Path, u64>,
    /// False once a path was not UTF-8.
    exact: bool,
}

impl Default for Writer<'_> {
    fn default() -> Self {
        Writer { bytes: Vec::new(), paths: HashMap::new(), exact: true }
    }
}

impl<'a> Writer<'a> {
    fn byte(&mut self, byte: u8) {
        self.bytes.push(byte);
    }

    fn number(&mut self, number: u64) {
        leb128::put(&mut self.bytes, number);
    }

    fn text(&mut self, text: &str) {
        self.number(text.len() as u64);
        self.bytes.extend_from_slice(text.as_bytes());
    }

    /// 0 for none, else 1 and the text.
    fn optional_text(&mut self, text: Option<&str>) {
        match text {
            None => self.byte(0),
            Some(text) => {
                self.byte(1);
                self.text(text);
            }
        }
    }

    fn optional_number(&mut self, number: Option<u32>) {
        match number {
            None => self.byte(0),
            Some(number) => {
                self.byte(1);
                self.number(number.into());
            }
        }
    }

    fn texts(&mut self, texts: &[String]) {
        self.number(texts.len() as u64);
        texts.iter().for_each(|text| self.text(text));
    }

    /// The file's index, followed by its path the first time it is named; then line and column.
    fn span(&mut self, span: &'a Span) {
        let next = self.paths.len() as u64;
        let index = *self.paths.entry(&span.path).or_insert(next);
        self.number(index);
        if index == next {
            self.exact &= span.path.to_str().is_some();
            self.text(&span.path.to_string_lossy());
        }
        self.number(span.line as u64);
        self.number(span.column as u64);
    }

    fn optional_span(&mut self, span: Option<&'a Span>) {
        match span {
            None => self.byte(0),
            Some(span) => {
                self.byte(1);
                self.span(span);
            }
        }
    }

    fn keys(&mut self, keys: &'a KeySpans) {
        let (start, spans, refused) = keys.parts();
        self.optional_span(start);
        self.number(spans.len() as u64);
        for (key, span) in spans {
            self.text(key);
            self.span(span);
        }
        self.texts(refused);
    }

    fn front(&mut self, front: &FrontMatter) {
        let FrontMatter { title, date, author, week, tags, summary, source, slug, draft, comments, due, replies_due } =
            front;
        for text in [title, date, author] {
            self.optional_text(text.as_deref());
        }
        self.optional_number(*week);
        self.texts(tags);
        self.optional_text(summary.as_deref());
        match source {
            None => self.byte(0),
            Some(RawSource { title, authors, publisher, year, url }) => {
                self.byte(1);
                self.optional_text(title.as_deref());
                self.texts(authors);
                self.optional_text(publisher.as_deref());
                self.optional_number(*year);
                self.optional_text(url.as_deref());
            }
        }
        self.optional_text(slug.as_deref());
        self.byte(u8::from(*draft));
        self.byte(match comments {
            None => 0,
            Some(CommentsMode::Open) => 1,
            Some(CommentsMode::Closed) => 2,
        });
        self.optional_text(due.as_deref());
        self.optional_text(replies_due.as_deref());
    }
}

struct Reader<'a> {
    whole: &'a Bytes,
    /// What is left of `whole` to read.
    rest: &'a [u8],
    /// The files named so far, by their index.
    paths: Vec<Arc<Path>>,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&byte, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(byte)
    }

    fn number(&mut self) -> Option<u64> {
        leb128::take(&mut self.rest)
    }

    fn size(&mut self) -> Option<usize> {
        usize::try_from(self.number()?).ok()
    }

    /// Bytes written after their length, with where they start in `whole`.
    fn sized(&mut self) -> Option<(usize, &'a [u8])> {
        let len = self.size()?;
        let start = self.whole.as_slice().len() - self.rest.len();
        let (bytes, rest) = self.rest.split_at_checked(len)?;
        self.rest = rest;
        Some((start, bytes))
    }

    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.sized()?.1).ok()
    }

    fn text(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    /// A text left in the buffer, not copied out of it.
    fn shared_text(&mut self) -> Option<SharedText> {
        let (start, bytes) = self.sized()?;
        SharedText::part(self.whole.part(start..start + bytes.len())?)
    }

    /// What `read` reads, or nothing when it was left out; None when the bytes are not one.
    fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => read(self).map(Some),
            _ => None,
        }
    }

    fn optional_text(&mut self) -> Option<Option<String>> {
        self.optional(Reader::text)
    }

    fn optional_number(&mut self) -> Option<Option<u32>> {
        self.optional(|input| u32::try_from(input.number()?).ok())
    }

    fn texts(&mut self) -> Option<Vec<String>> {
        let count = self.size()?;
        let mut texts = Vec::with_capacity(count.min(self.rest.len()));
        for _ in 0..count {
            texts.push(self.text()?);
        }
        Some(texts)
    }

    fn span(&mut self) -> Option<Span> {
        let index = self.size()?;
        if index == self.paths.len() {
            let path = Path::new(self.str()?);
            self.paths.push(Arc::from(path));
        }
        let path = self.paths.get(index)?;
        let path = Arc::clone(path);
        Some(Span::at(&path, self.size()?, self.size()?))
    }

    fn optional_span(&mut self) -> Option<Option<Span>> {
        match self.byte()? {
            0 => Some(None),
            1 => self.span().map(Some),
            _ => None,
        }
    }

    fn keys(&mut self) -> Option<KeySpans> {
        let start = self.optional_span()?;
        let count = self.size()?;
        let mut spans = Vec::with_capacity(count.min(self.rest.len()));
        for _ in 0..count {
            spans.push((self.text()?, self.span()?));
        }
        Some(KeySpans::from_parts(start, spans, self.texts()?))
    }

    fn front(&mut self) -> Option<FrontMatter> {
        let [title, date, author] = [(); 3].map(|()| self.optional_text());
        let week = self.optional_number()?;
        let tags = self.texts()?;
        let summary = self.optional_text()?;
        let source = match self.byte()? {
            0 => None,
            1 => Some(RawSource {
                title: self.optional_text()?,
                authors: self.texts()?,
                publisher: self.optional_text()?,
                year: self.optional_number()?,
                url: self.optional_text()?,
            }),
            _ => return None,
        };
        let slug = self.optional_text()?;
        let draft = match self.byte()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let comments = match self.byte()? {
            0 => None,
            1 => Some(CommentsMode::Open),
            2 => Some(CommentsMode::Closed),
            _ => return None,
        };
        let (due, replies_due) = (self.optional_text()?, self.optional_text()?);
        Some(FrontMatter {
            title: title?,
            date: date?,
            author: author?,
            week,
            tags,
            summary,
            source,
            slug,
            draft,
            comments,
            due,
            replies_due,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reading with every field set, its places in two files.
    fn sample() -> RawReading {
        let file = "content/a.md";
        let thread = "content/a.comments.yaml";
        let keys = |path: &str, line: usize| {
            KeySpans::from_parts(
                Some(Span::new(path, line, 1)),
                vec![("id".into(), Span::new(path, line, 3)), ("body".into(), Span::new(path, line + 1, 3))],
                vec!["colour".into()],
            )
        };
        let front = FrontMatter {
            title: Some("Trust «ü»".into()),
            date: Some("2024-01-01".into()),
            author: Some("Ann".into()),
            week: Some(3),
            tags: vec!["a".into(), "b c".into()],
            summary: Some("One line.".into()),
            source: Some(RawSource {
                title: Some("Book".into()),
                authors: vec!["X".into()],
                publisher: None,
                year: Some(2003),
                url: Some("https://example.org".into()),
            }),
            slug: Some("trust".into()),
            draft: true,
            comments: Some(CommentsMode::Closed),
            due: Some("2024-01-05".into()),
            replies_due: None,
        };
        let comment = |i: usize, status| RawComment {
            span: Span::new(thread, 10 * i, 1),
            keys: keys(thread, 10 * i),
            fields: CommentFields {
                id: Some(format!("c{i}")),
                author: Some("Bo".into()),
                date: None,
                reply_to: (i > 1).then(|| "c1".into()),
                body: Some(format!("Line\n\"quoted\" {}", "x".repeat(200 * i)).into()),
                status,
                mail: (i == 2).then(|| "abc".into()),
            },
        };
        RawReading {
            span: Span::file(file),
            section: "cohort".into(),
            name: "a".into(),
            keys: keys(file, 2),
            front,
            body: "Body.\n".into(),
            body_line: 12,
            comments: vec![comment(1, None), comment(2, Some(CommentStatus::Removed))].into(),
            assets: Vec::new(),
            files_key: None,
        }
    }

    /// `bytes` decoded from the middle of a larger buffer, as a cache file holds them.
    fn decoded(bytes: &[u8]) -> Option<RawReading> {
        let file = Bytes::whole([b"before", bytes, b"after"].concat());
        decode(&file.part(6..6 + bytes.len()).unwrap())
    }

    #[test]
    fn a_reading_comes_back_as_it_was_and_its_places_share_their_file() {
        let reading = sample();
        let back = decoded(&encode(&reading).unwrap()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{reading:?}"));
        let (first, second) = (&back.comments[0].span.path, &back.comments[1].keys.of("body").path);
        assert!(Arc::ptr_eq(first, second), "one path for one file");
        let empty = RawReading { comments: Vec::new().into(), front: FrontMatter::default(), ..reading };
        assert_eq!(format!("{:?}", decoded(&encode(&empty).unwrap()).unwrap()), format!("{empty:?}"));
    }

    #[test]
    fn bytes_cut_short_or_changed_are_refused_or_read_without_a_panic() {
        let bytes = encode(&sample()).unwrap();
        for len in 0..bytes.len() {
            assert!(decoded(&bytes[..len]).is_none(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decoded(&longer).is_none());
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0xff;
            let _ = decoded(&changed);
        }
    }
}
