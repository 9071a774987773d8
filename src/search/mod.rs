//! The search index: every published text, split into files in `search/index/` that a query
//! fetches on demand, so a phone loads a few tens of kilobytes of a site of any size.
//!
//! `documents` turns the views of a built site into one [`Document`] per reading, comment, bio and
//! section introduction, made from the same sanitized HTML the pages show (so nothing a page would
//! not show is indexed). `words` splits, folds and stems; `postings` inverts and weighs; `files`
//! lays it all out (see there for each file). The index is made again only when what it indexes
//! changed (its fingerprint is kept in its folder, in [`STAMP`]); otherwise the last output's
//! folder is moved into the new output whole. `build` writes the index with the pages
//! ([`stage`]); `serve` swaps the pages in first and the index after ([`replace`]).

mod documents;
mod files;
mod postings;
mod words;

use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::context::Views;
use crate::routes::SEARCH_INDEX;
use crate::write;

pub use documents::{documents, Document, Kind};

/// The file in the index's folder that names what it was made from and the files it is: the
/// fingerprint on its first line, then one file a line.
pub const STAMP: &str = "index.txt";

/// Where the index's files go as they are made: each by its path in the index's folder.
pub type Put<'a> = dyn Fn(&str, &[u8]) -> io::Result<()> + Sync + 'a;

/// Everything the index of one build is made from.
pub struct SearchIndex {
    documents: Vec<Document>,
    people: Vec<String>,
    tags: Vec<String>,
    language: String,
    fingerprint: String,
}

impl SearchIndex {
    /// The documents of a rendered site, and their fingerprint.
    pub fn of(views: &Views) -> SearchIndex {
        let site = views.site;
        SearchIndex::new(
            documents(views),
            site.people.iter().map(|p| p.name.clone()).collect(),
            site.tags.iter().map(|t| t.name.clone()).collect(),
            &site.config.language,
        )
    }

    /// An index of `documents` by `people` and on `tags` (their names by index) in `language`
    /// (`en`, `fr-CA`: stemming follows it).
    pub fn new(documents: Vec<Document>, people: Vec<String>, tags: Vec<String>, language: &str) -> SearchIndex {
        let mut hasher = blake3::Hasher::new();
        // A new roundtable may lay out the same documents in other files.
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(&files::VERSION.to_le_bytes());
        for part in
            [language].into_iter().chain(people.iter().map(String::as_str)).chain(tags.iter().map(String::as_str))
        {
            hash_part(&mut hasher, part);
        }
        let each: Vec<[u8; 32]> = documents.par_iter().map(document_hash).collect();
        each.iter().for_each(|hash| {
            hasher.update(hash);
        });
        SearchIndex {
            documents,
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

    /// True when `folder` (the index's folder of the last output) holds the whole index of these
    /// same documents.
    fn kept(&self, folder: &Path) -> bool {
        let Some((fingerprint, paths)) = stamp(folder) else {
            return false;
        };
        // The stamp is read from the disk: it may name only files inside the folder.
        let sound = |path: &String| {
            !path.split('/').any(|part| part == ".." || part == "." || part.is_empty()) && folder.join(path).is_file()
        };
        fingerprint == self.fingerprint && paths.iter().all(sound)
    }

    /// Indexes the documents, handing each file to `put` as soon as it is made, the stamp last;
    /// false when `stop` says so between its steps (then the stamp is not written). The texts are
    /// let go of once counted and in their files, before the postings are gathered: they are the
    /// most of a large site's index.
    fn make(mut self, put: &Put, stop: &dyn Fn() -> bool) -> io::Result<bool> {
        let written = Mutex::new(Vec::new());
        let record = |path: &str, bytes: &[u8]| {
            put(path, bytes)?;
            written.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_string());
            Ok(())
        };
        if stop() {
            return Ok(false);
        }
        let (counts, firsts) =
            rayon::join(|| postings::count_words(&self.documents), || files::document_files(&self.documents, &record));
        let firsts = firsts?;
        self.documents.par_iter_mut().for_each(|document| document.text = String::new());
        if stop() {
            return Ok(false);
        }
        let inverted = postings::invert(counts, &words::Stems::for_language(&self.language));
        if stop() {
            return Ok(false);
        }
        let names = files::Names { people: &self.people, tags: &self.tags, language: &self.language };
        files::files(&self.documents, &firsts, &inverted, &names, &record)?;
        drop((inverted, record));
        let mut written = written.into_inner().unwrap_or_else(|e| e.into_inner());
        written.par_sort_unstable();
        let mut stamp = String::with_capacity(written.len() * 24 + 80);
        stamp.push_str(&self.fingerprint);
        stamp.push('\n');
        written.iter().for_each(|path| {
            stamp.push_str(path);
            stamp.push('\n');
        });
        put(STAMP, stamp.as_bytes())?;
        Ok(true)
    }
}

/// One string of the fingerprint, its length first so that no two lists run together the same way.
fn hash_part(hasher: &mut blake3::Hasher, part: &str) {
    hasher.update(&(part.len() as u64).to_le_bytes());
    hasher.update(part.as_bytes());
}

/// The hash of everything a document puts into the index (its text by the digest of its HTML).
fn document_hash(document: &Document) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    let sort = [document.person.map_or(u64::MAX, |p| p as u64), document.week.map_or(u64::MAX, u64::from)];
    sort.iter().for_each(|n| {
        hasher.update(&n.to_le_bytes());
    });
    for part in [&document.url, document.kind.code(), &document.title, &document.heading, &document.day] {
        hash_part(&mut hasher, part);
    }
    hasher.update(&document.source);
    document.tags.iter().for_each(|t| {
        hasher.update(&(*t as u64).to_le_bytes());
    });
    *hasher.finalize().as_bytes()
}

