//! `serve`'s output, written in place (see [`Staging::in_place`](super::Staging::in_place)): each
//! changed file waits beside its place under a hidden name until the whole build succeeded.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{checked, gone_is_fine};

/// What a build writing its output in place holds until it succeeds.
pub(super) struct InPlace {
    /// Temporary files beside their places, each with its place.
    pub(super) pending: Mutex<Vec<(PathBuf, PathBuf)>>,
    /// The files of the output as the last build left them: those this build does not make go.
    pub(super) previous: HashSet<String>,
}

/// Renames each temporary file into its place; on the first failure, removes the temporary files left.
pub(super) fn rename_all(output: &Path, pending: &[(PathBuf, PathBuf)]) -> io::Result<()> {
    for (done, (temporary, path)) in pending.iter().enumerate() {
        if let Err(error) = fs::rename(temporary, path) {
            remove_temporary(output, &pending[done..]);
            return Err(error);
        }
    }
    Ok(())
}

/// Removes temporary files of a build in place into `output` that will not be renamed, and the folders
/// made for them that are left empty.
pub(super) fn remove_temporary(output: &Path, pending: &[(PathBuf, PathBuf)]) {
    for (temporary, _) in pending {
        let _ = fs::remove_file(temporary);
        remove_empty_folders(output, temporary);
    }
}

/// Removes `folder/relative` (gone already is fine), then each folder above it that is left empty.
pub(super) fn remove_with_empty_folders(folder: &Path, relative: &str) -> io::Result<()> {
    let path = checked(folder, relative)?;
    gone_is_fine(fs::remove_file(&path))?;
    remove_empty_folders(folder, &path);
    Ok(())
}

/// Removes each folder above `path` inside `folder` that is empty, nearest first.
fn remove_empty_folders(folder: &Path, path: &Path) {
    let mut above = path.parent();
    while let Some(dir) = above.filter(|dir| *dir != folder && dir.starts_with(folder)) {
        if fs::remove_dir(dir).is_err() {
            break;
        }
        above = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::listing;
    use super::super::*;
    use crate::load::raw::AssetSource;

    /// An output of three files made by a swap, and the paths it reports.
    fn first_output(output: &Path) -> HashSet<String> {
        let first = Staging::new(output).unwrap();
        first.put("a/index.html", b"same").unwrap();
        first.put("b/index.html", b"old").unwrap();
        first.put("c/d/index.html", b"going").unwrap();
        first.swap().unwrap().paths
    }

    #[cfg(unix)]
    #[test]
    fn in_place_renames_changed_files_in_and_removes_those_no_longer_made() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("serve");
        let paths = first_output(&output);
        assert_eq!(paths.len(), 3, "{paths:?}");
        let inode = |path: &str| fs::metadata(output.join(path)).unwrap().ino();
        let (same, old) = (inode("a/index.html"), inode("b/index.html"));
        let second = Staging::in_place(&output, paths).unwrap();
        second.put("a/index.html", b"same").unwrap();
        second.put("b/index.html", b"new").unwrap();
        second.put("e/index.html", b"added").unwrap();
        assert_eq!(fs::read(output.join("b/index.html")).unwrap(), b"old", "nothing moves before the swap");
        let swapped = second.swap().unwrap();
        assert!(swapped.old.is_none());
        let mut now: Vec<&str> = swapped.paths.iter().map(String::as_str).collect();
        now.sort();
        assert_eq!(now, ["a/index.html", "b/index.html", "e/index.html"]);
        let want: Vec<(String, Option<Vec<u8>>)> = vec![
            (MARKER.into(), Some(MARKER_TEXT.into())),
            ("a".into(), None),
            ("a/index.html".into(), Some(b"same".to_vec())),
            ("b".into(), None),
            ("b/index.html".into(), Some(b"new".to_vec())),
            ("e".into(), None),
            ("e/index.html".into(), Some(b"added".to_vec())),
        ];
        assert_eq!(listing(&output), want, "no temporary file, no empty folder `c/d` is left");
        assert_eq!(inode("a/index.html"), same, "a file holding the same bytes is not written again");
        assert_ne!(inode("b/index.html"), old, "a changed file is a new file renamed into place");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder beside it");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_kept_from_another_that_is_already_the_same_file_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let output = std::path::absolute(dir.path().join("serve")).unwrap();
        let paths = first_output(&output);
        let from_b = output.join("b/index.html");
        for _ in 0..2 {
            // The second time, `a` is already a link to `b`'s file.
            let again = Staging::in_place(&output, paths.clone()).unwrap();
            for path in &paths {
                match path.as_str() {
                    "a/index.html" => again.keep(path, &from_b).unwrap(),
                    _ => again.keep(path, &output.join(path)).unwrap(),
                }
            }
            again.swap().unwrap();
        }
        let names: Vec<String> = listing(&output).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, [MARKER, "a", "a/index.html", "b", "b/index.html", "c", "c/d", "c/d/index.html"]);
        assert_eq!(fs::read(output.join("a/index.html")).unwrap(), b"old");
    }

    #[test]
    fn a_dropped_build_in_place_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("serve");
        let paths = first_output(&output);
        let before = listing(&output);
        let failed = Staging::in_place(&output, paths).unwrap();
        failed.put("b/index.html", b"half").unwrap();
        failed.copy("new/style.css", &AssetSource::Embedded(b"x")).unwrap();
        failed.put("new/deep/index.html", b"half").unwrap();
        failed.keep("a/index.html", &std::path::absolute(output.join("a/index.html")).unwrap()).unwrap();
        drop(failed);
        assert_eq!(listing(&output), before);
    }
}
