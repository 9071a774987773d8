//! Stage 4, write: pages go to a staging folder beside the output, swapped in only when all succeeded.
//!
//! A failed or interrupted build leaves the previous site as it was, and files
//! that no longer belong disappear with the old folder.
//!
//! A build with the cache fills the old output the build before set aside rather than an empty
//! folder ([`Staging::recycled`], see `recycle`), so that its folders need not be made again.
//!
//! `serve`'s output is its own folder, rebuilt on every edit: there a [`Staging`] made by
//! [`Staging::in_place`] writes each changed file beside its place under a hidden temporary
//! name, renames them all into place only when the whole build succeeded, and then removes the
//! files the build no longer makes. A reader sees each file old or new, never half-written, and
//! an edit costs the files it changed rather than a new folder of every file.

mod atomic;
mod in_place;
mod recycle;

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::load::raw::AssetSource;
use atomic::temporary_beside;
pub use atomic::write_atomically;
use in_place::{remove_temporary, remove_with_empty_folders, rename_all, InPlace};
use recycle::Recycled;

/// The file that marks a folder as roundtable's output, so a build never replaces anything else.
pub const MARKER: &str = ".roundtable-output";

const MARKER_TEXT: &str = "This folder is written by `roundtable build` and replaced whole on every build.\n";

/// A folder being filled beside the output (or the output itself, in place); dropped without `commit`
/// or `swap`, what it wrote is removed.
pub struct Staging {
    output: PathBuf,
    /// Where files go: a hidden folder beside the output, or the output itself when written in place.
    staging: PathBuf,
    /// Written in place: what is waiting to be renamed, and the files the last build made.
    in_place: Option<InPlace>,
    /// Made from an old output: what it held, to be taken out where this build did not make it.
    recycled: Option<Recycled>,
    /// Every file this build has put, copied or kept (the marker aside).
    paths: Mutex<HashSet<String>>,
    /// Every folder this build has made or found there, so that each is made once: asked again
    /// for each of its files, it cost two calls to the system each time (at M, 7,500 files).
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

/// What a finished [`Staging`] left.
#[derive(Debug)]
pub struct Swapped {
    /// The old output, renamed aside for the caller to remove; none when there was none or the
    /// output was written in place.
    pub old: Option<PathBuf>,
    /// Every file of the output now, by path inside it (the marker aside).
    pub paths: HashSet<String>,
    /// The folders of a recycled staging folder that this build did not fill, set aside in one
    /// folder (hidden, with the marker) for the caller to remove.
    pub unused: Option<PathBuf>,
}

/// Why the output folder cannot be used.
pub fn refuse_output(output: &Path) -> Option<String> {
    let Ok(mut entries) = fs::read_dir(output) else {
        return None;
    };
    let empty = entries.next().is_none();
    if empty || output.join(MARKER).is_file() {
        None
    } else {
        Some(format!(
            "{} already holds files that roundtable did not write, and a build replaces the whole folder",
            output.display()
        ))
    }
}

impl Staging {
    /// Creates an empty staging folder beside `output`.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let staging = staging_beside(output)?;
        fs::create_dir(&staging)?;
        fs::write(staging.join(MARKER), MARKER_TEXT)?;
        Ok(Staging::at(output, staging, None))
    }

    /// Takes `old`, an old output of `output` that nothing else uses (the one the last build set
    /// aside), as the staging folder: its folders stay, a file this build keeps that is already the
    /// output's stays, and what it held that this build does not make is taken out by
    /// [`Staging::swap`]. An error (another file system: it cannot be moved) leaves `old` where it
    /// was; an old output that cannot be listed is removed.
    pub fn recycled(output: &Path, old: &Path) -> io::Result<Staging> {
        roundtables_own(old)?;
        let staging = staging_beside(output)?;
        fs::rename(old, &staging)?;
        match Recycled::list(&staging) {
            Ok(listed) => Ok(Staging::at(output, staging, Some(listed))),
            Err(error) => {
                let _ = fs::remove_dir_all(&staging);
                Err(error)
            }
        }
    }

    /// A staging folder at `staging`, for `output`.
    fn at(output: &Path, staging: PathBuf, recycled: Option<Recycled>) -> Staging {
        let (paths, folders) = Default::default();
        Staging { output: output.to_path_buf(), staging, in_place: None, recycled, paths, folders, committed: false }
    }

