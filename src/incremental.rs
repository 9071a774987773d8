//! Builds that redo only what changed: what the last build made, kept for the next one.
//!
//! Nothing here knows which page shows what. Every page's context is hashed with the
//! theme into a [`PageKey`]; a page whose key equals the last build's, and whose file
//! is still in the last output, is taken from there by hard link instead of rendered
//! and written. Parsed readings ([`ParseCache`]) and cleaned texts ([`BodyCache`]) are
//! found again by the hash of their text. `serve` keeps this state in memory between
//! rebuilds; `build` keeps it in `.roundtable/cache/`, each file with a fingerprint of
//! the code that wrote it and a checksum, so a damaged one is a warning and a cold build.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::cache::{self, cannot_save, BodyCache, CheckedFile};
use crate::diagnostics::{Diagnostic, Span};
use crate::load::parse_cache::PARSE_CACHE_FILE;
use crate::load::raw::{Asset, AssetSource};
use crate::load::ParseCache;
use crate::render::bodies::Kept;
use crate::render::context::ViewsKept;
use crate::render::parts::{PartKeys, SERVE_PARTS_FILE};
use crate::render::PageKey;
use crate::search::{SearchMemory, SEARCH_CACHE_FILE};
use crate::write::{self, Staging};

/// Where the keys of the last build's files live, relative to the site folder.
pub const PAGES_FILE: &str = ".roundtable/cache/pages.bin";

const PAGES_MAGIC: &[u8] = b"roundtable page keys 1\n";

/// Where `serve` keeps the keys of the files in its own folder between sessions, relative to the
/// site folder: the last build's (`PAGES_FILE`) are of another folder, made with another address.
pub const SERVE_PAGES_FILE: &str = ".roundtable/cache/serve-pages.bin";

/// Where a `build` leaves the output it replaced, relative to the site folder, for the next build to
/// remove while it works: moving it there is one rename, removing its thousands of files is not.
pub const TRASH: &str = ".roundtable/trash";

/// What one build leaves for the next.
#[derive(Debug, Default)]
pub struct BuildState {
    /// Cleaned members' texts, by the hash of their text.
    pub(crate) bodies: BodyCache,
    /// Each reading's converted body and thread's cleaned texts, by its files and what cleaning them
    /// depends on (in memory only).
    pub(crate) kept: Kept,
    /// Comments' dates in words and readings' part keys (the part keys only, for `build`: saved by
    /// the build as soon as its pages are made, in `PARTS_FILE`).
    pub(crate) views: ViewsKept,
    /// Parsed readings, by the hash of their files.
    pub(crate) parsed: ParseCache,
    /// Resolved readings, by the hash of what they are made of (`serve` only, in memory: a one-off
    /// build keeps none, so that its threads' Markdown can be let go of once converted).
    pub(crate) resolved: Option<crate::model::reuse::Resolved>,
    /// The search index's words counted, by the hash of each chunk of its documents.
    pub(crate) search: SearchMemory,
    /// The output folder the last build wrote, with what each of its files was made from.
    pub(crate) output: Option<LastOutput>,
    /// Old outputs being removed, each on a thread of its own: the new site is in place before their
    /// thousands of files are gone.
    pub(crate) removing: Vec<std::thread::JoinHandle<(PathBuf, std::io::Result<()>)>>,
    /// Write the output in place once this state knows every file of it (`serve`'s own folder):
    /// the changed files are renamed into place, not a whole new folder swapped in.
    pub(crate) in_place: bool,
    /// Where old outputs are moved instead of removed (a one-off build with the cache): [`TRASH`].
    pub(crate) trash: Option<PathBuf>,
    /// The old output the last build left in the trash, for this build to fill instead of an empty
    /// staging folder (see `write::Staging::recycled`).
    pub(crate) recycle: Option<PathBuf>,
    /// The site folder, when this state keeps the keys of its output in [`SERVE_PAGES_FILE`] as it
    /// goes (`serve`), so that a preview started again renders only what changed since.
    pub(crate) serve_keys: Option<PathBuf>,
}

/// Moves the folder `old` into `trash` under its own name (made from the process and a count, so
/// that no other build's is in the way).
fn move_into(old: &Path, trash: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(trash)?;
    let name = old.file_name().unwrap_or_default();
    std::fs::rename(old, trash.join(name))
}

/// Waits for one removal; its failure as a warning.
fn removal_problem(removal: std::thread::JoinHandle<(PathBuf, std::io::Result<()>)>) -> Option<Diagnostic> {
    let (old, removed) = removal.join().expect("removing a folder does not panic");
    let error = removed.err()?;
    Some(
        Diagnostic::warning(Span::file(old), format!("cannot remove the old output folder: {error}"))
            .with_help("nothing to do: the site was built, and the next build removes it"),
    )
}

