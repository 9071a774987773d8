//! Threads on the page: nesting, date order, `max_depth`, and chains thousands deep.

mod common;

use common::{build, fixture, page, select, site};
use scraper::ElementRef;

/// The ids of the comment elements that contain `element`, innermost first.
fn comment_ancestors(element: ElementRef) -> Vec<String> {
    element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .filter_map(|e| e.attr("id").filter(|id| id.starts_with("comment-")).map(String::from))
        .collect()
}

fn comment<'a>(html: &'a scraper::Html, id: &str) -> ElementRef<'a> {
    let found = select(html, &format!("[id=\"comment-{id}\"]"));
    assert_eq!(found.len(), 1, "one element for comment {id}");
    found[0]
}

#[test]
fn replies_nest_inside_their_parent_in_date_order() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("basic"), &out.path().join("public"), &[]);
    let html = page(&out.path().join("public"), "week/client-focus/index.html");
    assert_eq!(comment_ancestors(comment(&html, "c2")), ["comment-c1"]);
    assert!(comment_ancestors(comment(&html, "c1")).is_empty());
    let ids: Vec<&str> = select(&html, "[id^=\"comment-\"]").iter().map(|e| e.attr("id").unwrap()).collect();
    assert_eq!(
        ids,
        ["comment-c5", "comment-c1", "comment-c2", "comment-c3", "comment-c4"],
        "roots and replies in date order"
    );
}

#[test]
fn replies_past_max_depth_are_shown_flat_with_their_parent_named() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("basic"), &out.path().join("public"), &[]);
    let html = page(&out.path().join("public"), "week/client-focus/index.html");
    // max_depth is 2 in this fixture: c3 answers c2 (level 2), so it sits beside c2, inside c1.
    assert_eq!(comment_ancestors(comment(&html, "c3")), ["comment-c1"]);
    assert_eq!(comment_ancestors(comment(&html, "c4")), ["comment-c1"]);
    let to_parent = select(&html, "[id=\"comment-c3\"] a[href$=\"#comment-c2\"]");
    assert!(!to_parent.is_empty(), "c3 links to the comment it answers");
    assert!(to_parent.iter().any(|a| a.text().collect::<String>().contains("Athena Loopstra")), "and names its author");
}

#[test]
fn a_bundles_comments_folder_joins_its_thread() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("basic"), &out.path().join("public"), &[]);
    let html = page(&out.path().join("public"), "week/trust/index.html");
    assert_eq!(comment_ancestors(comment(&html, "t2")), ["comment-t1"]);
    assert_eq!(select(&html, "[id=\"comment-t2\"] input[type=\"checkbox\"][disabled]").len(), 2, "task lists survive");
}

#[test]
fn a_reply_chain_ten_thousand_deep_builds_and_nests_no_deeper_than_max_depth() {
    let mut thread = String::from("- id: c0\n  author: Ana\n  date: 2011-08-08T00:00:00Z\n  body: start\n");
    for i in 1..10_000 {
        thread.push_str(&format!(
            "- id: c{i}\n  author: {}\n  date: 2011-08-08T{:02}:{:02}:{:02}Z\n  reply_to: c{}\n  body: reply {i}\n",
            if i % 2 == 0 { "Ana" } else { "Ben" },
            i / 3600,
            i / 60 % 60,
            i % 60,
            i - 1
        ));
    }
    let dir = site(&[
        ("site.yaml", "thread:\n  max_depth: 4\n"),
        ("content/r/deep.md", "---\ntitle: Deep\ndate: 2011-08-08\n---\n"),
        ("content/r/deep.comments.yaml", &thread),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let html = page(&output, "r/deep/index.html");
    assert_eq!(select(&html, "[id^=\"comment-c\"]").len(), 10_000);
    assert_eq!(comment_ancestors(comment(&html, "c9999")), ["comment-c2", "comment-c1", "comment-c0"]);
}
