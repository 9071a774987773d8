//! The index's files as they go out: each made from a key (what it is made from, see
//! [`file_key`]), taken from the last index by hard link when that made a file from the same key
//! (its stamp says so), whatever its name there, else made and written; and the stamp that says
//! it for the next index.

use std::collections::HashMap;
use std::fmt::Write;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::write;

use super::{code, STAMP};

/// What a file of the index is made from, with the code that makes it: the start of a digest.
pub(super) type FileKey = [u8; 16];

/// The key of a file made from what `parts` hashes.
pub(super) fn file_key(parts: impl FnOnce(&mut blake3::Hasher)) -> FileKey {
    let mut hasher = blake3::Hasher::new();
    hasher.update(code());
    parts(&mut hasher);
    let mut key = [0; 16];
    key.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    key
}

/// What the index's stamp says: the fingerprint of what it indexes, and each file's path, key and size.
pub(super) struct Stamp {
    pub(super) fingerprint: String,
    pub(super) files: Vec<(String, FileKey, u64)>,
}

impl Stamp {
    /// The stamp of the index in `folder`, if it has one that names only files inside it (it is
    /// read from the disk).
    pub(super) fn read(folder: &Path) -> Option<Stamp> {
        let text = fs::read_to_string(folder.join(STAMP)).ok()?;
        let mut lines = text.lines();
        let fingerprint = lines.next()?.to_string();
        let file = |line: &str| {
            let (key, rest) = line.split_once(' ')?;
            let (size, path) = rest.split_once(' ')?;
            let sound = !path.split('/').any(|part| part == ".." || part == "." || part.is_empty());
            let key = (0..16)
                .map(|i| u8::from_str_radix(key.get(2 * i..2 * i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?;
            Some((path.to_string(), key.try_into().ok().filter(|_| sound)?, size.parse().ok()?))
        };
        let files = lines.map(file).collect::<Option<Vec<_>>>()?;
        Some(Stamp { fingerprint, files })
    }

    /// The stamp's text.
    fn text(&self) -> String {
        let mut text = String::with_capacity(self.files.len() * 60 + 80);
        text.push_str(&self.fingerprint);
        text.push('\n');
        for (path, key, size) in &self.files {
            key.iter().for_each(|byte| write!(text, "{byte:02x}").expect("a String takes any text"));
            writeln!(text, " {size} {path}").expect("a String takes any text");
        }
        text
    }
}

/// Where the files of the index go.
pub(super) trait Sink: Sync {
    /// Writes the file at `path` in the index's folder.
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Takes the file at `path` from the last index's file at `from`, if that is there with `size`
    /// bytes; false if not.
    fn keep(&self, path: &str, from: &str, size: u64) -> io::Result<bool>;
}

/// The index's files being laid out: each is taken from the last index when that made one from the
/// same key, else made and written; what each is made from goes into the stamp.
pub(super) struct Out<'a> {
    sink: &'a dyn Sink,
    /// The last index's files: path and size, by key. By key, not by path: a document file added
    /// early in the index renumbers those after it, which are still the same files.
    last: HashMap<FileKey, (String, u64)>,
    /// This index's files so far: path, key, size.
    made: Mutex<Vec<(String, FileKey, u64)>>,
}

impl<'a> Out<'a> {
    /// Files for `sink`, taken where they can be from the last index, whose stamp is `last`.
    pub(super) fn new(sink: &'a dyn Sink, last: Option<Stamp>) -> Out<'a> {
        let files = last.map(|stamp| stamp.files).unwrap_or_default();
        let last = files.into_iter().map(|(path, key, size)| (key, (path, size))).collect();
        Out { sink, last, made: Mutex::new(Vec::new()) }
    }

    /// Lays out the file at `path`, made from `key`: the last index's file made from the same,
    /// else `bytes()`.
    pub(super) fn file(&self, path: &str, key: FileKey, bytes: impl FnOnce() -> Vec<u8>) -> io::Result<()> {
        let kept = match self.last.get(&key) {
            Some((from, size)) => self.sink.keep(path, from, *size)?.then_some(*size),
            None => None,
        };
        let size = match kept {
            Some(size) => size,
            None => {
                let bytes = bytes();
                self.sink.put(path, &bytes)?;
                bytes.len() as u64
            }
        };
        self.made.lock().unwrap_or_else(|e| e.into_inner()).push((path.to_string(), key, size));
        Ok(())
    }

    /// Writes the stamp of the files laid out, for an index whose documents have `fingerprint`.
    pub(super) fn finish(self, fingerprint: &str) -> io::Result<()> {
        let mut files = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        files.par_sort_unstable();
        let stamp = Stamp { fingerprint: fingerprint.to_string(), files };
        self.sink.put(STAMP, stamp.text().as_bytes())
    }
}

/// A staging folder as the index's sink: files at `prefix` + their path there, taken from the
/// last index in the folder `last`.
pub(super) struct Staged<'a> {
    pub(super) staging: &'a write::Staging,
    pub(super) prefix: &'a str,
    pub(super) last: &'a Path,
}

impl Sink for Staged<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.staging.put(&format!("{}{path}", self.prefix), bytes)
    }

    fn keep(&self, path: &str, from: &str, size: u64) -> io::Result<bool> {
        let previous = self.last.join(from);
        if !fs::symlink_metadata(&previous).is_ok_and(|meta| meta.is_file() && meta.len() == size) {
            return Ok(false);
        }
        // Linked: after a small edit most files are unchanged, and creating thousands of new files
        // was most of such a build's indexing time.
        self.staging.keep(&format!("{}{path}", self.prefix), &previous).map(|()| true)
    }
}
