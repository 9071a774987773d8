//! Walks `content/` and sorts its files into sections, readings, threads and bundle assets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{relative, Diagnostic, Diagnostics, Span};

/// The files of `content/`, sorted by role. Paths are absolute; names use `/`.
#[derive(Debug, Default)]
pub struct ContentFiles {
    /// Section folders (relative to `content/`, `""` for the top) to their `_index.md`, if any.
    pub sections: BTreeMap<String, Option<PathBuf>>,
    /// Every reading found, in path order.
    pub readings: Vec<ReadingFiles>,
}

/// The files that make up one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingFiles {
    /// The section folder, relative to `content/`.
    pub section: String,
    /// The file or bundle name without `.md`.
    pub name: String,
    /// The Markdown file.
    pub markdown: PathBuf,
    /// Thread files holding a list of comments (`x.comments.yaml`, a bundle's `comments.yaml`).
    pub thread_lists: Vec<PathBuf>,
    /// One-comment files of a bundle's `comments/` folder.
    pub thread_singles: Vec<PathBuf>,
    /// Other bundle files, with their path relative to the bundle.
    pub assets: Vec<(String, PathBuf)>,
}

impl ReadingFiles {
    /// The Markdown and thread files: what the reading's text comes from.
    pub fn all(&self) -> impl Iterator<Item = &PathBuf> {
        std::iter::once(&self.markdown).chain(&self.thread_lists).chain(&self.thread_singles)
    }
}

/// Sorts every file under `content` by its role, reporting files that fit none.
pub fn walk(root: &Path, content: &Path, problems: &mut Diagnostics) -> ContentFiles {
    let files = files_under(root, content, problems);
    let bundles: BTreeSet<String> =
        files.iter().filter_map(|(rel, _)| rel.strip_suffix("/index.md")).map(str::to_string).collect();
    let mut sorted = ContentFiles::default();
    let mut readings: BTreeMap<String, ReadingFiles> = BTreeMap::new();
    let mut threads: Vec<(String, PathBuf)> = Vec::new();
    for (rel, path) in files {
        if let Some(bundle) = bundle_of(&rel, &bundles) {
            let reading = readings.entry(bundle.clone()).or_insert_with(|| new_reading(&bundle));
            let inner = &rel[bundle.len() + 1..];
            match inner {
                "index.md" => reading.markdown = path,
                "comments.yaml" | "comments.yml" => reading.thread_lists.push(path),
                _ if inner.starts_with("comments/") => {
                    if is_yaml(inner) {
                        reading.thread_singles.push(path);
                    } else {
                        unused(
                            root,
                            &path,
                            problems,
                            "only .yaml files, one comment each, belong in a comments/ folder",
                        );
                    }
                }
                _ => reading.assets.push((inner.to_string(), path)),
            }
            continue;
        }
        let (folder, file) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
        if file == "_index.md" {
            sorted.sections.insert(folder.to_string(), Some(path));
        } else if let Some(stem) = file.strip_suffix(".md") {
            let key = join(folder, stem);
            let mut reading = new_reading(&key);
            reading.markdown = path;
            readings.insert(key, reading);
        } else if let Some(stem) = thread_stem(file) {
            threads.push((join(folder, stem), path));
        } else {
            unused(
                root,
                &path,
                problems,
                "put pictures and other files in a bundle folder beside its index.md, or in static/",
            );
        }
    }
    for (key, path) in threads {
        match readings.get_mut(&key) {
            Some(reading) => reading.thread_lists.push(path),
            None => problems.push(
                Diagnostic::error(Span::file(relative(root, &path)), "this thread file has no reading beside it")
                    .with_help(format!(
                        "a thread belongs to the reading of the same name: add content/{key}.md, or rename this file"
                    )),
            ),
        }
    }
    for reading in readings.into_values() {
        if reading.thread_lists.len() > 1 {
            let names: Vec<String> =
                reading.thread_lists.iter().map(|p| relative(root, p).display().to_string()).collect();
            problems.push(
                Diagnostic::error(
                    Span::file(relative(root, &reading.thread_lists[1])),
                    "this reading has two thread files",
                )
                .with_help(format!("merge {} into one file", names.join(" and "))),
            );
        }
        sorted.sections.entry(reading.section.clone()).or_insert(None);
        sorted.readings.push(reading);
    }
    sorted
}

fn new_reading(key: &str) -> ReadingFiles {
    let (section, name) = key.rsplit_once('/').unwrap_or(("", key));
    ReadingFiles {
        section: section.to_string(),
        name: name.to_string(),
        markdown: PathBuf::new(),
        thread_lists: Vec::new(),
        thread_singles: Vec::new(),
        assets: Vec::new(),
    }
}

