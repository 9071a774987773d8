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

const MAGIC: &[u8] = b"roundtable body cache 3\n";

/// The code whose behaviour decides what a cached text looks like.
///
/// Hashing the source itself, rather than a version number someone must remember
/// to raise, means any edit to the policy invalidates every cached text.
const POLICY_SOURCES: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("render/markdown.rs"),
    include_str!("render/markdown/pictures.rs"),
    include_str!("render/sanitize.rs"),
    include_str!("render/nesting.rs"),
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

    /// The key as bytes, to be saved.
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key saved with [`Key::as_bytes`].
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
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
    shards: Shards<Cleaned>,
    /// Never saved (`serve`): it keeps every text it has held, see [`BodyCache::update`].
    in_memory_only: bool,
}

impl BodyCache {
    /// Makes this the cache of a process that never saves it (`serve`).
    pub fn keep_in_memory_only(&mut self) {
        self.in_memory_only = true;
    }

    /// Makes this the cache of a build's texts: those it looked at, `seen`, and those it took whole
    /// from its last build, `reused`. A cache to be saved becomes exactly those texts, so only the
    /// files whose keys changed need writing; one kept in memory only adds `seen` and lets go of
    /// nothing. An entry is right for as long as it is kept (its key is everything its text is made
    /// from), and the few texts an edit replaces cost less than a new map of every text on each of
    /// `serve`'s rebuilds.
    pub fn update(
        &mut self,
        seen: impl IntoIterator<Item = (Key, Cleaned)>,
        reused: impl IntoIterator<Item = (Key, Cleaned)>,
    ) {
        let seen = seen.into_iter().map(|(key, cleaned)| (key.0, cleaned));
        if self.in_memory_only {
            self.shards.entries.extend(seen);
            return;
        }
        // Changed in place, not made anew: a warm build reuses almost every one of 100,000 texts.
        let shards = &mut self.shards;
        let mut live = std::collections::HashSet::with_capacity(shards.entries.len());
        for (key, cleaned) in seen.chain(reused.into_iter().map(|(key, cleaned)| (key.0, cleaned))) {
            live.insert(key);
            if let std::collections::hash_map::Entry::Vacant(place) = shards.entries.entry(key) {
                shards.stale[shard(&key)] = true;
                place.insert(cleaned);
            }
        }
        let stale = &mut shards.stale;
        shards.entries.retain(|key, _| {
            let keep = live.contains(key);
            if !keep {
                stale[shard(key)] = true;
            }
            keep
        });
    }

    /// The cleaned text of `key`, if an earlier build made it.
    pub fn get(&self, key: &Key) -> Option<Cleaned> {
        self.shards.entries.get(&key.0).cloned()
    }

    /// How many texts it holds.
    pub fn len(&self) -> usize {
        self.shards.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.shards.entries.is_empty()
    }

    /// Whether some of its files on disk do not hold what it does.
    pub fn is_stale(&self) -> bool {
        self.shards.is_stale()
    }

    /// Reads the cache of the site in `root`; a missing or outdated one is empty, a damaged one is a warning.
    pub fn load(root: &Path) -> (BodyCache, Vec<Diagnostic>) {
        let (shards, warnings) = Shards::load(root, CACHE_FILE, MAGIC, fingerprint(), decode);
        (BodyCache { shards, in_memory_only: false }, warnings)
    }

    /// Writes the files of the cache of the site in `root` that changed, each replaced in one step.
    pub fn save(&mut self, root: &Path) -> io::Result<()> {
        self.shards.save(root, CACHE_FILE, MAGIC, fingerprint(), |file, key, cleaned| {
            file.put(key)?;
            // The digest is kept, so that a warm build need not hash every text again for page keys.
            file.put(cleaned.html.digest())?;
            file.put_text(cleaned.html.as_str())?;
            file.put_number(cleaned.mentions.len())?;
            cleaned.mentions.iter().try_for_each(|person| file.put_number(person.0))
        })
    }
}

/// How many files a cache is split into, by the first byte of each entry's key, so that an edit
/// rewrites only the few files its old and new keys fall in.
pub(crate) const SHARDS: usize = 16;

/// A cache's entries by key, split into [`SHARDS`] files.
#[derive(Debug)]
pub(crate) struct Shards<V> {
    /// Every entry.
    pub(crate) entries: HashMap<[u8; 32], V>,
    /// Which files do not hold what `entries` does.
    stale: [bool; SHARDS],
}

impl<V> Default for Shards<V> {
    fn default() -> Self {
        Shards { entries: HashMap::new(), stale: [true; SHARDS] }
    }
}

