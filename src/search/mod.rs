//! The search index: every published text, split into small files under `search/` that a query
//! fetches on demand, so a phone loads a few tens of kilobytes of a site of any size.
//!
//! `documents` turns the views of a built site into one [`Document`] per reading, comment, bio and
//! section introduction, made from the same sanitized HTML the pages show (so nothing a page would
//! not show is indexed). `words` splits, folds and stems; `postings` inverts and weighs; `files`
//! lays it all out (see there for each file). [`SearchIndex::files`] returns the files to write, or
//! the last output's files when what is indexed has not changed since (its fingerprint is kept
//! beside them in [`STAMP`]).

mod documents;
mod files;
mod postings;
mod words;

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::context::Views;
use crate::routes::Route;
use crate::write;

pub use documents::{documents, Document, Kind};

/// The file beside the index that names what it was made from and the files it is: the fingerprint
/// on its first line, then one file a line.
pub const STAMP: &str = "index.txt";

/// A file of the index, relative to the output folder.
pub type File = (String, Vec<u8>);

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

    /// The paths of the index's files in `previous` (the last output), its stamp last, when it holds
    /// the whole index of these same documents.
    fn kept(&self, previous: &Path) -> Option<Vec<String>> {
        let (fingerprint, paths) = stamp(previous)?;
        if fingerprint != self.fingerprint {
            return None;
        }
        let paths: Vec<String> = paths.into_iter().chain([files::path(STAMP)]).collect();
        let sound = |path: &String| {
            !path.split('/').any(|part| part == ".." || part.is_empty())
                && in_folder(path)
                && previous.join(path).is_file()
        };
        paths.iter().all(sound).then_some(paths)
    }

    /// Indexes the documents.
    fn make(&self) -> Vec<File> {
        let inverted = postings::invert(&self.documents, &words::Stems::for_language(&self.language));
        let names = files::Names { people: &self.people, tags: &self.tags, language: &self.language };
        let mut files = files::files(&self.documents, &inverted, &names);
        drop(inverted);
        files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut stamp = String::with_capacity(files.len() * 24 + 80);
        stamp.push_str(&self.fingerprint);
        stamp.push('\n');
        files.iter().for_each(|(path, _)| {
            stamp.push_str(path);
            stamp.push('\n');
        });
        files.push((files::path(STAMP), stamp.into_bytes()));
        files
    }
}

/// One string of the fingerprint, its length first so that no two lists run together the same way.
fn hash_part(hasher: &mut blake3::Hasher, part: &str) {
    hasher.update(&(part.len() as u64).to_le_bytes());
    hasher.update(part.as_bytes());
}

/// The hash of everything a document puts into the index.
fn document_hash(document: &Document) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    let sort = [document.person.map_or(u64::MAX, |p| p as u64), document.week.map_or(u64::MAX, u64::from)];
    sort.iter().for_each(|n| {
        hasher.update(&n.to_le_bytes());
    });
    for part in [
        &document.url,
        document.kind.code(),
        &document.title,
        &document.heading,
        &document.sort,
        &document.day,
        &document.text,
    ] {
        hash_part(&mut hasher, part);
    }
    document.tags.iter().for_each(|t| {
        hasher.update(&(*t as u64).to_le_bytes());
    });
    *hasher.finalize().as_bytes()
}

/// True for a path of an index file: inside `search/`, and not the search page.
fn in_folder(path: &str) -> bool {
    let stamp = files::path(STAMP);
    path.starts_with(&stamp[..stamp.len() - STAMP.len()]) && path != Route::search().output_path()
}

/// The fingerprint and file list of the index in `output`, if it has one.
fn stamp(output: &Path) -> Option<(String, Vec<String>)> {
    let text = fs::read_to_string(output.join(files::path(STAMP))).ok()?;
    let mut lines = text.lines();
    let fingerprint = lines.next()?.to_string();
    Some((fingerprint, lines.map(str::to_string).collect()))
}

