//! The build cache's files: each written whole beside its place and renamed in, with a magic line,
//! the fingerprint of the code that wrote it and a checksum, so that a reader sees the old file or
//! the new one and a damaged file is a warning; and caches split into shards by key, so that an edit
//! rewrites only the few files its keys fall in.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Span};

/// How many files a cache is split into, by the first byte of each entry's key, so that an edit
/// rewrites only the few files its old and new keys fall in.
pub(crate) const SHARDS: usize = 16;

/// A cache's entries by key, split into [`SHARDS`] files.
#[derive(Debug)]
pub(crate) struct Shards<V> {
    /// Every entry.
    pub(crate) entries: HashMap<[u8; 32], V>,
    /// Which files do not hold what `entries` does.
    pub(super) stale: [bool; SHARDS],
}

impl<V> Default for Shards<V> {
    fn default() -> Self {
        Shards { entries: HashMap::new(), stale: [true; SHARDS] }
    }
}

pub(crate) fn shard(key: &[u8; 32]) -> usize {
    usize::from(key[0]) % SHARDS
}

/// The file of one shard of the cache `file`: `.roundtable/cache/bodies.bin` gives `bodies-03.bin`.
pub(crate) fn shard_file(file: &str, shard: usize) -> String {
    format!("{}-{shard:02}.bin", file.strip_suffix(".bin").unwrap_or(file))
}

impl<V: Send + Sync> Shards<V> {
    /// This build's `entries`, following `before`: a shard that gained or lost a key is stale.
    pub(crate) fn next<W>(before: &Shards<W>, entries: HashMap<[u8; 32], V>) -> Shards<V> {
        let mut stale = before.stale;
        let gained = entries.keys().filter(|key| !before.entries.contains_key(*key));
        let lost = before.entries.keys().filter(|key| !entries.contains_key(*key));
        gained.chain(lost).for_each(|key| stale[shard(key)] = true);
        Shards { entries, stale }
    }

    /// Adds `entries` whose keys it does not hold (an entry is right for as long as it is kept: its
    /// key is everything it is made from); a shard that gained a key is stale.
    pub(crate) fn extend(&mut self, entries: impl IntoIterator<Item = ([u8; 32], V)>) {
        for (key, value) in entries {
            if let std::collections::hash_map::Entry::Vacant(place) = self.entries.entry(key) {
                self.stale[shard(&key)] = true;
                place.insert(value);
            }
        }
    }

    /// Lets go of every entry and counts the files as written: for a process that will not ask again.
    pub(crate) fn release(&mut self) {
        self.entries.clear();
        self.stale = [false; SHARDS];
    }

    /// Whether some shard needs writing.
    pub(crate) fn is_stale(&self) -> bool {
        self.stale.contains(&true)
    }

    /// Reads every shard of the cache `file`, in parallel; `decode` reads one shard's entries.
    pub(crate) fn load(
        root: &Path,
        file: &str,
        magic: &[u8],
        fingerprint: [u8; 32],
        decode: impl Fn(&[u8]) -> Option<Vec<([u8; 32], V)>> + Sync,
    ) -> (Shards<V>, Vec<Diagnostic>) {
        Shards::load_shared(root, file, magic, fingerprint, |entries| decode(entries.as_slice()))
    }

    /// As [`Shards::load`], giving `decode` each shard's entries as [`Bytes`] its values can keep.
    pub(crate) fn load_shared(
        root: &Path,
        file: &str,
        magic: &[u8],
        fingerprint: [u8; 32],
        decode: impl Fn(Bytes) -> Option<Vec<([u8; 32], V)>> + Sync,
    ) -> (Shards<V>, Vec<Diagnostic>) {
        use rayon::prelude::*;
        let read: Vec<_> = (0..SHARDS)
            .into_par_iter()
            .map(|i| read_checked_shared(root, &shard_file(file, i), magic, fingerprint, &decode))
            .collect();
        let mut shards = Shards::default();
        // Sized once: grown entry by entry, a warm build's 100,000 texts were moved at every doubling.
        shards.entries.reserve(read.iter().filter_map(|(entries, _)| entries.as_ref()).map(Vec::len).sum());
        let mut warnings = Vec::new();
        for (i, (entries, warning)) in read.into_iter().enumerate() {
            warnings.extend(warning);
            if let Some(entries) = entries {
                shards.stale[i] = false;
                shards.entries.extend(entries);
            }
        }
        (shards, warnings)
    }

    /// Writes the stale shards, in parallel; `encode` writes one entry.
    pub(crate) fn save(
        &mut self,
        root: &Path,
        file: &str,
        magic: &[u8],
        fingerprint: [u8; 32],
        encode: impl Fn(&mut CheckedFile, &[u8; 32], &V) -> io::Result<()> + Sync,
    ) -> io::Result<()> {
        self.write(root, file, magic, fingerprint, encode)?.put_in_place()?;
        self.stale = [false; SHARDS];
        Ok(())
    }