/// The files of an output folder as a build wrote them.
#[derive(Debug, Default, PartialEq)]
pub struct LastOutput {
    /// The folder, as an absolute path.
    pub(crate) folder: PathBuf,
    /// By path in the folder: the key the file was made from and its size.
    pub(crate) files: HashMap<String, (PageKey, u64)>,
    /// Every file of the folder, keyed or not (the search index's), when this process wrote it; when
    /// read from the build cache, none for a build's output (swapped whole), and for `serve`'s folder
    /// its keyed files (every file but the search index's: the index's own rebuild removes those).
    pub(crate) paths: HashSet<String>,
}

impl BuildState {
    /// The state the last `build` of the site at `root` saved; what is missing or damaged starts empty,
    /// a damaged file with a warning.
    pub fn load(root: &Path) -> (BuildState, Vec<Diagnostic>) {
        let ((bodies, mut warnings), ((parsed, damaged_parsed), (search, damaged_search))) = rayon::join(
            || BodyCache::load(root),
            || rayon::join(|| ParseCache::load(root), || SearchMemory::load(root)),
        );
        let (output, damaged_pages) =
            cache::read_checked(root, PAGES_FILE, PAGES_MAGIC, crate::fresh::program(), decode_pages);
        let (kept, damaged_threads) = Kept::load(root);
        let (parts, damaged_parts) = PartKeys::load(root, crate::render::parts::PARTS_FILE);
        let damaged = damaged_parsed.into_iter().chain(damaged_search).chain(damaged_pages).chain(damaged_threads);
        warnings.extend(damaged.chain(damaged_parts));
        let views = ViewsKept::of_parts(parts);
        (BuildState { bodies, parsed, search, output, kept, views, ..Default::default() }, warnings)
    }

    /// Saves what the next `build` of the site at `root` can use; a failure is a warning, since it only
    /// makes the next build slower.
    pub fn save(&mut self, root: &Path) -> Vec<Diagnostic> {
        let mut warnings = Vec::new();
        let mut warn = |file: &str, error: std::io::Error| warnings.push(cannot_save(file, error));
        if self.bodies.is_stale() {
            if let Err(error) = self.bodies.save(root) {
                warn(cache::CACHE_FILE, error);
            }
        }
        if self.parsed.is_stale() {
            if let Err(error) = self.parsed.save(root) {
                warn(PARSE_CACHE_FILE, error);
            }
        }
        if let Err(error) = self.kept.save(root) {
            warn(crate::render::bodies::THREADS_FILE, error);
        }
        if let Err(error) = self.search.save(root) {
            warn(SEARCH_CACHE_FILE, error);
        }
        if let Some(output) = &self.output {
            if let Err(error) = save_pages(&root.join(PAGES_FILE), output) {
                warn(PAGES_FILE, error);
            }
        }
        warnings
    }

    /// Starts removing, on threads of their own, the old outputs earlier builds of the site at `root`
    /// left in its [`TRASH`]; with `keep`, one old output of `output` is kept for this build to fill
    /// (the last build's, as a rule), and this build's old output goes there too, for the next.
    ///
    /// Why: the old output of a build after one edit is some 5,000 files and folders (at M), and
    /// removing them took a fifth of that build. Most of its files are hard links to the new
    /// output's, so the trash holds little besides names.
    pub(crate) fn empty_trash(&mut self, root: &Path, output: &Path, keep: bool) {
        let trash = root.join(TRASH);
        // Listed now, before this build's own old output can be moved there.
        let mut old: Vec<PathBuf> = match std::fs::read_dir(&trash) {
            Ok(entries) => entries.flatten().map(|entry| entry.path()).collect(),
            Err(_) => Vec::new(),
        };
        if keep {
            // Any old output of this folder will do; the one changed last is likely the closest.
            let changed = |path: &PathBuf| std::fs::metadata(path).and_then(|meta| meta.modified()).ok();
            let named = |path: &&PathBuf| {
                path.file_name().and_then(|name| name.to_str()).is_some_and(|name| write::is_old_output(output, name))
            };
            let last = old.iter().filter(named).max_by_key(|path| changed(path)).cloned();
            old.retain(|path| Some(path) != last.as_ref());
            self.recycle = last;
        }
        old.into_iter().for_each(|old| self.remove(old));
        self.trash = keep.then_some(trash);
    }

