//! Reads a built site's search index back the way `search.js` does: `meta.json`, the document
//! files, a word's vocabulary file, its stems' postings, a filter's documents (all but `meta.json`
//! gzipped), in `search/index/`.

// Each test crate uses some of these.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use serde_json::Value;

const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// One indexed text as the document files hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// Its address from the site's root.
    pub url: String,
    /// `reading`, `reflection`, `reply`, `person` or `section`.
    pub kind: String,
    /// The result's heading.
    pub title: String,
    /// Its reading's week.
    pub week: Option<u64>,
    /// Its day as pages write it.
    pub day: String,
    /// Its plain text.
    pub text: String,
}

/// A file of the index, as JSON (unzipped when its name ends in `.gz`).
pub fn json(output: &Path, name: &str) -> Value {
    let path = output.join("search/index").join(name);
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&super::common::unzipped(name, &bytes)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every document, in number order.
pub fn documents(output: &Path) -> Vec<Doc> {
    let meta = json(output, "meta.json");
    let count = meta["documents"].as_u64().unwrap() as usize;
    let files = documents_in(meta["docs"].as_str().unwrap(), false);
    assert_eq!(files.first().map(|f| f.0), (count > 0).then_some(0), "the first file starts at document 0");
    let mut all = Vec::new();
    for (file, (first, _)) in files.iter().enumerate() {
        assert_eq!(all.len(), *first, "document file {file} starts where meta.json says");
        for row in json(output, &format!("docs/{file}.json.gz")).as_array().unwrap() {
            let text = |i: usize| row[i].as_str().unwrap().to_string();
            all.push(Doc {
                url: text(0),
                kind: text(1),
                title: text(2),
                week: row[3].as_u64(),
                day: text(4),
                text: text(5),
            });
        }
    }
    assert_eq!(all.len(), count, "meta.json counts every document");
    all
}

/// Reads a list of documents: gaps (base 32, lowest digits first, a digit of 32 or more saying more
/// follow), each followed by one digit of weight when `weighted`; or `*`, one weight digit for all
/// when `weighted`, and a bitmap (six documents to a digit). Returns (document, weight) pairs.
pub fn documents_in(text: &str, weighted: bool) -> Vec<(usize, u64)> {
    let digit = |c: char| ALPHABET.find(c).unwrap_or_else(|| panic!("{c:?} is not a digit")) as u64;
    if let Some(bitmap) = text.strip_prefix('*') {
        let mut chars = bitmap.chars();
        let weight = if weighted { digit(chars.next().unwrap()) } else { 0 };
        let bits: Vec<u64> = chars.map(digit).collect();
        let set = (0..bits.len() * 6).filter(|doc| bits[doc / 6] & (1 << (doc % 6)) != 0);
        return set.map(|doc| (doc, weight)).collect();
    }
    let digits: Vec<u64> = text.chars().map(digit).collect();
    let mut all = Vec::new();
    let (mut i, mut next) = (0, 0);
    while i < digits.len() {
        let (mut gap, mut shift) = (0u64, 0);
        loop {
            gap |= (digits[i] & 31) << shift;
            shift += 5;
            i += 1;
            if digits[i - 1] < 32 {
                break;
            }
        }
        let weight = if weighted {
            i += 1;
            digits[i - 1]
        } else {
            0
        };
        all.push(((next + gap) as usize, weight));
        next += gap + 1;
    }
    all
}

/// The name of a (folded, ASCII) word's vocabulary file.
fn key(word: &str) -> String {
    word.chars().take(2).collect()
}

/// The documents holding `word` (lower-case, unaccented) or a word of the same stem, with weights.
pub fn find(output: &Path, word: &str) -> Vec<(usize, u64)> {
    let meta = json(output, "meta.json");
    let key = key(word);
    if !meta["words"].as_array().unwrap().iter().any(|k| k == key.as_str()) {
        return Vec::new();
    }
    let Some(stem) = json(output, &format!("words/{key}.json.gz"))[word].as_str().map(str::to_string) else {
        return Vec::new();
    };
    let stem = if stem.is_empty() { word.to_string() } else { stem };
    let starts: Vec<&str> = meta["terms"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    let shard = starts.iter().rposition(|s| *s <= stem.as_str()).unwrap();
    let terms = json(output, &format!("terms/{shard}.json.gz"));
    documents_in(terms[&stem].as_str().unwrap(), true)
}

/// The addresses of the documents holding `word`.
pub fn urls_with(output: &Path, word: &str) -> Vec<String> {
    let docs = documents(output);
    find(output, word).into_iter().map(|(doc, _)| docs[doc].url.clone()).collect()
}

/// The documents a filter (`person-0`, `kind-readings`) keeps.
pub fn filter(output: &Path, name: &str) -> Vec<usize> {
    let text = json(output, &format!("filters/{name}.json.gz"));
    documents_in(text.as_str().unwrap(), false).into_iter().map(|(doc, _)| doc).collect()
}