/// Puts the index into `staging`, made again only when what it indexes changed since the build in
/// `output`; returns how long making it took (zero when the last one was kept).
pub fn stage(index: &SearchIndex, staging: &write::Staging, output: &Path) -> Result<Duration, Diagnostic> {
    let started = Instant::now();
    let cannot = |error: io::Error| write::cannot_write(output, &error);
    if let Some(paths) = index.kept(output) {
        // The same files as last time: linked, as unchanged pages are, not read and written again.
        paths.par_iter().try_for_each(|path| staging.keep(path, &output.join(path))).map_err(cannot)?;
        return Ok(Duration::ZERO);
    }
    put(&index.make(), staging).map_err(cannot)?;
    Ok(started.elapsed())
}

/// Puts the index's files into a staging folder, several at once as pages are (each file is small,
/// and a site of 100,000 texts has tens of thousands).
fn put(files: &[File], staging: &write::Staging) -> io::Result<()> {
    files.par_iter().try_for_each(|(path, bytes)| staging.put(path, bytes))
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
            sort: "2024-01-02T00:00:00Z".into(),
            day: "2 January 2024".into(),
            text: text.into(),
        }
    }

    fn index(texts: &[&str]) -> SearchIndex {
        let documents = texts.iter().enumerate().map(|(i, t)| document(&format!("r/a/#comment-c{i}"), t)).collect();
        SearchIndex::new(documents, vec!["Ana".into()], vec!["Trust".into()], "en")
    }

    fn json(files: &[File], name: &str) -> serde_json::Value {
        let (_, bytes) = files.iter().find(|(path, _)| path == name).unwrap_or_else(|| panic!("no {name}"));
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn the_index_is_small_files_under_search_with_its_stamp() {
        let index = index(&["Trust grows slowly.", "Teams grow trust."]);
        let files = index.make();
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.iter().all(|n| n.starts_with("search/") && in_folder(n)), "{names:?}");
        for wanted in ["search/meta.json", "search/docs/0.json", "search/terms/0.json", "search/words/tr.json"] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        for filter in ["kind-reflections", "person-0", "tag-0", "week-3"] {
            assert!(names.contains(&format!("search/filters/{filter}.json").as_str()), "{filter}: {names:?}");
        }
        let meta = json(&files, "search/meta.json");
        assert_eq!(meta["documents"], 2);
        assert_eq!(meta["people"], serde_json::json!([[0, "Ana", 2]]));
        assert_eq!(meta["weeks"], serde_json::json!([[3, 2]]));
        let words = json(&files, "search/words/tr.json");
        assert_eq!((&json(&files, "search/words/gr.json")["grows"], &words["trust"]), (&"grow".into(), &"".into()));
        assert_eq!(meta["terms"], serde_json::json!(["grow"]), "one term file, from the first stem");
        assert_eq!(json(&files, "search/terms/0.json")["trust"], "0808", "both documents (gaps 0 and 0), weight 8");
        let docs = json(&files, "search/docs/0.json");
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
        let stamp = String::from_utf8(files.last().unwrap().1.clone()).unwrap();
        assert_eq!(stamp.lines().next(), Some(index.fingerprint.as_str()));
        assert_eq!(stamp.lines().count(), files.len(), "the fingerprint, then every other file");
        assert!(!in_folder("search/index.html"), "the search page is not the index's");
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
        let files = first.make();
        let output = output_with(&files);
        let paths: Vec<String> = files.iter().map(|(path, _)| path.clone()).collect();
        assert_eq!(first.kept(output.path()), Some(paths), "every file kept, the stamp last");
        assert_eq!(index(&["two"]).kept(output.path()), None, "other documents: made again");
        fs::remove_file(output.path().join(&files[0].0)).unwrap();
        assert_eq!(first.kept(output.path()), None, "a file missing: made again");
    }

    #[test]
    fn a_stamp_cannot_name_a_file_outside_the_index() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("search")).unwrap();
        fs::write(dir.path().join("secret.txt"), "x").unwrap();
        let index = index(&["one"]);
        for named in ["search/../secret.txt", "secret.txt", "search/index.html"] {
            fs::write(dir.path().join(files::path(STAMP)), format!("{}\n{named}\n", index.fingerprint)).unwrap();
            assert_eq!(index.kept(dir.path()), None, "{named}");
        }
    }
}
