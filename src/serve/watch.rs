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
    let backup = name.ends_with('~') || (name.starts_with('#') && name.ends_with('#')) || name.ends_with(".swp");
    // vim probes whether a folder is writable with a file of this name.
    !(backup || name == "4913")
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
        let kept = ["content/readings/a.md", "content/readings/a.comments.yaml", "site.yaml", "templates/base.html"];
        let dropped = [
            ".roundtable/serve/index.html",
            ".git/index",
            "content/readings/.a.md.swp",
            "content/readings/a.md~",
            "content/readings/#a.md#",
            "content/readings/4913",
            "public/index.html",
        ];
        let all = kept.iter().chain(&dropped).map(|p| root.join(p));
        let outside = PathBuf::from("/elsewhere/site.yaml");
        let found = edits(root, all.chain([outside, root.join("site.yaml"), root.join("public"), root.to_path_buf()]));
        assert_eq!(found, kept.iter().map(|p| root.join(p)).collect::<Vec<_>>());
    }
}
