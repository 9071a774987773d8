//! The search index: every published text, split into files in `search/index/` that a query
//! fetches on demand, so a phone loads a few tens of kilobytes of a site of any size.
//!
//! `documents` turns the views of a built site into one [`Document`] per reading, comment, bio and
//! section introduction, made from the same sanitized HTML the pages show (so nothing a page would
//! not show is indexed). `words` splits, folds and stems; `counts` counts the words of a chunk of
//! documents; `postings` inverts and weighs; `files` lays it all out (see there for each file).
//!
//! The index is made again only when what it indexes changed (its fingerprint is kept in its
//! folder, in [`STAMP`]); otherwise the last output's folder is moved into the new output whole.
//! Made again, it costs in proportion to what changed: the counts of every unchanged chunk of
//! documents come from [`SearchMemory`] (so only the changed chunks' texts are read), and every
//! file whose key (what it is made from) is the one the last stamp gives it is taken from the last
//! index by hard link, without being made: a document file without reading its texts, any other
//! without gzipping it. `build` writes the index with the pages ([`stage`]); `serve` swaps the
//! pages in first and the index after ([`replace`]).

mod counts;
mod documents;
mod files;
mod memory;
mod output;
mod postings;
mod words;

use std::io;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

pub use documents::{documents, Document, Kind, Labels, Sources};
pub use memory::{SearchMemory, SEARCH_CACHE_FILE};
pub use output::{carry, replace, stage};
use output::{file_key, FileKey, Out, Stamp};

/// How many chunks of documents are read and counted at a time (each some 300 documents): few
/// enough that the texts held at once stay small (at M, 20 MB), enough that the waits for a batch's
/// last chunk and last file are few (at 16, there were 25 batches at M).
const BATCH: usize = 64;

/// The file in the index's folder that names what it was made from and the files it is: the
/// fingerprint on its first line, then one file a line (its key, its size, its path).
pub const STAMP: &str = "index.txt";

/// Everything the index of one build is made from.
pub struct SearchIndex {
    documents: Vec<Document>,
    /// What each document puts into the index ([`document_hash`]).
    hashes: Vec<[u8; 32]>,
    people: Vec<String>,
    tags: Vec<String>,
    language: String,
    fingerprint: String,
}

/// What makes the index's bytes besides what it indexes: this roundtable, its search code and the
/// crates it uses (a new stemmer or gzip may lay out the same texts in other bytes). Every key of
/// the index's files and of its counts is made with it.
fn code() -> &'static [u8; 32] {
    static CODE: OnceLock<[u8; 32]> = OnceLock::new();
    CODE.get_or_init(|| {
        crate::cache::code_fingerprint(&[
            env!("CARGO_PKG_VERSION"),
            include_str!("mod.rs"),
            include_str!("counts.rs"),
            include_str!("documents.rs"),
            include_str!("files.rs"),
            include_str!("memory.rs"),
            include_str!("output.rs"),
            include_str!("postings.rs"),
            include_str!("words.rs"),
            include_str!("../cache/leb128.rs"),
            include_str!("../render/sanitize/plain.rs"),
            include_str!("../../Cargo.lock"),
        ])
    })
}

impl SearchIndex {
    /// The documents of a rendered site, and their fingerprint.
    pub fn of(sources: Sources) -> SearchIndex {
        let site = sources.site;
        SearchIndex::new(
            documents(sources),
            site.people.iter().map(|p| p.name.clone()).collect(),
            site.tags.iter().map(|t| t.name.clone()).collect(),
            &site.config.language,
        )
    }