/// The fingerprint and file list of the index in `folder`, if it has one.
fn stamp(folder: &Path) -> Option<(String, Vec<String>)> {
    let text = fs::read_to_string(folder.join(STAMP)).ok()?;
    let mut lines = text.lines();
    let fingerprint = lines.next()?.to_string();
    Some((fingerprint, lines.map(str::to_string).collect()))
}

/// Puts the index into `staging` with the pages (`build`), unless what it indexes is unchanged
/// since the build in `output`; returns whether it was made again. An unchanged index is moved
/// into the new output by [`carry`] once that is swapped in.
pub fn stage(index: SearchIndex, staging: &write::Staging, output: &Path) -> Result<bool, Diagnostic> {
    if index.kept(&output.join(SEARCH_INDEX)) {
        return Ok(false);
    }
    let last = output.join(SEARCH_INDEX);
    let put =
        |path: &str, bytes: &[u8]| put_or_link(staging, &format!("{SEARCH_INDEX}/{path}"), &last.join(path), bytes);
    index.make(&put, &|| false).map_err(|error| write::cannot_write(output, &error))
}

/// Hands one file of the index to `staging` at `relative`: linked from `previous` (the same file of
/// the last index) when that holds these very bytes, else written. After a small edit most files
/// are unchanged, and creating thousands of new files was most of such a build's indexing time.
fn put_or_link(staging: &write::Staging, relative: &str, previous: &Path, bytes: &[u8]) -> io::Result<()> {
    let same_size = fs::symlink_metadata(previous).is_ok_and(|meta| meta.is_file() && meta.len() == bytes.len() as u64);
    match same_size && fs::read(previous).is_ok_and(|there| there == bytes) {
        true => staging.keep(relative, previous),
        false => staging.put(relative, bytes),
    }
}

/// Moves the index's folder of `old` (the output just swapped out) into `output` (just swapped in,
/// without one): one rename, however many files it holds, so that `serve` reloads pages with the
/// last index before making the next. Nothing to move is no error: the next build makes the index.
pub fn carry(old: &Path, output: &Path) -> io::Result<()> {
    let from = old.join(SEARCH_INDEX);
    if !from.is_dir() {
        return Ok(());
    }
    let to = output.join(SEARCH_INDEX);
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::rename(from, to)
}

