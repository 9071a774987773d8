//! The last load's walk of `content/` with each reading's key, kept by `serve`, and what the file
//! watcher saw change since.
//!
//! At every edit, walking `content/` and looking at each of its files again (a `stat` each, 2,000
//! at M) was a third of loading. When the watcher says that only files the walk found were edited,
//! the walk would find the same files: the next load takes it as it was, with its problems, and
//! looks again only at the edited readings' files. Anything else (a file added, removed or renamed,
//! a folder, a link, events the watcher lost) walks again, as a load without a watcher does.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse_cache::Keyed;
use super::walk::ContentFiles;
use crate::diagnostics::Diagnostics;

/// What changed in the site folder since the last load, as a file watcher saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Changes {
    /// Not known (the first load, or the watcher lost events): every file is looked at.
    #[default]
    Unknown,
    /// Only these paths were made, written, renamed or removed; each named whole.
    Only(Vec<PathBuf>),
}

/// A walk of `content/`, what it found wrong, and each of its readings' keys (none where a file
/// could not be read).
#[derive(Debug, Clone)]
pub(super) struct LastWalk {
    pub(super) content: PathBuf,
    pub(super) files: Arc<ContentFiles>,
    pub(super) problems: Diagnostics,
    pub(super) keys: Vec<Option<Keyed>>,
}

impl LastWalk {
    /// The readings (by their place in the walk) with an edited file when only files of this walk
    /// changed, each still a plain file; none when `content/` must be walked again.
    pub(super) fn edited(&self, content: &Path, changes: &Changes) -> Option<HashSet<usize>> {
        let Changes::Only(paths) = changes else { return None };
        if content != self.content {
            return None;
        }
        // Each file the walk found, with its reading (none for a section's `_index.md`), by its
        // path's bytes: a `Path` hashes part by part, which made this a third of a load.
        let mut known: HashMap<&OsStr, Option<usize>> = HashMap::new();
        for (index, reading) in self.files.readings.iter().enumerate() {
            let assets = reading.assets.iter().map(|(_, path)| path);
            known.extend(reading.all().chain(assets).map(|path| (path.as_os_str(), Some(index))));
        }
        known.extend(self.files.sections.values().flatten().map(|path| (path.as_os_str(), None)));
        // The folders holding a known file, from `content/` (itself `""`), made once a path not known is gone.
        let mut folders: Option<HashSet<&OsStr>> = None;
        let mut edited = HashSet::new();
        // A path may be named more than once in a burst (written, then renamed over).
        let paths: HashSet<&PathBuf> = paths.iter().collect();
        for path in paths {
            let Ok(inside) = path.strip_prefix(content) else { continue };
            // The walk skips hidden names: an editor's swap file changes nothing it finds.
            if inside.components().any(|part| part.as_os_str().to_string_lossy().starts_with('.')) {
                continue;
            }
            match known.get(path.as_os_str()) {
                // Still a plain file, not a link: the walk would find it as it did.
                Some(reading) if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file()) => {
                    edited.extend(*reading);
                }
                Some(_) => return None,
                None if std::fs::symlink_metadata(path).is_ok() => return None,
                // Gone again (an editor's or `sed -i`'s temporary file), unless a folder of known files.
                None => {
                    let folders = folders.get_or_insert_with(|| {
                        let inside = known.keys().filter_map(|known| Path::new(known).strip_prefix(content).ok());
                        inside.flat_map(|known| known.ancestors().skip(1)).map(Path::as_os_str).collect()
                    });
                    if folders.contains(inside.as_os_str()) {
                        return None;
                    }
                }
            }
        }
        Some(edited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::walk;

    /// A site with two readings, one with a thread, one a bundle with a picture, and a section index.
    fn site() -> (tempfile::TempDir, PathBuf, LastWalk) {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        for (name, text) in [
            ("readings/_index.md", "---\ntitle: Readings\n---\n"),
            ("readings/a.md", "a"),
            ("readings/a.comments.yaml", "[]"),
            ("readings/b/index.md", "b"),
            ("readings/b/picture.png", "png"),
        ] {
            let path = content.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut problems = Diagnostics::new();
        let files = walk::walk(root.path(), &content, &mut problems);
        let keys = vec![None; files.readings.len()];
        let last = LastWalk { content: content.clone(), files: Arc::new(files), problems, keys };
        (root, content, last)
    }

    fn only(content: &Path, names: &[&str]) -> Changes {
        Changes::Only(names.iter().map(|name| content.join(name)).collect())
    }

    #[test]
    fn edits_to_known_files_name_their_readings_and_keep_the_walk() {
        let (_root, content, last) = site();
        let edited = |names: &[&str]| {
            last.edited(&content, &only(&content, names)).map(|e| {
                let mut e: Vec<usize> = e.into_iter().collect();
                e.sort();
                e
            })
        };
        assert_eq!(edited(&["readings/a.comments.yaml"]), Some(vec![0]));
        assert_eq!(edited(&["readings/b/index.md", "readings/a.md"]), Some(vec![0, 1]));
        assert_eq!(edited(&["readings/b/picture.png"]), Some(vec![1]), "a bundle's file is its reading's");
        assert_eq!(edited(&["readings/_index.md"]), Some(vec![]), "a section index is read at every load");
        assert_eq!(edited(&["readings/sedT0qPkw", "readings/.a.md.swp"]), Some(vec![]), "gone, or hidden");
        assert_eq!(edited(&[]), Some(vec![]));
        let outside = Changes::Only(vec![content.parent().unwrap().join("site.yaml")]);
        assert_eq!(last.edited(&content, &outside), Some(HashSet::new()), "read at every load");
    }

    #[test]
    fn anything_the_walk_could_find_otherwise_walks_again() {
        let (_root, content, last) = site();
        std::fs::write(content.join("readings/new.md"), "new").unwrap();
        std::fs::write(content.join("readings/a.md~"), "backup").unwrap();
        std::fs::create_dir(content.join("readings/folder")).unwrap();
        for new in ["readings/new.md", "readings/a.md~", "readings/folder"] {
            assert_eq!(last.edited(&content, &only(&content, &[new])), None, "{new}");
        }
        std::fs::remove_file(content.join("readings/a.comments.yaml")).unwrap();
        assert_eq!(last.edited(&content, &only(&content, &["readings/a.comments.yaml"])), None, "removed");
        std::fs::rename(content.join("readings/b"), content.parent().unwrap().join("b")).unwrap();
        assert_eq!(last.edited(&content, &only(&content, &["readings/b"])), None, "a folder moved away");
        std::fs::remove_dir_all(&content).unwrap();
        assert_eq!(last.edited(&content, &only(&content, &[""])), None, "content/ removed");
        assert_eq!(last.edited(&content, &Changes::Unknown), None);
        assert_eq!(last.edited(&content.join("elsewhere"), &only(&content, &[])), None, "another folder");
    }

    #[cfg(unix)]
    #[test]
    fn a_known_file_made_a_link_walks_again() {
        let (root, content, last) = site();
        let outside = root.path().parent().unwrap().join("outside.md");
        let a = content.join("readings/a.md");
        std::fs::remove_file(&a).unwrap();
        std::os::unix::fs::symlink(&outside, &a).unwrap();
        assert_eq!(last.edited(&content, &only(&content, &["readings/a.md"])), None);
    }
}
