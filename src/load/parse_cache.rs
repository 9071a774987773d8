//! Readings parsed by an earlier build, found again by the hash of their files' names (from the site
//! folder) and bytes.
//!
//! Parsing YAML is the slowest part of loading, and between two builds almost
//! every thread file is unchanged. `serve` keeps the cache in memory; `build`
//! keeps it in `.roundtable/cache/parsed-NN.bin` (readings that parsed without a
//! problem only), with a fingerprint of the loading code and a checksum like the
//! body cache.
//!
//! A one-off `build` holds each parsed reading once: what it reads from disk stays
//! in the cache file's bytes until a reading is asked for, which is then decoded straight into the site's
//! copy, and the cache files are written from the site's readings as soon as they
//! are loaded, after which the cache lets go of everything (the files are put in
//! place once the site resolves).

mod encoding;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::last_walk::{Changes, LastWalk};
use super::raw::{Asset, AssetSource, RawReading};
use super::{walk, MAX_FILE_BYTES};
use crate::cache::{self, Shards};
use crate::diagnostics::{relative, Diagnostic, Diagnostics};

/// Where the cache lives, relative to the site folder.
pub const PARSE_CACHE_FILE: &str = ".roundtable/cache/parsed.bin";

/// Where the stamps and hashes of the files last read live, relative to the site folder.
pub const STAMPS_FILE: &str = ".roundtable/cache/stamps.bin";

const MAGIC: &[u8] = b"roundtable parse cache 1\n";

const STAMPS_MAGIC: &[u8] = b"roundtable file stamps 1\n";

/// How much older than the load a file's stamp must be to be trusted: a file written again within the
/// tick of the filesystem's clock in which it was read would keep its stamp (a "racy" edit, in git's
/// words), and that clock can lag the system's by a tick.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// The code whose behaviour decides what a file parses to.
const LOADING_SOURCES: &[&str] = &[
    env!("CARGO_PKG_VERSION"),
    include_str!("mod.rs"),
    include_str!("raw.rs"),
    include_str!("yaml.rs"),
    include_str!("front_matter.rs"),
    include_str!("walk.rs"),
    include_str!("parse_cache.rs"),
    include_str!("parse_cache/encoding.rs"),
    include_str!("../cache/leb128.rs"),
    include_str!("../text.rs"),
    include_str!("../../Cargo.lock"),
];

/// Readings as an earlier load parsed them, by the hash of their files' paths and bytes.
#[derive(Debug, Default)]
pub struct ParseCache {
    shards: Shards<Kept>,
    /// Each file's stamp and the hash of its bytes when it was last read, by its path from the site
    /// folder, so that a file whose stamp is unchanged is not read again to be hashed (only settled
    /// stamps: see [`Stamp::settled`]).
    files: HashMap<PathBuf, (Stamp, [u8; 32])>,
    /// What a load does with the readings it parsed.
    keeping: Keeping,
    /// The files a one-off build wrote when it loaded, until the site resolves.
    saved: Option<cache::Written>,
    /// The walk of `content/` that found these readings (`serve` only).
    walk: Option<LastWalk>,
    /// What a file watcher saw change since that walk.
    changes: Changes,
    /// See [`ParseCache::parsed`].
    pub(super) parsed: (usize, usize),
}

/// What a load leaves in the cache for the next.
#[derive(Debug, Default, Clone)]
enum Keeping {
    /// The readings, shared with the site (`serve`).
    #[default]
    Readings,
    /// Nothing: the readings are written to the cache files of this site folder as soon as they are
    /// loaded, so each is held once (a one-off build).
    Files(PathBuf),
    /// Nothing at all, and nothing hashed: every reading is parsed (`check`, a build without the
    /// cache). Kept, a large site's readings were held twice, and let go of only at the end.
    Nothing,
}