    /// Moves the old output `old` into the trash when this build keeps one, else starts removing it
    /// on a thread of its own; the problems of the removals already over, never waiting for one
    /// under way (the next build's pages need not wait for it).
    pub(crate) fn remove_old_output(&mut self, old: PathBuf) -> Vec<Diagnostic> {
        let (over, under_way) = std::mem::take(&mut self.removing).into_iter().partition(|r| r.is_finished());
        self.removing = under_way;
        // On another file system than the site (`--output` elsewhere), it cannot be moved: removed now.
        let trashed = self.trash.as_deref().is_some_and(|trash| move_into(&old, trash).is_ok());
        if !trashed {
            self.remove(old);
        }
        over.into_iter().filter_map(removal_problem).collect()
    }

    /// Starts removing `old` on a thread of its own; a folder already gone is no problem.
    fn remove(&mut self, old: PathBuf) {
        self.removing.push(std::thread::spawn(move || {
            let removed = write::gone_is_fine(std::fs::remove_dir_all(&old));
            (old, removed)
        }));
    }

    /// Waits for the old outputs being removed; a failure is a warning (the next build removes them).
    pub(crate) fn finish_removing(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.removing).into_iter().filter_map(removal_problem).collect()
    }

    /// Takes the keys of the files `serve` left in its own folder when it last ran in place of the last
    /// build's, and its part keys, and keeps its page keys on disk from now on (see
    /// [`BuildState::forget_serve_keys`]); a damaged file is a warning, and every page is made again.
    ///
    /// Its first rebuild then writes the folder in place, and removes every file of it that it does
    /// not make (but the search index's, which the index looks after): temporary files a killed `serve`
    /// left too. A key is taken only while its file has the size it was written with: `serve` does
    /// not flush its files to the disk, and a page a power cut emptied or cut short is made again.
    pub(crate) fn keep_serve_keys(&mut self, root: &Path) -> Vec<Diagnostic> {
        let (parts, damaged_parts) = PartKeys::load(root, SERVE_PARTS_FILE);
        self.views = ViewsKept::of_parts(parts);
        let (output, damaged) =
            cache::read_checked(root, SERVE_PAGES_FILE, PAGES_MAGIC, crate::fresh::program(), decode_pages);
        self.output = output.map(|mut last| {
            last.paths = folder_files(&last.folder);
            let whole = |path: &str, size: u64| {
                std::fs::metadata(last.folder.join(path)).is_ok_and(|meta| meta.is_file() && meta.len() == size)
            };
            last.files.retain(|path, (_, size)| whole(path, *size));
            last
        });
        self.serve_keys = Some(root.to_path_buf());
        damaged.into_iter().chain(damaged_parts).collect()
    }

    /// Saves the part keys of `serve`'s last rebuild for its next session, which then keys every
    /// page without making each comment's card again (at M, 0.8 s of its first rebuild). They are
    /// found by what they are made of, so keys saved once, after a session's first rebuild, are
    /// never wrong later: only those of the edits since are made again.
    pub(crate) fn save_serve_parts(&self) -> Option<Diagnostic> {
        let root = self.serve_keys.as_ref()?;
        let saved = self.views.parts().save(root, SERVE_PARTS_FILE);
        saved.err().map(|error| cannot_save(SERVE_PARTS_FILE, error))
    }

    /// Removes the kept keys of `serve`'s folder before its files change: keys left on disk must
    /// never describe files they were not made with (a killed `serve`, then the edit undone, would
    /// show the edited page). [`BuildState::save_serve_keys`] writes them again once the files are in.
    pub(crate) fn forget_serve_keys(&mut self) -> Option<Diagnostic> {
        let root = self.serve_keys.as_ref()?;
        let file = root.join(SERVE_PAGES_FILE);
        let error = write::gone_is_fine(std::fs::remove_file(&file)).err()?;
        // Not kept any more: a file that cannot be removed may not be replaced either.
        self.serve_keys = None;
        Some(
            Diagnostic::warning(Span::file(&file), format!("cannot remove the preview's page keys: {error}"))
                .with_help("remove this file before you start `roundtable serve` again"),
        )
    }

    /// Writes the keys of `serve`'s folder, now that its files are in; a failure is a warning, since
    /// it only makes the next `serve` start slower.
    pub(crate) fn save_serve_keys(&self) -> Option<Diagnostic> {
        let (root, output) = (self.serve_keys.as_ref()?, self.output.as_ref()?);
        save_pages(&root.join(SERVE_PAGES_FILE), output).err().map(|error| cannot_save(SERVE_PAGES_FILE, error))
    }

    /// The last output, when it was written to `folder` (absolute).
    pub(crate) fn last_output(&self, folder: &Path) -> Option<&LastOutput> {
        self.output.as_ref().filter(|last| last.folder == folder)
    }

    /// Where this build writes `output` (at `folder`, absolute): in place when this state writes in
    /// place and knows every file there, else in a staging folder swapped in whole, made from the
    /// old output kept in the trash when there is one.
    pub(crate) fn staging(&mut self, output: &Path, folder: &Path) -> std::io::Result<Staging> {
        let known = self.last_output(folder).filter(|last| self.in_place && !last.paths.is_empty());
        if let Some(last) = known {
            // A folder that lost its marker (removed by hand) is made anew.
            if output.join(write::MARKER).is_file() {
                return Staging::in_place(output, last.paths.clone());
            }
        }
        if let Some(old) = self.recycle.take() {
            match Staging::recycled(output, &old) {
                Ok(staging) => return Ok(staging),
                // Not on the output's file system: removed, as the trash was before.
                Err(_) => self.remove(old),
            }
        }
        Staging::new(output)
    }
}

