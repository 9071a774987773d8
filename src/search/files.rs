//! The index as files in its own folder, `search/index/`, each small, so that a query fetches only
//! what it needs. Every file but `meta.json` is gzipped (browsers open them with
//! `DecompressionStream`): fewer bytes to fetch, and fewer, larger files to write.
//!
//! - `meta.json`: the layout (how many documents, the first document of each document file, where
//!   each term file starts, which word files exist) and the filter menus (kinds, people, topics,
//!   weeks, with counts);
//! - `words/<xx>.json.gz`: every word seen whose first two letters are `xx`, with its stem (`""`
//!   when the word is its own stem), so the script needs no stemmer and finds the words a typed
//!   prefix starts;
//! - `terms/<n>.json.gz`: the postings of a run of stems, by stem (in sorted order, so a prefix's
//!   stems lie together; `meta.json` lists each file's first stem), filled up to [`TERMS_FILE_BYTES`];
//! - `docs/<n>.json.gz`: consecutive documents (address, kind, title, week, day, text), each file
//!   ending where its documents say (see [`DOCS_FILE_LEAST`]), fetched for the results shown;
//! - `filters/<kind|person|tag|week>-<value>.json.gz`: the documents a filter keeps, fetched when used.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Write};

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde_json::json;

use super::counts;
use super::documents::{Document, Labels};
use super::postings::{encode_documents, Inverted};
use super::{file_key, FileKey, Out};

/// A document file holds at least this many bytes of JSON, then ends after a document whose hash
/// is a multiple of [`DOCS_SPREAD`] (about one in so many), or before one that would take it past
/// [`DOCS_FILE_MOST`]: about 32 KB on average. A result shown costs its whole file: about 8 KB
/// gzipped for English prose (a tenth of the 300 KB a first query may fetch).
///
/// Where files end is decided by their documents, not by filling each up to a size: an edit that
/// makes one text longer changes its own file, where filling moved the end of every file after it
/// (at M, an edit of one comment wrote 421 document files again, not one).
pub const DOCS_FILE_LEAST: usize = 16 * 1024;
/// See [`DOCS_FILE_LEAST`].
pub const DOCS_FILE_MOST: usize = 64 * 1024;
/// See [`DOCS_FILE_LEAST`].
pub const DOCS_SPREAD: u32 = 16;

/// A term file is closed once it holds this many bytes (a stem with more has a file of its own).
pub const TERMS_FILE_BYTES: usize = 12 * 1024;

/// The format's version, in `meta.json`: the script refuses an index it cannot read.
pub const VERSION: u32 = 2;

/// How hard files are gzipped: the fastest level, since indexing is part of every build, and
/// higher levels save little more on files this small.
const LEVEL: u32 = 1;

/// The name of the word file for `word` (folded): its first two letters, each outside `a-z0-9`
/// written as `_<hex>_`. `search.js` computes the same.
pub fn word_key(word: &str) -> String {
    let mut key = String::new();
    for c in word.chars().take(2) {
        match c {
            'a'..='z' | '0'..='9' => key.push(c),
            _ => key.push_str(&format!("_{:x}_", u32::from(c))),
        }
    }
    key
}

/// The people, tags and language the filter menus and the script need.
pub struct Names<'a> {
    /// Every person's name, by index.
    pub people: &'a [String],
    /// Every tag's name, by index.
    pub tags: &'a [String],
    /// The site's language tag.
    pub language: &'a str,
}

/// The document files, laid out as the documents' texts are read, a batch at a time: a file is
/// laid out as soon as the next document would overfill it, and the texts it needed are let go of,
/// so that the texts of a large site are never all held at once.
pub struct DocumentFiles<'a> {
    /// What each document puts into the index (its text by its HTML's digest): a file whose
    /// documents are all unchanged is taken from the last index without reading their texts.
    hashes: &'a [[u8; 32]],
    /// The first document of each file so far; the last file is still open.
    fill: Fill,
    /// How many files are laid out.
    done: usize,
    /// The texts read of the documents from the first of the files not laid out, in order; none
    /// where they were not read (their counts were kept from the last index).
    texts: Vec<Option<String>>,
}

