//! Which file events are edits to the site: editors and builds touch many files that are not.

use std::path::{Component, Path, PathBuf};

use crate::write::MARKER;

/// The edited files among `paths`, in order, without repeats; folders are left out (their files are reported).
pub fn edits(root: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut edits: Vec<PathBuf> = Vec::new();
    for path in paths {
        if is_edit(root, &path) && !path.is_dir() && !edits.contains(&path) {
            edits.push(path);
        }
    }
    edits
}

/// The folders of `root` to watch with all they hold: every top-level folder whose changes can be
/// edits (`root` itself is watched alone, for its files and for folders made later).
///
/// Watching `root` whole would also watch the output of `serve` in `.roundtable/`: every rebuild
/// adds and removes its thousands of folders, and the watcher's bookkeeping of them cost more than
/// the rebuild.
pub fn folders(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut folders: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|path| is_site_folder(root, path)).collect();
    folders.sort();
    folders
}

/// Whether `path` is a folder made directly in `root` that [`folders`] would watch.
pub fn is_new_folder(root: &Path, path: &Path) -> bool {
    path.parent() == Some(root) && is_site_folder(root, path)
}

/// A folder whose files can be edits: not hidden, not one roundtable wrote.
fn is_site_folder(root: &Path, path: &Path) -> bool {
    path.is_dir() && is_edit(root, path) && !path.join(MARKER).is_file()
}

/// Whether a change to `path` can change the site.
///
/// Hidden files and folders (`.git`, `.roundtable`, editor swap files), editor
/// backups and any folder roundtable itself wrote (it holds the output marker)
/// are not part of the site, so changes there must not trigger a rebuild loop.
fn is_edit(root: &Path, path: &Path) -> bool {
    let Ok(inside) = path.strip_prefix(root) else { return false };
    let mut folder = root.to_path_buf();
    for component in inside.components() {
        let Component::Normal(name) = component else { return false };
        let name = name.to_string_lossy();
        if name.starts_with('.') || folder.join(MARKER).is_file() {
            return false;
        }
        folder.push(name.as_ref());
    }
    let name = inside.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    !is_editors_own(&name)
}

/// Whether `name` is a temporary, backup or lock file an editor or tool writes beside the file
/// being saved (hidden ones, such as vim's `.a.md.swp` and emacs' `.#a.md`, are left out already).
fn is_editors_own(name: &str) -> bool {
    // `sed -i` writes `sedXXXXXX` (six random letters or digits) and renames it over the file.
    let sed = name.len() == 9 && name.starts_with("sed") && name[3..].chars().all(|c| c.is_ascii_alphanumeric());
    let suffixes = [
        "~",            // vim, emacs, gedit, nano backups
        ".swp",         // vim swap files, when not hidden
        ".swo",         //
        ".swx",         //
        "___jb_tmp___", // JetBrains' safe write
        "___jb_old___", //
        ".kate-swp",    // Kate
        ".tmp",         // many editors' and tools' atomic saves
        ".bak",         //
        ".orig",        // merge tools
        ".crdownload",  // a download not finished
        ".part",        //
    ];
    sed || suffixes.iter().any(|s| name.ends_with(s))
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || name.starts_with("~$") // office lock files
        || name == "4913" // vim probes whether a folder is writable with a file of this name
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sites_own_files_are_edits() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public").join(MARKER), "").unwrap();
        let kept = [
            "content/readings/a.md",
            "content/readings/a.comments.yaml",
            "content/readings/sediment.md",
            "site.yaml",
            "templates/base.html",
        ];
        let dropped = [
            ".roundtable/serve/index.html",
            ".git/index",
            "content/readings/.a.md.swp",
            "content/readings/a.md~",
            "content/readings/#a.md#",
            "content/readings/4913",
            "content/readings/sedT0qPkw",
            "content/readings/a.md___jb_tmp___",
            "content/readings/a.md___jb_old___",
            "content/readings/.#a.md",
            "content/readings/a.md.kate-swp",
            "content/readings/~$notes.docx",
            "content/readings/a.comments.yaml.tmp",
            "public/index.html",
        ];
        let all = kept.iter().chain(&dropped).map(|p| root.join(p));
        let outside = PathBuf::from("/elsewhere/site.yaml");
        let found = edits(root, all.chain([outside, root.join("site.yaml"), root.join("public"), root.to_path_buf()]));
        assert_eq!(found, kept.iter().map(|p| root.join(p)).collect::<Vec<_>>());
    }

    #[test]
    fn the_watched_folders_leave_out_hidden_and_output_folders() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        for folder in ["content/readings", "templates", "i18n", ".roundtable/serve", ".git", "public"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("public").join(MARKER), "").unwrap();
        std::fs::write(root.join("site.yaml"), "").unwrap();
        let names = ["content", "i18n", "templates"];
        assert_eq!(folders(root), names.iter().map(|n| root.join(n)).collect::<Vec<_>>());
        assert!(is_new_folder(root, &root.join("i18n")));
        for not in [".roundtable", "public", "content/readings", "site.yaml"] {
            assert!(!is_new_folder(root, &root.join(not)), "{not}");
        }
    }
}
