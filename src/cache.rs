//! The build cache: members' texts already converted and cleaned, found again by the hash of their text.
//!
//! Cleaning HTML is the slowest step of a build, and between two builds of a cohort
//! site almost every comment is unchanged. The cache file lives in the site's own
//! `.roundtable/cache/` folder. It carries a fingerprint of the Markdown and
//! sanitizer code and of every dependency's version, so a policy change or an
//! upgrade simply starts from nothing. A damaged file is ignored with a warning.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Span};
use crate::model::PersonId;
use crate::render::sanitize::Html;

/// Where the cache lives, relative to the site folder.
pub const CACHE_FILE: &str = ".roundtable/cache/bodies.bin";

const MAGIC: &[u8] = b"roundtable body cache 2\n";

/// The code whose behaviour decides what a cached text looks like.
///
/// Hashing the source itself, rather than a version number someone must remember
/// to raise, means any edit to the policy invalidates every cached text.
const POLICY_SOURCES: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("render/markdown.rs"),
    include_str!("render/sanitize.rs"),
    include_str!("render/bodies.rs"),
    include_str!("model/mentions.rs"),
    include_str!("../Cargo.lock"),
];

/// The hash of one text and of everything that shapes its HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The key of `text` converted with `id_prefix` for its ids; `context` holds any other input.
    pub fn of(id_prefix: &str, context: &[u8], text: &str) -> Key {
        let mut hasher = blake3::Hasher::new();
        for part in [id_prefix.as_bytes(), context, text.as_bytes()] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Key(*hasher.finalize().as_bytes())
    }
}

/// A member's text as converted and cleaned, with the people it mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cleaned {
    /// The clean HTML.
    pub html: Html,
    /// Who it names with `@`, in order.
    pub mentions: Vec<PersonId>,
}

/// Cleaned texts by key.
#[derive(Debug, Default)]
pub struct BodyCache {
    entries: HashMap<Key, Cleaned>,
}

impl BodyCache {
    /// A cache from texts cleaned in this process.
    pub fn from_entries(entries: impl IntoIterator<Item = (Key, Cleaned)>) -> BodyCache {
        BodyCache { entries: entries.into_iter().collect() }
    }

    /// The cleaned text of `key`, if an earlier build made it.
    pub fn get(&self, key: &Key) -> Option<Cleaned> {
        self.entries.get(key).cloned()
    }

    /// How many texts it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads the cache of the site in `root`; a missing or outdated one is empty, a damaged one is a warning.
    pub fn load(root: &Path) -> (BodyCache, Option<Diagnostic>) {
        let (entries, warning) = read_checked(root, CACHE_FILE, MAGIC, fingerprint(), decode);
        (BodyCache { entries: entries.unwrap_or_default() }, warning)
    }

    /// Writes the cache of the site in `root`, replacing the old file in one step.
    pub fn save(&self, root: &Path) -> io::Result<()> {
        let mut file = CheckedFile::create(&root.join(CACHE_FILE), MAGIC, fingerprint())?;
        for (key, cleaned) in &self.entries {
            file.put(&key.0)?;
            file.put_text(cleaned.html.as_str())?;
            file.put_number(cleaned.mentions.len())?;
            for person in &cleaned.mentions {
                file.put_number(person.0)?;
            }
        }
        file.finish()
    }
}

/// A cache file being written: magic, fingerprint, entries, then a checksum of all before it.
///
/// It goes to a temporary file renamed into place at the end, so a reader sees the old file or the new one.
pub(crate) struct CheckedFile {
    file: io::BufWriter<fs::File>,
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
        let file = io::BufWriter::new(fs::File::create(&temporary)?);
        let mut written = CheckedFile { file, checksum: blake3::Hasher::new(), temporary, path: path.to_path_buf() };
        written.put(magic)?;
        written.put(&fingerprint)?;
        Ok(written)
    }

    /// Appends bytes.
    pub(crate) fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.checksum.update(bytes);
        let result = self.file.write_all(bytes);
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

    /// Writes the checksum, syncs and renames the file into place.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        let sum = *self.checksum.finalize().as_bytes();
        let result = (|| {
            self.file.write_all(&sum)?;
            self.file.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
            fs::rename(&self.temporary, &self.path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.temporary);
        }
        result
    }
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
    decode: impl FnOnce(&[u8]) -> Option<T>,
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
    let Some((stamp, entries)) = rest.split_first_chunk::<32>() else { return (None, Some(damaged())) };
    if *stamp != fingerprint {
        return (None, None);
    }
    match decode(entries) {
        Some(value) => (Some(value), None),
        None => (None, Some(damaged())),
    }
}

