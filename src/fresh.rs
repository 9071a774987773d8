//! Whether the output of the last build is still what a build would write, so an unchanged site is not rebuilt.
//!
//! After a clean build (no warnings), roundtable records a stamp of every input
//! file (path, size, modification time), of the output folder as it left it,
//! of the options and of the `roundtable` program itself. A later build with the
//! same stamps, and no scheduled reading come due, has nothing to do. Like
//! `make`, it trusts modification times; `--no-cache` always builds.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::{BuildOptions, BuildReport};

/// Where the record lives, relative to the site folder.
pub const RECORD_FILE: &str = ".roundtable/cache/last-build.json";

/// What the last clean build saw and made.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Record {
    inputs: String,
    output: String,
    counts: [usize; 6],
    scheduled: Vec<DateTime<FixedOffset>>,
}

/// The stamp of everything a build reads; taken before building, so an edit made during it is noticed next time.
pub fn inputs(options: &BuildOptions) -> String {
    let mut hasher = blake3::Hasher::new();
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let settings = (&options.base_url, options.drafts, options.future, options.pending, absolute(&options.output));
    hasher.update(format!("{settings:?}").as_bytes());
    hasher.update(&program());
    for name in
        ["site.yaml", "site.yml", "authors.yaml", "authors.yml", "content", "templates", "static", "themes", "i18n"]
    {
        stamp_files(&mut hasher, &options.root, &options.root.join(name));
    }
    hasher.finalize().to_hex().to_string()
}

/// The stamp of the running `roundtable` program (path, size, modification time): a new build of it may
/// make other pages from the same files.
pub fn program() -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(program) = std::env::current_exe() {
        stamp_files(&mut hasher, &program, &program);
    }
    *hasher.finalize().as_bytes()
}

/// The stamp of the output folder as a build left it.
pub fn output(options: &BuildOptions) -> String {
    let mut hasher = blake3::Hasher::new();
    stamp_files(&mut hasher, &options.output, &options.output);
    hasher.finalize().to_hex().to_string()
}

/// Path, size and modification time of every file under `path` (or of `path` itself), in name order.
///
/// A folder's entries are stamped on as many threads as there are, each into bytes of its own, and
/// hashed in order: the same bytes as one walk of the whole, in half the time on two cores (an
/// output folder at M is 7,600 files, 90 ms to walk, checked by every build that could be skipped).
fn stamp_files(hasher: &mut blake3::Hasher, root: &Path, path: &Path) {
    let Ok(entries) = fs::read_dir(path) else {
        hasher.update(&stamp_tree(root, path));
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let stamps: Vec<Vec<u8>> = entries.par_iter().map(|entry| stamp_tree(root, entry)).collect();
    stamps.iter().for_each(|stamp| {
        hasher.update(stamp);
    });
}

/// The stamp bytes of every file under `path` (or of `path` itself), in name order.
fn stamp_tree(root: &Path, path: &Path) -> Vec<u8> {
    let mut stamp = Vec::new();
    for entry in WalkDir::new(path).follow_links(true).sort_by_file_name().into_iter().flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        stamp.extend_from_slice(relative.to_string_lossy().as_bytes());
        stamp.push(0);
        stamp.extend_from_slice(&meta.len().to_le_bytes());
        stamp.extend_from_slice(&modified.as_nanos().to_le_bytes());
    }
    stamp
}

impl Record {
    /// What to remember of a clean build whose inputs had the stamp `inputs`.
    pub fn of(options: &BuildOptions, inputs: String, report: &BuildReport) -> Record {
        let counts = [report.readings, report.comments, report.people, report.tags, report.pages, report.files];
        Record { inputs, output: output(options), counts, scheduled: report.scheduled.clone() }
    }

    /// The record of the last clean build of the site at `options.root`, if any.
    pub fn read(options: &BuildOptions) -> Option<Record> {
        serde_json::from_slice(&fs::read(options.root.join(RECORD_FILE)).ok()?).ok()
    }

    /// Writes the record, or removes an old one when `record` is `None`; a failure only costs a rebuild later.
    pub fn save(options: &BuildOptions, record: Option<&Record>) {
        let path = options.root.join(RECORD_FILE);
        let _ = match record.and_then(|r| serde_json::to_vec(r).ok()) {
            Some(bytes) => crate::write::write_atomically(&path, &bytes),
            None => fs::remove_file(&path),
        };
    }

    /// The last build's report, when nothing it depends on has changed since.
    pub fn still_fresh(&self, options: &BuildOptions, inputs: &str) -> Option<BuildReport> {
        let due = self.scheduled.first().is_some_and(|next| *next <= Utc::now());
        if due || self.inputs != inputs || self.output != output(options) {
            return None;
        }
        let [readings, comments, people, tags, pages, files] = self.counts;
        Some(BuildReport {
            readings,
            comments,
            people,
            tags,
            pages,
            files,
            texts: 0,
            cleaned: 0,
            rendered: 0,
            written: 0,
            scheduled: self.scheduled.clone(),
            warnings: Vec::new(),
            elapsed: Default::default(),
            indexing: Default::default(),
            up_to_date: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_stamped_entry_by_entry_is_stamped_as_one_walk_would() {
        let root = tempfile::tempdir().unwrap();
        for (path, text) in [("b/z.html", "z"), ("b/a/x.html", "xx"), ("a.xml", ""), ("c", "c"), ("B/y", "y")] {
            let path = root.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let mut split = blake3::Hasher::new();
        stamp_files(&mut split, root.path(), root.path());
        let whole = blake3::hash(&stamp_tree(root.path(), root.path()));
        assert_eq!(split.finalize(), whole);

        let mut file = blake3::Hasher::new();
        stamp_files(&mut file, root.path(), &root.path().join("c"));
        assert_eq!(file.finalize(), blake3::hash(&stamp_tree(root.path(), &root.path().join("c"))), "a file");
    }
}
