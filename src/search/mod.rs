//! The search index: every published text, split by Pagefind into small files that a query fetches
//! on demand, so a phone loads a few kilobytes of a site of any size.
//!
//! `records` turns the views of a built site into one [`Record`] per reading, comment, person's bio
//! and section introduction, made from the same sanitized HTML the pages show (so nothing a page
//! would not show is indexed) with the address of what the result links to. [`SearchIndex::files`]
//! hands them to Pagefind's programmatic API and returns the files to write under `pagefind/`, or
//! the last output's files when what is indexed has not changed since (its fingerprint is kept
//! beside them in [`STAMP`]).

mod records;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::render::context::Views;
use crate::routes::Route;
use crate::write;

pub use records::records;

/// The file beside the index that names what it was made from and the files it is: the fingerprint
/// on its first line, then one file a line.
pub const STAMP: &str = "roundtable-index.txt";

/// Pagefind's files that a site's own search page does not load: its ready-made interfaces.
const UNUSED: [&str; 4] = ["pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight."];

/// One searchable text, as Pagefind takes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Where a result links: the reading, or the comment's anchor on it.
    pub url: String,
    /// The plain text that is searched and quoted in excerpts.
    pub content: String,
    /// Shown with a result: `title`, `kind`, `person`, `reading`, `week`, `date`.
    pub meta: BTreeMap<String, String>,
    /// What results can be narrowed by: `kind`, `person`, `tag`, `week`.
    pub filters: BTreeMap<String, Vec<String>>,
    /// What results can be ordered by: `date`.
    pub sort: BTreeMap<String, String>,
}

/// A file of the index, relative to the output folder.
pub type File = (String, Vec<u8>);

/// Everything the index of one build is made from.
pub struct SearchIndex {
    records: Vec<Record>,
    language: String,
    fingerprint: String,
}

impl SearchIndex {
    /// The records of a rendered site, and their fingerprint.
    pub fn of(views: &Views) -> SearchIndex {
        SearchIndex::new(records(views), &views.site.config.language)
    }

    /// An index of `records` in `language` (`en`, `fr-CA`: stemming follows it).
    pub fn new(records: Vec<Record>, language: &str) -> SearchIndex {
        let mut hasher = blake3::Hasher::new();
        // A new Pagefind writes other files from the same records.
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(language.as_bytes());
        hasher.update(&serde_json::to_vec(&records).expect("records are plain data"));
        SearchIndex { records, language: language.to_string(), fingerprint: hasher.finalize().to_hex().to_string() }
    }

    /// How many texts are indexed.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when nothing is published.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// True when `output` already holds the index of these records.
    pub fn is_in(&self, output: &Path) -> bool {
        stamp(output).is_some_and(|(fingerprint, _)| fingerprint == self.fingerprint)
    }

    /// The files of the index: read back from `previous` (the last output) when it holds the index of
    /// the same records, else made by Pagefind.
    pub fn files(&self, previous: &Path) -> Result<Vec<File>, String> {
        if self.is_in(previous) {
            if let Some(files) = last_files(previous) {
                return Ok(files);
            }
        }
        self.make()
    }

    /// Indexes the records with Pagefind, on a runtime of its own (Pagefind's API is async).
    fn make(&self) -> Result<Vec<File>, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| format!("cannot start the indexer: {e}"))?;
        let made = runtime.block_on(async {
            let options = pagefind::options::PagefindServiceConfig::builder()
                .force_language(self.language.clone())
                .keep_index_url(true)
                .max_fragments(fragment_files(self.records.len()))
                .build();
            let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
            for record in &self.records {
                index
                    .add_custom_record(
                        record.url.clone(),
                        record.content.clone(),
                        self.language.clone(),
                        Some(record.meta.clone()),
                        Some(record.filters.clone()),
                        Some(record.sort.clone()),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
            }
            index.get_files().await.map_err(|e| e.to_string())
        })?;
        let mut files: Vec<File> = made
            .into_iter()
            .map(|file| (file.filename.to_string_lossy().replace('\\', "/"), file.contents))
            .filter(|(name, _)| !UNUSED.iter().any(|unused| name.starts_with(unused)))
            .map(|(name, bytes)| (folder_path(&name), bytes))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut stamp = format!("{}\n", self.fingerprint);
        files.iter().for_each(|(path, _)| stamp.push_str(&format!("{path}\n")));
        files.push((folder_path(STAMP), stamp.into_bytes()));
        Ok(files)
    }
}

