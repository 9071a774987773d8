//! What the last index was made of, kept for the next: each chunk of documents' words counted,
//! by the key of the chunk's documents, so that a build reads and counts again only the texts of
//! the chunks that changed. `serve` keeps it in memory between rebuilds; `build` keeps it with the
//! build cache in `.roundtable/cache/`, in files checked like the others there: a damaged one is a
//! warning and those chunks are counted again, one from other code is simply not used.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::cache::Shards;
use crate::diagnostics::Diagnostic;

use super::counts::{Counted, LONGEST};

/// Where the counts live, relative to the site folder (split in files `search-NN.bin`).
pub const SEARCH_CACHE_FILE: &str = ".roundtable/cache/search.bin";

const MAGIC: &[u8] = b"roundtable search counts 1\n";

/// The counts of the chunks of the last index, by chunk key.
#[derive(Debug, Default)]
pub struct SearchMemory {
    chunks: Shards<Arc<Counted>>,
}

impl SearchMemory {
    /// The counts of the chunk with `key`, if the last index had it.
    pub(super) fn get(&self, key: &[u8; 32]) -> Option<Arc<Counted>> {
        self.chunks.entries.get(key).cloned()
    }

    /// Keeps `chunks`, this index's, in place of the last index's.
    pub(super) fn keep(&mut self, chunks: HashMap<[u8; 32], Arc<Counted>>) {
        self.chunks = Shards::next(&self.chunks, chunks);
    }

    /// How many chunks it holds.
    pub fn len(&self) -> usize {
        self.chunks.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.chunks.entries.is_empty()
    }

    /// Reads what the last `build` of the site in `root` kept; a missing or outdated file is empty,
    /// a damaged one a warning.
    pub fn load(root: &Path) -> (SearchMemory, Vec<Diagnostic>) {
        let (chunks, warnings) = Shards::load(root, SEARCH_CACHE_FILE, MAGIC, *super::code(), decode);
        (SearchMemory { chunks }, warnings)
    }

    /// Writes the files that changed for the next `build` of the site in `root`.
    pub fn save(&mut self, root: &Path) -> io::Result<()> {
        if !self.chunks.is_stale() {
            return Ok(());
        }
        self.chunks.save(root, SEARCH_CACHE_FILE, MAGIC, *super::code(), |file, key, counted| {
            file.put(key)?;
            let mut bytes = Vec::new();
            encode(counted, &mut bytes);
            file.put_number(bytes.len())?;
            file.put(&bytes)
        })
    }
}

/// A chunk's counts: documents, words, then each word's postings, all numbers as LEB128, a
/// posting's document as the gap from the one before.
fn encode(counted: &Counted, out: &mut Vec<u8>) {
    number(out, counted.lengths.len() as u64);
    for (length, bytes) in counted.lengths.iter().zip(&counted.text_bytes) {
        number(out, u64::from(*length));
        number(out, u64::from(*bytes));
    }
    number(out, counted.words.len() as u64);
    for (w, word) in counted.words.iter().enumerate() {
        number(out, word.len() as u64);
        out.extend_from_slice(word.as_bytes());
        let (a, b) = (counted.starts[w] as usize, counted.starts[w + 1] as usize);
        number(out, (b - a) as u64);
        let mut next = 0;
        for (&doc, &n) in counted.documents[a..b].iter().zip(&counted.counts[a..b]) {
            number(out, u64::from(doc - next));
            number(out, u64::from(n));
            next = doc + 1;
        }
    }
}

fn number(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Entries: (key, length, encoded counts); `None` for anything [`encode`] does not write, so
/// that no damage can make counts the index cannot use.
fn decode(mut rest: &[u8]) -> Option<Vec<([u8; 32], Arc<Counted>)>> {
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<32>()?;
        let (len, after) = crate::cache::take_number(after)?;
        let (bytes, after) = after.split_at_checked(len)?;
        let mut reader = Reader(bytes);
        let counted = reader.counted()?;
        if !reader.0.is_empty() {
            return None;
        }
        entries.push((*key, Arc::new(counted)));
        rest = after;
    }
    Some(entries)
}