/// One reading of the cache.
#[derive(Debug)]
pub(super) enum Kept {
    /// Parsed, and shared with the load that made it: `serve` asks again, and a copy is cheaper than decoding.
    Parsed(Arc<Parsed>),
    /// As read from the cache file (see [`encoding`]), decoded only when a load asks for it.
    Saved(cache::Bytes),
}

/// What changes when a file is written: its size, modification time and, on Unix, its inode and
/// change time (which no tool sets back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode_and_change: (u64, i64, i64),
    /// Whether the file was last written (or changed) at least [`SETTLED`] before the load that took
    /// the stamp: only then does an equal stamp later say the bytes are the same.
    pub(super) settled: bool,
}

impl Stamp {
    /// The stamp of a file with metadata `meta`, for a load that started at `now`.
    fn of(meta: &std::fs::Metadata, now: SystemTime) -> Stamp {
        #[cfg(unix)]
        let inode_and_change = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let inode_and_change = (0, 0, 0);
        let modified = meta.modified().ok();
        let changed = change_time(inode_and_change).or(modified);
        let old = |time: Option<SystemTime>| time.is_some_and(|time| time + SETTLED <= now);
        Stamp { len: meta.len(), modified, inode_and_change, settled: old(modified) && old(changed) }
    }
}

/// The change time of a stamp's (inode, seconds, nanoseconds), when it is known.
fn change_time((inode, seconds, nanos): (u64, i64, i64)) -> Option<SystemTime> {
    let since = std::time::Duration::new(u64::try_from(seconds).ok()?, u32::try_from(nanos).ok()?);
    (inode != 0).then(|| SystemTime::UNIX_EPOCH + since)
}

/// A reading's key, with the stamps and hashes of its files for the next load.
pub(super) type Keyed = ([u8; 32], Vec<(PathBuf, (Stamp, [u8; 32]))>);

/// One reading's files, parsed: the reading (none when it had errors) and what parsing found.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(super) reading: Option<RawReading>,
    pub(super) problems: Diagnostics,
}

impl ParseCache {
    /// How many readings it holds.
    pub fn len(&self) -> usize {
        self.shards.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.shards.entries.is_empty()
    }

    /// How many readings the load that left this cache parsed, not finding them in the one before,
    /// and of how many.
    pub fn parsed(&self) -> (usize, usize) {
        self.parsed
    }

    /// Whether some of its files on disk do not hold what it does.
    pub fn is_stale(&self) -> bool {
        self.shards.is_stale()
    }

    /// Makes this the cache of a one-off build of the site at `root`: the next load writes its files
    /// as soon as the readings are loaded and keeps nothing, so each reading is held once.
    pub fn save_when_loaded(&mut self, root: &Path) {
        self.keeping = Keeping::Files(root.to_path_buf());
    }

    /// Makes this the cache of a run that keeps nothing for another (`check`, a build without the
    /// cache): the next load parses every reading, hashes no file and leaves nothing here.
    pub fn keep_nothing(&mut self) {
        self.keeping = Keeping::Nothing;
    }

    /// Whether a load keeps its readings here for the next one (`serve`), rather than only saving them.
    pub(super) fn keeps_readings(&self) -> bool {
        matches!(self.keeping, Keeping::Readings)
    }

    /// Whether a load neither takes readings from here nor leaves any (see [`ParseCache::keep_nothing`]).
    pub(super) fn keeps_nothing(&self) -> bool {
        matches!(self.keeping, Keeping::Nothing)
    }

    /// The reading parsed from files of hash `key`: shared when it is kept parsed, else decoded from
    /// its cache file's bytes (none when that fails, and it is parsed again).
    pub(super) fn get(&self, key: &[u8; 32]) -> Option<Arc<Parsed>> {
        match self.shards.entries.get(key)? {
            Kept::Parsed(parsed) => Some(Arc::clone(parsed)),
            Kept::Saved(bytes) => {
                let reading = encoding::decode(bytes)?;
                Some(Arc::new(Parsed { reading: Some(reading), problems: Diagnostics::new() }))
            }
        }
    }

