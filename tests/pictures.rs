//! Pictures: in a comment, a link with its alt text unless `pictures:` allows its host; a picture
//! without an address (a reading's template placeholder) is dropped, its alt text kept, with a warning.

mod common;

use common::{page, roundtable, select, site};

fn cohort(settings: &str) -> tempfile::TempDir {
    site(&[
        ("site.yaml", &format!("title: T\nbase_url: https://example.org/\n{settings}")),
        ("content/r/2024-01-01-a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nSee ![the chart]() and <img src=\"\" alt=\"two\">.\n"),
        (
            "content/r/2024-01-01-a.comments.yaml",
            "- id: c1\n  author: Ana\n  date: 2024-01-02\n  body: \"Looks something like this: ![a whiteboard](https://img.example/board.png)\"\n",
        ),
    ])
}

#[test]
fn a_comment_picture_is_a_link_by_default_and_an_empty_address_is_warned_of() {
    let dir = cohort("");
    let out = tempfile::tempdir().unwrap();
    let result = roundtable([
        "build",
        "--no-cache",
        "--root",
        dir.path().to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("content/r/2024-01-01-a.md: warning: 2 picture(s)"), "{stderr}");
    assert!(stderr.contains("have no address"), "{stderr}");
    let html = page(out.path(), "r/a/index.html");
    assert!(select(&html, "img").is_empty(), "no picture is loaded from anywhere");
    let link = select(&html, ".comment-body a.picture-link");
    assert_eq!(link.len(), 1);
    assert_eq!(link[0].attr("href"), Some("https://img.example/board.png"));
    assert_eq!(link[0].text().collect::<String>(), "a whiteboard");
    let text: String = select(&html, ".content")[0].text().collect();
    assert!(text.contains("See the chart and two."), "{text}");
}

#[test]
fn an_allowed_host_shows_the_picture_lazily_without_a_referrer() {
    let dir = cohort("pictures:\n  hosts: [IMG.example]\n");
    let out = tempfile::tempdir().unwrap();
    common::build(dir.path(), out.path(), &[]);
    let html = page(out.path(), "r/a/index.html");
    let img = select(&html, ".comment-body img");
    assert_eq!(img.len(), 1);
    assert_eq!(img[0].attr("alt"), Some("a whiteboard"));
    assert_eq!(img[0].attr("loading"), Some("lazy"));
    assert_eq!(img[0].attr("referrerpolicy"), Some("no-referrer"));
    assert!(select(&html, "img[src='']").is_empty());
}

#[test]
fn a_host_with_a_scheme_is_an_error_at_its_line() {
    let dir = cohort("pictures:\n  hosts: [https://img.example/]\n");
    let result = roundtable(["check", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(stderr.contains("site.yaml:3"), "{stderr}");
    assert!(stderr.contains("is not a host name"), "{stderr}");
}