    /// Writes into `output` itself, whose files the last build made are `previous`: each file the
    /// build changes waits beside its place under a hidden name until [`Staging::swap`], which renames
    /// them into place and removes the `previous` files this build did not make.
    ///
    /// Only for a folder that is roundtable's own (it has the marker) and that nothing but the build
    /// writes: `serve`'s. Files are not flushed to the disk one by one, as the published site's are by
    /// the swap of a whole folder: a page a crash cut short is made again on the next start (see
    /// `BuildState::keep_serve_keys`).
    pub fn in_place(output: &Path, previous: HashSet<String>) -> io::Result<Staging> {
        roundtables_own(output)?;
        // Absolute, as the last output's folder is: a file kept in place is known by its path.
        let output = std::path::absolute(output)?;
        let mut staging = Staging::at(&output, output.clone(), None);
        staging.in_place = Some(InPlace { pending: Default::default(), previous });
        Ok(staging)
    }

    /// Where the file `relative` is written, refusing any path that would leave the folder, with
    /// the folders it is in made; in place, a hidden name beside it, to be renamed into place on
    /// success.
    fn target(&self, relative: &str) -> io::Result<PathBuf> {
        let path = checked(&self.staging, relative)?;
        if let Some(parent) =
            path.parent().filter(|p| !self.folders.lock().expect("no panics while locked").contains(*p))
        {
            match self.recycled {
                Some(_) => recycle::make_folder(&self.staging, parent)?,
                None => fs::create_dir_all(parent)?,
            }
            self.folders.lock().expect("no panics while locked").insert(parent.to_path_buf());
        }
        self.paths.lock().expect("no panics while locked").insert(relative.to_string());
        Ok(match &self.in_place {
            None => path,
            Some(in_place) => {
                let temporary = temporary_beside(&path);
                in_place.pending.lock().expect("no panics while locked").push((temporary.clone(), path));
                temporary
            }
        })
    }

    /// Writes one file. In place, a file that already holds these bytes is left as it is.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        if self.in_place.is_some() && self.holds(relative, bytes) {
            return self.keep(relative, &self.output.join(relative));
        }
        fs::write(self.new_target(relative)?, bytes)
    }

    /// [`Staging::target`], with nothing there: in a recycled folder, what was there is removed
    /// first, never written into (it may be the live output's file).
    fn new_target(&self, relative: &str) -> io::Result<PathBuf> {
        let target = self.target(relative)?;
        if self.recycled.is_some() {
            recycle::clear(&target)?;
        }
        Ok(target)
    }

    /// Whether the output's file `relative` holds `bytes` already.
    fn holds(&self, relative: &str, bytes: &[u8]) -> bool {
        let Ok(path) = checked(&self.output, relative) else {
            return false;
        };
        let same_size = fs::metadata(&path).is_ok_and(|meta| meta.is_file() && meta.len() == bytes.len() as u64);
        same_size && fs::read(&path).is_ok_and(|there| there == bytes)
    }

    /// Copies one asset; returns its size.
    pub fn copy(&self, relative: &str, source: &AssetSource) -> io::Result<u64> {
        let target = self.new_target(relative)?;
        match source {
            AssetSource::File(path) => fs::copy(path, target),
            AssetSource::Embedded(bytes) => fs::write(target, bytes).map(|()| bytes.len() as u64),
        }
    }

    /// Takes an unchanged file from the previous output: a hard link, or a copy where links are impossible;
    /// in place, the file where it is.
    ///
    /// The old output is only renamed and then removed by [`Staging::commit`], so a link keeps the file's
    /// bytes whatever happens to it. In a recycled folder, a file that is already `previous` stays.
    pub fn keep(&self, relative: &str, previous: &Path) -> io::Result<()> {
        if self.in_place.is_some() {
            let path = checked(&self.output, relative)?;
            if path == previous && !fs::metadata(previous)?.is_file() {
                return Err(io::Error::new(io::ErrorKind::NotFound, "not a file"));
            }
            // Also when it is there as another name of the same file (two files of the same bytes, one
            // linked from the other before): a link renamed over its own file stays where it is.
            if path == previous || recycle::same_file(previous, &path) {
                self.paths.lock().expect("no panics while locked").insert(relative.to_string());
                return Ok(());
            }
        }
        let target = self.target(relative)?;
        if self.recycled.is_some() {
            if recycle::same_file(previous, &target) {
                return Ok(());
            }
            recycle::clear(&target)?;
        }
        match fs::hard_link(previous, &target) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Err(error),
            Err(_) => fs::copy(previous, &target).map(|_| ()),
        }
    }

    /// Swaps the staging folder in place of the output, then removes the old output.
    pub fn commit(self) -> io::Result<()> {
        match self.swap()?.old {
            Some(old) => fs::remove_dir_all(old),
            None => Ok(()),
        }
    }

    /// Swaps the staging folder in place of the output and returns the old output, renamed aside
    /// (hidden, with the marker), for the caller to remove: `serve` says the site is rebuilt first.
    /// Left behind by a killed process, the next build removes it.
    ///
    /// In place, renames every file written into its place, then removes the files of the last build
    /// that this one did not make, and the folders that leaves empty.
    pub fn swap(mut self) -> io::Result<Swapped> {
        let paths = std::mem::take(self.paths.get_mut().expect("no panics while locked"));
        if let Some(in_place) = self.in_place.take() {
            // Whatever happens now, `rename_all` leaves no temporary file for `Drop` to remove.
            self.committed = true;
            rename_all(&self.output, &in_place.pending.into_inner().expect("no panics while locked"))?;
            for gone in in_place.previous.iter().filter(|path| !paths.contains(*path)) {
                remove_with_empty_folders(&self.output, gone)?;
            }
            return Ok(Swapped { old: None, paths, unused: None });
        }
        let unused = match self.recycled.take() {
            Some(recycled) => {
                let unused = self.aside(UNUSED);
                recycled.tidy(&self.staging, &paths, &unused)?.then_some(unused)
            }
            None => None,
        };
        let old = self.aside(OLD);
        let had_output = self.output.exists();
        if had_output {
            fs::rename(&self.output, &old)?;
        }
        if let Err(error) = fs::rename(&self.staging, &self.output) {
            if had_output {
                fs::rename(&old, &self.output)?;
            }
            return Err(error);
        }
        self.committed = true;
        Ok(Swapped { old: had_output.then_some(old), paths, unused })
    }

    /// A new hidden name beside the staging folder for a folder set aside to be removed (with the
    /// marker, so that the next build removes it if this process cannot): `what` is [`OLD`] for an
    /// old output, [`UNUSED`] for what a recycled staging folder did not use.
    fn aside(&self, what: &str) -> PathBuf {
        // Numbered, so that an old output still being removed cannot be in the way of the next one.
        static SWAPS: AtomicUsize = AtomicUsize::new(0);
        let name = self.staging.file_name().expect("named").to_string_lossy().replace(NEW, what);
        self.staging.with_file_name(format!("{name}-{}", SWAPS.fetch_add(1, Ordering::Relaxed)))
    }
}