    /// An index of `documents` by `people` and on `tags` (their names by index) in `language`
    /// (`en`, `fr-CA`: stemming follows it).
    pub fn new(documents: Vec<Document>, people: Vec<String>, tags: Vec<String>, language: &str) -> SearchIndex {
        let mut names = code().to_vec();
        for part in
            [language].into_iter().chain(people.iter().map(String::as_str)).chain(tags.iter().map(String::as_str))
        {
            put_part(&mut names, part);
        }
        let hashes: Vec<[u8; 32]> =
            documents.par_iter().map_init(Vec::new, |bytes, d| document_hash(d, bytes)).collect();
        let mut hasher = blake3::Hasher::new();
        hasher.update(&names);
        hasher.update(hashes.as_flattened());
        SearchIndex {
            documents,
            hashes,
            people,
            tags,
            language: language.to_string(),
            fingerprint: hasher.finalize().to_hex().to_string(),
        }
    }

    /// How many texts are indexed.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// True when nothing is published.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// True when `folder` (the index's folder of the last output), whose stamp is `stamp`, holds the
    /// whole index of these same documents.
    fn kept(&self, stamp: &Stamp, folder: &Path) -> bool {
        stamp.fingerprint == self.fingerprint && stamp.files.iter().all(|(path, ..)| folder.join(path).is_file())
    }

    /// Indexes the documents, laying out each file as soon as it is made, the stamp last. When `out`
    /// says another edit came (asked before each chunk is counted and each file laid out), returns
    /// false or an error that [`output::stopped`] tells apart, and writes no stamp. The counts of the
    /// chunks of documents are taken from `memory` where unchanged, and left there for the next.
    ///
    /// The texts are read a batch of chunks at a time, and let go of once counted and in their
    /// document files: they are the most of a large site's index. So are the documents' addresses,
    /// titles and dates, let go of once in their files, and the documents themselves once the
    /// filters are known: the postings are gathered with only the counts, kept compact.
    fn make(self, memory: &mut SearchMemory, out: Out) -> io::Result<bool> {
        let SearchIndex { mut documents, hashes, people, tags, language, fingerprint } = self;
        let keys: Vec<[u8; 32]> =
            documents.par_iter().map_init(Vec::new, |bytes, d| counts::document_key(d, bytes)).collect();
        let chunks = counts::chunks(&keys);
        let chunk_keys: Vec<[u8; 32]> =
            chunks.par_iter().map(|&(a, b)| counts::chunk_key(&keys[a..b], code())).collect();
        drop(keys);
        let mut counted: Vec<Arc<counts::Counted>> = Vec::with_capacity(chunks.len());
        let mut document_files = files::DocumentFiles::new(&hashes);
        for (batch, keys) in chunks.chunks(BATCH).zip(chunk_keys.chunks(BATCH)) {
            // Asked before each chunk is counted, not each batch: an edit waits for a chunk or two
            // under way (at M, a batch was a fifth of a second).
            let made: Vec<Option<_>> = batch
                .par_iter()
                .zip(keys)
                // Kept counts of another number of documents cannot be this chunk's (a forged cache).
                .map(|(&(a, b), key)| match memory.get(key).filter(|kept| kept.lengths.len() == b - a) {
                    Some(kept) => Some((kept, None)),
                    None if out.stop() => None,
                    None => {
                        let documents = &documents[a..b];
                        let texts: Vec<String> = documents.iter().map(Document::text).collect();
                        Some((Arc::new(counts::count(documents, &texts)), Some(texts)))
                    }
                })
                .collect();
            if made.iter().any(Option::is_none) || out.stop() {
                // What is counted stays counted: the index after the next edit starts further on,
                // so edits that keep coming before an index is whole do not each start it anew.
                let this_batch = keys.iter().zip(made).filter_map(|(key, made)| Some((*key, made?.0)));
                memory.add(chunk_keys.iter().copied().zip(counted).chain(this_batch));
                return Ok(false);
            }
            for (chunk, texts) in made.into_iter().flatten() {
                document_files.add(&documents, &chunk.text_bytes, texts);
                counted.push(chunk);
            }
            if let Err(error) = document_files.lay_out_full(&mut documents, &out) {
                // Stopped, or failed: what is counted stays counted all the same.
                memory.add(chunk_keys.iter().copied().zip(counted));
                return Err(error);
            }
        }
        memory.keep(chunk_keys.into_iter().zip(counted.iter().cloned()).collect());
        let firsts = document_files.finish(&mut documents, &out)?;
        // The postings are gathered without the documents: only their filters are kept, found
        // (and the documents let go of) while the postings are gathered, not before.
        let count = documents.len();
        if out.stop() {
            return Ok(false);
        }
        let counted: Vec<&counts::Counted> = counted.iter().map(Arc::as_ref).collect();
        let (filters, inverted) = rayon::join(
            move || files::filters(&documents),
            || postings::invert(&counted, &words::Stems::for_language(&language)),
        );
        drop(hashes);
        if out.stop() {
            return Ok(false);
        }
        let names = files::Names { people: &people, tags: &tags, language: &language };
        files::files(count, &filters, &firsts, &inverted, &names, &out)?;
        out.finish(&fingerprint)?;
        Ok(true)
    }
}

