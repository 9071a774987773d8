//! The build cache: members' texts already converted and cleaned, found again by the hash of their text.
//!
//! Cleaning HTML is the slowest step of a build, and between two builds of a cohort
//! site almost every comment is unchanged. The cache file lives in the site's own
//! `.roundtable/cache/` folder. It carries a fingerprint of the Markdown and
//! sanitizer code and of every dependency's version, so a policy change or an
//! upgrade simply starts from nothing. A damaged file is ignored with a warning.

mod file;
pub(crate) mod leb128;

use std::io;
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::PersonId;
use crate::render::sanitize::Html;
#[cfg(test)]
pub(crate) use file::damage;
use file::shard;
pub(crate) use file::{
    cannot_save, code_fingerprint, read_checked, take_number, take_text, Bytes, CheckedFile, Shards, Written,
};
#[cfg(test)]
pub(crate) use file::{shard_file, SHARDS};

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
    include_str!("render/markdown/limits.rs"),
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
        let all = seen.chain(reused.into_iter().map(|(key, cleaned)| (key.0, cleaned)));
        shards.extend(all.inspect(|(key, _)| {
            live.insert(*key);
        }));
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

fn fingerprint() -> [u8; 32] {
    code_fingerprint(POLICY_SOURCES)
}

/// The fingerprint of the code that decides a cleaned text and its key.
pub(crate) fn policy_fingerprint() -> [u8; 32] {
    fingerprint()
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
        entries.push((*key, Cleaned { html: Html::from_cache(text, *digest), mentions }));
        rest = after;
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

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