impl LastOutput {
    /// Whether the last build wrote the file at `path` from `key`. Its file is not looked at: taking it
    /// into the new output fails when it is gone, and then it is made again.
    pub(crate) fn has(&self, path: &str, key: &PageKey) -> bool {
        self.files.get(path).is_some_and(|(kept, _)| kept == key)
    }
}

/// What an asset is made from: its bytes when built in, else its file's path, size and modification time.
pub(crate) fn asset_key(asset: &Asset) -> PageKey {
    let mut hasher = blake3::Hasher::new();
    hasher.update(asset.target.as_bytes());
    match &asset.source {
        AssetSource::Embedded(bytes) => {
            hasher.update(b"\0embedded\0");
            hasher.update(bytes);
        }
        AssetSource::File(path) => {
            hasher.update(b"\0file\0");
            hasher.update(path.to_string_lossy().as_bytes());
            // An unreadable file fails its copy, and a failed build records no keys.
            let stamp = std::fs::metadata(path).and_then(|m| Ok((m.len(), m.modified()?))).ok();
            hasher.update(format!("{stamp:?}").as_bytes());
        }
    }
    PageKey(*hasher.finalize().as_bytes())
}

/// Every file of `serve`'s `folder` but its marker and the search index's, by path in the folder.
fn folder_files(folder: &Path) -> HashSet<String> {
    let index = Path::new(crate::routes::SEARCH_INDEX);
    write::files_in(folder).filter(|path| !Path::new(path).starts_with(index) && path != write::MARKER).collect()
}

/// Layout: the folder, then (path, key, size) per file.
fn save_pages(path: &Path, output: &LastOutput) -> std::io::Result<()> {
    let mut file = CheckedFile::create(path, PAGES_MAGIC, crate::fresh::program())?;
    file.put_text(&output.folder.to_string_lossy())?;
    let mut paths: Vec<&String> = output.files.keys().collect();
    paths.sort();
    for path in paths {
        let (key, len) = &output.files[path];
        file.put_text(path)?;
        file.put(&key.0)?;
        file.put_number(usize::try_from(*len).unwrap_or(usize::MAX))?;
    }
    file.finish()
}

