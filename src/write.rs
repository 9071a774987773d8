//! Stage 4, write: pages go to a staging folder beside the output, swapped in only when all succeeded.
//!
//! A failed or interrupted build leaves the previous site as it was, and files
//! that no longer belong disappear with the old folder.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::load::raw::AssetSource;

/// The file that marks a folder as roundtable's output, so a build never replaces anything else.
pub const MARKER: &str = ".roundtable-output";

const MARKER_TEXT: &str = "This folder is written by `roundtable build` and replaced whole on every build.\n";

/// A folder being filled beside the output; dropped without `commit`, it is removed.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    committed: bool,
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

/// Replaces (or creates) the file at `path` with `bytes`, all or nothing.
///
/// The bytes go to a hidden temporary file in the same folder, reach the disk,
/// and only then take the file's place with a rename. A full disk or a killed
/// process leaves the old file whole (and at most a hidden temporary file,
/// which `load` skips like every name starting with `.`).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.roundtable-tmp-{}", std::process::id()));
    // A temporary file left by a killed run of the same process id is stale.
    let _ = fs::remove_file(&temporary);
    let result = (|| {
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        file.write_all(bytes)?;
        if let Ok(old) = fs::metadata(path) {
            file.set_permissions(old.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)?;
        // The rename itself reaches the disk when the folder is synced; not every system allows it.
        if let Ok(folder) = fs::File::open(folder) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

impl Staging {
    /// Creates an empty staging folder beside `output`.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        remove_leftovers(parent, &name);
        let staging = parent.join(format!(".{name}.roundtable-new-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir(&staging)?;
        fs::write(staging.join(MARKER), MARKER_TEXT)?;
        Ok(Staging { output: output.to_path_buf(), staging, committed: false })
    }

    /// The staging file for `relative`, refusing any path that would leave the folder.
    fn target(&self, relative: &str) -> io::Result<PathBuf> {
        inside(&self.staging, relative)
    }

    /// Writes one file.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        fs::write(self.target(relative)?, bytes)
    }

    /// Copies one asset; returns its size.
    pub fn copy(&self, relative: &str, source: &AssetSource) -> io::Result<u64> {
        let target = self.target(relative)?;
        match source {
            AssetSource::File(path) => fs::copy(path, target),
            AssetSource::Embedded(bytes) => fs::write(target, bytes).map(|()| bytes.len() as u64),
        }
    }

    /// Takes an unchanged file from the previous output: a hard link, or a copy where links are impossible.
    ///
    /// The old output is only renamed and then removed by [`Staging::commit`], so a link keeps the file's
    /// bytes whatever happens to it.
    pub fn keep(&self, relative: &str, previous: &Path) -> io::Result<()> {
        let target = self.target(relative)?;
        match fs::hard_link(previous, &target) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Err(error),
            Err(_) => fs::copy(previous, &target).map(|_| ()),
        }
    }

    /// Swaps the staging folder in place of the output, then removes the old output.
    pub fn commit(self) -> io::Result<()> {
        match self.swap()? {
            Some(old) => fs::remove_dir_all(old),
            None => Ok(()),
        }
    }

    /// Swaps the staging folder in place of the output and returns the old output, renamed aside
    /// (hidden, with the marker), for the caller to remove: `serve` says the site is rebuilt first.
    /// Left behind by a killed process, the next build removes it.
    pub fn swap(mut self) -> io::Result<Option<PathBuf>> {
        // Numbered, so that an old output still being removed cannot be in the way of the next one.
        static SWAPS: AtomicUsize = AtomicUsize::new(0);
        let name =
            self.staging.file_name().expect("named").to_string_lossy().replace("roundtable-new", "roundtable-old");
        let old = self.staging.with_file_name(format!("{name}-{}", SWAPS.fetch_add(1, Ordering::Relaxed)));
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
        Ok(had_output.then_some(old))
    }
}

/// `folder/relative`, with its folders made, refusing any path that would leave `folder`.
fn inside(folder: &Path, relative: &str) -> io::Result<PathBuf> {
    let path = Path::new(relative);
    let inside = !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{relative}` is not a path inside the output folder"),
        ));
    }
    let target = folder.join(path);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    Ok(target)
}

/// Removes the folders a killed build left beside the output (its process is gone, so nothing
/// else can finish or clean them). Only folders roundtable marked as its own are touched.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.roundtable-new-"), format!(".{name}.roundtable-old-")];
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
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
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
            aside.extend(staging.swap().unwrap());
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

    #[test]
    fn paths_cannot_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(staging.put(bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn write_atomically_replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_atomic_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        fs::write(&path, b"kept").unwrap();
        // A folder in the temporary file's place makes the write fail part way.
        fs::create_dir(dir.path().join(format!(".t.yaml.roundtable-tmp-{}", std::process::id()))).unwrap();
        assert!(write_atomically(&path, b"lost").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"kept");
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
