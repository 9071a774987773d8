//! The inverted index: for every stem, the documents holding it with a small weight, and the
//! compact text form the index files carry it in.
//!
//! Words are counted in one parallel pass over the texts, chunk by chunk, each chunk with its own
//! vocabulary (so a word is an allocation once per chunk, not once per use); the chunks' words are
//! then merged, each distinct word is stemmed once, and the postings are gathered in document order.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::documents::Document;
use super::words::{each_word, Stems};

/// How many documents one counting task takes.
const CHUNK: usize = 256;

/// A heading word (a reading's title, a person's name) counts as this many words of the text.
const HEADING_WEIGHT: u32 = 3;

/// BM25's usual constants: how fast repeating a word stops mattering, and how much a long text is
/// discounted.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The highest weight a posting carries: weights are one character of [`ALPHABET`].
pub const MAX_WEIGHT: u32 = 63;

/// The digits of the index's numbers: 64 characters that need no escaping in JSON or a file name.
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// What the index knows: stems in the order JavaScript sorts them (a stem's number is its place),
/// each with its encoded postings, and every word seen with the number of its stem.
#[derive(Debug, Default, PartialEq)]
pub struct Inverted {
    /// Every stem, sorted.
    pub stems: Vec<String>,
    /// For each stem, its postings as [`encode_postings`] writes them.
    pub postings: Vec<String>,
    /// Every folded word seen, with its stem's number.
    pub words: Vec<(String, u32)>,
}

/// The words of one chunk of documents: its own vocabulary, and each document's words counted,
/// all in one list (a document's run of it ends at its `ends`), not one allocation a document.
struct Counted {
    words: Vec<String>,
    terms: Vec<(u32, u32)>,
    ends: Vec<usize>,
    lengths: Vec<u32>,
}

