//! The inverted index: for every stem, the documents holding it with a small weight, and the
//! compact text form the index files carry it in.
//!
//! The chunks' counts (see `counts`) are merged: their words into one vocabulary, each distinct
//! word stemmed once, then each stem's postings gathered from the chunks in document order, and
//! weighed. Nothing is written into the chunks, so those of the last build serve as they are.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::counts::Counted;
use super::words::Stems;

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

/// The inverted index of `chunks` (consecutive: their documents are numbered in their order),
/// stemmed by `stems`.
pub fn invert(chunks: &[&Counted], stems: &Stems) -> Inverted {
    // One vocabulary for all chunks; for each chunk, its words' numbers in it.
    let mut vocabulary: HashMap<&str, u32> = HashMap::default();
    let mut words: Vec<&str> = Vec::new();
    let global: Vec<Vec<u32>> = chunks
        .iter()
        .map(|chunk| {
            let global = chunk.words().map(|word| {
                let next = u32::try_from(words.len()).expect("fewer than 4 billion words");
                *vocabulary.entry(word).or_insert_with(|| {
                    words.push(word);
                    next
                })
            });
            global.collect()
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

    // Each stem's words in each chunk, `(chunk, word in it)`, in chunk order: counted by stem, then placed.
    let mut starts: Vec<usize> = vec![0; stems.len() + 1];
    global.iter().flatten().for_each(|&word| starts[stem_of[word as usize] as usize + 1] += 1);
    (1..starts.len()).for_each(|s| starts[s] += starts[s - 1]);
    let mut next = starts.clone();
    let mut entries: Vec<(u32, u32)> = vec![(0, 0); starts[stems.len()]];
    for (c, global) in global.iter().enumerate() {
        for (w, &word) in global.iter().enumerate() {
            let stem = stem_of[word as usize] as usize;
            entries[next[stem]] = (c as u32, w as u32);
            next[stem] += 1;
        }
    }
    drop((global, next));
    // Where each chunk's documents start among all.
    let offsets: Vec<u32> = chunks
        .iter()
        .scan(0u32, |start, chunk| {
            let this = *start;
            *start += chunk.lengths.len() as u32;
            Some(this)
        })
        .collect();
    let lengths: Vec<u32> = chunks.iter().flat_map(|chunk| chunk.lengths.iter().copied()).collect();
    let weigh = Weights::new(&lengths);
    let postings = (0..stems.len())
        .into_par_iter()
        .map_init(Vec::new, |list, s| {
            list.clear();
            gather(&entries[starts[s]..starts[s + 1]], chunks, &offsets, list);
            let (holding, common) = (list.len(), weigh.typical(list.len()));
            encode_postings(list, |doc, n| weigh.weight(n, lengths[doc as usize], holding), common)
        })
        .collect();
    let mut words: Vec<(String, u32)> = words.into_iter().map(str::to_string).zip(stem_of).collect();
    words.par_sort_unstable();
    Inverted { stems, postings, words }
}

/// Appends one stem's postings to `list`, in document order: in each chunk, the postings of the
/// stem's words there (`entries`, `(chunk, word)` in chunk order), added up where one document
/// holds several of them (`team` and `teams`). `offsets`: where each chunk's documents start.
fn gather(entries: &[(u32, u32)], chunks: &[&Counted], offsets: &[u32], list: &mut Vec<(u32, u32)>) {
    let mut rest = entries;
    while let Some(&(c, _)) = rest.first() {
        let same = rest.iter().take_while(|(other, _)| *other == c).count();
        let (chunk, offset) = (chunks[c as usize], offsets[c as usize]);
        let from = list.len();
        for &(_, word) in &rest[..same] {
            list.extend(chunk.postings(word as usize).map(|(doc, n)| (offset + u32::from(doc), n)));
        }
        if same > 1 {
            list[from..].sort_unstable_by_key(|&(doc, _)| doc);
            let mut kept = from;
            for i in from..list.len() {
                match kept > from && list[kept - 1].0 == list[i].0 {
                    true => list[kept - 1].1 += list[i].1,
                    false => {
                        list[kept] = list[i];
                        kept += 1;
                    }
                }
            }
            list.truncate(kept);
        }
        rest = &rest[same..];
    }
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
    use crate::search::counts::count;
    use crate::search::documents::Document;

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

    /// The inverted index of `documents`, counted in chunks of two, as chunks of any size give.
    fn inverted(documents: &[Document], stems: &Stems) -> Inverted {
        let counted =
            |documents: &[Document]| count(documents, &documents.iter().map(Document::text).collect::<Vec<_>>());
        let chunks: Vec<Counted> = documents.chunks(2).map(counted).collect();
        let index = invert(&chunks.iter().collect::<Vec<_>>(), stems);
        assert_eq!(index, invert(&[&counted(documents)], stems), "the same, counted in one chunk");
        index
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
            Document::reflection("", "Teams trust teams."),
            Document::reflection("Trust", "Nothing here."),
            Document::reflection("", "A team, in the end: teamwork"),
        ];
        let index = inverted(&documents, &Stems::for_language("en"));
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
        let astral = inverted(&[Document::reflection("", "\u{fb01} \u{10428}")], &Stems::for_language("tlh"));
        assert_eq!(astral.stems, ["\u{10428}", "\u{fb01}"], "UTF-16 order, as the script compares");
    }

    #[test]
    fn words_of_one_stem_in_a_text_add_up() {
        let english = Stems::for_language("en");
        let texts = ["a team of teams", "teams and more teams", "nothing", "teams", "team teaming teams"];
        let other = ["a team of team", "teams and more teams", "nothing", "team", "team team team"];
        let documents = |texts: &[&str]| texts.iter().map(|t| Document::reflection("", t)).collect::<Vec<_>>();
        let (one, two) = (inverted(&documents(&texts), &english), inverted(&documents(&other), &english));
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
        assert_eq!(invert(&[], &Stems::for_language("en")), Inverted::default());
    }
}
