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
        let path = root.join(CACHE_FILE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(_) => return (BodyCache::default(), None),
        };
        match decode(&bytes) {
            Decoded::Entries(entries) => (BodyCache { entries }, None),
            Decoded::Outdated => (BodyCache::default(), None),
            Decoded::Damaged => {
                let warning = Diagnostic::warning(Span::file(CACHE_FILE), "the build cache is damaged and was ignored")
                    .with_help("nothing to do: this build starts afresh and writes a new cache");
                (BodyCache::default(), Some(warning))
            }
        }
    }

    /// Writes the cache of the site in `root`, replacing the old file in one step.
    pub fn save(&self, root: &Path) -> io::Result<()> {
        let path = root.join(CACHE_FILE);
        let folder = path.parent().expect("the cache file is in a folder");
        fs::create_dir_all(folder)?;
        let temporary = folder.join(format!("bodies.bin.{}.tmp", std::process::id()));
        let written = self.write_to(&temporary).and_then(|()| fs::rename(&temporary, &path));
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }

    fn write_to(&self, path: &PathBuf) -> io::Result<()> {
        let mut file = io::BufWriter::new(fs::File::create(path)?);
        let mut checksum = blake3::Hasher::new();
        let mut put = |bytes: &[u8]| {
            checksum.update(bytes);
            file.write_all(bytes)
        };
        put(MAGIC)?;
        put(&fingerprint())?;
        for (key, cleaned) in &self.entries {
            let html = cleaned.html.as_str();
            put(&key.0)?;
            put(&(html.len() as u64).to_le_bytes())?;
            put(html.as_bytes())?;
            put(&(cleaned.mentions.len() as u64).to_le_bytes())?;
            for person in &cleaned.mentions {
                put(&(person.0 as u64).to_le_bytes())?;
            }
        }
        let sum = *checksum.finalize().as_bytes();
        file.write_all(&sum)?;
        file.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
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

enum Decoded {
    Entries(HashMap<Key, Cleaned>),
    Outdated,
    Damaged,
}

/// Layout: magic, fingerprint, then (key, length, UTF-8 text, count, person ids) entries, then a checksum
/// of all before it. Numbers are little-endian u64.
fn decode(bytes: &[u8]) -> Decoded {
    let Some(body_len) = bytes.len().checked_sub(32) else { return Decoded::Damaged };
    let (body, sum) = bytes.split_at(body_len);
    let Some(rest) = body.strip_prefix(MAGIC) else { return Decoded::Damaged };
    if blake3::hash(body).as_bytes() != sum {
        return Decoded::Damaged;
    }
    let Some((stamp, mut rest)) = rest.split_first_chunk::<32>() else { return Decoded::Damaged };
    if *stamp != fingerprint() {
        return Decoded::Outdated;
    }
    let mut entries = HashMap::new();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_first_chunk::<32>() else { return Decoded::Damaged };
        let Some((text, after)) = take_text(after) else { return Decoded::Damaged };
        let Some((count, mut after)) = take_number(after) else { return Decoded::Damaged };
        let mut mentions = Vec::new();
        for _ in 0..count.min(after.len() / 8) {
            let Some((person, next)) = take_number(after) else { return Decoded::Damaged };
            mentions.push(PersonId(person));
            after = next;
        }
        if mentions.len() != count {
            return Decoded::Damaged;
        }
        entries.insert(Key(*key), Cleaned { html: Html::from_cache(text.to_owned()), mentions });
        rest = after;
    }
    Decoded::Entries(entries)
}

fn take_number(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let (number, rest) = bytes.split_first_chunk::<8>()?;
    Some((usize::try_from(u64::from_le_bytes(*number)).ok()?, rest))
}

fn take_text(bytes: &[u8]) -> Option<(&str, &[u8])> {
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
        let mut body = MAGIC.to_vec();
        body.extend([0u8; 32]);
        let sum = *blake3::hash(&body).as_bytes();
        body.extend(sum);
        assert!(matches!(decode(&body), Decoded::Outdated));
    }
}
