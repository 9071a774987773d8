//! The build cache: a warm build writes exactly what a cold one does, and stale or damaged entries are never used.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, read_tree, roundtable};

const CACHE: &str = ".roundtable/cache";
const THREAD: &str = "content/week/2011-08-08-client-focus.comments.yaml";

/// Builds with the cache; returns stdout and stderr.
fn build(root: &Path, output: &Path, extra: &[&str]) -> (String, String) {
    let mut args = vec!["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()];
    args.extend(extra);
    let result = roundtable(args);
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(result.status.success(), "build failed:\n{stderr}");
    (String::from_utf8(result.stdout).unwrap(), stderr)
}

#[test]
fn a_warm_build_writes_the_same_site_as_a_cold_one() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let (cold, _) = build(site.path(), &out.path().join("cold"), &[]);
    assert!(!cold.contains("build cache"), "{cold}");
    assert!(site.path().join(CACHE).join("bodies-00.bin").is_file());
    let (warm, _) = build(site.path(), &out.path().join("warm"), &[]);
    assert!(warm.contains("(8 of 8 texts from the build cache)"), "{warm}");
    build(site.path(), &out.path().join("uncached"), &["--no-cache"]);
    let cold = read_tree(&out.path().join("cold"));
    assert_eq!(cold, read_tree(&out.path().join("warm")));
    assert_eq!(cold, read_tree(&out.path().join("uncached")));
}

#[test]
fn a_changed_comment_is_cleaned_again() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build(site.path(), &out.path().join("first"), &[]);
    let thread = site.path().join(THREAD);
    let text = fs::read_to_string(&thread).unwrap().replace("Time is always short.", "Time is *never* enough.");
    fs::write(&thread, text).unwrap();
    let (summary, _) = build(site.path(), &out.path().join("second"), &[]);
    assert!(summary.contains("(7 of 8 texts from the build cache)"), "{summary}");
    let page = fs::read_to_string(out.path().join("second/week/client-focus/index.html")).unwrap();
    assert!(page.contains("Time is <em>never</em> enough."));
    assert!(!page.contains("Time is always short."));
}

#[test]
fn another_address_or_a_new_person_cleans_only_the_texts_that_could_mention_them() {
    let site = copy_fixture("basic");
    let thread = site.path().join(THREAD);
    let comment = "- id: c6\n  author: ben\n  date: 2011-08-08T13:00:00-04:00\n  body: \"Thanks, &#64;Bea New.\"\n";
    fs::write(&thread, fs::read_to_string(&thread).unwrap() + comment).unwrap();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), &out.path().join("first"), &[]);
    // As `serve` after `build` does: every page's links change, no cleaned text does.
    let (elsewhere, _) = build(site.path(), &out.path().join("elsewhere"), &["--base-url", "http://127.0.0.1:9/x/"]);
    assert!(elsewhere.contains("(9 of 9 texts from the build cache)"), "{elsewhere}");
    let page = fs::read_to_string(out.path().join("elsewhere/week/client-focus/index.html")).unwrap();
    assert!(page.contains(r#"<a class="mention" href="../../authors/benjamin-ortiz/index.html""#), "{page}");
    // A new person: only the comments with an `@`, typed or as a character reference, could name them.
    let authors = site.path().join("authors.yaml");
    let text = fs::read_to_string(&authors).unwrap();
    fs::write(&authors, format!("{text}bea-new:\n  name: Bea New\n")).unwrap();
    let (added, _) = build(site.path(), &out.path().join("added"), &[]);
    assert!(added.contains("(7 of 9 texts from the build cache)"), "{added}");
    let page = fs::read_to_string(out.path().join("added/week/client-focus/index.html")).unwrap();
    assert!(page.contains(r#"<a class="mention" href="../../authors/bea-new/index.html""#), "{page}");
    build(site.path(), &out.path().join("uncached"), &["--no-cache"]);
    assert_eq!(read_tree(&out.path().join("added")), read_tree(&out.path().join("uncached")));
}

#[test]
fn the_site_folder_named_another_way_parses_nothing_again() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let (_, first) = build(site.path(), &out.path().join("first"), &["-v"]);
    assert!(first.contains("3 of 3 readings parsed"), "{first}");
    // As `serve` names the folder whole after a `build` given it as typed.
    let (_, again) = build(&site.path().join("."), &out.path().join("second"), &["-v"]);
    assert!(again.contains("0 of 3 readings parsed"), "{again}");
    assert_eq!(read_tree(&out.path().join("first")), read_tree(&out.path().join("second")));
}

#[test]
fn a_damaged_cache_is_a_warning_and_a_cold_build() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build(site.path(), &out.path().join("first"), &[]);
    for shard in 0..16 {
        let cache = site.path().join(CACHE).join(format!("bodies-{shard:02}.bin"));
        let mut bytes = fs::read(&cache).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        fs::write(&cache, &bytes).unwrap();
    }
    let (summary, warnings) = build(site.path(), &out.path().join("second"), &[]);
    assert!(warnings.contains(".roundtable/cache/bodies-00.bin: warning: the build cache is damaged"), "{warnings}");
    assert!(!summary.contains("build cache"), "{summary}");
    assert_eq!(read_tree(&out.path().join("first")), read_tree(&out.path().join("second")));
    let (again, warnings) = build(site.path(), &out.path().join("third"), &[]);
    assert!(warnings.is_empty(), "the damaged cache was replaced: {warnings}");
    assert!(again.contains("(8 of 8 texts from the build cache)"), "{again}");
}

#[test]
fn no_cache_and_check_leave_no_cache_behind() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build(site.path(), &out.path().join("public"), &["--no-cache"]);
    assert!(roundtable(["check", "--root", site.path().to_str().unwrap()]).status.success());
    assert!(!site.path().join(".roundtable").exists());
}

