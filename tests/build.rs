//! `roundtable build`: whole output, determinism, links under a sub-path, atomic replacement.

mod common;

use std::fs;

use common::{assert_matches_file, build, copy_fixture, fixture, page, read_tree, roundtable, select};

#[test]
fn the_basic_site_matches_its_golden_copy() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let golden = fixture("golden-basic");
    // The search index's files are checked by tests/search.rs, which reads them back.
    let mut files = read_tree(&output);
    files.retain(|path, _| !path.starts_with("search/") || path == "search/index.html");
    if std::env::var(common::BLESS).is_ok_and(|v| v == "1") {
        let _ = fs::remove_dir_all(&golden);
        for (path, bytes) in &files {
            let target = golden.join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
    }
    let expected = read_tree(&golden);
    assert_eq!(files.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>(), "the same files are written");
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert_matches_file(&text, &golden.join(path));
    }
}

#[test]
fn two_builds_and_a_single_threaded_build_write_the_same_bytes() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("basic"), &out.path().join("a"), &[]);
    build(&fixture("basic"), &out.path().join("b"), &[]);
    let serial = std::process::Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .env("RAYON_NUM_THREADS", "1")
        .args(["build", "--no-cache", "--root", fixture("basic").to_str().unwrap(), "--output"])
        .arg(out.path().join("c"))
        .output()
        .unwrap();
    assert!(serial.status.success());
    let first = read_tree(&out.path().join("a"));
    assert_eq!(first, read_tree(&out.path().join("b")));
    assert_eq!(first, read_tree(&out.path().join("c")));
}

#[test]
fn a_failed_build_leaves_the_old_output_and_no_staging_folder() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(site.path(), &output, &[]);
    let before = read_tree(&output);
    // A template that fails while rendering one of the last pages, after others were staged.
    fs::create_dir_all(site.path().join("templates")).unwrap();
    let failing = "{% if tag.slug == \"trust\" %}{{ tag.missing.deeper }}{% endif %}{{ tag.name }}";
    fs::write(site.path().join("templates/tag.html"), failing).unwrap();
    let result = roundtable(["build", "--root", site.path().to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("templates/tag.html:1:"), "{stderr}");
    assert!(stderr.contains("while making /tags/trust/index.html"), "{stderr}");
    assert!(stderr.contains("the previous output was left as it was"), "{stderr}");
    assert_eq!(read_tree(&output), before, "the old site is intact");
    let left: Vec<_> = fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["public"], "no staging folder is left behind");
}

#[test]
fn an_unknown_filter_is_reported_at_its_line() {
    let site = copy_fixture("basic");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(site.path().join("templates/tags.html"), "\n{{ tags | no_such_filter }}").unwrap();
    let result = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.starts_with("templates/tags.html:2:11: error: Unknown filter `no_such_filter`"), "{stderr}");
}

#[test]
fn a_content_error_leaves_the_old_output() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(site.path(), &output, &[]);
    let before = read_tree(&output);
    fs::write(site.path().join("content/week/broken.md"), "---\ntitle: Broken\ndate: someday\n---\n").unwrap();
    let result = roundtable(["build", "--root", site.path().to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr)
        .starts_with("content/week/broken.md:3:1: error: `someday` is not a date"));
    assert_eq!(read_tree(&output), before);
}

#[test]
fn files_that_no_longer_belong_are_gone_after_a_build() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(site.path(), &output, &[]);
    assert!(output.join("week/trust/cycle.svg").is_file());
    fs::remove_dir_all(site.path().join("content/week/2011-08-15-trust")).unwrap();
    build(site.path(), &output, &[]);
    assert!(!output.join("week/trust").exists());
    assert!(!output.join("tags/trust").exists());
}