/// Counts the words of `documents`, which are consecutive.
fn count(documents: &[Document]) -> Counted {
    let mut ids: HashMap<String, u32> = HashMap::default();
    let mut counts: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut folded = String::new();
    let mut counted = Counted {
        words: Vec::new(),
        terms: Vec::new(),
        ends: Vec::with_capacity(documents.len()),
        lengths: Vec::with_capacity(documents.len()),
    };
    for document in documents {
        let mut length = 0;
        for (text, weight) in [(&document.heading, HEADING_WEIGHT), (&document.text, 1)] {
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
        counted.terms.extend(touched.drain(..).map(|id| (id, std::mem::take(&mut counts[id as usize]))));
        counted.ends.push(counted.terms.len());
        counted.lengths.push(length);
    }
    // Held until every chunk is counted and gathered: at its size, not the size it grew to.
    counted.terms.shrink_to_fit();
    counted.words = vec![String::new(); ids.len()];
    for (word, id) in ids {
        counted.words[id as usize] = word;
    }
    counted
}

/// Every document's words counted: all the index needs of the texts, so that they can be let go
/// of before the postings are gathered.
pub struct Counts(Vec<Counted>);

/// Counts the words of `documents` (numbered by their place), in parallel, chunk by chunk.
pub fn count_words(documents: &[Document]) -> Counts {
    Counts(documents.par_chunks(CHUNK).map(count).collect())
}

/// The inverted index of the counted documents, stemmed by `stems`.
pub fn invert(Counts(mut chunks): Counts, stems: &Stems) -> Inverted {
    let documents: usize = chunks.iter().map(|chunk| chunk.lengths.len()).sum();
    // One vocabulary for all chunks; for each chunk, its word numbers in it.
    let mut vocabulary: HashMap<String, u32> = HashMap::default();
    let mut words: Vec<String> = Vec::new();
    let global: Vec<Vec<u32>> = chunks
        .iter_mut()
        .map(|chunk| {
            std::mem::take(&mut chunk.words)
                .into_iter()
                .map(|word| {
                    let next = u32::try_from(words.len()).expect("fewer than 4 billion words");
                    *vocabulary.entry(word).or_insert_with_key(|word| {
                        words.push(word.clone());
                        next
                    })
                })
                .collect()
        })
        .collect();
    drop(vocabulary);
    // Each distinct word stemmed once; stems numbered in alphabetical order.
    let stemmed: Vec<String> = words.par_iter().map(|word| stems.stem(word).into_owned()).collect();
    let mut sorted: Vec<&str> = stemmed.iter().map(String::as_str).collect();
    // In the order JavaScript compares strings (UTF-16 units), so the script can binary-search them.
    sorted.par_sort_unstable_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    sorted.dedup();
    let number: HashMap<&str, u32> = sorted.iter().enumerate().map(|(i, s)| (*s, i as u32)).collect();
    let stem_of: Vec<u32> = stemmed.iter().map(|s| number[s.as_str()]).collect();
    let stems: Vec<String> = sorted.iter().map(|s| s.to_string()).collect();
    drop(number);

    // Each document's words made its stems, words of one stem added up, in stem order: chunk by
    // chunk in parallel, so that only the gathering below runs on one thread.
    chunks.par_iter_mut().zip(&global).for_each(|(chunk, global)| by_stem(chunk, global, &stem_of));
    drop(global);
    // Postings gathered in document order, so each list is sorted, into one allocation: each stem's
    // list is counted first, then filled in its place.
    let mut starts: Vec<usize> = vec![0; stems.len() + 1];
    chunks.iter().flat_map(|chunk| &chunk.terms).for_each(|&(stem, _)| starts[stem as usize + 1] += 1);
    (1..starts.len()).for_each(|s| starts[s] += starts[s - 1]);
    let mut next = starts.clone();
    let mut all: Vec<(u32, u32)> = vec![(0, 0); starts[stems.len()]];
    let mut lengths: Vec<u32> = Vec::with_capacity(documents);
    let mut doc = 0u32;
    for chunk in &mut chunks {
        let mut start = 0;
        for &end in &chunk.ends {
            for &(stem, n) in &chunk.terms[start..end] {
                all[next[stem as usize]] = (doc, n);
                next[stem as usize] += 1;
            }
            (start, doc) = (end, doc + 1);
        }
        lengths.append(&mut chunk.lengths);
    }
    drop((chunks, next));
    let lists: Vec<&[(u32, u32)]> = starts.windows(2).map(|w| &all[w[0]..w[1]]).collect();
    let weigh = Weights::new(&lengths);
    let postings = lists
        .par_iter()
        .map(|list| {
            let common = weigh.typical(list.len());
            encode_postings(list, |doc, n| weigh.weight(n, lengths[doc as usize], list.len()), common)
        })
        .collect();
    let mut words: Vec<(String, u32)> = words.into_iter().zip(stem_of).collect();
    words.par_sort_unstable();
    Inverted { stems, postings, words }
}

/// Makes each document's words of `chunk` its stems (by `global`, the chunk's words' numbers among
/// all words, then `stem_of`), words of one stem added up, each document's in stem order.
fn by_stem(chunk: &mut Counted, global: &[u32], stem_of: &[u32]) {
    let (mut kept, mut start) = (0, 0);
    for end in &mut chunk.ends {
        let terms = &mut chunk.terms[start..*end];
        terms.iter_mut().for_each(|(word, _)| *word = stem_of[global[*word as usize] as usize]);
        terms.sort_unstable();
        // Compacted in place: words of one stem (`team`, `teams`) become one term.
        let first = kept;
        for i in start..*end {
            let term = chunk.terms[i];
            match kept > first && chunk.terms[kept - 1].0 == term.0 {
                true => chunk.terms[kept - 1].1 += term.1,
                false => {
                    chunk.terms[kept] = term;
                    kept += 1;
                }
            }
        }
        start = *end;
        *end = kept;
    }
    chunk.terms.truncate(kept);
}

/// BM25 scores, quantised to 1..=[`MAX_WEIGHT`].
struct Weights {
    documents: f64,
    average: f64,
    scale: f64,
}

impl Weights {
    fn new(lengths: &[u32]) -> Weights {
        let documents = lengths.len().max(1) as f64;
        let average = (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / documents).max(1.0);
        // The highest score any posting could have: the rarest word, repeated without end.
        let best = Self::idf(documents, 1.0) * (K1 + 1.0);
        Weights { documents, average, scale: f64::from(MAX_WEIGHT) / best }
    }

    fn idf(documents: f64, holding: f64) -> f64 {
        (1.0 + (documents - holding + 0.5) / (holding + 0.5)).ln()
    }

    /// The weight of a word held by `holding` texts, used once in a text of average length.
    fn typical(&self, holding: usize) -> u32 {
        self.weight(1, self.average.round() as u32, holding)
    }

    /// The weight of a word counted `count` times in a text of `length` words, held by `holding` texts.
    fn weight(&self, count: u32, length: u32, holding: usize) -> u32 {
        let count = f64::from(count);
        let norm = K1 * (1.0 - B + B * f64::from(length) / self.average);
        let score = Self::idf(self.documents, holding as f64) * count * (K1 + 1.0) / (count + norm);
        ((score * self.scale).round() as u32).clamp(1, MAX_WEIGHT)
    }
}

/// Appends `n` in base 32, lowest digits first, each digit but the last marked by adding 32.
pub fn push_number(out: &mut String, mut n: u32) {
    while n >= 32 {
        out.push(char::from(ALPHABET[(32 | (n & 31)) as usize]));
        n >>= 5;
    }
    out.push(char::from(ALPHABET[n as usize]));
}

/// A word in fewer texts keeps a weight for each, however its list is shortest written.
const COMMON: usize = 64;

/// The first character of a list written as a bitmap rather than as gaps.
pub const BITMAP: char = '*';

/// Sorted document numbers: as gaps (each the distance from the one before, less one), or as a
/// bitmap when that is shorter (see [`push_bitmap`]).
pub fn encode_documents(documents: &[u32]) -> String {
    match documents.last() {
        Some(&last) if bitmap_length(last) < documents.len() => {
            let mut out = String::from(BITMAP);
            push_bitmap(&mut out, documents.iter().copied(), last);
            out
        }
        _ => {
            let mut out = String::with_capacity(documents.len());
            let mut next = 0;
            for &doc in documents {
                push_number(&mut out, doc - next);
                next = doc + 1;
            }
            out
        }
    }
}

/// A posting list: each document as a gap, then its weight as one digit. A word so common that a
/// bitmap is shorter is written `*`, one weight digit for all its texts (`common`: for such a word
/// the count and length barely matter beside the other words of a query), then the bitmap; a
/// word in every text costs a sixth of a byte a text instead of two bytes.
pub fn encode_postings(list: &[(u32, u32)], weight: impl Fn(u32, u32) -> u32, common: u32) -> String {
    match list.last() {
        Some(&(last, _)) if list.len() >= COMMON && bitmap_length(last) + 1 < 2 * list.len() => {
            let mut out = String::from(BITMAP);
            out.push(char::from(ALPHABET[common.min(MAX_WEIGHT) as usize]));
            push_bitmap(&mut out, list.iter().map(|&(doc, _)| doc), last);
            out
        }
        _ => {
            let mut out = String::with_capacity(list.len() * 2);
            let mut next = 0;
            for &(doc, count) in list {
                push_number(&mut out, doc - next);
                out.push(char::from(ALPHABET[weight(doc, count).min(MAX_WEIGHT) as usize]));
                next = doc + 1;
            }
            out
        }
    }
}

/// Digits a bitmap up to document `last` takes.
fn bitmap_length(last: u32) -> usize {
    last as usize / 6 + 1
}

/// Appends sorted documents up to `last` as a bitmap: six documents to a digit, bit `i` of digit
/// `k` standing for document `6k + i`.
fn push_bitmap(out: &mut String, documents: impl Iterator<Item = u32>, last: u32) {
    let mut bits = vec![0u8; bitmap_length(last)];
    for doc in documents {
        bits[doc as usize / 6] |= 1 << (doc % 6);
    }
    out.extend(bits.into_iter().map(|b| char::from(ALPHABET[b as usize])));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::documents::Kind;

    /// Reads a posting list back the way `search.js` does: (gap, weight) pairs.
    fn pairs(text: &str) -> Vec<(u32, u32)> {
        let digits: Vec<u32> = text.bytes().map(|c| ALPHABET.iter().position(|&a| a == c).unwrap() as u32).collect();
        let mut all = Vec::new();
        let mut i = 0;
        while i < digits.len() {
            let (mut value, mut shift) = (0, 0);
            while digits[i] >= 32 {
                value |= (digits[i] & 31) << shift;
                shift += 5;
                i += 1;
            }
            value |= digits[i] << shift;
            all.push((value, digits[i + 1]));
            i += 2;
        }
        all
    }

    /// Reads a list of numbers without weights.
    fn numbers(text: &str) -> Vec<u32> {
        let mut all = Vec::new();
        let (mut value, mut shift) = (0, 0);
        for c in text.bytes() {
            let digit = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            value |= (digit & 31) << shift;
            shift += 5;
            if digit < 32 {
                all.push(value);
                (value, shift) = (0, 0);
            }
        }
        all
    }

    fn document(heading: &str, text: &str) -> Document {
        Document {
            url: String::new(),
            kind: Kind::Reflection,
            title: String::new(),
            heading: heading.into(),
            person: None,
            tags: vec![],
            week: None,
            day: String::new(),
            text: text.into(),
            source: [0; 32],
        }
    }

    #[test]
    fn numbers_round_trip_in_as_few_digits_as_they_need() {
        for n in [0, 1, 31, 32, 1023, 1024, 70_000, u32::MAX] {
            let mut text = String::new();
            push_number(&mut text, n);
            assert_eq!(numbers(&text), [n]);
            assert_eq!(text.len(), 1 + (32 - n.leading_zeros() as usize).saturating_sub(1) / 5, "{n}");
        }
        assert_eq!(encode_documents(&[0, 1, 5, 40]), "003Y1");
        assert_eq!(numbers(&encode_documents(&[3, 4, 100, 2000])), [3, 0, 95, 1899]);
    }

    #[test]
    fn postings_hold_every_document_of_a_stem_with_its_weight() {
        let documents = [
            document("", "Teams trust teams."),
            document("Trust", "Nothing here."),
            document("", "A team, in the end: teamwork"),
        ];
        let index = invert(count_words(&documents), &Stems::for_language("en"));
        let team = index.stems.binary_search(&"team".to_string()).unwrap();
        assert!(index.words.contains(&("teams".to_string(), team as u32)));
        assert!(index.words.contains(&("team".to_string(), team as u32)));
        let read = pairs(&index.postings[team]);
        assert_eq!(read.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1], "documents 0 and 2, as gaps");
        // "teams" twice in a short text outweighs "team" once in a longer one.
        assert!(read[0].1 > read[1].1, "{read:?}");
        let trust = index.stems.binary_search(&"trust".to_string()).unwrap();
        let read = pairs(&index.postings[trust]);
        assert_eq!(read.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 0], "documents 0 and 1");
        assert!(read[1].1 > read[0].1, "a word of the title counts more: {read:?}");
        let big = encode_postings(&[(40, 1), (5000, 2)], |_, n| n + 40, 1);
        assert_eq!(pairs(&big), [(40, 41), (4959, 42)], "weights of 32 and more are one digit too");
        assert!(index.words.iter().all(|(_, stem)| (*stem as usize) < index.stems.len()));
        assert!(index.stems.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        let astral = invert(count_words(&[document("", "\u{fb01} \u{10428}")]), &Stems::for_language("tlh"));
        assert_eq!(astral.stems, ["\u{10428}", "\u{fb01}"], "UTF-16 order, as the script compares");
    }

    #[test]
    fn words_of_one_stem_in_a_text_add_up() {
        let english = Stems::for_language("en");
        let texts = ["a team of teams", "teams and more teams", "nothing", "teams", "team teaming teams"];
        let other = ["a team of team", "teams and more teams", "nothing", "team", "team team team"];
        let documents = |texts: &[&str]| texts.iter().map(|t| document("", t)).collect::<Vec<_>>();
        let (one, two) =
            (invert(count_words(&documents(&texts)), &english), invert(count_words(&documents(&other)), &english));
        assert_eq!(one.stems, two.stems);
        assert_eq!(one.postings, two.postings, "the same counts by stem, whichever words they came from");
        let team = one.stems.binary_search(&"team".to_string()).unwrap();
        assert_eq!(pairs(&one.postings[team]).iter().map(|p| p.0).collect::<Vec<_>>(), [0, 0, 1, 0]);
    }

    #[test]
    fn lists_of_most_texts_are_bitmaps() {
        // Documents 0, 1, 2, 6 and 13: bits 0b111 (7), 0b1 (1), 0b10 (2).
        assert_eq!(encode_documents(&[0, 1, 2, 6, 13]), "*712");
        assert_eq!(numbers(&encode_documents(&[0, 50])), [0, 49], "few texts: gaps");
        let every: Vec<(u32, u32)> = (0..600).map(|d| (d, 1)).collect();
        let text = encode_postings(&every, |_, _| 9, 5);
        assert_eq!(text.len(), 2 + 100, "a sixth of a digit a text, one weight for all");
        assert!(text.starts_with("*5_") && text[2..].bytes().all(|b| b == b'_'), "{text}");
        assert_eq!(encode_postings(&[(3, 1)], |_, _| 9, 5), "39", "a rare word keeps its own weight");
    }

    #[test]
    fn weights_stay_in_one_digit() {
        let weights = Weights::new(&[1, 1000, 50]);
        assert_eq!(weights.weight(1000, 1, 1), MAX_WEIGHT);
        assert!(weights.weight(1, 1000, 3) >= 1);
    }

    #[test]
    fn no_documents_no_index() {
        assert_eq!(invert(count_words(&[]), &Stems::for_language("en")), Inverted::default());
    }
}