/// How the folders beside the output are named, after a dot and the output's name: a staging
/// folder, an old output set aside, and the unused folders of a recycled staging folder.
const NEW: &str = "roundtable-new";
const OLD: &str = "roundtable-old";
const UNUSED: &str = "roundtable-unused";

/// The hidden folder beside `output` for this process's staging folder, with what a killed build
/// left there removed.
fn staging_beside(output: &Path) -> io::Result<PathBuf> {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    remove_leftovers(parent, &name);
    let staging = parent.join(format!(".{name}.{NEW}-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    Ok(staging)
}

/// Whether `name` is that of an old output of `output` set aside by a swap (see [`Swapped::old`]).
pub fn is_old_output(output: &Path, name: &str) -> bool {
    let output = output.file_name().map(|n| n.to_string_lossy()).unwrap_or_else(|| "public".into());
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(&*output))
        .is_some_and(|rest| rest.starts_with(&format!(".{OLD}-")))
}

/// An error unless `folder` holds the marker of roundtable's output.
fn roundtables_own(folder: &Path) -> io::Result<()> {
    match folder.join(MARKER).is_file() {
        true => Ok(()),
        false => {
            let missing = format!("{} is not an output folder of roundtable", folder.display());
            Err(io::Error::new(io::ErrorKind::NotFound, missing))
        }
    }
}

/// Every file under `folder`, by its path there, as an output's files are named (`readings/x/index.html`);
/// what cannot be read is left out.
pub(crate) fn files_in(folder: &Path) -> impl Iterator<Item = String> + '_ {
    let files = walkdir::WalkDir::new(folder).into_iter().flatten().filter(|entry| entry.file_type().is_file());
    files.filter_map(move |entry| Some(entry.path().strip_prefix(folder).ok()?.to_str()?.to_string()))
}

/// A removal's result, where what was to be removed being gone already is no error.
pub(crate) fn gone_is_fine(removed: io::Result<()>) -> io::Result<()> {
    match removed {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        removed => removed,
    }
}