/// One string of what is hashed, its length first so that no two lists run together the same way.
/// The parts of a hash are put together first and hashed in one call: a hundred thousand
/// documents at M, the calls of hashing them part by part cost more than the hashing.
fn put_part(bytes: &mut Vec<u8>, part: &str) {
    bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
    bytes.extend_from_slice(part.as_bytes());
}

/// The hash of everything a document puts into the index (its text by the digest of its HTML),
/// its parts put together in `bytes`.
fn document_hash(document: &Document, bytes: &mut Vec<u8>) -> [u8; 32] {
    bytes.clear();
    for n in [document.person.map_or(u64::MAX, u64::from), document.week.map_or(u64::MAX, u64::from)] {
        bytes.extend_from_slice(&n.to_le_bytes());
    }
    let Labels { url, title, heading, day } = document.labels();
    for part in [url, document.kind.code(), title, heading, day] {
        put_part(bytes, part);
    }
    bytes.extend_from_slice(document.body.digest());
    for t in document.tags.iter() {
        bytes.extend_from_slice(&(*t as u64).to_le_bytes());
    }
    *blake3::hash(bytes).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::output::Sink;
    use super::*;
    use crate::routes::SEARCH_INDEX;
    use crate::write;
    use std::fs;
    use std::sync::Mutex;

    fn document(url: &str, text: &str) -> Document {
        let labels = Labels { url, title: "Reflection by Ana on “Trust”", heading: "", day: "2 January 2024" };
        let body = crate::render::sanitize::Html::from_text(text.into());
        Document::new(Kind::Reflection, labels, Some(0), Arc::new([0]), Some(3), body)
    }

    fn index(texts: &[&str]) -> SearchIndex {
        let documents = texts.iter().enumerate().map(|(i, t)| document(&format!("r/a/#comment-c{i}"), t)).collect();
        SearchIndex::new(documents, vec!["Ana".into()], vec!["Trust".into()], "en")
    }

    /// Whether the index in `folder`, by its stamp, is the whole index of `index`'s documents.
    fn kept(index: &SearchIndex, folder: &Path) -> bool {
        Stamp::read(folder).is_some_and(|stamp| index.kept(&stamp, folder))
    }

    /// A file of the index: its path in the index's folder, and its bytes.
    type File = (String, Vec<u8>);

    /// Files kept in memory, none from a last index.
    #[derive(Default)]
    struct Collected(Mutex<Vec<File>>);

    impl Sink for Collected {
        fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
            self.0.lock().unwrap().push((path.to_string(), bytes.to_vec()));
            Ok(())
        }

        fn keep(&self, _: &str, _: &str, _: u64) -> io::Result<bool> {
            Ok(false)
        }
    }

    /// The files `make` hands out, in the order of their paths.
    fn made(index: SearchIndex) -> Vec<File> {
        let sink = Collected::default();
        assert!(index.make(&mut SearchMemory::default(), Out::new(&sink, None, &|| false)).unwrap());
        let mut files = sink.0.into_inner().unwrap();
        files.sort();
        files
    }

    fn json(files: &[File], name: &str) -> serde_json::Value {
        use std::io::Read;
        let (_, bytes) = files.iter().find(|(path, _)| path == name).unwrap_or_else(|| panic!("no {name}"));
        let mut text = Vec::new();
        match name.ends_with(".gz") {
            true => flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut text).map(|_| ()).unwrap(),
            false => text.clone_from(bytes),
        }
        serde_json::from_slice(&text).unwrap()
    }

    #[test]
    fn the_index_is_gzipped_files_in_its_folder_with_its_stamp() {
        let index = index(&["Trust grows slowly.", "Teams grow trust."]);
        let fingerprint = index.fingerprint.clone();
        let files = made(index);
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        for wanted in ["meta.json", "docs/0.json.gz", "terms/0.json.gz", "words/tr.json.gz"] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        for filter in ["kind-reflections", "person-0", "tag-0", "week-3"] {
            assert!(names.contains(&format!("filters/{filter}.json.gz").as_str()), "{filter}: {names:?}");
        }
        let meta = json(&files, "meta.json");
        assert_eq!(meta["documents"], 2);
        assert_eq!(meta["docs"], "0", "one document file, from document 0");
        assert_eq!(meta["people"], serde_json::json!([[0, "Ana", 2]]));
        assert_eq!(meta["weeks"], serde_json::json!([[3, 2]]));
        let words = json(&files, "words/tr.json.gz");
        assert_eq!((&json(&files, "words/gr.json.gz")["grows"], &words["trust"]), (&"grow".into(), &"".into()));
        assert_eq!(meta["terms"], serde_json::json!(["grow"]), "one term file, from the first stem");
        assert_eq!(json(&files, "terms/0.json.gz")["trust"], "0808", "both documents (gaps 0 and 0), weight 8");
        let docs = json(&files, "docs/0.json.gz");
        assert_eq!(
            docs[1],
            serde_json::json!([
                "r/a/#comment-c1",
                "reflection",
                "Reflection by Ana on “Trust”",
                3,
                "2 January 2024",
                "Teams grow trust."
            ])
        );
        let (_, stamp) = files.iter().find(|(name, _)| name == STAMP).unwrap();
        let stamp = String::from_utf8(stamp.clone()).unwrap();
        assert_eq!(stamp.lines().next(), Some(fingerprint.as_str()));
        let others: Vec<String> = files
            .iter()
            .filter(|(name, _)| name != STAMP)
            .map(|(name, bytes)| format!("{} {name}", bytes.len()))
            .collect();
        let listed: Vec<&str> = stamp.lines().skip(1).map(|line| line.split_once(' ').unwrap().1).collect();
        assert_eq!(listed, others, "the fingerprint, then every other file: its key, size and path");
    }

    /// `n` texts of about a kilobyte, each its own.
    fn reflections(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("reflection {i} ") + &"trust grows slowly ".repeat(50 + i % 7)).collect()
    }

    /// The document files of `files`, by number, each with its documents' addresses.
    fn document_files(files: &[File]) -> Vec<Vec<String>> {
        let count = files.iter().filter(|(path, _)| path.starts_with("docs/")).count();
        let rows = |n: usize| json(files, &format!("docs/{n}.json.gz")).as_array().unwrap().clone();
        (0..count).map(|n| rows(n).iter().map(|row| row[0].as_str().unwrap().to_string()).collect()).collect()
    }

    #[test]
    fn document_files_hold_every_document_in_order_and_meta_says_where_each_starts() {
        let texts = reflections(400);
        let files = made(index(&texts.iter().map(String::as_str).collect::<Vec<_>>()));
        let laid_out = document_files(&files);
        let urls: Vec<String> = laid_out.concat();
        let expected: Vec<String> = (0..400).map(|i| format!("r/a/#comment-c{i}")).collect();
        assert_eq!(urls, expected, "each document once, in order");
        let firsts: Vec<u32> =
            laid_out.iter().scan(0, |n, file| Some(std::mem::replace(n, *n + file.len() as u32))).collect();
        assert_eq!(json(&files, "meta.json")["docs"], postings::encode_documents(&firsts));
        assert!(laid_out.len() > 5, "some 32 KB each: {} files", laid_out.len());
        for (path, bytes) in files.iter().filter(|(path, _)| path.starts_with("docs/")) {
            let json = json(&files, path).to_string();
            assert!(json.len() < files::DOCS_FILE_MOST + 2048, "{path}: {} bytes of JSON", json.len());
            assert!(bytes.len() < json.len() / 2, "{path} is gzipped");
        }
    }

    #[test]
    fn a_longer_text_changes_its_own_document_file_not_those_after_it() {
        let mut texts = reflections(1200);
        let before = made(index(&texts.iter().map(String::as_str).collect::<Vec<_>>()));
        for i in [100, 600, 1100] {
            texts[i].push_str(&" Edited: one more sentence, as a member adds after a second thought.".repeat(8));
        }
        let after = made(index(&texts.iter().map(String::as_str).collect::<Vec<_>>()));
        let docs = |files: &[File]| -> Vec<Vec<u8>> {
            files.iter().filter(|(path, _)| path.starts_with("docs/")).map(|(_, bytes)| bytes.clone()).collect()
        };
        let (before, after) = (docs(&before), docs(&after));
        let changed = after.iter().filter(|bytes| !before.contains(bytes)).count();
        // Filled up to a size (texts of much the same length), the longer texts moved the end of
        // nearly every file after the first: 20 of 21.
        assert!((3..=6).contains(&changed), "{changed} of {} document files written again", after.len());
    }

    /// An output folder holding `files`, as a build leaves it.
    fn output_with(files: &[File]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in files {
            let target = dir.path().join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        dir
    }

    #[test]
    fn an_unchanged_index_is_kept_whole_and_a_changed_one_is_made_again() {
        let first = index(&["one"]);
        let files = made(index(&["one"]));
        let output = output_with(&files);
        assert!(kept(&first, output.path()), "every file there");
        assert!(!kept(&index(&["two"]), output.path()), "other documents: made again");
        fs::remove_file(output.path().join(&files[0].0)).unwrap();
        assert!(!kept(&first, output.path()), "a file missing: made again");
    }

    #[test]
    fn a_stamp_cannot_name_a_file_outside_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("index");
        fs::create_dir_all(&folder).unwrap();
        fs::write(dir.path().join("secret.txt"), "x").unwrap();
        let index = index(&["one"]);
        for named in ["../secret.txt", "/etc/hostname", "./index.txt"] {
            fs::write(folder.join(STAMP), format!("{}\n{} 1 {named}\n", index.fingerprint, "0".repeat(32))).unwrap();
            assert!(!kept(&index, &folder), "{named}");
            assert!(Stamp::read(&folder).is_none(), "{named}: nothing from it is taken either");
        }
        fs::write(folder.join(STAMP), format!("{}\n{} 1 secret.txt\n", index.fingerprint, "0".repeat(32))).unwrap();
        assert_eq!(Stamp::read(&folder).unwrap().files.len(), 1, "a sound stamp is read");
    }

    /// An empty output folder of roundtable's, as `serve`'s is, in `dir`.
    fn serve_output(dir: &Path) -> std::path::PathBuf {
        let output = dir.join("public");
        write::Staging::new(&output).unwrap().swap().unwrap();
        output
    }

    /// Every file in `folder`, by its path there, with its bytes, in the order of their paths.
    fn files_in(folder: &Path) -> Vec<File> {
        let files = walkdir::WalkDir::new(folder).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file());
        let mut there: Vec<File> = files
            .map(|entry| {
                let name = entry.path().strip_prefix(folder).unwrap().to_string_lossy().into_owned();
                (name, fs::read(entry.path()).unwrap())
            })
            .collect();
        there.sort();
        there
    }

    #[test]
    fn serve_remakes_a_changed_index_in_place_and_leaves_an_unchanged_one() {
        let dir = tempfile::tempdir().unwrap();
        let output = serve_output(dir.path());
        let (first, second) = (|| index(&["one"]), || index(&["two", "three"]));
        let go_on = || false;
        let memory = &mut SearchMemory::default();
        assert!(replace(first(), memory, &output, &go_on).unwrap(), "no index yet: made");
        let folder = output.join(SEARCH_INDEX);
        assert_eq!(files_in(&folder), made(first()));
        assert!(!replace(first(), memory, &output, &go_on).unwrap(), "unchanged: left as it is");
        let whole = files_in(&output);
        assert!(!replace(second(), memory, &output, &|| true).unwrap(), "another edit came: left to its rebuild");
        assert_eq!(files_in(&output), whole, "nothing written, nothing left behind");
        // Stopped part way, once its files are laid out: what it wrote is removed.
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let later = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 2;
        assert!(!replace(second(), memory, &output, &later).unwrap(), "stopped after its second step");
        assert_eq!(files_in(&output), whole, "the last index stays whole, with no temporary file beside it");
        assert!(replace(second(), memory, &output, &go_on).unwrap());
        assert_eq!(files_in(&folder), made(second()), "the first index's files are gone, no others are left");
        // Every file in the folder is the last index's: one it does not make goes, with a stamp
        // (a temporary file left by a killed `serve`) or without.
        fs::write(folder.join("docs/.1.json.gz.roundtable-tmp-7"), "left by a killed serve").unwrap();
        assert!(replace(first(), memory, &output, &go_on).unwrap());
        assert_eq!(files_in(&folder), made(first()));
        fs::remove_file(folder.join(STAMP)).unwrap();
        fs::write(folder.join("docs/stray.json.gz"), "left by hand").unwrap();
        assert!(replace(second(), memory, &output, &go_on).unwrap());
        assert_eq!(files_in(&folder), made(second()));
        let beside: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside, ["public"], "no staging or old folder beside the output");
    }

    #[test]
    fn an_index_stopped_at_any_point_leaves_the_last_one_whole() {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let (first, second) = (|| index(&["one"]), || index(&["two", "three", "four"]));
        let dir = tempfile::tempdir().unwrap();
        // How many times a whole index asks whether another edit came, on a copy of the output.
        let asked = AtomicUsize::new(0);
        let counting = || asked.fetch_add(1, Relaxed) == usize::MAX;
        let copy = serve_output(&dir.path().join("copy"));
        assert!(replace(first(), &mut SearchMemory::default(), &copy, &|| false).unwrap());
        assert!(replace(second(), &mut SearchMemory::default(), &copy, &counting).unwrap());
        let asks = asked.load(Relaxed);
        assert!(asks > made(second()).len(), "{asks} asks: each file laid out asks first");
        let output = serve_output(dir.path());
        assert!(replace(first(), &mut SearchMemory::default(), &output, &|| false).unwrap());
        let whole = files_in(&output);
        for k in 0..asks {
            let asked = AtomicUsize::new(0);
            let after_k = || asked.fetch_add(1, Relaxed) >= k;
            assert!(!replace(second(), &mut SearchMemory::default(), &output, &after_k).unwrap(), "{k}");
            assert_eq!(files_in(&output), whole, "stopped at ask {k}: the last index as it was, nothing beside it");
        }
        assert!(replace(second(), &mut SearchMemory::default(), &output, &|| false).unwrap());
        assert_eq!(files_in(&output.join(SEARCH_INDEX)), made(second()));
    }

    #[test]
    fn an_index_stopped_part_way_keeps_the_chunks_it_counted() {
        let dir = tempfile::tempdir().unwrap();
        let output = serve_output(dir.path());
        // Past the longest chunk twice over: at least three chunks, counted in one batch.
        let texts: Vec<String> = (0..3 * counts::LONGEST).map(|i| format!("reflection {i}")).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let chunks = counts::chunks(
            &index(&texts).documents.iter().map(|d| counts::document_key(d, &mut Vec::new())).collect::<Vec<_>>(),
        )
        .len();
        let memory = &mut SearchMemory::default();
        // Another edit comes once the first chunk has asked.
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let soon = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 1;
        assert!(!replace(index(&texts), memory, &output, &soon).unwrap());
        assert!((1..chunks).contains(&memory.len()), "{} of {chunks} chunks kept", memory.len());
        assert!(replace(index(&texts), memory, &output, &|| false).unwrap());
        assert_eq!(memory.len(), chunks, "the rest counted by the next index");
    }

    #[cfg(unix)]
    #[test]
    fn a_remade_index_keeps_its_unchanged_files_and_equals_a_fresh_one() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let output = serve_output(dir.path());
        let mut texts = reflections(300);
        let memory = &mut SearchMemory::default();
        // Each document named by its text's first words, so that one put first renames none.
        let build = |texts: &[String]| {
            let named =
                texts.iter().map(|t| document(&format!("r/a/#{}", t.split(' ').take(3).collect::<String>()), t));
            SearchIndex::new(named.collect(), vec!["Ana".into()], vec!["Trust".into()], "en")
        };
        let remade = |texts: &[String], memory: &mut SearchMemory| {
            assert!(replace(build(texts), memory, &output, &|| false).unwrap());
        };
        remade(&texts, memory);
        let folder = output.join(SEARCH_INDEX);
        let inode = |name: &str| fs::metadata(folder.join(name)).unwrap().ino();
        let count = || fs::read_dir(folder.join("docs")).unwrap().count();
        let inodes = |from: usize| (from..count()).map(|n| inode(&format!("docs/{n}.json.gz"))).collect::<Vec<_>>();
        let (first, last, files) = (inode("docs/0.json.gz"), inode(&format!("docs/{}.json.gz", count() - 1)), count());
        texts[299] = "the last text, written again".to_string();
        remade(&texts, memory);
        assert_eq!(inode("docs/0.json.gz"), first, "an unchanged file stays, not written again");
        assert_ne!(inode(&format!("docs/{}.json.gz", files - 1)), last, "a changed file is written");
        // A long text that ends its file, put first: every file after it is renumbered, by a link.
        let long = (0..)
            .map(|k| format!("an opening text {k} ") + &"about trust ".repeat(files::DOCS_FILE_LEAST / 10))
            .find(|text| counts::may_end(&build(std::slice::from_ref(text)).hashes[0], files::DOCS_SPREAD))
            .unwrap();
        let following = inodes(0);
        texts.insert(0, long);
        remade(&texts, memory);
        assert_eq!(count(), files + 1, "one more file, first");
        assert_eq!(inodes(1), following, "the files after it are the same files under new numbers");
        assert_eq!(files_in(&folder), made(build(&texts)), "as a cold build makes it");
        // A file that is not the size its stamp says is not taken (changed by hand since).
        fs::write(folder.join("docs/1.json.gz"), "edited by hand").unwrap();
        let edited = inode("docs/1.json.gz");
        texts[300] = "the last text, written a third time".to_string();
        remade(&texts, memory);
        assert_ne!(inode("docs/1.json.gz"), edited, "written again");
    }

    #[test]
    fn an_unchanged_index_is_carried_from_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        let files = made(index(&["one"]));
        for (path, bytes) in &files {
            let target = old.join(SEARCH_INDEX).join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        fs::create_dir_all(&new).unwrap();
        carry(&old, &new).unwrap();
        assert!(kept(&index(&["one"]), &new.join(SEARCH_INDEX)) && !old.join(SEARCH_INDEX).exists());
        carry(&old, &new).unwrap();
        assert!(new.join(SEARCH_INDEX).join(STAMP).is_file(), "nothing left to carry: no error");
    }
}