/// The bundle folder a file belongs to, if any.
fn bundle_of(rel: &str, bundles: &BTreeSet<String>) -> Option<String> {
    let mut folder = rel;
    while let Some((parent, _)) = folder.rsplit_once('/') {
        if bundles.contains(parent) {
            return Some(parent.to_string());
        }
        folder = parent;
    }
    None
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

fn thread_stem(file: &str) -> Option<&str> {
    file.strip_suffix(".comments.yaml").or_else(|| file.strip_suffix(".comments.yml"))
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

fn unused(root: &Path, path: &Path, problems: &mut Diagnostics, help: &str) {
    problems.push(
        Diagnostic::warning(Span::file(relative(root, path)), "this file is not used by the site").with_help(help),
    );
}

/// Every file under `dir`, sorted, with its `/`-separated path relative to `dir`.
///
/// Names starting with `.` (editor and system files) are skipped. A link is
/// followed only when it stays inside the site root; one that leads out is reported.
pub fn files_under(root: &Path, dir: &Path, problems: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    // Sorted at the end, by name part by part (the order of a walk with sorted folders): walkdir's
    // own sort finds each name again at every comparison, a fifth of the walk (which `serve` makes
    // again whenever a file is added, removed or renamed), and so did splitting the paths at each
    // comparison.
    let mut entries = WalkDir::new(dir).follow_links(true).into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().map(|p| relative(root, p)).unwrap_or_default();
                problems.push(
                    Diagnostic::error(Span::file(path), format!("cannot read this: {error}"))
                        .with_help("check that the file exists and that links in the site do not loop"),
                );
                continue;
            }
        };
        let path = entry.path();
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if hidden || (entry.path_is_symlink() && !inside(&real_root, root, path, problems)) {
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        match slash_path(path.strip_prefix(dir).expect("walked under dir")) {
            Some(name) => files.push((name, path.to_path_buf())),
            None => problems.push(
                Diagnostic::error(Span::file(relative(root, path)), "this file's name is not valid UTF-8 text")
                    .with_help("rename the file using letters, digits and dashes"),
            ),
        }
    }
    files.sort_unstable_by(|(a, _), (b, _)| walk_order(a, b));
    files
}

/// The order of `/`-separated paths name part by name part: `/` sorts before every other byte
/// (no name holds a NUL), so a folder's files come before a neighbour that only starts with its name.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    let part_end_first = |byte: u8| if byte == b'/' { 0 } else { byte };
    match a.bytes().zip(b.bytes()).find(|(x, y)| x != y) {
        Some((x, y)) => part_end_first(x).cmp(&part_end_first(y)),
        None => a.len().cmp(&b.len()),
    }
}

/// Reports a link that leads outside the site root.
fn inside(real_root: &Path, root: &Path, path: &Path, problems: &mut Diagnostics) -> bool {
    let Ok(real) = path.canonicalize() else {
        return true;
    };
    if real.starts_with(real_root) {
        return true;
    }
    problems.push(
        Diagnostic::error(
            Span::file(relative(root, path)),
            format!("this links to {}, outside the site folder", real.display()),
        )
        .with_help("roundtable reads only files inside the site: copy the file in instead of linking to it"),
    );
    false
}

/// A relative path with `/` separators, or `None` when a part is not valid UTF-8.
fn slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_in_the_order_of_a_walk_with_sorted_folders() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content");
        for name in ["b.md", "a-c.md", "a/b.md", "a/a.md", "a/z/y.md", "a.md.txt", ".hidden.md"] {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let mut problems = Diagnostics::new();
        let names: Vec<String> = files_under(root.path(), &dir, &mut problems).into_iter().map(|(n, _)| n).collect();
        // A folder's files come where its name sorts among its neighbours' ("a" before "a-c.md"),
        // not where its files' whole paths would ("a-c.md" before "a/a.md", as '-' < '/').
        assert_eq!(names, ["a/a.md", "a/b.md", "a/z/y.md", "a-c.md", "a.md.txt", "b.md"]);
        assert!(problems.is_empty());
    }

    #[test]
    fn the_walk_order_is_the_order_of_the_name_parts() {
        let paths = ["a", "a/b", "a-b", "a/b/c", "a/bc", "a/b-c", "ab/c", "a.b", "b", "a/", "", "/a", "é/x", "e/x"];
        for a in paths {
            for b in paths {
                assert_eq!(walk_order(a, b), a.split('/').cmp(b.split('/')), "{a:?} against {b:?}");
            }
        }
    }
}