impl<'a> DocumentFiles<'a> {
    /// The files of the documents whose `hashes` are given.
    pub fn new(hashes: &'a [[u8; 32]]) -> DocumentFiles<'a> {
        DocumentFiles { hashes, fill: Fill::new(DOCS_FILE_LEAST, DOCS_FILE_MOST), done: 0, texts: Vec::new() }
    }

    /// Adds the next documents of `documents`, by the length of each one's plain text, with their
    /// texts if read.
    pub fn add(&mut self, documents: &[Document], text_bytes: &[u32], texts: Option<Vec<String>>) {
        for &bytes in text_bytes {
            let (d, hash) = (&documents[self.fill.count], &self.hashes[self.fill.count]);
            let may_end = counts::may_end(hash, DOCS_SPREAD);
            self.fill.push(row_bytes(d, bytes as usize), may_end);
        }
        match texts {
            Some(texts) => self.texts.extend(texts.into_iter().map(Some)),
            None => self.texts.extend(text_bytes.iter().map(|_| None)),
        }
    }

    /// Lays out every file that is full, and lets go of the texts it needed and of what only it
    /// needed of its documents (see [`Document::laid_out`]).
    pub fn lay_out_full(&mut self, documents: &mut [Document], out: &Out) -> io::Result<()> {
        self.lay_out(documents, out, self.fill.firsts.len().saturating_sub(1))
    }

    /// Lays out the last files, once every document is added; returns the first document of each file.
    pub fn finish(mut self, documents: &mut [Document], out: &Out) -> io::Result<Vec<usize>> {
        self.lay_out(documents, out, self.fill.firsts.len())?;
        Ok(self.fill.firsts)
    }

    /// Lays out the files up to file `last` (not included), each in one go.
    fn lay_out(&mut self, documents: &mut [Document], out: &Out, last: usize) -> io::Result<()> {
        let all = runs(&self.fill.firsts, self.fill.count);
        let base = self.fill.firsts.get(self.done).copied().unwrap_or(self.fill.count);
        let (shown, hashes, texts) = (&*documents, self.hashes, &self.texts);
        (self.done..last).into_par_iter().try_for_each(|n| {
            let (start, end) = all[n];
            let key = file_key(|hasher| {
                hashes[start..end].iter().for_each(|hash| {
                    hasher.update(hash);
                });
            });
            out.file(&format!("docs/{n}.json.gz"), key, || {
                // A text read for its counts is borrowed; one whose counts were kept is read now.
                let texts: Vec<Cow<str>> = shown[start..end]
                    .iter()
                    .zip(&texts[start - base..end - base])
                    .map(|(d, text)| text.as_deref().map_or_else(|| Cow::Owned(d.text()), Cow::Borrowed))
                    .collect();
                gzip(&rows_json(&shown[start..end], &texts))
            })
        })?;
        let next = self.fill.firsts.get(last).copied().unwrap_or(self.fill.count);
        documents[base..next].iter_mut().for_each(Document::laid_out);
        self.texts.drain(..next - base);
        self.done = last;
        Ok(())
    }
}

/// Lays out every other file of the index but its stamp: terms, words, filters and `meta.json`
/// (which needs `firsts`, the first document of each document file). Reads no text.
pub fn files(
    documents: usize,
    filters: &BTreeMap<String, Vec<u32>>,
    firsts: &[usize],
    inverted: &Inverted,
    names: &Names,
    out: &Out,
) -> io::Result<()> {
    let starts =
        fill(inverted.stems.iter().zip(&inverted.postings).map(|(s, p)| s.len() + p.len() + 6), TERMS_FILE_BYTES);
    runs(&starts, inverted.postings.len()).into_par_iter().enumerate().try_for_each(|(n, (start, end))| {
        let shard: BTreeMap<&str, &str> =
            (start..end).map(|s| (inverted.stems[s].as_str(), inverted.postings[s].as_str())).collect();
        gzipped(out, &format!("terms/{n}.json.gz"), &shard)
    })?;

    let mut groups: Vec<(String, &[(String, u32)])> = Vec::new();
    let mut rest = inverted.words.as_slice();
    while let Some((first, _)) = rest.first() {
        let key = word_key(first);
        let end = rest.iter().position(|(w, _)| word_key(w) != key).unwrap_or(rest.len());
        groups.push((key, &rest[..end]));
        rest = &rest[end..];
    }
    // A word that is its own stem (most are) maps to "".
    groups.par_iter().try_for_each(|(key, words)| {
        let map: BTreeMap<&str, &str> = words
            .iter()
            .map(|(word, stem)| {
                let stem = inverted.stems[*stem as usize].as_str();
                (word.as_str(), if stem == word { "" } else { stem })
            })
            .collect();
        gzipped(out, &format!("words/{key}.json.gz"), &map)
    })?;

    filters
        .par_iter()
        .try_for_each(|(name, docs)| gzipped(out, &format!("filters/{name}.json.gz"), &encode_documents(docs)))?;
    let counted = |prefix: &str| -> Vec<(String, usize)> {
        let mut found: Vec<(String, usize)> = filters
            .iter()
            .filter_map(|(name, docs)| name.strip_prefix(prefix).map(|value| (value.to_string(), docs.len())))
            .collect();
        found.sort_by_key(|(value, _)| value.parse::<usize>().unwrap_or(usize::MAX));
        found
    };
    let named = |prefix: &str, list: &[String]| -> Vec<serde_json::Value> {
        let mut found: Vec<_> = counted(prefix)
            .into_iter()
            .filter_map(|(i, n)| Some((i.parse::<usize>().ok()?, n)))
            .map(|(i, n)| (list[i].clone(), i, n))
            .collect();
        found.sort_by_cached_key(|(name, ..)| name.to_lowercase());
        found.into_iter().map(|(name, i, n)| json!([i, name, n])).collect()
    };
    let kinds: Vec<_> = ["readings", "reflections", "people", "sections"]
        .into_iter()
        .filter_map(|kind| filters.get(&format!("kind-{kind}")).map(|docs| json!([kind, docs.len()])))
        .collect();
    let weeks: Vec<_> = counted("week-").into_iter().map(|(w, n)| json!([w.parse::<u32>().unwrap_or(0), n])).collect();
    let meta = json!({
        "version": VERSION,
        "language": names.language,
        "documents": documents,
        "docs": encode_documents(&firsts.iter().map(|&d| d as u32).collect::<Vec<_>>()),
        "terms": starts.iter().map(|&s| &inverted.stems[s]).collect::<Vec<_>>(),
        "words": groups.iter().map(|(key, _)| key).collect::<Vec<_>>(),
        "kinds": kinds,
        "people": named("person-", names.people),
        "tags": named("tag-", names.tags),
        "weeks": weeks,
    });
    let json = to_json(&meta);
    out.file("meta.json", json_key(&json), || json.clone())
}

/// Lays out the file at `path`, `value` as gzipped JSON: taken from the last index when its JSON
/// is the same (gzip at one level always makes the same bytes of the same JSON), else gzipped.
fn gzipped<T: serde::Serialize + ?Sized>(out: &Out, path: &str, value: &T) -> io::Result<()> {
    let json = to_json(value);
    out.file(path, json_key(&json), || gzip(&json))
}

/// The key of a file made from `json`.
fn json_key(json: &[u8]) -> FileKey {
    file_key(|hasher| {
        hasher.update(json);
    })
}

/// Each filter's documents, by file name (`person-3`), in document order.
pub fn filters(documents: &[Document]) -> BTreeMap<String, Vec<u32>> {
    // Gathered by what they filter on and named once at the end: a name made and looked up for
    // each of a document's three or four filters took 90 ms of a build at M.
    let mut by: HashMap<Filter, Vec<u32>> = HashMap::default();
    for (n, document) in documents.iter().enumerate() {
        let n = n as u32;
        by.entry(Filter::Kind(document.kind.group())).or_default().push(n);
        if let Some(person) = document.person {
            by.entry(Filter::Person(person)).or_default().push(n);
        }
        for &tag in document.tags.iter() {
            by.entry(Filter::Tag(tag)).or_default().push(n);
        }
        if let Some(week) = document.week {
            by.entry(Filter::Week(week)).or_default().push(n);
        }
    }
    by.into_iter().map(|(filter, documents)| (filter.name(), documents)).collect()
}

/// What a filter keeps documents by.
#[derive(PartialEq, Eq, Hash)]
enum Filter {
    Kind(&'static str),
    Person(u32),
    Tag(usize),
    Week(u32),
}

impl Filter {
    /// Its file's name, without the folder and extension.
    fn name(&self) -> String {
        match self {
            Filter::Kind(group) => format!("kind-{group}"),
            Filter::Person(person) => format!("person-{person}"),
            Filter::Tag(tag) => format!("tag-{tag}"),
            Filter::Week(week) => format!("week-{week}"),
        }
    }
}

/// The first item of each run of consecutive items whose sizes add up to `limit` (an item larger than
/// that has a run of its own).
fn fill(sizes: impl Iterator<Item = usize>, limit: usize) -> Vec<usize> {
    let mut fill = Fill::new(limit, limit);
    sizes.for_each(|size| fill.push(size, false));
    fill.firsts
}

/// Runs of consecutive items, made one item at a time: a run ends after an item that may end it
/// once the run holds `least`, or before an item that would take it past `most`.
struct Fill {
    least: usize,
    most: usize,
    /// The size of the last run.
    size: usize,
    /// Whether the last run is over (or none has begun).
    ended: bool,
    /// The first item of each run.
    firsts: Vec<usize>,
    /// How many items were pushed.
    count: usize,
}

impl Fill {
    fn new(least: usize, most: usize) -> Fill {
        Fill { least, most, size: 0, ended: true, firsts: Vec::new(), count: 0 }
    }

