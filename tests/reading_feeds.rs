//! `<reading>/comments.xml`: one discussion as an Atom feed, linked from its page.

mod common;

use std::fs;

use common::{build, fixture, page, select};

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name((ATOM, name)))
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", node.tag_name().name()))
}

#[test]
fn each_reading_has_an_atom_feed_of_its_comments() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let mut feeds = 0;
    for reading in ["week/client-focus", "week/trust"] {
        let text = fs::read_to_string(output.join(reading).join("comments.xml")).unwrap();
        let xml = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{reading}: {e}"));
        let feed = xml.root_element();
        assert!(feed.has_tag_name((ATOM, "feed")), "{reading}");
        let permalink = format!("https://example.org/cohort/{reading}/");
        assert_eq!(child(feed, "id").text(), Some(format!("{permalink}comments.xml").as_str()));
        assert!(child(feed, "title").text().unwrap().starts_with("Comments on "));
        assert!(chrono::DateTime::parse_from_rfc3339(child(feed, "updated").text().unwrap()).is_ok());
        let alternate = feed.children().find(|n| n.attribute("rel") == Some("alternate")).unwrap();
        assert_eq!(alternate.attribute("href"), Some(permalink.as_str()));
        let entries: Vec<_> = feed.children().filter(|n| n.has_tag_name((ATOM, "entry"))).collect();
        assert!(!entries.is_empty(), "{reading}");
        for entry in &entries {
            let id = child(*entry, "id").text().unwrap();
            assert!(id.starts_with(&format!("{permalink}#comment-")), "{id} belongs to {reading}");
            assert_eq!(child(*entry, "link").attribute("href"), Some(id));
            assert!(!child(*entry, "title").text().unwrap().is_empty());
            assert!(chrono::DateTime::parse_from_rfc3339(child(*entry, "updated").text().unwrap()).is_ok());
            assert_eq!(child(*entry, "content").attribute("type"), Some("html"));
        }
        let page_html = page(&output, &format!("{reading}/index.html"));
        let href = format!("../../{reading}/comments.xml");
        let head =
            select(&page_html, &format!("head link[rel=alternate][type=\"application/atom+xml\"][href=\"{href}\"]"));
        assert_eq!(head.len(), 1, "{reading}: announced in the head");
        assert_eq!(select(&page_html, &format!("main a[href=\"{href}\"]")).len(), 1, "{reading}: a visible link");
        feeds += 1;
    }
    assert_eq!(feeds, 2);
}

#[test]
fn a_reading_without_comments_has_an_empty_feed_dated_like_the_reading() {
    let dir = common::site(&[(
        "content/r/2024-03-05-quiet.md",
        "---\ntitle: Quiet\ndate: 2024-03-05T09:00:00Z\n---\nNo one yet.\n",
    )]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let text = fs::read_to_string(output.join("r/quiet/comments.xml")).unwrap();
    let xml = roxmltree::Document::parse(&text).unwrap();
    let feed = xml.root_element();
    assert_eq!(child(feed, "updated").text(), Some("2024-03-05T09:00:00+00:00"));
    assert_eq!(feed.children().filter(|n| n.has_tag_name((ATOM, "entry"))).count(), 0);
}
