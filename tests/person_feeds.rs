//! `authors/<person>/replies.xml`: the replies to one person's comments and the comments naming
//! them, as Atom checked by a strict XML parser, with exactly the expected entries: published
//! comments only (nothing pending or removed, no draft or scheduled reading), never their own.
//! On `fixtures/cohort-rhythm/` (see `rhythm.rs` for its story) and on small sites made here.

mod common;

use std::fs;
use std::path::Path;

use common::{build, files_containing, fixture, page, select};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// One element named `name` below `node`, exactly one.
fn only<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    let found: Vec<_> = node.children().filter(|n| n.has_tag_name((ATOM, name))).collect();
    assert_eq!(found.len(), 1, "<{}> must have one <{name}>", node.tag_name().name());
    found[0]
}

fn date(node: roxmltree::Node) -> chrono::DateTime<chrono::FixedOffset> {
    let text = node.text().unwrap_or_default();
    chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text:?} is no RFC 3339 date: {e}"))
}

/// A person's feed, parsed and checked as Atom: its `updated` and its entries as (id, content).
fn feed(output: &Path, person: &str) -> (String, Vec<(String, String)>) {
    let text = fs::read_to_string(output.join(format!("authors/{person}/replies.xml"))).unwrap();
    let xml = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{person}'s feed: {e}"));
    let root = xml.root_element();
    assert!(root.has_tag_name((ATOM, "feed")), "{person}");
    let self_link = format!("https://example.org/r/authors/{person}/replies.xml");
    assert_eq!(only(root, "id").text(), Some(self_link.as_str()));
    assert!(!only(root, "title").text().unwrap_or_default().is_empty());
    let links: Vec<_> = root.children().filter(|n| n.has_tag_name((ATOM, "link"))).collect();
    let href = |rel: &str| links.iter().find(|l| l.attribute("rel") == Some(rel)).and_then(|l| l.attribute("href"));
    assert_eq!(href("self"), Some(self_link.as_str()));
    assert_eq!(href("alternate"), Some(format!("https://example.org/r/authors/{person}/").as_str()));
    let updated = date(only(root, "updated")).to_rfc3339();
    let entries = root
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .map(|entry| {
            let id = only(entry, "id").text().unwrap().to_string();
            assert_eq!(only(entry, "link").attribute("href"), Some(id.as_str()));
            assert!(!only(entry, "title").text().unwrap_or_default().is_empty());
            assert!(date(only(entry, "published")) <= date(only(entry, "updated")));
            assert!(!only(only(entry, "author"), "name").text().unwrap_or_default().is_empty());
            let content = only(entry, "content");
            assert_eq!(content.attribute("type"), Some("html"));
            (id, content.text().unwrap_or_default().to_string())
        })
        .collect();
    (updated, entries)
}