/// Reads back what [`encode`] wrote.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn number(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn small(&mut self) -> Option<u32> {
        u32::try_from(self.number()?).ok()
    }

    fn counted(&mut self) -> Option<Counted> {
        let documents = usize::try_from(self.number()?).ok().filter(|&n| n <= LONGEST)?;
        let mut counted = Counted::default();
        for _ in 0..documents {
            counted.lengths.push(self.small()?);
            counted.text_bytes.push(self.small()?);
        }
        let words = usize::try_from(self.number()?).ok().filter(|&n| n <= self.0.len())?;
        counted.starts.push(0);
        for _ in 0..words {
            let len = usize::try_from(self.number()?).ok()?;
            let (word, rest) = self.0.split_at_checked(len)?;
            counted.words.push(std::str::from_utf8(word).ok()?.to_string());
            self.0 = rest;
            let postings = usize::try_from(self.number()?).ok().filter(|&n| n <= documents)?;
            let mut next = 0u64;
            for _ in 0..postings {
                let doc = next.checked_add(self.number()?).filter(|&d| d < documents as u64)?;
                counted.documents.push(doc as u16);
                counted.counts.push(self.small()?);
                next = doc + 1;
            }
            counted.starts.push(u32::try_from(counted.documents.len()).ok()?);
        }
        Some(counted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::shard_file;

    fn sample() -> Counted {
        Counted {
            lengths: vec![5, 3, 1],
            text_bytes: vec![30, 20, 4],
            words: vec!["trust".into(), "équipe".into()],
            starts: vec![0, 2, 3],
            documents: vec![0, 2, 1],
            counts: vec![4, 1, 200],
        }
    }

    #[test]
    fn counts_are_kept_between_builds_and_damage_is_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let mut memory = SearchMemory::default();
        memory.keep([([7; 32], Arc::new(sample()))].into_iter().collect());
        memory.save(root.path()).unwrap();
        let (loaded, warnings) = SearchMemory::load(root.path());
        assert!(warnings.is_empty());
        assert_eq!(loaded.get(&[7; 32]).as_deref(), Some(&sample()));
        let file = root.path().join(shard_file(SEARCH_CACHE_FILE, 7 % crate::cache::SHARDS));
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(&file, bytes).unwrap();
        let (loaded, warnings) = SearchMemory::load(root.path());
        assert!(loaded.is_empty() && warnings[0].message.contains("damaged"), "{warnings:?}");
    }

    #[test]
    fn only_chunks_whose_documents_changed_are_counted_again() {
        use super::super::output::{Out, Sink};
        use super::super::{Document, Kind, SearchIndex};
        use crate::render::sanitize::Html;
        /// Keeps the paths of the files it is handed.
        #[derive(Default)]
        struct Paths(std::sync::Mutex<Vec<String>>);
        impl Sink for Paths {
            fn put(&self, path: &str, _: &[u8]) -> io::Result<()> {
                self.0.lock().unwrap().push(path.to_string());
                Ok(())
            }
            fn keep(&self, _: &str, _: u64) -> io::Result<bool> {
                Ok(false)
            }
        }
        let words_files = |memory: &mut SearchMemory, text: &str| {
            let document = Document {
                url: "r/".into(),
                kind: Kind::Reading,
                title: "R".into(),
                heading: String::new(),
                person: None,
                tags: vec![],
                week: None,
                day: String::new(),
                body: Html::from_text(text.into()),
            };
            let paths = Paths::default();
            let index = SearchIndex::new(vec![document], vec![], vec![], "en");
            assert!(index.make(memory, Out::new(&paths, None), &|| false).unwrap());
            let mut words: Vec<String> = paths.0.into_inner().unwrap();
            words.retain(|path| path.starts_with("words/"));
            words.sort();
            words
        };
        let mut memory = SearchMemory::default();
        assert_eq!(words_files(&mut memory, "one two"), ["words/on.json.gz", "words/tw.json.gz"]);
        assert_eq!(memory.len(), 1);
        // The chunk's counts made to say other words: an index of the same text takes them as they are.
        let (key, counted) = memory.chunks.entries.iter().next().map(|(k, v)| (*k, v.clone())).unwrap();
        let altered = Counted { words: vec!["four".into(), "five".into()], ..(*counted).clone() };
        memory.keep([(key, Arc::new(altered))].into_iter().collect());
        assert_eq!(words_files(&mut memory, "one two"), ["words/fi.json.gz", "words/fo.json.gz"], "not counted again");
        let changed = words_files(&mut memory, "one two three");
        assert_eq!(changed, ["words/on.json.gz", "words/th.json.gz", "words/tw.json.gz"], "counted again");
        assert_eq!(memory.len(), 1, "only the last index's chunks are kept");
    }

    #[test]
    fn counts_that_would_not_make_an_index_are_refused() {
        let mut good = Vec::new();
        encode(&sample(), &mut good);
        assert_eq!(Reader(&good).counted(), Some(sample()));
        let mut beyond = sample();
        beyond.documents[1] = 3;
        let mut bytes = Vec::new();
        encode(&beyond, &mut bytes);
        assert_eq!(Reader(&bytes).counted(), None, "a posting past the chunk's documents");
        assert_eq!(Reader(&good[..good.len() - 1]).counted(), None, "cut short");
        assert_eq!(Reader(&[0xff; 12]).counted(), None, "a number past 64 bits");
    }
}
