//! The index as files under `search/`, each small, so that a query fetches only what it needs:
//!
//! - `meta.json`: the layout (how many documents, how many to a file, where each term file starts,
//!   which word files exist) and the filter menus (kinds, people, topics, weeks, with counts);
//! - `words/<xx>.json`: every word seen whose first two letters are `xx`, with its stem (`""` when
//!   the word is its own stem), so the script needs no stemmer and finds the words a typed prefix
//!   starts;
//! - `terms/<n>.json`: the postings of a run of stems, by stem (in sorted order, so a prefix's stems
//!   lie together; `meta.json` lists each file's first stem), filled up to [`TERMS_FILE_BYTES`];
//! - `docs/<n>.json`: [`DOCS_PER_FILE`] consecutive documents (address, kind, title, week, day,
//!   text), fetched for the results shown;
//! - `filters/<kind|person|tag|week>-<value>.json`: the documents a filter keeps, fetched when used.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::json;

use super::documents::Document;
use super::postings::{encode_documents, Inverted};
use super::File;
use crate::routes::Route;

/// Documents to a `docs/` file: a result shown costs its whole file, and a site of 100,000 texts
/// would otherwise be 100,000 files.
pub const DOCS_PER_FILE: usize = 4;

/// A term file is closed once it holds this many bytes (a stem with more has a file of its own).
pub const TERMS_FILE_BYTES: usize = 12 * 1024;

/// The format's version, in `meta.json`: the script refuses an index it cannot read.
pub const VERSION: u32 = 1;

/// `search/<name>`: where a file of the index goes, relative to the output folder.
pub fn path(name: &str) -> String {
    Route::search_file(name).output_path()
}

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

/// Every file of the index, except its stamp.
pub fn files(documents: &[Document], inverted: &Inverted, names: &Names) -> Vec<File> {
    let docs = documents.par_chunks(DOCS_PER_FILE).enumerate().map(|(n, chunk)| {
        let rows: Vec<_> =
            chunk.iter().map(|d| json!([d.url, d.kind.code(), d.title, d.week, d.day, d.text])).collect();
        (path(&format!("docs/{n}.json")), to_json(&rows))
    });
    let mut all: Vec<File> = docs.collect();

    let mut starts = Vec::new();
    let mut size = TERMS_FILE_BYTES;
    for (stem, (name, list)) in inverted.stems.iter().zip(&inverted.postings).enumerate() {
        if size + list.len() > TERMS_FILE_BYTES && size > 0 {
            starts.push(stem);
            size = 0;
        }
        size += name.len() + list.len() + 6;
    }
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([inverted.postings.len()]).collect();
    all.par_extend(starts.par_iter().zip(ends).enumerate().map(|(n, (&start, end))| {
        let shard: serde_json::Map<String, serde_json::Value> =
            (start..end).map(|s| (inverted.stems[s].clone(), json!(inverted.postings[s]))).collect();
        (path(&format!("terms/{n}.json")), to_json(&shard))
    }));

    let mut groups: Vec<(String, &[(String, u32)])> = Vec::new();
    let mut rest = inverted.words.as_slice();
    while let Some((first, _)) = rest.first() {
        let key = word_key(first);
        let end = rest.iter().position(|(w, _)| word_key(w) != key).unwrap_or(rest.len());
        groups.push((key, &rest[..end]));
        rest = &rest[end..];
    }
    // A word that is its own stem (most are) maps to "".
    all.par_extend(groups.par_iter().map(|(key, words)| {
        let map: serde_json::Map<String, serde_json::Value> = words
            .iter()
            .map(|(word, stem)| {
                let stem = &inverted.stems[*stem as usize];
                (word.clone(), json!(if stem == word { "" } else { stem }))
            })
            .collect();
        (path(&format!("words/{key}.json")), to_json(&map))
    }));

    let filters = filters(documents);
    all.extend(
        filters.iter().map(|(name, docs)| (path(&format!("filters/{name}.json")), to_json(&encode_documents(docs)))),
    );
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
        "documents": documents.len(),
        "per_file": DOCS_PER_FILE,
        "terms": starts.iter().map(|&s| &inverted.stems[s]).collect::<Vec<_>>(),
        "words": groups.iter().map(|(key, _)| key).collect::<Vec<_>>(),
        "kinds": kinds,
        "people": named("person-", names.people),
        "tags": named("tag-", names.tags),
        "weeks": weeks,
    });
    all.push((path("meta.json"), to_json(&meta)));
    all
}

/// Each filter's documents, by file name (`person-3`), in document order.
fn filters(documents: &[Document]) -> BTreeMap<String, Vec<u32>> {
    let mut filters: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (n, document) in documents.iter().enumerate() {
        let n = n as u32;
        filters.entry(format!("kind-{}", document.kind.group())).or_default().push(n);
        if let Some(person) = document.person {
            filters.entry(format!("person-{person}")).or_default().push(n);
        }
        for tag in &document.tags {
            filters.entry(format!("tag-{tag}")).or_default().push(n);
        }
        if let Some(week) = document.week {
            filters.entry(format!("week-{week}")).or_default().push(n);
        }
    }
    filters
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain data")
}

#[cfg(test)]
mod tests {
    use super::*;

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