fn fingerprint() -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for source in POLICY_SOURCES {
        hasher.update(&(source.len() as u64).to_le_bytes());
        hasher.update(source.as_bytes());
    }
    *hasher.finalize().as_bytes()
}

/// Entries: (key, length, UTF-8 text, count, person ids). Numbers are little-endian u64.
fn decode(mut rest: &[u8]) -> Option<HashMap<Key, Cleaned>> {
    let mut entries = HashMap::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<32>()?;
        let (text, after) = take_text(after)?;
        let (count, mut after) = take_number(after)?;
        let mut mentions = Vec::with_capacity(count.min(after.len() / 8));
        for _ in 0..count {
            let (person, next) = take_number(after)?;
            mentions.push(PersonId(person));
            after = next;
        }
        entries.insert(Key(*key), Cleaned { html: Html::from_cache(text.to_owned()), mentions });
        rest = after;
    }
    Some(entries)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BodyCache {
        let cleaned = |s: &str, mentions: Vec<PersonId>| Cleaned { html: Html::from_cache(s.to_owned()), mentions };
        BodyCache::from_entries([
            (Key::of("ugc-c1-", b"", "Hello"), cleaned("<p>Hello</p>", vec![])),
            (Key::of("ugc-c2-", b"", "Bonjour @Ann"), cleaned("<p>Bonjour ü @Ann</p>", vec![PersonId(3), PersonId(0)])),
        ])
    }

    #[test]
    fn keys_change_with_every_input() {
        let base = Key::of("a", b"x", "text");
        assert_eq!(base, Key::of("a", b"x", "text"));
        assert_ne!(base, Key::of("b", b"x", "text"));
        assert_ne!(base, Key::of("a", b"y", "text"));
        assert_ne!(base, Key::of("a", b"x", "text!"));
        // Lengths are hashed, so moving a boundary between parts changes the key.
        assert_ne!(Key::of("ab", b"", "c"), Key::of("a", b"", "bc"));
    }

    #[test]
    fn a_saved_cache_loads_back() {
        let root = tempfile::tempdir().unwrap();
        sample().save(root.path()).unwrap();
        let (loaded, warning) = BodyCache::load(root.path());
        assert!(warning.is_none());
        assert_eq!(loaded.len(), 2);
        let key = Key::of("ugc-c2-", b"", "Bonjour @Ann");
        let cleaned = loaded.get(&key).unwrap();
        assert_eq!(cleaned.html.as_str(), "<p>Bonjour ü @Ann</p>");
        assert_eq!(cleaned.mentions, [PersonId(3), PersonId(0)]);
    }

    #[test]
    fn a_missing_cache_is_empty_without_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let (loaded, warning) = BodyCache::load(root.path());
        assert!(loaded.is_empty() && warning.is_none());
    }

    #[test]
    fn any_damage_is_a_warning_and_an_empty_cache() {
        let root = tempfile::tempdir().unwrap();
        sample().save(root.path()).unwrap();
        let path = root.path().join(CACHE_FILE);
        let good = fs::read(&path).unwrap();
        let mut flipped = good.clone();
        flipped[MAGIC.len() + 40] ^= 1;
        for damaged in [flipped, good[..good.len() - 5].to_vec(), Vec::new(), b"not a cache".to_vec()] {
            fs::write(&path, &damaged).unwrap();
            let (loaded, warning) = BodyCache::load(root.path());
            assert!(loaded.is_empty());
            assert!(warning.unwrap().message.contains("damaged"));
        }
    }

    #[test]
    fn a_cache_from_other_code_is_outdated_not_damaged() {
        let root = tempfile::tempdir().unwrap();
        let file = CheckedFile::create(&root.path().join(CACHE_FILE), MAGIC, [0; 32]).unwrap();
        file.finish().unwrap();
        let (loaded, warning) = BodyCache::load(root.path());
        assert!(loaded.is_empty() && warning.is_none());
    }
}