    /// Writes the stale shards, in parallel, beside their files: they replace them only when
    /// [`Written::put_in_place`] is called, and are removed if it never is.
    pub(crate) fn write(
        &self,
        root: &Path,
        file: &str,
        magic: &[u8],
        fingerprint: [u8; 32],
        encode: impl Fn(&mut CheckedFile, &[u8; 32], &V) -> io::Result<()> + Sync,
    ) -> io::Result<Written> {
        use rayon::prelude::*;
        let entries = &self.entries;
        let stale: Vec<usize> = (0..SHARDS).filter(|&i| self.stale[i]).collect();
        let folder = root.join(file).parent().expect("a cache file is in a folder").to_path_buf();
        let mut made: Vec<PathBuf> = folder.ancestors().take_while(|f| !f.exists()).map(Path::to_path_buf).collect();
        if stale.is_empty() {
            made.clear();
        }
        let mut written = Written { files: Vec::new(), made };
        let files: io::Result<Vec<Closed>> = stale
            .into_par_iter()
            .map(|i| {
                let mut out = CheckedFile::create(&root.join(shard_file(file, i)), magic, fingerprint)?;
                for (key, value) in entries.iter().filter(|(key, _)| shard(key) == i) {
                    encode(&mut out, key, value)?;
                }
                out.close()
            })
            .collect();
        written.files = files?;
        Ok(written)
    }
}

/// Cache files written beside the files they replace, not yet in place; dropped, they are removed,
/// with the folders made for them.
#[derive(Debug, Default)]
pub(crate) struct Written {
    files: Vec<Closed>,
    /// Folders that did not exist before, deepest first.
    made: Vec<PathBuf>,
}

impl Written {
    /// Adds `file`, closed, to the files put in place together.
    pub(crate) fn add(&mut self, file: CheckedFile) -> io::Result<()> {
        self.files.push(file.close()?);
        Ok(())
    }

    /// Renames every file into place.
    pub(crate) fn put_in_place(mut self) -> io::Result<()> {
        self.made.clear();
        std::mem::take(&mut self.files).into_iter().try_for_each(Closed::put_in_place)
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        self.files.clear();
        for folder in &self.made {
            let _ = fs::remove_dir(folder);
        }
    }
}

/// A complete cache file under its temporary name.
#[derive(Debug)]
struct Closed {
    temporary: PathBuf,
    path: PathBuf,
    placed: bool,
}