#[test]
fn an_unchanged_site_is_not_built_again() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(site.path(), &output, &[]);
    let (again, _) = build(site.path(), &output, &[]);
    assert!(again.starts_with("Nothing changed since the last build"), "{again}");

    let thread = site.path().join(THREAD);
    let text = fs::read_to_string(&thread).unwrap().replace("Time is always short.", "Time flies.");
    fs::write(&thread, text).unwrap();
    let (edited, _) = build(site.path(), &output, &[]);
    assert!(edited.starts_with("Built "), "an edited thread is built: {edited}");
    assert!(fs::read_to_string(output.join("week/client-focus/index.html")).unwrap().contains("Time flies."));

    fs::remove_file(output.join("week/client-focus/index.html")).unwrap();
    let (repaired, _) = build(site.path(), &output, &[]);
    assert!(repaired.starts_with("Built "), "a changed output folder is built again: {repaired}");
    assert!(output.join("week/client-focus/index.html").is_file());

    let (other, _) = build(site.path(), &output, &["--drafts"]);
    assert!(other.starts_with("Built "), "other options build: {other}");
    let (forced, _) = build(site.path(), &output, &["--drafts", "--no-cache"]);
    assert!(forced.starts_with("Built "), "--no-cache always builds: {forced}");
}

/// The inode of a file: the same after a build when the build linked the old file instead of writing it.
#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap())
}

#[cfg(unix)]
#[test]
fn a_warm_build_links_unchanged_pages_and_writes_changed_ones() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(site.path(), &output, &[]);
    let (page, tags) = (output.join("week/client-focus/index.html"), output.join("tags/index.html"));
    let before = (inode(&page), inode(&tags));
    let thread = site.path().join(THREAD);
    let text = fs::read_to_string(&thread).unwrap().replace("Time is always short.", "Time flies.");
    fs::write(&thread, text).unwrap();
    build(site.path(), &output, &[]);
    assert_ne!(inode(&page), before.0, "the edited thread's page is written");
    assert_eq!(inode(&tags), before.1, "a page that does not show the thread is linked from the last build");

    // Damaged page keys and parsed readings are warnings, and every page is made again, the same.
    for file in ["pages.bin", "parsed-00.bin"] {
        let path = site.path().join(".roundtable/cache").join(file);
        let mut bytes = fs::read(&path).unwrap();
        bytes[30] ^= 1;
        fs::write(&path, bytes).unwrap();
    }
    fs::write(&thread, fs::read_to_string(&thread).unwrap().replace("Time flies.", "Time runs.")).unwrap();
    let (_, warnings) = build(site.path(), &output, &[]);
    for file in ["pages.bin", "parsed-00.bin"] {
        let warning = format!(".roundtable/cache/{file}: warning: the build cache is damaged");
        assert!(warnings.contains(&warning), "{warnings}");
    }
    assert_ne!(inode(&tags), before.1, "without keys every page is written");
    let cold = out.path().join("cold");
    build(site.path(), &cold, &["--no-cache"]);
    assert_eq!(read_tree(&output), read_tree(&cold));
}

/// The names of the folders in the trash.
fn trashed(site: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(site.join(".roundtable/trash")) else {
        return Vec::new();
    };
    entries.map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn the_output_a_build_replaced_waits_in_the_trash_for_the_next_build() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(site.path(), &output, &[]);
    assert_eq!(trashed(site.path()), Vec::<String>::new(), "the first build replaced nothing");
    let thread = site.path().join(THREAD);
    let edit = |from: &str, to: &str| {
        let text = fs::read_to_string(&thread).unwrap();
        assert!(text.contains(from));
        fs::write(&thread, text.replace(from, to)).unwrap();
    };
    edit("Time is always short.", "Time flies.");
    build(site.path(), &output, &[]);
    let first = trashed(site.path());
    assert_eq!(first.len(), 1, "{first:?}");
    let old = site.path().join(".roundtable/trash").join(&first[0]);
    let old_page = fs::read_to_string(old.join("week/client-focus/index.html")).unwrap();
    assert!(old_page.contains("Time is always short."), "the output replaced, whole");
    assert!(fs::read_to_string(output.join("week/client-focus/index.html")).unwrap().contains("Time flies."));

    edit("Time flies.", "Time runs.");
    build(site.path(), &output, &[]);
    let second = trashed(site.path());
    assert_eq!(second.len(), 1, "the next build removed what it found there: {second:?}");
    assert_ne!(second, first);
    let beside = || fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>();
    assert_eq!(beside(), ["public"], "nothing is left beside the output");

    edit("Time runs.", "Time waits.");
    build(site.path(), &output, &["--no-cache"]);
    assert_eq!(trashed(site.path()), second, "--no-cache neither uses the trash nor empties it");
    assert_eq!(beside(), ["public"], "the old output was removed");
}