/// Makes the index again in `output`, which the pages are already in (`serve`), unless what it
/// indexes is unchanged or `stop` says, once it is made, that another edit came (the next rebuild
/// makes it then): its files are written to a folder of their own, swapped in whole. Returns
/// whether it was made again.
pub fn replace(index: SearchIndex, output: &Path, stop: &dyn Fn() -> bool) -> Result<bool, Diagnostic> {
    let folder = output.join(SEARCH_INDEX);
    if index.kept(&folder) {
        return Ok(false);
    }
    let cannot = |error: io::Error| write::cannot_write(&folder, &error);
    // A staging folder of its own, removed when dropped unless committed: a stopped index leaves nothing.
    let staging = write::Staging::new(&folder).map_err(cannot)?;
    let put = |path: &str, bytes: &[u8]| put_or_link(&staging, path, &folder.join(path), bytes);
    if !index.make(&put, stop).map_err(cannot)? || stop() {
        return Ok(false);
    }
    staging.commit().map_err(cannot)?;
    // The staging's marker says "roundtable's output" of a whole output folder; the index is not one,
    // and a build puts no marker there.
    fs::remove_file(folder.join(write::MARKER)).map_err(cannot)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(url: &str, text: &str) -> Document {
        Document {
            url: url.into(),
            kind: Kind::Reflection,
            title: "Reflection by Ana on “Trust”".into(),
            heading: String::new(),
            person: Some(0),
            tags: vec![0],
            week: Some(3),
            day: "2 January 2024".into(),
            text: text.into(),
            source: *blake3::hash(text.as_bytes()).as_bytes(),
        }
    }

    fn index(texts: &[&str]) -> SearchIndex {
        let documents = texts.iter().enumerate().map(|(i, t)| document(&format!("r/a/#comment-c{i}"), t)).collect();
        SearchIndex::new(documents, vec!["Ana".into()], vec!["Trust".into()], "en")
    }

    /// A file of the index: its path in the index's folder, and its bytes.
    type File = (String, Vec<u8>);

    /// The files `make` hands out, in the order of their paths.
    fn made(index: SearchIndex) -> Vec<File> {
        let files = Mutex::new(Vec::new());
        let put = |path: &str, bytes: &[u8]| {
            files.lock().unwrap().push((path.to_string(), bytes.to_vec()));
            Ok(())
        };
        assert!(index.make(&put, &|| false).unwrap());
        let mut files = files.into_inner().unwrap();
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
        let others: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).filter(|name| *name != STAMP).collect();
        assert_eq!(stamp.lines().skip(1).collect::<Vec<_>>(), others, "the fingerprint, then every other file");
    }

    #[test]
    fn document_files_are_filled_to_their_size_and_meta_says_where_each_starts() {
        // Two texts fill a file; a third would pass its size.
        let long = "word ".repeat(files::DOCS_FILE_BYTES / 12);
        let texts: Vec<&str> = (0..9).map(|_| long.as_str()).collect();
        let files = made(index(&texts));
        let meta = json(&files, "meta.json");
        assert_eq!(meta["docs"], postings::encode_documents(&[0, 2, 4, 6, 8]), "the first document of each file");
        assert_eq!(json(&files, "docs/4.json.gz").as_array().unwrap().len(), 1);
        assert!(files.iter().all(|(name, _)| !name.starts_with("docs/5")));
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
        assert!(first.kept(output.path()), "every file there");
        assert!(!index(&["two"]).kept(output.path()), "other documents: made again");
        fs::remove_file(output.path().join(&files[0].0)).unwrap();
        assert!(!first.kept(output.path()), "a file missing: made again");
    }

    #[test]
    fn a_stamp_cannot_name_a_file_outside_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("index");
        fs::create_dir_all(&folder).unwrap();
        fs::write(dir.path().join("secret.txt"), "x").unwrap();
        let index = index(&["one"]);
        for named in ["../secret.txt", "/etc/hostname", "./index.txt"] {
            fs::write(folder.join(STAMP), format!("{}\n{named}\n", index.fingerprint)).unwrap();
            assert!(!index.kept(&folder), "{named}");
        }
    }

    #[test]
    fn serve_replaces_a_changed_index_whole_and_leaves_an_unchanged_one() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let (first, second) = (|| index(&["one"]), || index(&["two", "three"]));
        let go_on = || false;
        assert!(replace(first(), &output, &go_on).unwrap(), "no index yet: made");
        let folder = output.join(SEARCH_INDEX);
        assert!(first().kept(&folder));
        assert!(!replace(first(), &output, &go_on).unwrap(), "unchanged: left as it is");
        assert!(!replace(second(), &output, &|| true).unwrap(), "another edit came: left to its rebuild");
        // Stopped part way, once its document files are written: they go with their staging folder.
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let later = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 1;
        assert!(!replace(second(), &output, &later).unwrap(), "stopped after its first step");
        assert!(first().kept(&folder), "the last index stays whole");
        replace(second(), &output, &go_on).unwrap();
        assert!(second().kept(&folder) && !first().kept(&folder));
        let beside: Vec<_> = fs::read_dir(output.join("search")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside, ["index"], "no staging or old folder left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_remade_index_links_its_unchanged_files_and_equals_a_fresh_one() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let (long, other) = ("word ".repeat(files::DOCS_FILE_BYTES / 12), "text ".repeat(files::DOCS_FILE_BYTES / 12));
        let mut texts: Vec<&str> = (0..9).map(|_| long.as_str()).collect();
        replace(index(&texts), &output, &|| false).unwrap();
        let folder = output.join(SEARCH_INDEX);
        let inode = |name: &str| fs::metadata(folder.join(name)).unwrap().ino();
        let (first, last) = (inode("docs/0.json.gz"), inode("docs/4.json.gz"));
        texts[8] = &other;
        assert!(replace(index(&texts), &output, &|| false).unwrap());
        assert_eq!(inode("docs/0.json.gz"), first, "an unchanged file is linked, not written again");
        assert_ne!(inode("docs/4.json.gz"), last, "a changed file is written");
        let mut there: Vec<File> = Vec::new();
        for entry in walkdir::WalkDir::new(&folder).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file())
        {
            let name = entry.path().strip_prefix(&folder).unwrap().to_string_lossy().into_owned();
            there.push((name, fs::read(entry.path()).unwrap()));
        }
        there.sort();
        assert_eq!(there, made(index(&texts)), "byte for byte the index a cold build makes");
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
        assert!(index(&["one"]).kept(&new.join(SEARCH_INDEX)) && !old.join(SEARCH_INDEX).exists());
        carry(&old, &new).unwrap();
        assert!(new.join(SEARCH_INDEX).join(STAMP).is_file(), "nothing left to carry: no error");
    }
}
