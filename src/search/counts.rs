//! The words of the documents counted, a chunk of documents at a time, each chunk into a small
//! inverted index of its own ([`Counted`]).
//!
//! A chunk's counts depend only on its documents, so the next build takes those of every chunk
//! it finds unchanged (by [`chunk_key`]) as they are (`memory` keeps them), and reads and counts
//! only the texts of the others. Chunks end where their documents' own contents say (see
//! [`chunks`]), not every so many documents: a text added or removed in the middle of the site
//! changes the chunk it falls in, not every chunk after it.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::documents::Document;
use super::put_part;
use super::words::each_word;
use crate::cache::leb128;

/// A heading word (a reading's title, a person's name) counts as this many words of the text.
pub const HEADING_WEIGHT: u32 = 3;

/// A chunk holds at least this many documents...
const SHORTEST: usize = 64;
/// ...then ends after a document whose key is a multiple of this (about one in so many)...
const SPREAD: u32 = 256;
/// ...or once it holds this many (so a document's place in its chunk fits in a `u16`).
pub const LONGEST: usize = 1024;

/// One chunk's words counted: its distinct words, and for each the chunk's documents holding it,
/// written compactly (a chunk's counts are kept, for every chunk of the site, until the postings
/// are gathered: at 500,000 texts, 64 million postings, 380 MB as plain numbers, 140 MB so).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counted {
    /// Each document's length in words, its heading's words counted [`HEADING_WEIGHT`] times.
    pub lengths: Vec<u32>,
    /// Each document's plain text's length in bytes, which the document files are filled by.
    pub text_bytes: Vec<u32>,
    /// The chunk's distinct words, folded, one after another...
    words: String,
    /// ...each from its start here to the next one's (one more than words).
    word_starts: Vec<u32>,
    /// Each word's postings, word after word: for each document holding it, in increasing order,
    /// its distance from the one before, then how many times it holds the word (its heading's
    /// words counted more), as [`leb128::put`] writes them...
    postings: Vec<u8>,
    /// ...each word's from its start here to the next one's (one more than words).
    posting_starts: Vec<u32>,
}

impl Counted {
    /// Counts of `lengths.len()` documents with their lengths and texts' sizes, no words yet.
    pub fn new(lengths: Vec<u32>, text_bytes: Vec<u32>) -> Counted {
        Counted { lengths, text_bytes, word_starts: vec![0], posting_starts: vec![0], ..Counted::default() }
    }

    /// Adds a word and its postings, `(document, count)` in increasing order of documents; `None`
    /// (and nothing added) when they are not, or name a document past the chunk's. For tests: counts
    /// are made by [`count`] and read back by [`Counted::read`].
    #[cfg(test)]
    pub fn push_word(&mut self, word: &str, postings: impl IntoIterator<Item = (u16, u32)>) -> Option<()> {
        let mut encoded = Vec::new();
        let mut next = 0;
        for (doc, n) in postings {
            if doc < next || usize::from(doc) >= self.lengths.len() {
                return None;
            }
            leb128::put(&mut encoded, u64::from(doc - next));
            leb128::put(&mut encoded, u64::from(n));
            next = doc + 1;
        }
        self.push_encoded(word, &encoded)
    }

    /// Adds a word and its postings as [`Counted::postings`] reads them, already checked.
    fn push_encoded(&mut self, word: &str, postings: &[u8]) -> Option<()> {
        self.words.push_str(word);
        self.word_starts.push(u32::try_from(self.words.len()).ok()?);
        self.postings.extend_from_slice(postings);
        self.posting_starts.push(u32::try_from(self.postings.len()).ok()?);
        Some(())
    }

    /// How many distinct words.
    pub fn word_count(&self) -> usize {
        self.word_starts.len() - 1
    }