    /// The readings of this load and the stamps of their files, following `self` (which keeps them).
    pub(super) fn next(
        &self,
        entries: HashMap<[u8; 32], Arc<Parsed>>,
        files: HashMap<PathBuf, (Stamp, [u8; 32])>,
        walk: LastWalk,
    ) -> ParseCache {
        let entries = entries.into_iter().map(|(key, parsed)| (key, Kept::Parsed(parsed))).collect();
        ParseCache { shards: Shards::next(&self.shards, entries), files, walk: Some(walk), ..ParseCache::default() }
    }

    /// Tells the next load what a file watcher saw change since this cache's load.
    pub fn changed_since(&mut self, changes: Changes) {
        self.changes = changes;
    }

    /// The last walk, and the readings of it whose files changed, when the watcher's changes say
    /// that a walk now would find the same files.
    pub(super) fn walk_to_reuse(&self, content: &Path) -> Option<(&LastWalk, HashSet<usize>)> {
        let walk = self.walk.as_ref()?;
        Some((walk, walk.edited(content, &self.changes)?))
    }

    /// For a one-off build: writes the files whose keys changed from `loaded` (each key with its
    /// reading, as the site holds it), and the stamps of the files read, `files`, when they changed,
    /// beside their place, and returns the empty cache that follows, which puts them in place with
    /// [`ParseCache::put_saved_in_place`]; a failure is a warning.
    pub(super) fn save_loaded(
        &self,
        loaded: HashMap<[u8; 32], &RawReading>,
        files: HashMap<PathBuf, (Stamp, [u8; 32])>,
    ) -> (ParseCache, Option<Diagnostic>) {
        let shards = Shards::next(&self.shards, loaded);
        let Keeping::Files(root) = &self.keeping else { panic!("only a one-off build's cache saves when loaded") };
        // A reading read from a cache file is written back as it was read, not encoded again.
        let written = shards.write(root, PARSE_CACHE_FILE, MAGIC, fingerprint(), |file, key, reading| {
            match self.shards.entries.get(key) {
                Some(Kept::Saved(bytes)) => put_entry(file, key, bytes.as_slice()),
                _ => encoding::encode(reading).map_or(Ok(()), |bytes| put_entry(file, key, &bytes)),
            }
        });
        let written = match written {
            Ok(mut written) if files != self.files => write_stamps(root, &files).and_then(|stamps| {
                written.add(stamps)?;
                Ok(written)
            }),
            other => other,
        };
        let mut next = ParseCache { keeping: self.keeping.clone(), ..ParseCache::default() };
        next.shards.release();
        match written {
            Ok(written) => {
                next.saved = Some(written);
                (next, None)
            }
            Err(error) => (next, Some(cache::cannot_save(PARSE_CACHE_FILE, error))),
        }
    }

    /// Puts the files a one-off build wrote when it loaded in place: only a site that resolves leaves its
    /// readings behind (were it dropped before, they are removed). A failure is a warning.
    pub(crate) fn put_saved_in_place(&mut self) -> Option<Diagnostic> {
        let error = self.saved.take()?.put_in_place().err()?;
        Some(cache::cannot_save(PARSE_CACHE_FILE, error))
    }

    /// Reads the cache of the site in `root`, with the stamps of the files it was read from; missing or
    /// outdated is empty, damaged is a warning.
    pub fn load(root: &Path) -> (ParseCache, Vec<Diagnostic>) {
        let (shards, mut warnings) = Shards::load_shared(root, PARSE_CACHE_FILE, MAGIC, fingerprint(), decode);
        let (files, damaged) = cache::read_checked(root, STAMPS_FILE, STAMPS_MAGIC, fingerprint(), decode_stamps);
        warnings.extend(damaged);
        (ParseCache { shards, files: files.unwrap_or_default(), ..ParseCache::default() }, warnings)
    }