/// How many texts share a fragment file: a result fetches its whole file, and a site of 100,000 texts
/// would otherwise be 100,000 files to write. Neighbouring records (comments of one thread) share one.
const TEXTS_PER_FRAGMENT: usize = 8;

/// The most fragment files Pagefind may write for `texts` texts.
fn fragment_files(texts: usize) -> u32 {
    u32::try_from(texts.div_ceil(TEXTS_PER_FRAGMENT)).unwrap_or(u32::MAX).max(1)
}

/// `pagefind/<name>`: where a file of the index goes, relative to the output folder.
fn folder_path(name: &str) -> String {
    Route::search_file(name).output_path()
}

/// True for a path inside the index's folder.
fn in_folder(path: &str) -> bool {
    let stamp = folder_path(STAMP);
    path.starts_with(&stamp[..stamp.len() - STAMP.len()])
}

/// The fingerprint and file list of the index in `output`, if it has one.
fn stamp(output: &Path) -> Option<(String, Vec<String>)> {
    let text = fs::read_to_string(output.join(folder_path(STAMP))).ok()?;
    let mut lines = text.lines();
    let fingerprint = lines.next()?.to_string();
    Some((fingerprint, lines.map(str::to_string).collect()))
}

/// Every file of the index in `output`, with its stamp; `None` when one is missing.
fn last_files(output: &Path) -> Option<Vec<File>> {
    let (_, paths) = stamp(output)?;
    let mut files = Vec::with_capacity(paths.len() + 1);
    for path in paths.into_iter().chain([folder_path(STAMP)]) {
        if path.split('/').any(|part| part == ".." || part.is_empty()) || !in_folder(&path) {
            return None;
        }
        let bytes = fs::read(output.join(&path)).ok()?;
        files.push((path, bytes));
    }
    Some(files)
}

/// Puts the index into `staging`, made again only when what it indexes changed since the build in
/// `output`; returns how long making it took (zero when the last one was kept).
pub fn stage(index: &SearchIndex, staging: &write::Staging, output: &Path) -> Result<Duration, Diagnostics> {
    let started = Instant::now();
    let made = !index.is_in(output);
    let files = index.files(output).map_err(|error| problem(output, &error))?;
    put(&files, staging).map_err(|e| write::cannot_write(output, &e))?;
    Ok(if made { started.elapsed() } else { Duration::ZERO })
}

/// The index could not be made: a fault of roundtable's, not of the site.
pub fn problem(output: &Path, error: &str) -> Diagnostic {
    Diagnostic::error(Span::file(output), format!("cannot make the search index: {error}"))
        .with_help("this is a fault in roundtable, not in your site: please report it with this message")
}

/// Puts the index's files into a staging folder.
fn put(files: &[File], staging: &write::Staging) -> io::Result<()> {
    files.iter().try_for_each(|(path, bytes)| staging.put(path, bytes))
}

/// Copies the index of the last output, whatever it was made from, into a staging folder; for
/// `serve`, which swaps in the new pages first and indexes just after.
pub fn carry_over(previous: &Path, staging: &write::Staging) -> io::Result<()> {
    match last_files(previous) {
        Some(files) => put(&files, staging),
        None => Ok(()),
    }
}