impl Closed {
    fn put_in_place(mut self) -> io::Result<()> {
        fs::rename(&self.temporary, &self.path)?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for Closed {
    fn drop(&mut self) {
        if !self.placed {
            let _ = fs::remove_file(&self.temporary);
        }
    }
}

/// How many bytes a [`CheckedFile`] gathers before it hashes and writes them.
const PENDING: usize = 256 * 1024;

/// A cache file being written: magic, fingerprint, entries, then a checksum of all before it.
///
/// It goes to a temporary file renamed into place at the end, so a reader sees the old file or the new one.
pub(crate) struct CheckedFile {
    file: fs::File,
    /// Bytes put but not yet hashed and written: BLAKE3 hashes many chunks at once only when given
    /// them at once, and entries come a few bytes at a time.
    pending: Vec<u8>,
    checksum: blake3::Hasher,
    temporary: PathBuf,
    path: PathBuf,
}

impl CheckedFile {
    /// Starts the file at `path` (its folder is made) with `magic` and the `fingerprint` of the code that wrote it.
    pub(crate) fn create(path: &Path, magic: &[u8], fingerprint: [u8; 32]) -> io::Result<CheckedFile> {
        let folder = path.parent().expect("a cache file is in a folder");
        fs::create_dir_all(folder)?;
        let name = path.file_name().expect("named").to_string_lossy();
        let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = fs::File::create(&temporary)?;
        let pending = Vec::with_capacity(PENDING);
        let checksum = blake3::Hasher::new();
        let mut written = CheckedFile { file, pending, checksum, temporary, path: path.to_path_buf() };
        written.put(magic)?;
        written.put(&fingerprint)?;
        Ok(written)
    }

    /// Appends bytes.
    pub(crate) fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(bytes);
        match self.pending.len() >= PENDING {
            true => self.flush_pending(),
            false => Ok(()),
        }
    }

    /// Hashes and writes the pending bytes.
    fn flush_pending(&mut self) -> io::Result<()> {
        self.checksum.update(&self.pending);
        let result = self.file.write_all(&self.pending);
        self.pending.clear();
        if result.is_err() {
            let _ = fs::remove_file(&self.temporary);
        }
        result
    }

    /// Appends a number as a little-endian u64.
    pub(crate) fn put_number(&mut self, number: usize) -> io::Result<()> {
        self.put(&(number as u64).to_le_bytes())
    }

    /// Appends a text: its length, then its UTF-8 bytes.
    pub(crate) fn put_text(&mut self, text: &str) -> io::Result<()> {
        self.put_number(text.len())?;
        self.put(text.as_bytes())
    }

    /// Writes the checksum and renames the file into place.
    pub(crate) fn finish(self) -> io::Result<()> {
        self.close()?.put_in_place()
    }

    /// Writes the checksum and closes the file, still under its temporary name.
    fn close(mut self) -> io::Result<Closed> {
        let closed = Closed { temporary: self.temporary.clone(), path: self.path.clone(), placed: false };
        self.flush_pending()?;
        let sum = *self.checksum.finalize().as_bytes();
        // Not synced: a cache file cut short by a crash fails its checksum and costs one cold build.
        self.file.write_all(&sum)?;
        Ok(closed)
    }
}

/// The warning that a cache file could not be saved: only the next build is slower.
pub(crate) fn cannot_save(file: &str, error: io::Error) -> Diagnostic {
    Diagnostic::warning(Span::file(file), format!("cannot save the build cache: {error}"))
        .with_help("the site was built; the next build will just take longer")
}

/// Reads a cache file written by [`CheckedFile`] and decodes its entries with `decode`.
///
/// A missing file or one from other code is `None` without a warning; a damaged one (bad magic or
/// checksum, or entries `decode` refuses) is `None` with a warning naming `file`.
pub(crate) fn read_checked<T>(
    root: &Path,
    file: &str,
    magic: &[u8],
    fingerprint: [u8; 32],
    decode: impl Fn(&[u8]) -> Option<T>,
) -> (Option<T>, Option<Diagnostic>) {
    read_checked_shared(root, file, magic, fingerprint, |entries| decode(entries.as_slice()))
}

/// As [`read_checked`], giving `decode` the entries as [`Bytes`] that decoded values can keep a part of
/// without a copy.
pub(crate) fn read_checked_shared<T>(
    root: &Path,
    file: &str,
    magic: &[u8],
    fingerprint: [u8; 32],
    decode: impl Fn(Bytes) -> Option<T>,
) -> (Option<T>, Option<Diagnostic>) {
    let Ok(bytes) = fs::read(root.join(file)) else { return (None, None) };
    let damaged = || {
        Diagnostic::warning(Span::file(file), "the build cache is damaged and was ignored")
            .with_help("nothing to do: this build starts afresh and writes a new cache")
    };
    let Some(body_len) = bytes.len().checked_sub(32) else { return (None, Some(damaged())) };
    let (body, sum) = bytes.split_at(body_len);
    let Some(rest) = body.strip_prefix(magic) else { return (None, Some(damaged())) };
    if blake3::hash(body).as_bytes() != sum {
        return (None, Some(damaged()));
    }
    let Some((stamp, _)) = rest.split_first_chunk::<32>() else { return (None, Some(damaged())) };
    if *stamp != fingerprint {
        return (None, None);
    }
    let entries = magic.len() + 32..body_len;
    match decode(Bytes { file: Arc::new(bytes), range: entries }) {
        Some(value) => (Some(value), None),
        None => (None, Some(damaged())),
    }
}

/// Some bytes of a cache file read whole, sharing its buffer: a value decoded from the file can keep
/// its bytes without a copy.
#[derive(Debug, Clone)]
pub(crate) struct Bytes {
    file: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl Bytes {
    /// All of `bytes`.
    #[cfg(test)]
    pub(crate) fn whole(bytes: Vec<u8>) -> Bytes {
        let range = 0..bytes.len();
        Bytes { file: Arc::new(bytes), range }
    }

    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.file[self.range.clone()]
    }

    /// The bytes of `part` (a range of [`Bytes::as_slice`]), sharing the buffer; none when out of bounds.
    pub(crate) fn part(&self, part: Range<usize>) -> Option<Bytes> {
        let range = self.range.start.checked_add(part.start)?..self.range.start.checked_add(part.end)?;
        (part.start <= part.end && range.end <= self.range.end).then(|| Bytes { file: Arc::clone(&self.file), range })
    }
}

/// Flips one bit in the middle of the file at `path`, as damage on the disk would: for the tests that a
/// damaged cache file is a warning and ignored.
#[cfg(test)]
pub(crate) fn damage(path: &Path) -> io::Result<()> {
    let mut bytes = fs::read(path)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    fs::write(path, bytes)
}

/// The fingerprint of the code whose behaviour decides what a cache holds: its `sources` (source
/// files, versions, `Cargo.lock`), each hashed with its length.
pub(crate) fn code_fingerprint(sources: &[&str]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for source in sources {
        hasher.update(&(source.len() as u64).to_le_bytes());
        hasher.update(source.as_bytes());
    }
    *hasher.finalize().as_bytes()
}

pub(crate) fn take_number(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let (number, rest) = bytes.split_first_chunk::<8>()?;
    Some((usize::try_from(u64::from_le_bytes(*number)).ok()?, rest))
}

pub(crate) fn take_text(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let (len, rest) = take_number(bytes)?;
    let (text, rest) = rest.split_at_checked(len)?;
    Some((std::str::from_utf8(text).ok()?, rest))
}