    /// Writes the files that changed, with the readings that parsed without a problem.
    pub fn save(&mut self, root: &Path) -> std::io::Result<()> {
        self.shards.save(root, PARSE_CACHE_FILE, MAGIC, fingerprint(), |file, key, kept| match kept {
            Kept::Saved(bytes) => put_entry(file, key, bytes.as_slice()),
            Kept::Parsed(parsed) => match parsed.reading.as_ref().filter(|_| parsed.problems.is_empty()) {
                Some(reading) => encoding::encode(reading).map_or(Ok(()), |bytes| put_entry(file, key, &bytes)),
                None => Ok(()),
            },
        })
    }
}

/// Writes one entry: its key, the length of the reading's bytes, the bytes.
fn put_entry(file: &mut cache::CheckedFile, key: &[u8; 32], reading: &[u8]) -> std::io::Result<()> {
    file.put(key)?;
    file.put_number(reading.len())?;
    file.put(reading)
}

/// The hash of a reading's file names and bytes, and the stamp and hash of each file, for a load that
/// started at `now`; none when a file cannot be read (parsing reports it). A file whose settled stamp
/// `cache` knows is not read again.
///
/// Files are named from the site folder `root`, so the key is the same whichever way the folder is
/// spelled (`serve` names it whole, `build` as typed): a `serve` after a `build` parses nothing again.
pub(super) fn reading_key(
    cache: &ParseCache,
    root: &Path,
    files: &walk::ReadingFiles,
    now: SystemTime,
) -> Option<Keyed> {
    let mut hasher = blake3::Hasher::new();
    // Each name after its length and each list after its count, so no two sets of files feed the same bytes.
    let mut feed = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    let from_root = |path: &PathBuf| relative(root, path);
    let named: Vec<PathBuf> = files.all().map(from_root).collect();
    feed(files.section.as_bytes());
    feed(files.name.as_bytes());
    for list in [&named[..1], &named[1..1 + files.thread_lists.len()], &named[1 + files.thread_lists.len()..]] {
        feed(&(list.len() as u64).to_le_bytes());
        list.iter().for_each(|name| feed(name.as_os_str().as_encoded_bytes()));
    }
    feed(&(files.assets.len() as u64).to_le_bytes());
    for (target, path) in &files.assets {
        feed(target.as_bytes());
        feed(from_root(path).as_os_str().as_encoded_bytes());
    }
    let mut stamps = Vec::new();
    for (path, name) in files.all().zip(named) {
        let meta = std::fs::metadata(path).ok()?;
        if meta.len() > MAX_FILE_BYTES {
            return None;
        }
        let stamp = Stamp::of(&meta, now);
        let digest = match cache.files.get(&name) {
            Some(&(known, digest)) if known.settled && known == stamp => digest,
            _ => *blake3::hash(&std::fs::read(path).ok()?).as_bytes(),
        };
        hasher.update(&digest);
        stamps.push((name, (stamp, digest)));
    }
    Some((*hasher.finalize().as_bytes(), stamps))
}

/// Gives a reading from the cache the bundle files its folder holds now (the key covers their names),
/// and `key`, the hash of its files.
pub(super) fn with_files(mut parsed: Parsed, files: &walk::ReadingFiles, key: [u8; 32]) -> Parsed {
    if let Some(reading) = &mut parsed.reading {
        reading.files_key = Some(key);
        reading.assets = files
            .assets
            .iter()
            .map(|(target, path)| Asset { target: target.clone(), source: AssetSource::File(path.clone()) })
            .collect();
    }
    parsed
}

/// The fingerprint of the code that decides what a reading's files parse to.
pub(crate) fn fingerprint() -> [u8; 32] {
    cache::code_fingerprint(LOADING_SOURCES)
}