/// Replaces the index in a live output folder (`serve`'s): the new files first, then the stamp,
/// then the old files that are no longer used. Returns how many files changed.
pub fn update(files: &[File], output: &Path) -> io::Result<usize> {
    let old: Vec<String> = stamp(output).map(|(_, paths)| paths).unwrap_or_default();
    let stamp_path = folder_path(STAMP);
    let mut changed = 0;
    for (path, bytes) in files.iter().filter(|(path, _)| *path != stamp_path) {
        changed += usize::from(place(output, path, bytes)?);
    }
    if let Some((path, bytes)) = files.iter().find(|(path, _)| *path == stamp_path) {
        changed += usize::from(place(output, path, bytes)?);
    }
    let kept: std::collections::HashSet<&String> = files.iter().map(|(path, _)| path).collect();
    for path in old.iter().filter(|path| !kept.contains(path) && in_folder(path)) {
        write::remove(output, path)?;
        changed += 1;
    }
    Ok(changed)
}

/// Writes one file of the index into a live folder unless it already holds `bytes`: a temporary file
/// renamed over it, so a reader sees the old file or the new one. Unlike `write::update`, nothing is
/// synced to the disk: an index has thousands of files, `serve`'s folder is rebuilt at every start,
/// and a sync each would take minutes.
fn place(output: &Path, path: &str, bytes: &[u8]) -> io::Result<bool> {
    let target = output.join(path);
    if fs::read(&target).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let folder = target.parent().expect("a file in the index's folder");
    fs::create_dir_all(folder)?;
    let name = target.file_name().expect("a file name").to_string_lossy();
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, &target).inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, content: &str) -> Record {
        let meta = BTreeMap::from([("title".to_string(), "A title".to_string())]);
        let filters = BTreeMap::from([("kind".to_string(), vec!["Reflections".to_string()])]);
        let sort = BTreeMap::from([("date".to_string(), "2024-01-02T00:00:00Z".to_string())]);
        Record { url: url.into(), content: content.into(), meta, filters, sort }
    }

    #[test]
    fn the_index_is_pagefinds_files_under_one_folder_with_its_stamp() {
        let index = SearchIndex::new(vec![record("/r/a/#comment-c1", "trust grows slowly")], "en");
        let files = index.make().expect("indexed");
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.iter().all(|n| n.starts_with("pagefind/")), "{names:?}");
        for wanted in ["pagefind/pagefind.js", "pagefind/pagefind-entry.json", "pagefind/wasm.en.pagefind"] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        assert!(names.iter().any(|n| n.starts_with("pagefind/fragment/")), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("-ui.") || n.contains("highlight")), "{names:?}");
        let stamp = String::from_utf8(files.last().unwrap().1.clone()).unwrap();
        assert_eq!(stamp.lines().next(), Some(index.fingerprint.as_str()));
        assert_eq!(stamp.lines().count(), files.len(), "the fingerprint, then every other file");
    }

    #[test]
    fn an_unchanged_index_is_read_back_and_a_changed_one_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let first = SearchIndex::new(vec![record("/a/", "one")], "en");
        let files = first.files(dir.path()).unwrap();
        assert_eq!(update(&files, dir.path()).unwrap(), files.len());
        assert!(first.is_in(dir.path()));
        assert_eq!(first.files(dir.path()).unwrap(), files, "read back, not made again");
        let second = SearchIndex::new(vec![record("/a/", "two")], "en");
        assert!(!second.is_in(dir.path()));
        let newer = second.files(dir.path()).unwrap();
        update(&newer, dir.path()).unwrap();
        assert!(second.is_in(dir.path()));
        let gone = files.iter().filter(|(path, _)| !newer.iter().any(|(p, _)| p == path));
        for (path, _) in gone {
            assert!(!dir.path().join(path).exists(), "{path} is no longer used and was removed");
        }
    }

    #[test]
    fn a_stamp_cannot_name_a_file_outside_the_index() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("pagefind")).unwrap();
        fs::write(dir.path().join("secret.txt"), "x").unwrap();
        fs::write(dir.path().join(folder_path(STAMP)), "f\npagefind/../secret.txt\n").unwrap();
        assert_eq!(last_files(dir.path()), None);
        fs::write(dir.path().join(folder_path(STAMP)), "f\nsecret.txt\n").unwrap();
        assert_eq!(last_files(dir.path()), None);
    }
}
