//! Writing one file all or nothing, as `new`, `reply` and the moderation commands do with the
//! site's own files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Replaces (or creates) the file at `path` with `bytes`, all or nothing.
///
/// The bytes go to a hidden temporary file in the same folder, reach the disk,
/// and only then take the file's place with a rename. A full disk or a killed
/// process leaves the old file whole (and at most a hidden temporary file,
/// which `load` skips like every name starting with `.`).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temporary = temporary_beside(path);
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

/// The hidden name a file is written under before it takes `path`'s place, in the same folder.
pub(super) fn temporary_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.roundtable-tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
