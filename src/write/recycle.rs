//! A staging folder made from an old output rather than an empty folder (see
//! [`Staging::recycled`](super::Staging::recycled)): the one the last build set aside, whose
//! folders are the site's folders and most of whose files are hard links to the output's.
//!
//! Why: filled from empty, every build made the site's 2,300 folders (at M) and later removed the
//! old output's 2,300; on a file system that looks past each recently freed inode when it makes
//! the next one (ext4 without a journal), that was most of a build after one edit.
//!
//! Nothing already in the folder is ever written into, since it may be the very file the live
//! output holds: a file is removed before one is written in its place, and one that is already the
//! output's file is left as it is. What the build did not make is taken out before the swap.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

use super::{gone_is_fine, MARKER, MARKER_TEXT};

/// What an old output held when it was taken as a staging folder.
pub(super) struct Recycled {
    /// Every file, by its path inside the folder.
    files: Vec<String>,
    /// Every folder, each after its parent.
    folders: Vec<String>,
}

impl Recycled {
    /// Lists `folder`, removing anything in it that is neither a file nor a folder: a link put
    /// there by hand would let a file written through it land outside.
    pub(super) fn list(folder: &Path) -> io::Result<Recycled> {
        let mut listed = Recycled { files: Vec::new(), folders: Vec::new() };
        let mut next = 0;
        let mut inside = String::new();
        loop {
            for entry in fs::read_dir(folder.join(&inside))? {
                let entry = entry?;
                let kind = entry.file_type()?;
                let Some(name) = entry.file_name().to_str().map(|name| joined(&inside, name)) else {
                    // No page has a name that is not UTF-8: nothing will be made there.
                    clear(&entry.path())?;
                    continue;
                };
                match (kind.is_dir(), kind.is_file()) {
                    (true, _) => listed.folders.push(name),
                    (_, true) => listed.files.push(name),
                    _ => fs::remove_file(entry.path())?,
                }
            }
            let Some(folder) = listed.folders.get(next) else {
                return Ok(listed);
            };
            inside.clone_from(folder);
            next += 1;
        }
    }

    /// Takes out of `folder` what the build did not make (`made`, by path): its files are removed,
    /// and each folder holding nothing made is moved whole into a new folder `unused` (marked as
    /// roundtable's), for the caller to remove when it has time; false when nothing was moved.
    pub(super) fn tidy(self, folder: &Path, made: &HashSet<String>, unused: &Path) -> io::Result<bool> {
        let holding: HashSet<&str> =
            made.iter().flat_map(|path| path.match_indices('/').map(move |(end, _)| &path[..end])).collect();
        let in_use = |path: &str| made.contains(path) || holding.contains(path);
        // Whether the folder `path` is in stays: what is not made in it is taken out one by one.
        let parent_stays = |path: &str| path.rsplit_once('/').is_none_or(|(parent, _)| holding.contains(parent));
        let going: Vec<&String> = self.folders.iter().filter(|path| !in_use(path) && parent_stays(path)).collect();
        for (n, path) in going.iter().enumerate() {
            if n == 0 {
                fs::create_dir(unused)?;
                fs::write(unused.join(MARKER), MARKER_TEXT)?;
            }
            fs::rename(folder.join(path), unused.join(n.to_string()))?;
        }
        for path in self.files.iter().filter(|path| !in_use(path) && *path != MARKER && parent_stays(path)) {
            gone_is_fine(fs::remove_file(folder.join(path)))?;
        }
        Ok(!going.is_empty())
    }
}

/// `inside/name`, or `name` at the top.
fn joined(inside: &str, name: &str) -> String {
    match inside.is_empty() {
        true => name.to_string(),
        false => format!("{inside}/{name}"),
    }
}

/// Removes whatever is at `path`, a file or a folder with all it holds; nothing there is fine.
pub(super) fn clear(path: &Path) -> io::Result<()> {
    gone_is_fine(match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(error) => Err(error),
    })
}

/// Makes the folder `path` inside `root`, removing any file in the way of it or of the folders
/// above it (an old output may hold a file where this build has a folder).
pub(super) fn make_folder(root: &Path, path: &Path) -> io::Result<()> {
    if fs::create_dir_all(path).is_ok() {
        return Ok(());
    }
    let mut above = root.to_path_buf();
    for part in path.strip_prefix(root).map_err(|_| io::Error::other("not inside the staging folder"))? {
        above.push(part);
        if fs::symlink_metadata(&above).is_ok_and(|meta| !meta.is_dir()) {
            // Another page in the same folder may have removed it first.
            clear(&above)?;
        }
    }
    fs::create_dir_all(path)
}