    /// Adds the next item, in the last run or at the start of a new one.
    fn push(&mut self, item: usize, may_end: bool) {
        if self.ended || (self.size + item > self.most && self.size > 0) {
            self.firsts.push(self.count);
            self.size = 0;
        }
        self.size += item;
        self.count += 1;
        self.ended = may_end && self.size >= self.least;
    }
}

/// The `(start, end)` of each run that starts at one of `firsts`, the last ending at `count`.
fn runs(firsts: &[usize], count: usize) -> Vec<(usize, usize)> {
    firsts.iter().copied().zip(firsts.iter().copied().skip(1).chain([count])).collect()
}

/// `bytes` gzipped, with no name or time in the header, so one index is always the same bytes:
/// those `flate2`'s `GzEncoder` writes, made with a compressor each thread keeps and resets. A
/// fresh one for each file set up and zeroed some 300 KB of tables, for files of 30 KB.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        static DEFLATE: RefCell<DeflateEncoder<Vec<u8>>> =
            RefCell::new(DeflateEncoder::new(Vec::new(), Compression::new(LEVEL)));
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 + 32);
    out.extend_from_slice(&GZIP_HEADER);
    let mut out = DEFLATE.with_borrow_mut(|deflate| {
        // The encoder starts each file fresh: `reset` ended the last file's stream and reset it.
        *deflate.get_mut() = out;
        deflate.write_all(bytes).and_then(|()| deflate.reset(Vec::new())).expect("writing to memory cannot fail")
    });
    let mut crc = Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    out
}

