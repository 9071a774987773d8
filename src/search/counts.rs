//! The words of the documents counted, a chunk of documents at a time, each chunk into a small
//! inverted index of its own ([`Counted`]).
//!
//! A chunk's counts depend only on its documents, so the next build takes those of every chunk
//! it finds unchanged (by [`chunk_key`]) as they are (`memory` keeps them), and reads and counts
//! only the texts of the others. Chunks end where their documents' own contents say (see
//! [`chunks`]), not every so many documents: a text added or removed in the middle of the site
//! changes the chunk it falls in, not every chunk after it.

use rustc_hash::FxHashMap as HashMap;

use super::documents::Document;
use super::words::each_word;

/// A heading word (a reading's title, a person's name) counts as this many words of the text.
pub const HEADING_WEIGHT: u32 = 3;

/// A chunk holds at least this many documents...
const SHORTEST: usize = 64;
/// ...then ends after a document whose key is a multiple of this (about one in so many)...
const SPREAD: u32 = 256;
/// ...or once it holds this many (so a document's place in its chunk fits in a `u16`).
pub const LONGEST: usize = 1024;

/// One chunk's words counted: its distinct words, and for each the chunk's documents holding it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counted {
    /// Each document's length in words, its heading's words counted [`HEADING_WEIGHT`] times.
    pub lengths: Vec<u32>,
    /// Each document's plain text's length in bytes, which the document files are filled by.
    pub text_bytes: Vec<u32>,
    /// The chunk's distinct words, folded.
    pub words: Vec<String>,
    /// Where each word's postings start in `documents` and `counts`; then where the last ends.
    pub starts: Vec<u32>,
    /// Each posting's document, by its place in the chunk; a word's in increasing order.
    pub documents: Vec<u16>,
    /// How many times the posting's document holds the word (its heading's words counted more).
    pub counts: Vec<u32>,
}

/// What a document's counts are made from: its heading and its text (by its HTML's digest).
pub fn document_key(document: &Document) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(document.heading.len() as u64).to_le_bytes());
    hasher.update(document.heading.as_bytes());
    hasher.update(document.body.digest());
    *hasher.finalize().as_bytes()
}

/// The documents of `keys` (each document's [`document_key`]) cut into chunks, `(start, end)`.
pub fn chunks(keys: &[[u8; 32]]) -> Vec<(usize, usize)> {
    let mut all = Vec::new();
    let mut start = 0;
    for (i, key) in keys.iter().enumerate() {
        let length = i + 1 - start;
        let ends_here = u32::from_le_bytes([key[0], key[1], key[2], key[3]]) % SPREAD == 0;
        if length >= LONGEST || (length >= SHORTEST && ends_here) || i + 1 == keys.len() {
            all.push((start, i + 1));
            start = i + 1;
        }
    }
    all
}

/// The key of a chunk's counts: its documents' keys, and `code` (what counts them).
pub fn chunk_key(keys: &[[u8; 32]], code: &[u8; 32]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(code);
    keys.iter().for_each(|key| {
        hasher.update(key);
    });
    *hasher.finalize().as_bytes()
}

/// Counts the words of `documents` (consecutive, at most [`LONGEST`]), whose plain texts are `texts`.
pub fn count(documents: &[Document], texts: &[String]) -> Counted {
    let mut ids: HashMap<String, u32> = HashMap::default();
    let mut counts: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut folded = String::new();
    // Each document's words and counts, one document after another, then turned word by word.
    let mut terms: Vec<(u32, u32)> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(documents.len());
    let mut counted = Counted {
        lengths: Vec::with_capacity(documents.len()),
        text_bytes: Vec::with_capacity(documents.len()),
        ..Counted::default()
    };
    for (document, text) in documents.iter().zip(texts) {
        let mut length = 0;
        for (text, weight) in [(document.heading.as_str(), HEADING_WEIGHT), (text, 1)] {
            each_word(text, &mut folded, |word| {
                let id = match ids.get(word) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(ids.len()).expect("fewer than 4 billion words");
                        ids.insert(word.to_string(), id);
                        counts.push(0);
                        id
                    }
                };
                if counts[id as usize] == 0 {
                    touched.push(id);
                }
                counts[id as usize] += weight;
                length += weight;
            });
        }
        terms.extend(touched.drain(..).map(|id| (id, std::mem::take(&mut counts[id as usize]))));
        ends.push(terms.len());
        counted.lengths.push(length);
        counted.text_bytes.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
    }
    // Turned word by word: each word's postings counted, then placed, documents in order.
    let mut starts = vec![0u32; ids.len() + 1];
    terms.iter().for_each(|&(word, _)| starts[word as usize + 1] += 1);
    (1..starts.len()).for_each(|w| starts[w] += starts[w - 1]);
    let mut next = starts.clone();
    counted.documents = vec![0; terms.len()];
    counted.counts = vec![0; terms.len()];
    let mut start = 0;
    for (document, &end) in ends.iter().enumerate() {
        for &(word, n) in &terms[start..end] {
            let place = next[word as usize] as usize;
            counted.documents[place] = u16::try_from(document).expect("a chunk holds at most LONGEST documents");
            counted.counts[place] = n;
            next[word as usize] += 1;
        }
        start = end;
    }
    counted.starts = starts;
    counted.words = vec![String::new(); ids.len()];
    for (word, id) in ids {
        counted.words[id as usize] = word;
    }
    counted
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
        let word = |w: &str| counted.words.iter().position(|x| x == w).unwrap();
        let postings = |w: &str| {
            let (a, b) = (counted.starts[word(w)] as usize, counted.starts[word(w) + 1] as usize);
            counted.documents[a..b].iter().copied().zip(counted.counts[a..b].iter().copied()).collect::<Vec<_>>()
        };
        assert_eq!(postings("trust"), [(0, HEADING_WEIGHT + 1)]);
        assert_eq!(postings("me"), [(0, 1), (1, 1)]);
        assert_eq!(counted.lengths, [HEADING_WEIGHT + 2, 2], "&amp; is no word");
        assert_eq!(counted.text_bytes, ["trust me".len() as u32, "me & you".len() as u32]);
    }
}