#[test]
fn a_folder_roundtable_did_not_write_is_never_replaced() {
    let out = tempfile::tempdir().unwrap();
    fs::write(out.path().join("thesis.docx"), "years of work").unwrap();
    let result =
        roundtable(["build", "--root", fixture("basic").to_str().unwrap(), "--output", out.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("did not write"));
    assert_eq!(fs::read_to_string(out.path().join("thesis.docx")).unwrap(), "years of work");
    let site = copy_fixture("basic");
    let result = roundtable(["build", "--root", site.path().to_str().unwrap(), "--output", "content"]);
    assert_eq!(result.status.code(), Some(1), "the output may not replace the site's own files");
    assert!(site.path().join("content/week/_index.md").is_file());
}

#[test]
fn drafts_are_built_only_when_asked() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("basic"), &out.path().join("plain"), &[]);
    assert!(!out.path().join("plain/week/draft").exists());
    build(&fixture("basic"), &out.path().join("drafts"), &["--drafts"]);
    assert!(out.path().join("drafts/week/draft/index.html").is_file());
}

#[test]
fn check_writes_nothing() {
    let site = copy_fixture("basic");
    let before = read_tree(site.path());
    let result = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    assert!(result.status.success());
    assert_eq!(read_tree(site.path()), before);
    assert!(!site.path().join("public").exists());
}

#[test]
fn hostile_html_in_a_comment_is_cleaned() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("basic"), &out.path().join("public"), &[]);
    let html = page(&out.path().join("public"), "week/client-focus/index.html");
    let comment = select(&html, "[id=\"comment-c5\"]");
    let text = comment[0].html();
    assert!(!text.contains("<script"), "{text}");
    assert!(!text.contains("javascript:"), "{text}");
    assert!(text.contains("<b>bold</b>"), "{text}");
    for link in select(&html, "[id=\"comment-c1\"] a[href^=\"http\"]") {
        assert_eq!(link.attr("rel"), Some("nofollow ugc noopener noreferrer"));
    }
}

#[test]
fn feeds_and_sitemap_use_absolute_addresses() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let atom = fs::read_to_string(output.join("atom.xml")).unwrap();
    assert!(atom.starts_with("<?xml"), "{atom}");
    assert!(atom.contains("https://example.org/cohort/week/client-focus/"));
    let comments = fs::read_to_string(output.join("comments.xml")).unwrap();
    assert!(comments.contains("https://example.org/cohort/week/client-focus/#comment-c4"));
    assert!(!comments.contains("<script"), "comment HTML is escaped inside the feed");
    let sitemap = fs::read_to_string(output.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/cohort/authors/guest-principal-rao/</loc>"), "{sitemap}");
}

#[test]
fn a_site_without_settings_links_relatively() {
    let dir = common::site(&[("content/r/2011-08-08-a.md", "---\ntitle: A\ndate: 2011-08-08\n---\nHello.\n")]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let html = page(&output, "index.html");
    let links: Vec<&str> = select(&html, ".card-title a").iter().map(|a| a.attr("href").unwrap()).collect();
    assert_eq!(links, ["r/a/index.html"]);
    assert_eq!(select(&html, "html")[0].attr("lang"), Some("en"), "the default language");
}

#[test]
fn base_url_on_the_command_line_wins() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &["--base-url", "https://preview.example.net/try/"]);
    let html = page(&output, "index.html");
    let canonical = select(&html, "link[rel=canonical]")[0].attr("href").unwrap();
    assert_eq!(canonical, "https://preview.example.net/try/");
    // Links between pages stay relative: only the absolute addresses take the base URL.
    assert!(select(&html, ".card-title a").iter().all(|a| a.attr("href").unwrap().starts_with("week/")));
    let refused = roundtable([
        "build",
        "--root",
        fixture("basic").to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--base-url",
        "javascript:x",
    ]);
    assert_eq!(refused.status.code(), Some(2), "a mistake in the command");
    assert!(
        String::from_utf8_lossy(&refused.stderr).starts_with("--base-url: error: `javascript:x` is not a web address")
    );
}