fn decode_pages(bytes: &[u8]) -> Option<LastOutput> {
    let (folder, mut rest) = cache::take_text(bytes)?;
    let mut files = HashMap::new();
    while !rest.is_empty() {
        let (path, after) = cache::take_text(rest)?;
        let (key, after) = after.split_first_chunk::<32>()?;
        let (len, after) = cache::take_number(after)?;
        files.insert(path.to_string(), (PageKey(*key), len as u64));
        rest = after;
    }
    Some(LastOutput { folder: PathBuf::from(folder), files, paths: HashSet::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(folder: &Path) -> LastOutput {
        let files = [("index.html".to_string(), (PageKey([1; 32]), 5)), ("a/b.xml".into(), (PageKey([2; 32]), 0))];
        LastOutput { folder: folder.to_path_buf(), files: files.into_iter().collect(), paths: HashSet::new() }
    }

    #[test]
    fn saved_keys_load_back_and_damage_is_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let mut state = BuildState { output: Some(sample(root.path())), ..Default::default() };
        assert!(state.save(root.path()).is_empty());
        let (loaded, warnings) = BuildState::load(root.path());
        assert!(warnings.is_empty());
        assert_eq!(loaded.output, state.output);
        cache::damage(&root.path().join(PAGES_FILE)).unwrap();
        let (loaded, warnings) = BuildState::load(root.path());
        assert!(loaded.output.is_none());
        assert!(warnings[0].message.contains("damaged"), "{warnings:?}");
    }

    #[test]
    fn serve_keys_are_gone_while_its_files_change_and_back_once_they_are_in() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join(SERVE_PAGES_FILE);
        let live = root.path().join("live");
        let mut state = BuildState { output: Some(sample(&live)), ..Default::default() };
        assert!(state.save_serve_keys().is_none() && !file.exists(), "only a state that keeps them saves them");
        state.serve_keys = Some(root.path().to_path_buf());
        assert!(state.save_serve_keys().is_none());
        assert!(file.is_file());
        assert!(state.forget_serve_keys().is_none());
        assert!(!file.exists(), "removed before the files change");
        assert!(state.forget_serve_keys().is_none(), "none there is no problem");
        state.save_serve_keys();
        std::fs::create_dir_all(live.join("a")).unwrap();
        std::fs::write(live.join("index.html"), "12345").unwrap();
        std::fs::write(live.join("a/b.xml"), "").unwrap();
        let mut next = BuildState::default();
        assert!(next.keep_serve_keys(root.path()).is_empty());
        let (last, known) = (next.output.as_ref().unwrap(), state.output.as_ref().unwrap());
        assert_eq!((&last.folder, &last.files), (&known.folder, &known.files), "the next session starts from them");
        let listed: HashSet<String> = ["index.html", "a/b.xml"].map(String::from).into();
        assert_eq!(last.paths, listed, "and writes their folder in place");
        std::fs::write(live.join("index.html"), "123").unwrap();
        next.keep_serve_keys(root.path());
        let kept = &next.output.as_ref().unwrap().files;
        assert!(!kept.contains_key("index.html") && kept.contains_key("a/b.xml"), "not a file of another size");
        std::fs::remove_file(&file).unwrap();
        std::fs::create_dir(&file).unwrap();
        let warning = state.forget_serve_keys().expect("a folder in the way cannot be removed as a file");
        assert!(warning.message.contains("cannot remove the preview's page keys"), "{warning:?}");
        assert!(state.serve_keys.is_none(), "not kept any more");
    }

    #[test]
    fn an_old_output_goes_to_the_trash_and_the_next_build_fills_it() {
        let root = tempfile::tempdir().unwrap();
        let old = |name: &str| {
            let folder = root.path().join(name);
            std::fs::create_dir_all(folder.join("week")).unwrap();
            std::fs::write(folder.join("week/index.html"), "old").unwrap();
            std::fs::write(folder.join(write::MARKER), "").unwrap();
            folder
        };
        let output = root.path().join("public");
        let mut state = BuildState::default();
        state.empty_trash(root.path(), &output, true);
        assert!(state.remove_old_output(old(".public.roundtable-old-1-0")).is_empty());
        assert!(state.remove_old_output(old(".public.roundtable-unused-1-1")).is_empty());
        assert!(state.remove_old_output(old(".preview.roundtable-old-1-2")).is_empty());
        assert!(state.finish_removing().is_empty());
        let trash = root.path().join(TRASH);
        assert!(trash.join(".public.roundtable-old-1-0/week/index.html").is_file(), "moved, not removed");

        // The next build fills the old output of its own folder, and removes the rest.
        let mut state = BuildState::default();
        state.empty_trash(root.path(), &output, true);
        let staging = state.staging(&output, &output).unwrap();
        assert!(state.finish_removing().is_empty());
        assert_eq!(std::fs::read_dir(&trash).unwrap().count(), 0);
        let beside = root.path().join(format!(".public.roundtable-new-{}", std::process::id()));
        assert!(beside.join("week/index.html").is_file(), "the old output is the staging folder");
        let swapped = staging.swap().unwrap();
        assert!(!output.join("week").exists(), "what this build did not make is gone");
        assert!(state.remove_old_output(swapped.unused.unwrap()).is_empty());

        // A build that cannot move its own old output into the trash removes it.
        let mut state = BuildState::default();
        state.empty_trash(root.path(), &output, true);
        assert!(state.finish_removing().is_empty());
        std::fs::remove_dir(&trash).unwrap();
        std::fs::write(&trash, "a file where the trash goes").unwrap();
        let second = old(".public.roundtable-old-2-0");
        assert!(state.remove_old_output(second.clone()).is_empty());
        assert!(state.finish_removing().is_empty());
        assert!(!second.exists());
    }

    #[test]
    fn a_file_is_at_hand_only_with_its_key() {
        let root = tempfile::tempdir().unwrap();
        let last = sample(root.path());
        assert!(last.has("index.html", &PageKey([1; 32])));
        assert!(!last.has("index.html", &PageKey([3; 32])));
        assert!(!last.has("other.html", &PageKey([1; 32])));
    }
}
