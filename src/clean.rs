//! `roundtable clean`: removes what roundtable wrote, and nothing else.
//!
//! The built site (only when it carries roundtable's marker, so a folder of someone's files
//! is never removed) and `.roundtable/` (the build cache and `serve`'s preview), both of which
//! the next build or `serve` makes again. Sources and the private `reports/` are left alone.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{relative, Diagnostic, Diagnostics, Span};
use crate::write::MARKER;

/// What `clean` removes.
#[derive(Debug, Clone, Default)]
pub struct CleanOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The built site to remove (relative paths are taken from the site folder).
    pub output: PathBuf,
}

/// Removes the output folder and `.roundtable/`; returns what was removed (relative to the site folder).
pub fn clean(options: &CleanOptions) -> Result<Vec<PathBuf>, Diagnostics> {
    let output = options.root.join(&options.output);
    let state = options.root.join(".roundtable");
    let mut removed = Vec::new();
    if output.is_dir() {
        if !output.join(MARKER).is_file() {
            let shown = relative(&options.root, &output);
            return Err(Diagnostic::command(
                shown.clone(),
                format!("{} holds files that roundtable did not write, so clean leaves it alone", shown.display()),
            )
            .with_help("name the folder your builds go to with --output, or remove this one yourself")
            .into());
        }
        remove(&output, &options.root, &mut removed)?;
    }
    if state.is_dir() {
        remove(&state, &options.root, &mut removed)?;
    }
    Ok(removed)
}

fn remove(folder: &Path, root: &Path, removed: &mut Vec<PathBuf>) -> Result<(), Diagnostics> {
    let shown = relative(root, folder);
    fs::remove_dir_all(folder).map_err(|error| {
        Diagnostic::error(Span::file(&shown), format!("cannot remove this folder: {error}"))
            .with_help("check that no program has files open in it and that you may write to it")
    })?;
    removed.push(shown);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_what_roundtable_wrote() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        for folder in ["public", ".roundtable/cache", "reports", "content"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        fs::write(root.join("public").join(MARKER), "").unwrap();
        let options = CleanOptions { root: root.to_path_buf(), output: "public".into() };
        let removed = clean(&options).unwrap();
        assert_eq!(removed, [PathBuf::from("public"), PathBuf::from(".roundtable")]);
        assert!(root.join("reports").is_dir() && root.join("content").is_dir());
        assert!(clean(&options).unwrap().is_empty(), "cleaning twice is fine");
    }

    #[test]
    fn a_folder_of_other_files_is_refused() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("site")).unwrap();
        fs::write(root.path().join("site/index.html"), "mine").unwrap();
        let options = CleanOptions { root: root.path().to_path_buf(), output: "site".into() };
        let problems = clean(&options).unwrap_err();
        assert_eq!(problems.exit_code(), 2);
        assert!(root.path().join("site/index.html").is_file());
    }
}