/// A gzip member's header as `GzEncoder` writes it at [`LEVEL`]: deflate, no flags, no time, the
/// "fastest" mark at level 1, an unknown system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, if LEVEL <= 1 { 4 } else { 0 }, 255];

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain data")
}

/// A document file's JSON: for each document, `[address, kind, title, week, day, text]`, the
/// bytes `serde_json` writes for them. Written here, not by `serde_json`, so that a string
/// needing no escapes (most of them, texts included) is copied whole: the texts are most of the
/// index, and looking at them byte by byte took a twentieth of indexing.
fn rows_json(documents: &[Document], texts: &[Cow<str>]) -> Vec<u8> {
    let size: usize = documents.iter().zip(texts).map(|(document, text)| row_bytes(document, text.len())).sum();
    let mut json = Vec::with_capacity(size + 2);
    json.push(b'[');
    for (n, (document, text)) in documents.iter().zip(texts).enumerate() {
        let Labels { url, title, day, .. } = document.labels();
        json.extend_from_slice(if n == 0 { b"[" } else { b",[" });
        for part in [url, document.kind.code(), title] {
            json_string(&mut json, part);
            json.push(b',');
        }
        serde_json::to_writer(&mut json, &document.week).expect("writing to memory cannot fail");
        json.push(b',');
        json_string(&mut json, day);
        json.push(b',');
        json_string(&mut json, text);
        json.push(b']');
    }
    json.push(b']');
    json
}

/// About how many bytes of JSON a document's row takes, its plain text `text_bytes` long: what
/// document files are filled by, and their buffers sized by (JSON adds little to prose).
fn row_bytes(document: &Document, text_bytes: usize) -> usize {
    let labels = document.labels();
    labels.url.len() + labels.title.len() + labels.day.len() + text_bytes + 40
}