/// Whether `a` is a file and `b` the same file (a hard link to it).
#[cfg(unix)]
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `a` is a file and `b` the same file: never known here, so always linked again.
#[cfg(not(unix))]
pub(super) fn same_file(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::super::tests::listing;
    use super::super::*;

    /// An output made by two swaps, the second keeping `a` and `c/d` by link, and the first one's
    /// folder, set aside by the second swap: the folder the next build recycles.
    fn output_and_old(output: &Path) -> PathBuf {
        let first = Staging::new(output).unwrap();
        for (path, text) in [("a/index.html", "same"), ("b/index.html", "old"), ("c/d/index.html", "going")] {
            first.put(path, text.as_bytes()).unwrap();
        }
        first.put("f", b"a file where a folder will be").unwrap();
        first.put("g/index.html", b"a folder where a file will be").unwrap();
        first.swap().unwrap();
        let second = Staging::new(output).unwrap();
        for path in ["a/index.html", "b/index.html", "c/d/index.html", "f", "g/index.html"] {
            second.keep(path, &output.join(path)).unwrap();
        }
        second.swap().unwrap().old.unwrap()
    }

    /// What the third build does, into `staging`.
    fn third_build(staging: &Staging, output: &Path) {
        staging.keep("a/index.html", &output.join("a/index.html")).unwrap();
        staging.put("b/index.html", b"new").unwrap();
        staging.put("e/index.html", b"added").unwrap();
        staging.put("f/index.html", b"now a folder").unwrap();
        staging.copy("g", &AssetSource::Embedded(b"now a file")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_recycled_folder_becomes_what_an_empty_one_would_and_never_touches_the_output() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let old = output_and_old(&output);
        let before = listing(&output);
        let inode = |path: &Path| fs::metadata(path).unwrap().ino();
        let kept = inode(&output.join("a/index.html"));
        let staging = Staging::recycled(&output, &old).unwrap();
        assert!(!old.exists(), "moved, not copied");
        third_build(&staging, &output);
        assert_eq!(listing(&output), before, "the live output is as it was until the swap");
        let swapped = staging.swap().unwrap();
        assert_eq!(inode(&output.join("a/index.html")), kept, "a kept file that was already there stays");
        let recycled = listing(&output);

        let fresh = tempfile::tempdir().unwrap();
        let fresh_output = fresh.path().join("public");
        output_and_old(&fresh_output);
        let staging = Staging::new(&fresh_output).unwrap();
        third_build(&staging, &fresh_output);
        staging.swap().unwrap();
        assert_eq!(recycled, listing(&fresh_output), "byte for byte what an empty staging folder makes");
        let unused = swapped.unused.expect("c/ held nothing this build made");
        assert!(unused.join(MARKER).is_file() && unused.join("0/d/index.html").is_file());
        assert!(unused.file_name().unwrap().to_string_lossy().starts_with(".public.roundtable-unused-"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_left_in_an_old_output_is_removed_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let old = output_and_old(&output);
        let elsewhere = dir.path().join("uploads");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("index.html"), b"someone's").unwrap();
        std::os::unix::fs::symlink(&elsewhere, old.join("e")).unwrap();
        let staging = Staging::recycled(&output, &old).unwrap();
        third_build(&staging, &output);
        staging.swap().unwrap();
        assert_eq!(fs::read(elsewhere.join("index.html")).unwrap(), b"someone's");
        assert_eq!(fs::read(output.join("e/index.html")).unwrap(), b"added");
    }

    #[test]
    fn a_dropped_recycled_staging_leaves_the_output_as_it_was_and_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let old = output_and_old(&output);
        let before = listing(&output);
        let staging = Staging::recycled(&output, &old).unwrap();
        third_build(&staging, &output);
        drop(staging);
        assert_eq!(listing(&output), before);
        let beside: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside, ["public"]);
    }

    #[test]
    fn only_an_output_of_roundtable_is_recycled() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("thesis");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("chapter.docx"), b"x").unwrap();
        assert!(Staging::recycled(&dir.path().join("public"), &other).is_err());
        assert!(other.join("chapter.docx").is_file(), "left where it was");
    }

    #[test]
    fn old_outputs_are_known_by_their_name() {
        let output = Path::new("site/public");
        assert!(is_old_output(output, ".public.roundtable-old-12-0"));
        assert!(!is_old_output(output, ".public.roundtable-unused-12-1"));
        assert!(!is_old_output(output, ".preview.roundtable-old-12-0"));
        assert!(!is_old_output(output, ".publicity.roundtable-old-12-0"));
    }
}