    /// The distinct words, in the order of their numbers.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.word_starts.windows(2).map(|w| &self.words[w[0] as usize..w[1] as usize])
    }

    /// The postings of word `w`: each document holding it (by its place in the chunk), in
    /// increasing order, and how many times.
    pub fn postings(&self, w: usize) -> impl Iterator<Item = (u16, u32)> + '_ {
        let mut rest = &self.postings[self.posting_starts[w] as usize..self.posting_starts[w + 1] as usize];
        let mut next = 0u16;
        std::iter::from_fn(move || {
            // Written by `count` (or `push_word`), or checked by `read` as it read them back: sound.
            let gap = leb128::take(&mut rest)?;
            let n = leb128::take(&mut rest)?;
            let doc = next + gap as u16;
            next = doc + 1;
            Some((doc, n as u32))
        })
    }

    /// The words and their postings as bytes, for the build cache: read back by [`Counted::read`].
    pub fn write(&self, out: &mut Vec<u8>) {
        leb128::put(out, self.lengths.len() as u64);
        for (length, bytes) in self.lengths.iter().zip(&self.text_bytes) {
            leb128::put(out, u64::from(*length));
            leb128::put(out, u64::from(*bytes));
        }
        leb128::put(out, self.word_count() as u64);
        for (w, word) in self.words().enumerate() {
            leb128::put(out, word.len() as u64);
            out.extend_from_slice(word.as_bytes());
            let postings = &self.postings[self.posting_starts[w] as usize..self.posting_starts[w + 1] as usize];
            leb128::put(out, postings.len() as u64);
            out.extend_from_slice(postings);
        }
    }

    /// Reads what [`Counted::write`] wrote at the start of `bytes`; `None` for anything it does not
    /// write, so that no damage can make counts the index cannot use.
    pub fn read(bytes: &mut &[u8]) -> Option<Counted> {
        let documents = usize::try_from(leb128::take(bytes)?).ok().filter(|&n| n <= LONGEST)?;
        let mut lengths = Vec::with_capacity(documents);
        let mut text_bytes = Vec::with_capacity(documents);
        for _ in 0..documents {
            lengths.push(u32::try_from(leb128::take(bytes)?).ok()?);
            text_bytes.push(u32::try_from(leb128::take(bytes)?).ok()?);
        }
        let mut counted = Counted::new(lengths, text_bytes);
        let words = usize::try_from(leb128::take(bytes)?).ok().filter(|&n| n <= bytes.len())?;
        counted.word_starts.reserve(words);
        counted.posting_starts.reserve(words);
        for _ in 0..words {
            let word = std::str::from_utf8(take_bytes(bytes)?).ok()?;
            let postings = take_bytes(bytes)?;
            // Checked as `postings` reads them, then kept as they are: read into numbers and written
            // again, a warm build's 21 MB of counts took a quarter of a second.
            let mut rest = postings;
            let mut next = 0u64;
            while !rest.is_empty() {
                let doc = next.checked_add(leb128::take(&mut rest)?).filter(|&d| d < documents as u64)?;
                u32::try_from(leb128::take(&mut rest)?).ok()?;
                next = doc + 1;
            }
            counted.push_encoded(word, postings)?;
        }
        Some(counted)
    }
}

/// Reads a length, then that many bytes, and moves past them.
fn take_bytes<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(leb128::take(bytes)?).ok()?;
    let (taken, rest) = bytes.split_at_checked(len)?;
    *bytes = rest;
    Some(taken)
}

/// What a document's counts are made from: its heading and its text (by its HTML's digest), put
/// together in `bytes`.
pub fn document_key(document: &Document, bytes: &mut Vec<u8>) -> [u8; 32] {
    bytes.clear();
    put_part(bytes, document.heading());
    bytes.extend_from_slice(document.body.digest());
    *blake3::hash(bytes).as_bytes()
}

/// The documents of `keys` (each document's [`document_key`]) cut into chunks, `(start, end)`.
pub fn chunks(keys: &[[u8; 32]]) -> Vec<(usize, usize)> {
    let mut all = Vec::new();
    let mut start = 0;
    for (i, key) in keys.iter().enumerate() {
        let length = i + 1 - start;
        let ends_here = may_end(key, SPREAD);
        if length >= LONGEST || (length >= SHORTEST && ends_here) || i + 1 == keys.len() {
            all.push((start, i + 1));
            start = i + 1;
        }
    }
    all
}

/// Whether a run of documents (a chunk, a document file) may end after the one of hash `key`:
/// about one in `spread` may, decided by the document itself, so an edit moves no other end.
pub fn may_end(key: &[u8; 32], spread: u32) -> bool {
    u32::from_le_bytes([key[0], key[1], key[2], key[3]]).is_multiple_of(spread)
}