fn ids(entries: &[(String, String)]) -> Vec<&str> {
    entries.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn each_person_has_a_feed_of_the_replies_to_them_and_the_mentions_of_them() {
    let out = tempfile::tempdir().unwrap();
    let output = build(&fixture("cohort-rhythm"), out.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let two = "https://example.org/r/week/two/#comment-";
    let one = "https://example.org/r/week/one/#comment-";
    let (_, dee) = feed(out.path(), "dee");
    assert_eq!(
        ids(&dee),
        [format!("{two}a2"), format!("{two}b2")],
        "newest first; her answer to herself, Cy's pending reply and Fay's removed one are left out"
    );
    assert!(dee[0].1.contains("Ana answers Dee late.") && !dee[0].1.contains("<script"), "{dee:?}");
    let (updated, ana) = feed(out.path(), "ana");
    assert_eq!(ids(&ana), [format!("{one}b2"), format!("{one}f1")], "Ben and Fay answered Ana");
    assert_eq!(updated, "2024-01-06T10:00:00+00:00", "the newest entry's date, not her own later comment's");
    let (_, ben) = feed(out.path(), "ben");
    assert_eq!(ids(&ben), [format!("{one}a2")]);
    let (_, cy) = feed(out.path(), "cy");
    assert_eq!(ids(&cy), [format!("{two}b1")], "Ben names Cy");
    assert!(cy[0].1.contains("Where is"), "{cy:?}");
    let (updated, fay) = feed(out.path(), "fay");
    assert!(fay.is_empty(), "no one answered Fay");
    assert_eq!(updated, "2024-01-02T10:00:00+00:00", "an empty feed is dated by her latest comment");
    let members = ["ana@", "ben@", "cy@", "dee@", "fay@"];
    for private in members.into_iter().chain(["secret reply", "Taken down"]) {
        assert_eq!(files_containing(out.path(), private), Vec::<String>::new(), "{private} reached the site");
    }
}

#[test]
fn a_persons_page_announces_and_links_their_feed_and_the_sitemap_lists_no_feed() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("cohort-rhythm"), out.path(), &[]);
    let html = page(out.path(), "authors/ana/index.html");
    // Links are relative to the page (see routes.rs).
    let href = "../../authors/ana/replies.xml";
    let head = select(&html, &format!("head link[rel=alternate][type=\"application/atom+xml\"][href=\"{href}\"]"));
    assert_eq!(head.len(), 1, "announced in the head");
    let title = head[0].value().attr("title").unwrap();
    assert_eq!(title, "Replies to and mentions of Ana Silva");
    let visible = select(&html, &format!("main a[href=\"{href}\"]"));
    assert_eq!(visible.len(), 1, "a visible link");
    assert!(visible[0].text().collect::<String>().contains("Ana Silva"));
    let sitemap = fs::read_to_string(out.path().join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains(".xml<"), "the sitemap lists pages, as for the other feeds: {sitemap}");
}

const AUTHORS: &str = "ana:\n  name: Ana Silva\nben:\n  name: Ben Ode\n";

fn reading(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{extra}---\nText.\n")
}

#[test]
fn drafts_scheduled_readings_removed_comments_and_waiting_ones_are_not_in_a_feed() {
    let thread = "- id: c1\n  author: ana\n  date: 2024-03-02T09:00:00Z\n  body: Ana.\n\
                  - id: c2\n  author: ben\n  date: 2024-03-02T10:00:00Z\n  reply_to: c1\n  body: Ben to Ana.\n";
    let removed = "- id: c1\n  author: ana\n  date: 2024-03-02T09:00:00Z\n  status: removed\n  body: Gone.\n\
                   - id: c2\n  author: ben\n  date: 2024-03-02T10:00:00Z\n  reply_to: c1\n  body: To a removed one.\n\
                   - id: c3\n  author: Anonymous\n  date: 2024-03-03T10:00:00Z\n  body: Anonymous names @Ana Silva.\n\
                   - id: c4\n  author: ben\n  date: 2024-03-03T11:00:00Z\n  status: pending\n  body: Waiting @Ana Silva.\n";
    let dir = common::site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/r/\ntimezone: UTC\n"),
        ("authors.yaml", AUTHORS),
        ("content/r/2024-03-01-open.md", &reading("Open", "2024-03-01", "")),
        ("content/r/2024-03-01-open.comments.yaml", removed),
        ("content/r/2024-03-01-draft.md", &reading("Draft", "2024-03-01", "draft: true\n")),
        ("content/r/2024-03-01-draft.comments.yaml", thread),
        ("content/r/2099-03-01-later.md", &reading("Later", "2099-03-01", "")),
        ("content/r/2099-03-01-later.comments.yaml", thread),
    ]);
    let out = dir.path().join("public");
    let output = build(dir.path(), &out, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (_, ana) = feed(&out, "ana");
    assert_eq!(ids(&ana), ["https://example.org/r/r/open/#comment-c3"], "only the anonymous mention counts");
    let (_, ben) = feed(&out, "ben");
    assert!(ben.is_empty());
    // With --drafts and --future, the same feeds hold what those builds publish.
    let output = build(dir.path(), &out, &["--drafts", "--future"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (_, ana) = feed(&out, "ana");
    assert_eq!(ana.len(), 3, "{ana:?}");
}