/// `folder/relative`, refusing any path that would leave `folder`.
fn checked(folder: &Path, relative: &str) -> io::Result<PathBuf> {
    let path = Path::new(relative);
    let inside = !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{relative}` is not a path inside the output folder"),
        ));
    }
    Ok(folder.join(path))
}

/// Removes the folders a killed build left beside the output (its process is gone, so nothing
/// else can finish or clean them). Only folders roundtable marked as its own are touched.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [NEW, OLD, UNUSED].map(|what| format!(".{name}.{what}-"));
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let pid = prefixes
            .iter()
            .find_map(|prefix| file_name.to_str()?.strip_prefix(prefix.as_str()))
            // An old output is numbered after the process id: `-1234-7`.
            .and_then(|rest| rest.split('-').next()?.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !is_running(pid)) && entry.path().join(MARKER).is_file() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// True when process `pid` may still be running.
fn is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc there is no cheap portable answer: keep the folder rather than risk another build's.
        true
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        match &self.in_place {
            Some(in_place) => {
                remove_temporary(&self.output, &in_place.pending.lock().unwrap_or_else(|e| e.into_inner()))
            }
            // Never the output itself, whatever state a build in place was left in.
            None if self.staging != self.output => {
                let _ = fs::remove_dir_all(&self.staging);
            }
            None => {}
        }
    }
}

/// A file or folder that could not be written, for the user.
pub fn cannot_write(path: &Path, error: &std::io::Error) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error(crate::diagnostics::Span::file(path), format!("cannot write here: {error}"))
        .with_help("check that the disk has space and that you may write to this folder")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_old_output_whole() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = Staging::new(&output).unwrap();
        first.put("old/index.html", b"old").unwrap();
        first.commit().unwrap();
        let second = Staging::new(&output).unwrap();
        second.put("index.html", b"new").unwrap();
        second.commit().unwrap();
        assert!(!output.join("old").exists());
        assert_eq!(fs::read(output.join("index.html")).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder is left");
    }

    #[test]
    fn swap_sets_the_old_output_aside_and_another_swap_need_not_wait_for_its_removal() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let mut aside = Vec::new();
        for text in ["one", "two", "three"] {
            let staging = Staging::new(&output).unwrap();
            staging.put("index.html", text.as_bytes()).unwrap();
            aside.extend(staging.swap().unwrap().old);
            assert_eq!(fs::read(output.join("index.html")).unwrap(), text.as_bytes());
        }
        assert_eq!(aside.len(), 2, "the first swap had no old output");
        assert_eq!(fs::read(aside[0].join("index.html")).unwrap(), b"one");
        assert_eq!(fs::read(aside[1].join("index.html")).unwrap(), b"two");
        assert!(aside
            .iter()
            .all(|old| old.join(MARKER).is_file() && old.file_name().unwrap().to_string_lossy().starts_with('.')));
    }

    #[test]
    fn a_dropped_staging_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = Staging::new(&output).unwrap();
        first.put("index.html", b"kept").unwrap();
        first.commit().unwrap();
        let failed = Staging::new(&output).unwrap();
        failed.put("index.html", b"half").unwrap();
        drop(failed);
        assert_eq!(fs::read(output.join("index.html")).unwrap(), b"kept");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn folders_left_by_a_killed_build_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has this id: Linux process ids stop at 4194304.
        let left = dir.path().join(".public.roundtable-new-999999999");
        fs::create_dir(&left).unwrap();
        fs::write(left.join(MARKER), MARKER_TEXT).unwrap();
        let old = dir.path().join(".public.roundtable-old-999999999-3");
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        let unmarked = dir.path().join(".public.roundtable-old-999999998");
        fs::create_dir(&unmarked).unwrap();
        Staging::new(&dir.path().join("public")).unwrap().commit().unwrap();
        assert!(!left.exists() && !old.exists());
        assert!(unmarked.exists(), "a folder without the marker is not roundtable's to remove");
    }

    #[test]
    fn kept_files_survive_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = Staging::new(&output).unwrap();
        first.put("a/index.html", b"same").unwrap();
        first.commit().unwrap();
        let second = Staging::new(&output).unwrap();
        second.keep("a/index.html", &output.join("a/index.html")).unwrap();
        assert!(second.keep("b/index.html", &output.join("b/index.html")).is_err(), "nothing to keep");
        second.commit().unwrap();
        assert_eq!(fs::read(output.join("a/index.html")).unwrap(), b"same");
    }

    /// Every file and folder under `root`, hidden ones too, with the bytes of files.
    pub(super) fn listing(root: &Path) -> Vec<(String, Option<Vec<u8>>)> {
        let mut all = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    stack.push(path);
                    all.push((name, None));
                } else {
                    all.push((name, Some(fs::read(&path).unwrap())));
                }
            }
        }
        all.sort();
        all
    }

    #[test]
    fn in_place_needs_a_folder_roundtable_wrote() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("thesis.docx"), b"x").unwrap();
        assert!(Staging::in_place(dir.path(), HashSet::new()).is_err());
        assert!(dir.path().join("thesis.docx").is_file());
    }

    #[test]
    fn paths_cannot_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(staging.put(bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        assert!(refuse_output(dir.path()).is_none(), "an empty folder is fine");
        fs::write(dir.path().join("thesis.docx"), b"x").unwrap();
        assert!(refuse_output(dir.path()).is_some());
        fs::write(dir.path().join(MARKER), b"x").unwrap();
        assert!(refuse_output(dir.path()).is_none());
    }
}
