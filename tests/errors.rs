//! Every kind of content error, reported all at once, each at its exact file, line and column.
//!
//! Each folder under `tests/fixtures/errors/` is a site full of mistakes; its
//! `expected-stderr.txt` is what `roundtable check` must print.

mod common;

use common::{assert_matches_file, fixture, roundtable};

fn check_case(case: &str) {
    let root = fixture(&format!("errors/{case}"));
    let result = roundtable(["check", "--root", root.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1), "content errors exit with 1");
    assert!(result.stdout.is_empty(), "errors go to stderr only");
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert_matches_file(&stderr, &root.join("expected-stderr.txt"));
}

#[test]
fn front_matter_errors_name_file_line_and_key() {
    check_case("front-matter");
}

#[test]
fn thread_errors_name_the_comment() {
    check_case("threads");
}

#[test]
fn every_bad_site_setting_is_reported() {
    check_case("site-config");
}

#[test]
fn authors_file_errors_name_the_entry() {
    check_case("authors");
}

#[test]
fn clashing_addresses_are_refused() {
    check_case("paths");
}

#[test]
fn yaml_syntax_errors_are_in_plain_words_at_the_line_at_fault() {
    check_case("yaml-syntax");
}

#[test]
fn every_id_problem_of_a_thread_is_found_in_one_run() {
    check_case("thread-ids");
}

#[test]
fn keys_of_other_generators_get_a_hint_and_repeats_are_grouped() {
    check_case("migration");
}

#[test]
fn text_nested_too_deeply_is_refused_before_parsing() {
    check_case("nesting");
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let site = common::site(&[("content/r/a.md", "---\ntitle: A\ndate: 2011-08-08\n---\n")]);
    std::fs::write(site.path().join("content/r/a.comments.yaml"), b"- id: c1\n  author: Ana\n  body: caf\xe9\n")
        .unwrap();
    let result = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr.starts_with("content/r/a.comments.yaml:3:12: error: this file is not valid UTF-8 text"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_site_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: S\ndate: 2011-08-08\n---\nsecret\n").unwrap();
    let site = common::site(&[("content/r/a.md", "---\ntitle: A\ndate: 2011-08-08\n---\n")]);
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.path().join("content/r/leak.md")).unwrap();
    let result = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr.starts_with("content/r/leak.md: error: this links to"), "{stderr}");
    assert!(stderr.contains("outside the site folder"), "{stderr}");
}

#[test]
fn bom_crlf_and_an_empty_thread_build() {
    let site = common::site(&[
        ("content/r/a.md", "\u{feff}---\r\ntitle: A\r\ndate: 2011-08-08\r\n---\r\nBody\r\n"),
        ("content/r/a.comments.yaml", "# no comments yet\n"),
        ("content/r/b.md", "---\ntitle: B\ndate: 2011-08-09\n---\n"),
        (
            "content/r/b.comments.yaml",
            "\u{feff}- id: c1\r\n  author: Ana\r\n  date: 2011-08-09\r\n  body: |\r\n    Hi\r\n",
        ),
    ]);
    let output = site.path().join("public");
    let result = common::build(site.path(), &output, &[]);
    assert!(String::from_utf8_lossy(&result.stdout).contains("2 readings, 1 comment"));
    let a = common::page(&output, "r/a/index.html");
    assert_eq!(common::select(&a, "h1")[0].text().collect::<String>(), "A", "no BOM before the title");
    assert!(common::select(&a, "[id^=\"comment-\"]").is_empty(), "the empty thread has no comments");
    let b = common::page(&output, "r/b/index.html");
    let body: String = common::select(&b, "[id=\"comment-c1\"] .comment-body")[0].text().collect();
    assert_eq!(body.trim(), "Hi", "no carriage return is left in the text");
}

#[test]
fn names_close_to_a_listed_persons_are_warnings_with_a_did_you_mean() {
    let site = common::site(&[
        ("authors.yaml", "claire-dufresne:\n  name: Claire Dufresne\nalex-chen:\n  name: Alex Chen\n"),
        ("content/r/a.md", "---\ntitle: A\ndate: 2011-08-08\nauthor: Claire\n---\n"),
        (
            "content/r/a.comments.yaml",
            "- id: c1\n  author: Alex Chn\n  date: 2011-08-08\n  body: Hi\n- id: c2\n  author: Alex Chn\n  date: 2011-08-09\n  body: Again\n- id: c3\n  author: Dana Whitfield\n  date: 2011-08-09\n  body: A guest\n",
        ),
    ]);
    let expected =
        "content/r/a.comments.yaml:2:3: warning: `Alex Chn` is not in authors.yaml, so they get a page of their own
  |
2 |   author: Alex Chn
  |   ^^^^^^
  help: did you mean `Alex Chen`? if it is the same person, add `Alex Chn` to their `aliases:` in authors.yaml
content/r/a.md:4:1: warning: `Claire` is not in authors.yaml, so they get a page of their own
  |
4 | author: Claire
  | ^^^^^^
  help: did you mean `Claire Dufresne`? if it is the same person, add `Claire` to their `aliases:` in authors.yaml
";
    let root = site.path().to_str().unwrap();
    for command in ["check", "build"] {
        let result = roundtable([command, "--root", root]);
        assert_eq!(result.status.code(), Some(0), "warnings do not fail a {command}");
        assert_eq!(String::from_utf8(result.stderr).unwrap(), expected, "{command}");
    }
}

#[test]
fn names_that_cannot_be_folders_and_too_many_tags_are_refused() {
    check_case("names");
}

#[test]
fn nesting_walks_and_padded_tables_are_refused_at_their_comment() {
    check_case("expansion");
}

#[test]
fn paths_too_long_for_windows_are_refused_at_their_section_or_reading() {
    check_case("long-paths");
    // `build` refuses the same, and writes nothing.
    let root = fixture("errors/long-paths");
    let output = tempfile::tempdir().unwrap();
    let public = output.path().join("public");
    let result = roundtable(["build", "--root", root.to_str().unwrap(), "--output", public.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let expected = std::fs::read_to_string(root.join("expected-stderr.txt")).unwrap();
    let problems = expected.rsplit_once("roundtable: ").unwrap().0;
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert_eq!(stderr, format!("{problems}roundtable: 3 errors found; nothing was written\n"));
    assert!(!public.exists());
}
