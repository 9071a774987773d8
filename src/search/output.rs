//! The index's files as they go out: each made from a key (what it is made from, see
//! [`file_key`]), taken from the last index by hard link when that made a file from the same key
//! (its stamp says so), whatever its name there, else made and written; and the stamp that says
//! it for the next index. Where they go: with the pages in `build` ([`stage`]), moved whole when
//! unchanged ([`carry`]), or in place after the pages in `serve` ([`replace`]).

use std::collections::HashMap;
use std::fmt::Write;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::routes::SEARCH_INDEX;
use crate::write;

use super::{code, SearchIndex, SearchMemory, STAMP};

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
    /// Says that another edit came (`serve`): then the index is left to the next rebuild.
    stop: &'a (dyn Fn() -> bool + Sync),
}

/// The error of a file not laid out because another edit came: see [`stopped`].
#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("another edit came")
    }
}

impl std::error::Error for Stopped {}

/// Whether `error` says that the index was left to the next rebuild, not that a file failed.
pub(super) fn stopped(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<Stopped>())
}

impl<'a> Out<'a> {
    /// Files for `sink`, taken where they can be from the last index, whose stamp is `last`, until
    /// `stop` says another edit came.
    pub(super) fn new(sink: &'a dyn Sink, last: Option<Stamp>, stop: &'a (dyn Fn() -> bool + Sync)) -> Out<'a> {
        let files = last.map(|stamp| stamp.files).unwrap_or_default();
        let last = files.into_iter().map(|(path, key, size)| (key, (path, size))).collect();
        Out { sink, last, made: Mutex::new(Vec::new()), stop }
    }

    /// Whether another edit came.
    pub(super) fn stop(&self) -> bool {
        (self.stop)()
    }

    /// Lays out the file at `path`, made from `key`: the last index's file made from the same,
    /// else `bytes()`; a [`Stopped`] error once another edit came.
    ///
    /// Asked at each file: a file is a few milliseconds, where a step of the index (its postings,
    /// its document files) was a tenth of a second or more that the next edit's rebuild waited for.
    pub(super) fn file(&self, path: &str, key: FileKey, bytes: impl FnOnce() -> Vec<u8>) -> io::Result<()> {
        if self.stop() {
            return Err(io::Error::other(Stopped));
        }
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

/// Puts the index into `staging` with the pages (`build`), unless what it indexes is unchanged
/// since the build in `output`; returns whether it was made again. An unchanged index is moved
/// into the new output by [`carry`] once that is swapped in.
pub fn stage(
    index: SearchIndex,
    memory: &mut SearchMemory,
    staging: &write::Staging,
    output: &Path,
) -> Result<bool, Diagnostic> {
    let last = output.join(SEARCH_INDEX);
    let stamp = Stamp::read(&last);
    if stamp.as_ref().is_some_and(|stamp| index.kept(stamp, &last)) {
        return Ok(false);
    }
    let prefix = format!("{SEARCH_INDEX}/");
    let sink = Staged { staging, prefix: &prefix, last: &last };
    index.make(memory, Out::new(&sink, stamp, &|| false)).map_err(|error| write::cannot_write(output, &error))
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

/// Makes the index again in `output`, which the pages are already in (`serve`'s folder, written in
/// place), unless what it indexes is unchanged or `stop` says that another edit came (asked before
/// each chunk of texts is counted and each file laid out; the next rebuild makes it then); returns
/// whether it was made again.
///
/// Written in place, as `serve`'s pages are: each file that changed waits beside its place under a
/// hidden name, all are renamed in once the index is whole, and the files of the last index that
/// this one did not make are removed. After one edit that is a few files, where a folder of its own
/// took every file by hard link (4,200 at M) and then removed as many. A stopped index removes what
/// it wrote; files in the folder that the last index did not make (left by a killed `serve`) go.
pub fn replace(
    index: SearchIndex,
    memory: &mut SearchMemory,
    output: &Path,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<bool, Diagnostic> {
    let folder = output.join(SEARCH_INDEX);
    let cannot = |error: io::Error| write::cannot_write(&folder, &error);
    let stamp = Stamp::read(&folder);
    if stamp.as_ref().is_some_and(|stamp| index.kept(stamp, &folder)) {
        return Ok(false);
    }
    let prefix = format!("{SEARCH_INDEX}/");
    // Every file in the folder, not only those its stamp names: the index's folder is its own, and
    // what a `serve` killed while it wrote left there (temporary files) goes with this index.
    let previous = write::files_in(&folder).map(|path| format!("{prefix}{path}"));
    let staging = write::Staging::in_place(output, previous.collect()).map_err(cannot)?;
    // Absolute, as the staging's folder is: a file that stays where it is is known by its path.
    let last = std::path::absolute(&folder).map_err(cannot)?;
    let sink = Staged { staging: &staging, prefix: &prefix, last: &last };
    let made = match index.make(memory, Out::new(&sink, stamp, stop)) {
        Err(error) if stopped(&error) => false,
        made => made.map_err(cannot)?,
    };
    if !made || stop() {
        return Ok(false);
    }
    // Gone while the files are renamed in, so that an index left half renamed is never taken for a
    // whole one: the next is then made without taking files from it. The new stamp goes in last.
    write::gone_is_fine(fs::remove_file(folder.join(STAMP))).map_err(cannot)?;
    staging.swap().map_err(cannot)?;
    Ok(true)
}
