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

use super::counts::Counted;

/// Where the counts live, relative to the site folder (split in files `search-NN.bin`).
pub const SEARCH_CACHE_FILE: &str = ".roundtable/cache/search.bin";

const MAGIC: &[u8] = b"roundtable search counts 2\n";

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

    /// Adds `chunks` to those kept, for an index stopped before it was whole.
    pub(super) fn add(&mut self, chunks: impl IntoIterator<Item = ([u8; 32], Arc<Counted>)>) {
        self.chunks.extend(chunks);
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
            counted.write(&mut bytes);
            file.put_number(bytes.len())?;
            file.put(&bytes)
        })
    }
}

/// Entries: (key, length, counts as [`Counted::write`] writes them); `None` for anything else.
fn decode(mut rest: &[u8]) -> Option<Vec<([u8; 32], Arc<Counted>)>> {
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<32>()?;
        let (len, after) = crate::cache::take_number(after)?;
        let (mut bytes, after) = after.split_at_checked(len)?;
        let counted = Counted::read(&mut bytes)?;
        if !bytes.is_empty() {
            return None;
        }
        entries.push((*key, Arc::new(counted)));
        rest = after;
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::shard_file;

    fn sample() -> Counted {
        let mut counted = Counted::new(vec![5, 3, 1], vec![30, 20, 4]);
        counted.push_word("trust", [(0, 4), (2, 1)]).unwrap();
        counted.push_word("équipe", [(1, 200)]).unwrap();
        counted
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
        crate::cache::damage(&file).unwrap();
        let (loaded, warnings) = SearchMemory::load(root.path());
        assert!(loaded.is_empty() && warnings[0].message.contains("damaged"), "{warnings:?}");
    }

    #[test]
    fn only_chunks_whose_documents_changed_are_counted_again() {
        use super::super::output::{Out, Sink};
        use super::super::{Document, Kind, Labels, SearchIndex};
        use crate::render::sanitize::Html;
        /// Keeps the paths of the files it is handed.
        #[derive(Default)]
        struct Paths(std::sync::Mutex<Vec<String>>);
        impl Sink for Paths {
            fn put(&self, path: &str, _: &[u8]) -> io::Result<()> {
                self.0.lock().unwrap().push(path.to_string());
                Ok(())
            }
            fn keep(&self, _: &str, _: &str, _: u64) -> io::Result<bool> {
                Ok(false)
            }
        }
        let words_files = |memory: &mut SearchMemory, text: &str| {
            let labels = Labels { url: "r/", title: "R", ..Labels::default() };
            let body = Html::from_text(text.into());
            let document = Document::new(Kind::Reading, labels, None, std::sync::Arc::new([]), None, body);
            let paths = Paths::default();
            let index = SearchIndex::new(vec![document], vec![], vec![], "en");
            assert!(index.make(memory, Out::new(&paths, None, &|| false)).unwrap());
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
        let mut altered = Counted::new(counted.lengths.clone(), counted.text_bytes.clone());
        for (w, word) in ["four", "five"].into_iter().enumerate() {
            altered.push_word(word, counted.postings(w)).unwrap();
        }
        memory.keep([(key, Arc::new(altered))].into_iter().collect());
        assert_eq!(words_files(&mut memory, "one two"), ["words/fi.json.gz", "words/fo.json.gz"], "not counted again");
        let changed = words_files(&mut memory, "one two three");
        assert_eq!(changed, ["words/on.json.gz", "words/th.json.gz", "words/tw.json.gz"], "counted again");
        assert_eq!(memory.len(), 1, "only the last index's chunks are kept");
    }

    #[test]
    fn counts_that_would_not_make_an_index_are_refused() {
        let mut good = Vec::new();
        sample().write(&mut good);
        assert_eq!(Counted::read(&mut &good[..]), Some(sample()));
        // The last posting of "équipe" (document 1, after a gap of 1) made to name document 3.
        let mut beyond = good.clone();
        let at = beyond.len() - 3;
        assert_eq!(beyond[at], 1, "{beyond:?}");
        beyond[at] = 3;
        assert_eq!(Counted::read(&mut &beyond[..]), None, "a posting past the chunk's documents");
        assert_eq!(Counted::read(&mut &good[..good.len() - 1]), None, "cut short");
        assert_eq!(Counted::read(&mut &[0xff; 12][..]), None, "a number past 64 bits");
    }
}