/// Writes the settled stamps of `files` beside their file: (path, length, modified seconds and
/// nanoseconds, inode, change seconds and nanoseconds, hash) each; numbers little-endian u64.
fn write_stamps(root: &Path, files: &HashMap<PathBuf, (Stamp, [u8; 32])>) -> std::io::Result<cache::CheckedFile> {
    let mut file = cache::CheckedFile::create(&root.join(STAMPS_FILE), STAMPS_MAGIC, fingerprint())?;
    for (path, (stamp, digest)) in files {
        let Some(modified) = stamp.modified.and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok()) else {
            continue;
        };
        let Some(path) = path.to_str().filter(|_| stamp.settled) else { continue };
        file.put_text(path)?;
        let (inode, seconds, nanos) = stamp.inode_and_change;
        let numbers =
            [stamp.len, modified.as_secs(), modified.subsec_nanos().into(), inode, seconds as u64, nanos as u64];
        numbers.iter().try_for_each(|n| file.put(&n.to_le_bytes()))?;
        file.put(digest)?;
    }
    Ok(file)
}

fn decode_stamps(mut rest: &[u8]) -> Option<HashMap<PathBuf, (Stamp, [u8; 32])>> {
    let mut files = HashMap::new();
    while !rest.is_empty() {
        let (path, after) = cache::take_text(rest)?;
        let mut numbers = [0u64; 6];
        let mut after = after;
        for number in &mut numbers {
            let (bytes, next) = after.split_first_chunk::<8>()?;
            *number = u64::from_le_bytes(*bytes);
            after = next;
        }
        let (digest, after) = after.split_first_chunk::<32>()?;
        let [len, seconds, nanos, inode, change, change_nanos] = numbers;
        let modified =
            SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::new(seconds, u32::try_from(nanos).ok()?))?;
        let inode_and_change = (inode, change as i64, change_nanos as i64);
        files.insert(
            PathBuf::from(path),
            (Stamp { len, modified: Some(modified), inode_and_change, settled: true }, *digest),
        );
        rest = after;
    }
    Some(files)
}