fn shard(key: &[u8; 32]) -> usize {
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
        use rayon::prelude::*;
        let read: Vec<_> = (0..SHARDS)
            .into_par_iter()
            .map(|i| read_checked(root, &shard_file(file, i), magic, fingerprint, &decode))
            .collect();
        let mut shards = Shards::default();
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

    /// Writes the checksum and renames the file into place.
    pub(crate) fn finish(self) -> io::Result<()> {
        self.close()?.put_in_place()
    }

    /// Writes the checksum and closes the file, still under its temporary name.
    fn close(mut self) -> io::Result<Closed> {
        let sum = *self.checksum.finalize().as_bytes();
        let closed = Closed { temporary: self.temporary.clone(), path: self.path.clone(), placed: false };
        // Not synced: a cache file cut short by a crash fails its checksum and costs one cold build.
        self.file.write_all(&sum)?;
        self.file.flush()?;
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
    code_fingerprint(POLICY_SOURCES)
}

/// The fingerprint of the code that decides a cleaned text and its key.
pub(crate) fn policy_fingerprint() -> [u8; 32] {
    fingerprint()
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

/// Entries: (key, digest of the text, length, UTF-8 text, count, person ids). Numbers are
/// little-endian u64.
fn decode(mut rest: &[u8]) -> Option<Vec<([u8; 32], Cleaned)>> {
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<32>()?;
        let (digest, after) = after.split_first_chunk::<32>()?;
        let (text, after) = take_text(after)?;
        let (count, mut after) = take_number(after)?;
        let mut mentions = Vec::with_capacity(count.min(after.len() / 8));
        for _ in 0..count {
            let (person, next) = take_number(after)?;
            mentions.push(PersonId(person));
            after = next;
        }
        entries.push((*key, Cleaned { html: Html::from_cache(text.to_owned(), *digest), mentions }));
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
        let cleaned = |s: &str, mentions: Vec<PersonId>| Cleaned { html: Html::from_text(s.to_owned()), mentions };
        let mut cache = BodyCache::default();
        cache.update(
            [
                (Key::of("ugc-c1-", b"", "Hello"), cleaned("<p>Hello</p>", vec![])),
                (
                    Key::of("ugc-c2-", b"", "Bonjour @Ann"),
                    cleaned("<p>Bonjour ü @Ann</p>", vec![PersonId(3), PersonId(0)]),
                ),
            ],
            [],
        );
        cache
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

    /// The shard file `key` is kept in.
    fn file_of(root: &Path, key: &Key) -> PathBuf {
        root.join(shard_file(CACHE_FILE, shard(&key.0)))
    }

    #[test]
    fn a_saved_cache_loads_back() {
        let root = tempfile::tempdir().unwrap();
        sample().save(root.path()).unwrap();
        let (loaded, warnings) = BodyCache::load(root.path());
        assert!(warnings.is_empty() && !loaded.is_stale());
        assert_eq!(loaded.len(), 2);
        let key = Key::of("ugc-c2-", b"", "Bonjour @Ann");
        let cleaned = loaded.get(&key).unwrap();
        assert_eq!(cleaned.html.as_str(), "<p>Bonjour ü @Ann</p>");
        assert_eq!(cleaned.html, Html::from_text("<p>Bonjour ü @Ann</p>".to_owned()), "its digest comes back too");
        assert_eq!(cleaned.mentions, [PersonId(3), PersonId(0)]);
    }

    #[test]
    fn only_the_files_of_changed_keys_are_written_again() {
        let root = tempfile::tempdir().unwrap();
        let mut first = sample();
        first.save(root.path()).unwrap();
        let (loaded, _) = BodyCache::load(root.path());
        let kept = Key::of("ugc-c1-", b"", "Hello");
        let added = (0..).map(|i| Key::of("ugc-c3-", b"", &format!("New {i}"))).find(|k| shard(&k.0) != shard(&kept.0));
        let added = added.unwrap();
        let mut next = loaded;
        next.update([(added, Cleaned::default())], [(kept, next.get(&kept).unwrap())]);
        let untouched = file_of(root.path(), &kept);
        fs::write(&untouched, b"left alone").unwrap();
        next.save(root.path()).unwrap();
        assert_eq!(fs::read(&untouched).unwrap(), b"left alone", "a shard whose keys did not change is not written");
        assert!(file_of(root.path(), &added).is_file());
    }

    #[test]
    fn a_saved_cache_holds_exactly_the_last_builds_texts_and_one_in_memory_keeps_every_text() {
        let gone = Key::of("ugc-c1-", b"", "Hello");
        let stays = Key::of("ugc-c2-", b"", "Bonjour @Ann");
        let added = Key::of("ugc-c3-", b"", "New");
        for in_memory_only in [false, true] {
            let mut cache = sample();
            if in_memory_only {
                cache.keep_in_memory_only();
            }
            let kept = cache.get(&stays).unwrap();
            cache.update([(added, Cleaned::default())], [(stays, kept)]);
            assert!(cache.get(&added).is_some() && cache.get(&stays).is_some());
            assert_eq!(cache.get(&gone).is_some(), in_memory_only, "{in_memory_only}");
        }
    }

    #[test]
    fn a_missing_cache_is_empty_without_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let (loaded, warnings) = BodyCache::load(root.path());
        assert!(loaded.is_empty() && warnings.is_empty() && loaded.is_stale());
    }

    #[test]
    fn any_damage_is_a_warning_and_loses_only_its_file() {
        let root = tempfile::tempdir().unwrap();
        sample().save(root.path()).unwrap();
        let key = Key::of("ugc-c1-", b"", "Hello");
        let path = file_of(root.path(), &key);
        let good = fs::read(&path).unwrap();
        let mut flipped = good.clone();
        flipped[MAGIC.len() + 40] ^= 1;
        for damaged in [flipped, good[..good.len() - 5].to_vec(), Vec::new(), b"not a cache".to_vec()] {
            fs::write(&path, &damaged).unwrap();
            let (loaded, warnings) = BodyCache::load(root.path());
            assert!(loaded.get(&key).is_none());
            assert!(warnings[0].message.contains("damaged"));
            assert!(loaded.is_stale());
        }
    }

    #[test]
    fn a_cache_from_other_code_is_outdated_not_damaged() {
        let root = tempfile::tempdir().unwrap();
        let file = CheckedFile::create(&root.path().join(shard_file(CACHE_FILE, 0)), MAGIC, [0; 32]).unwrap();
        file.finish().unwrap();
        let (loaded, warnings) = BodyCache::load(root.path());
        assert!(loaded.is_empty() && warnings.is_empty());
    }
}