/// Appends `text` as a JSON string, as `serde_json` writes it.
fn json_string(json: &mut Vec<u8>, text: &str) {
    // Without an early exit, so that it is checked many bytes at a time.
    let escaped = text.bytes().fold(false, |escaped, b| escaped | (b < 0x20) | (b == b'"') | (b == b'\\'));
    match escaped {
        true => serde_json::to_writer(&mut *json, text).expect("writing to memory cannot fail"),
        false => {
            json.push(b'"');
            json.extend_from_slice(text.as_bytes());
            json.push(b'"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_rows_are_the_json_serde_json_writes() {
        use super::super::documents::Kind;
        use crate::render::sanitize::Html;
        use std::sync::Arc;
        let labels = |url| Labels { url, title: "Reply by \"Sam\" on \\ x", heading: "", day: "2 May" };
        let documents = [
            Document::new(
                Kind::Reply,
                labels("r/a/#comment-c1"),
                Some(2),
                Arc::new([]),
                Some(3),
                Html::from_text("".into()),
            ),
            Document::new(Kind::Reading, labels("r/a/"), None, Arc::new([]), None, Html::from_text("".into())),
        ];
        let texts: Vec<Cow<str>> = vec!["a \"quoted\" \\ and \u{1} é’".into(), "plain words".into()];
        let rows: Vec<_> = documents
            .iter()
            .zip(&texts)
            .map(|(d, text)| {
                let Labels { url, title, day, .. } = d.labels();
                (url, d.kind.code(), title, d.week, day, text)
            })
            .collect();
        assert_eq!(String::from_utf8(rows_json(&documents, &texts)).unwrap(), serde_json::to_string(&rows).unwrap());
        assert_eq!(rows_json(&[], &[]), b"[]");
    }

    #[test]
    fn runs_fill_up_to_their_limit_and_a_large_item_has_its_own() {
        let firsts = fill([4, 4, 4, 10, 1, 1].into_iter(), 8);
        assert_eq!(firsts, [0, 2, 3, 4]);
        assert_eq!(runs(&firsts, 6), [(0, 2), (2, 3), (3, 4), (4, 6)]);
        assert!(fill(std::iter::empty(), 8).is_empty());
    }

    #[test]
    fn runs_end_where_their_items_say_once_they_hold_the_least() {
        let mut fill = Fill::new(5, 12);
        // (size, may end): the first may-end comes before the run holds 5; 10 and 11 would each take
        // theirs past 12, so a run ends before them; the last may-end comes too early again.
        let items = [(2, true), (2, false), (2, true), (3, false), (10, false), (11, true), (1, true), (1, false)];
        items.into_iter().for_each(|(size, may_end)| fill.push(size, may_end));
        assert_eq!(fill.firsts, [0, 3, 4, 5, 6]);
        // One item longer early on moves no end after the first end that still falls the same way.
        let mut longer = Fill::new(5, 12);
        [(2, true), (3, false), (2, true), (3, false), (10, false), (11, true), (1, true), (1, false)]
            .into_iter()
            .for_each(|(size, may_end)| longer.push(size, may_end));
        assert_eq!(longer.firsts, fill.firsts);
    }

    #[test]
    fn gzip_is_the_same_bytes_every_time_and_reads_back() {
        use std::io::Read;
        let bytes = gzip(b"[\"trust\"]");
        assert_eq!(bytes, gzip(b"[\"trust\"]"));
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "gzip's magic number, which the script looks for");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, "[\"trust\"]");
    }

    #[test]
    fn gzip_makes_the_bytes_gz_encoder_makes_file_after_file() {
        let fresh = |bytes: &[u8]| {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::new(LEVEL));
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        };
        let prose = "Trust grows when a team says what it does not know. ".repeat(3000);
        let mut noise = Vec::new();
        let mut x: u32 = 1;
        for _ in 0..200_000 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            noise.push((x >> 24) as u8);
        }
        for bytes in [&b""[..], b"[\"trust\"]", prose.as_bytes(), &noise, prose.as_bytes(), b"x"] {
            assert_eq!(gzip(bytes), fresh(bytes), "{} bytes", bytes.len());
        }
    }

    #[test]
    fn word_files_are_named_by_two_letters_safely() {
        assert_eq!(word_key("team"), "te");
        assert_eq!(word_key("a"), "a");
        assert_eq!(word_key("2024"), "20");
        assert_eq!(word_key("straße"), "st");
        assert_eq!(word_key("ßa"), "_df_a");
        assert_eq!(word_key("日本"), "_65e5__672c_");
    }
}
