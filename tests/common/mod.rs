//! Helpers shared by the integration tests: run the real binary on fixture sites.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Set to 1 to rewrite expected files (golden output, expected stderr) from what the code does now.
pub const BLESS: &str = "ROUNDTABLE_BLESS";

/// The fixture folder `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs `roundtable` with `args`.
pub fn roundtable<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_roundtable")).args(args).output().expect("the binary runs")
}

/// Builds `root` into `output` without the build cache (fixtures stay unwritten), asserting success.
pub fn build(root: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "build".as_ref(),
        "--no-cache".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--output".as_ref(),
        output.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let result = roundtable(args);
    assert!(result.status.success(), "build failed:\n{}", String::from_utf8_lossy(&result.stderr));
    result
}

/// Copies a fixture site into a fresh temporary folder.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(name), dir.path());
    dir
}

/// Copies every file under `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for (relative, bytes) in read_tree(from) {
        let target = to.join(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
}

/// Every file under `root`, by `/`-separated relative path.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Every file under `root` that contains `needle` in any case (for text that must never be
/// published), gzipped files (the search index) read unzipped.
pub fn files_containing(root: &Path, needle: &str) -> Vec<String> {
    let needle = needle.to_lowercase();
    read_tree(root)
        .into_iter()
        .filter(|(name, bytes)| String::from_utf8_lossy(&unzipped(name, bytes)).to_lowercase().contains(&needle))
        .map(|(name, _)| name)
        .collect()
}

/// A file's bytes, unzipped when its name ends in `.gz`.
pub fn unzipped(name: &str, bytes: &[u8]) -> Vec<u8> {
    if !name.ends_with(".gz") {
        return bytes.to_vec();
    }
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut text)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    text
}

/// Writes `files` (path, text) into a new temporary site.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let target = dir.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }
    dir
}

/// Parses an output page with a real HTML5 parser.
pub fn page(output: &Path, relative: &str) -> scraper::Html {
    let text = fs::read_to_string(output.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    scraper::Html::parse_document(&text)
}

/// The elements of `html` matching a CSS `selector`.
pub fn select<'a>(html: &'a scraper::Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&scraper::Selector::parse(selector).unwrap()).collect()
}

/// Compares `actual` with the file `expected`, or rewrites it when blessing.
pub fn assert_matches_file(actual: &str, expected: &Path) {
    if std::env::var(BLESS).is_ok_and(|v| v == "1") {
        fs::write(expected, actual).unwrap();
        return;
    }
    let wanted = fs::read_to_string(expected)
        .unwrap_or_else(|_| panic!("{} is missing: run with {BLESS}=1 to write it", expected.display()));
    assert_eq!(actual, wanted, "output differs from {} (run with {BLESS}=1 to accept)", expected.display());
}