/// The key of a chunk's counts: its documents' keys, and `code` (what counts them).
pub fn chunk_key(keys: &[[u8; 32]], code: &[u8; 32]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(code);
    hasher.update(keys.as_flattened());
    *hasher.finalize().as_bytes()
}

/// Counts the words of `documents` (consecutive, at most [`LONGEST`]), whose plain texts are `texts`.
pub fn count(documents: &[Document], texts: &[String]) -> Counted {
    assert!(documents.len() <= LONGEST, "a chunk holds at most LONGEST documents");
    // Each word seen, by where it is in `words` (from, to) and its number: a new word is not a
    // `String` of its own, made and let go of (one for each distinct word of each chunk: their
    // pages, handed back between chunks and taken again, were a twentieth of indexing). Its place
    // is kept here, not looked up in `word_starts` by its number: that was slower than the strings.
    let mut ids: HashTable<(u32, u32, u32)> = HashTable::new();
    let mut words = String::new();
    let mut word_starts = vec![0u32];
    // For each word: how many times the document being read holds it, and how many documents hold it.
    let mut counts: Vec<u32> = Vec::new();
    let mut holding: Vec<u32> = Vec::new();
    // The words the document being read holds so far, one more place than words (see below).
    let mut touched: Vec<u32> = vec![0];
    let mut folded = String::new();
    // Each document's words and counts, one document after another.
    let mut terms: Vec<(u32, u32)> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(documents.len());
    let mut lengths = Vec::with_capacity(documents.len());
    let mut text_bytes = Vec::with_capacity(documents.len());
    for (document, text) in documents.iter().zip(texts) {
        let (mut length, mut distinct) = (0, 0);
        for (text, weight) in [(document.heading(), HEADING_WEIGHT), (text, 1)] {
            each_word(text, &mut folded, |word| {
                let hash = FxBuildHasher.hash_one(word.as_bytes());
                let seen = words.as_bytes();
                let id = match ids.find(hash, |&(from, to, _)| &seen[from as usize..to as usize] == word.as_bytes()) {
                    Some(&(_, _, id)) => id,
                    None => {
                        let id = u32::try_from(counts.len()).expect("fewer than 4 billion words");
                        let from = u32::try_from(words.len()).expect("a chunk's words fit in 4 GB");
                        words.push_str(word);
                        let to = u32::try_from(words.len()).expect("a chunk's words fit in 4 GB");
                        let seen = words.as_bytes();
                        ids.insert_unique(hash, (from, to, id), |&(from, to, _)| {
                            FxBuildHasher.hash_one(&seen[from as usize..to as usize])
                        });
                        word_starts.push(to);
                        counts.push(0);
                        holding.push(0);
                        touched.push(0);
                        id
                    }
                };
                // Written always and kept only when first seen, without a branch: whether a word is
                // new to its document cannot be predicted.
                let count = &mut counts[id as usize];
                touched[distinct] = id;
                distinct += usize::from(*count == 0);
                *count += weight;
                length += weight;
            });
        }
        for &id in &touched[..distinct] {
            terms.push((id, std::mem::take(&mut counts[id as usize])));
            holding[id as usize] += 1;
        }
        ends.push(terms.len());
        lengths.push(length);
        text_bytes.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
    }
    // The terms placed word by word (documents in order within each), then written in that order.
    let mut at: Vec<u32> = holding
        .iter()
        .scan(0, |sum, &n| {
            *sum += n;
            Some(*sum - n)
        })
        .collect();
    let mut placed = vec![(0u16, 0u32); terms.len()];
    let mut start = 0;
    for (document, &end) in ends.iter().enumerate() {
        for &(word, n) in &terms[start..end] {
            let slot = &mut at[word as usize];
            placed[*slot as usize] = (document as u16, n);
            *slot += 1;
        }
        start = end;
    }
    let mut postings = Vec::with_capacity(2 * placed.len() + placed.len() / 4);
    let mut posting_starts = Vec::with_capacity(holding.len() + 1);
    posting_starts.push(0);
    let mut rest = &placed[..];
    for &n in &holding {
        let (these, after) = rest.split_at(n as usize);
        let mut next = 0;
        for &(document, n) in these {
            leb128::put(&mut postings, u64::from(document - next));
            leb128::put(&mut postings, u64::from(n));
            next = document + 1;
        }
        posting_starts.push(u32::try_from(postings.len()).expect("a chunk's postings fit in 4 GB"));
        rest = after;
    }
    Counted { lengths, text_bytes, words, word_starts, postings, posting_starts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> [u8; 32] {
        let mut key = [1; 32];
        key[..4].copy_from_slice(&n.to_le_bytes());
        key
    }

    #[test]
    fn chunks_end_where_their_documents_say_and_an_insertion_moves_one_end() {
        // Keys that are multiples of SPREAD may end a chunk, once it holds SHORTEST documents.
        let mut keys: Vec<[u8; 32]> = (0..1000).map(|i| key(if i % 100 == 99 { SPREAD } else { 1 })).collect();
        let cut = chunks(&keys);
        assert_eq!(cut[..3], [(0, 100), (100, 200), (200, 300)]);
        assert_eq!(cut.last(), Some(&(900, 1000)), "the last chunk ends with the documents");
        keys.insert(150, key(1));
        let again = chunks(&keys);
        assert_eq!(again[..3], [(0, 100), (100, 201), (201, 301)], "only the chunk it is in grows");
        let none = vec![key(1); 3000];
        assert_eq!(chunks(&none)[..2], [(0, LONGEST), (LONGEST, 2 * LONGEST)], "at most LONGEST");
        assert!(chunks(&[]).is_empty());
    }

    #[test]
    fn a_chunk_is_counted_word_by_word() {
        let documents = [Document::reflection("Trust", "trust me"), Document::reflection("", "<p>me &amp; you</p>")];
        let counted = count(&documents, &documents.iter().map(Document::text).collect::<Vec<_>>());
        let postings = |w: &str| counted.postings(counted.words().position(|x| x == w).unwrap()).collect::<Vec<_>>();
        assert_eq!(postings("trust"), [(0, HEADING_WEIGHT + 1)]);
        assert_eq!(postings("me"), [(0, 1), (1, 1)]);
        assert_eq!(counted.words().collect::<Vec<_>>(), ["trust", "me", "you"]);
        assert_eq!(counted.lengths, [HEADING_WEIGHT + 2, 2], "&amp; is no word");
        assert_eq!(counted.text_bytes, ["trust me".len() as u32, "me & you".len() as u32]);
    }

    #[test]
    fn postings_are_written_compactly_and_read_back_whole() {
        let mut counted = Counted::new(vec![1; 1000], vec![1; 1000]);
        let many: Vec<(u16, u32)> = vec![(0, 1), (1, 300), (999, 70_000)];
        counted.push_word("équipe", many.clone()).unwrap();
        counted.push_word("x", []).unwrap();
        assert_eq!(counted.push_word("late", [(3, 1), (2, 1)]), None, "out of order");
        assert_eq!(counted.push_word("past", [(1000, 1)]), None, "past the chunk's documents");
        assert_eq!(counted.postings(0).collect::<Vec<_>>(), many);
        assert_eq!(counted.postings(1).count(), 0);
        assert_eq!(counted.words().collect::<Vec<_>>(), ["équipe", "x"]);
        let mut bytes = Vec::new();
        counted.write(&mut bytes);
        assert_eq!(Counted::read(&mut &bytes[..]), Some(counted));
    }

    #[test]
    fn a_counted_chunk_equals_one_built_word_by_word() {
        let documents =
            [Document::reflection("", "a b a"), Document::reflection("", "b c"), Document::reflection("", "a")];
        let counted = count(&documents, &documents.iter().map(Document::text).collect::<Vec<_>>());
        let mut built = Counted::new(vec![3, 2, 1], vec![5, 3, 1]);
        built.push_word("a", [(0, 2), (2, 1)]).unwrap();
        built.push_word("b", [(0, 1), (1, 1)]).unwrap();
        built.push_word("c", [(1, 1)]).unwrap();
        assert_eq!(counted, built);
    }
}