/// Entries: (key, length, the reading's bytes), kept undecoded, in the file's buffer, until a load asks
/// for the reading.
fn decode(entries: cache::Bytes) -> Option<Vec<([u8; 32], Kept)>> {
    let mut rest = entries.as_slice();
    let mut entries_read = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<32>()?;
        let (len, after) = cache::take_number(after)?;
        let start = entries.as_slice().len() - after.len();
        let reading = entries.part(start..start.checked_add(len)?)?;
        entries_read.push((*key, Kept::Saved(reading)));
        rest = after.get(len..)?;
    }
    Some(entries_read)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site folder holding `files` (paths under `content/`, and their text).
    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("content")).unwrap();
        for (path, text) in files {
            std::fs::write(site.path().join("content").join(path), text).unwrap();
        }
        site
    }

    #[test]
    fn a_saved_cache_loads_back_and_damage_is_a_warning() {
        let site = site_with(&[
            ("a.md", "---\ntitle: A\ndate: 2024-01-01\ntags: [x, y]\n---\nBody.\n"),
            ("a.comments.yaml", "- id: c1\n  author: Ann\n  body: Hi.\n"),
        ]);
        let root = site.path();
        let mut cache = ParseCache::default();
        let (first, _, problems) = super::super::load_cached(root, &mut cache);
        assert!(!problems.has_errors(), "{problems:?}");
        assert!(cache.is_stale() && cache.len() == 1);
        cache.save(root).unwrap();
        let (mut loaded, warnings) = ParseCache::load(root);
        assert!(warnings.is_empty() && loaded.len() == 1);
        let (again, _, _) = super::super::load_cached(root, &mut loaded);
        assert!(!loaded.is_stale(), "nothing was parsed again");
        assert_eq!(format!("{:?}", first.readings), format!("{:?}", again.readings));

        // Known stamps spare the reading of files, but an edit of the same size is still seen.
        let (same, _, _) = super::super::load_cached(root, &mut loaded);
        assert_eq!(format!("{:?}", first.readings), format!("{:?}", same.readings));
        std::fs::write(root.join("content/a.comments.yaml"), "- id: c1\n  author: Ann\n  body: Ho.\n").unwrap();
        let (edited, _, _) = super::super::load_cached(root, &mut loaded);
        assert!(loaded.put_saved_in_place().is_none());
        assert_eq!(edited.readings[0].comments[0].fields.body.as_deref(), Some("Ho."));

        for shard in 0..cache::SHARDS {
            let path = root.join(cache::shard_file(PARSE_CACHE_FILE, shard));
            if path.is_file() {
                cache::damage(&path).unwrap();
            }
        }
        let (loaded, warnings) = ParseCache::load(root);
        assert!(loaded.is_empty() && !warnings.is_empty());
    }

    #[test]
    fn a_run_that_keeps_nothing_parses_every_reading_hashes_nothing_and_leaves_nothing() {
        let site = site_with(&[
            ("a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nBody.\n"),
            ("a.comments.yaml", "- id: c1\n  author: Ann\n  body: Hi.\n"),
        ]);
        let root = site.path();
        let mut cache = ParseCache::default();
        cache.keep_nothing();
        for _ in 0..2 {
            let (loaded, _, problems) = super::super::load_cached(root, &mut cache);
            assert!(!problems.has_errors(), "{problems:?}");
            assert_eq!(loaded.readings[0].comments[0].fields.body.as_deref(), Some("Hi."));
            assert_eq!(loaded.readings[0].files_key, None, "no file hashed");
            assert_eq!(cache.parsed(), (1, 1), "parsed every time");
            assert!(cache.keeps_nothing(), "still keeps nothing");
            assert!(cache.is_empty() && cache.files.is_empty(), "holds nothing");
        }
        assert!(!root.join(".roundtable").exists(), "nothing written");
    }

    /// The inode of every parse cache file of the site at `root`: a file written again gets a new one.
    fn cache_files(root: &Path) -> Vec<u64> {
        use std::os::unix::fs::MetadataExt;
        let files = (0..cache::SHARDS).map(|shard| root.join(cache::shard_file(PARSE_CACHE_FILE, shard)));
        files.filter_map(|path| std::fs::metadata(path).ok()).map(|meta| meta.ino()).collect()
    }

    #[test]
    fn a_one_off_build_saves_its_readings_when_loaded_and_keeps_none() {
        let site = site_with(&[
            ("a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nBody.\n"),
            ("a.comments.yaml", "- id: c1\n  author: Ann\n  body: Hi.\n"),
            ("b.md", "---\ntitle: B\ndate: nope: no\n---\nBody.\n"),
        ]);
        let root = site.path();
        let mut cache = ParseCache::default();
        cache.save_when_loaded(root);
        let (first, _, problems) = super::super::load_cached(root, &mut cache);
        assert!(problems.has_errors(), "b.md is broken");
        assert!(cache.is_empty() && !cache.is_stale(), "saved and let go of");
        let folder = root.join(PARSE_CACHE_FILE).parent().unwrap().to_path_buf();
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), cache::SHARDS, "written, not in place yet");
        assert!(cache_files(root).is_empty());
        drop(cache);
        assert!(!root.join(".roundtable").exists(), "a site that did not resolve leaves nothing");

        let mut cache = ParseCache::default();
        cache.save_when_loaded(root);
        super::super::load_cached(root, &mut cache);
        assert!(cache.put_saved_in_place().is_none());
        let written = cache_files(root);
        let (mut loaded, warnings) = ParseCache::load(root);
        assert!(warnings.is_empty() && loaded.len() == 1, "only the reading without a problem is saved");
        loaded.save_when_loaded(root);
        let (again, _, _) = super::super::load_cached(root, &mut loaded);
        assert!(loaded.put_saved_in_place().is_none());
        assert_eq!(format!("{:?}", first.readings), format!("{:?}", again.readings));
        assert_eq!(cache_files(root), written, "no file of unchanged readings is written again");

        std::fs::write(root.join("content/a.comments.yaml"), "- id: c1\n  author: Ann\n  body: Ho.\n").unwrap();
        let (mut loaded, _) = ParseCache::load(root);
        loaded.save_when_loaded(root);
        let (edited, _, _) = super::super::load_cached(root, &mut loaded);
        assert!(loaded.put_saved_in_place().is_none());
        assert_eq!(edited.readings[0].comments[0].fields.body.as_deref(), Some("Ho."));
        let (mut loaded, _) = ParseCache::load(root);
        assert_eq!(loaded.len(), 1, "the old reading's entry went with its key");
        let (kept, _, _) = super::super::load_cached(root, &mut loaded);
        assert_eq!(format!("{:?}", edited.readings), format!("{:?}", kept.readings));
    }

    #[test]
    fn only_a_settled_stamp_spares_reading_a_file_and_stamps_are_saved() {
        let site = site_with(&[("a.md", "---\ntitle: A\n---\nBody.\n"), ("a.comments.yaml", "- id: c1\n")]);
        let root = site.path();
        let mut problems = Diagnostics::new();
        let files = walk::walk(root, &root.join("content"), &mut problems).readings.remove(0);
        // Files just written: as if read at once, and as if read long after they were written.
        let (now, later) = (SystemTime::now(), SystemTime::now() + 10 * SETTLED);
        let (key, stamps) = reading_key(&ParseCache::default(), root, &files, later).unwrap();
        assert!(stamps.iter().all(|(_, (stamp, _))| stamp.settled));
        assert!(reading_key(&ParseCache::default(), root, &files, now).unwrap().1.iter().all(|(_, (s, _))| !s.settled));
        let forged = |stamps: Vec<(PathBuf, (Stamp, [u8; 32]))>| ParseCache {
            files: stamps.into_iter().map(|(path, (stamp, _))| (path, (stamp, [7; 32]))).collect(),
            ..ParseCache::default()
        };
        let known = forged(stamps.clone());
        assert_ne!(
            reading_key(&known, root, &files, later).unwrap().0,
            key,
            "a settled stamp: the files were not read"
        );
        assert_eq!(reading_key(&known, root, &files, now).unwrap().0, key, "the files changed within the tick: read");
        let racy = forged(reading_key(&ParseCache::default(), root, &files, now).unwrap().1);
        assert_eq!(
            reading_key(&racy, root, &files, later).unwrap().0,
            key,
            "a stamp taken within the tick is not trusted"
        );

        // The same folder by another name: the same key, and the stamps found under the same names.
        let linked = tempfile::tempdir().unwrap();
        let other = linked.path().join("site");
        std::os::unix::fs::symlink(root, &other).unwrap();
        let files_there = walk::walk(&other, &other.join("content"), &mut problems).readings.remove(0);
        let (key_there, stamps_there) = reading_key(&ParseCache::default(), &other, &files_there, later).unwrap();
        assert_eq!((key_there, &stamps_there), (key, &stamps));
        assert_ne!(reading_key(&known, &other, &files_there, later).unwrap().0, key, "its stamps were found");

        let saved: HashMap<PathBuf, (Stamp, [u8; 32])> = stamps.into_iter().collect();
        write_stamps(root, &saved).unwrap().finish().unwrap();
        let (loaded, warnings) = ParseCache::load(root);
        assert!(warnings.is_empty());
        assert_eq!(loaded.files, saved);
        cache::damage(&root.join(STAMPS_FILE)).unwrap();
        let (loaded, warnings) = ParseCache::load(root);
        assert!(loaded.files.is_empty() && warnings[0].message.contains("damaged"));
    }
}
