//! Addresses: the sitemap lists exactly the pages a build writes, whatever kinds of page there are.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{build, copy_fixture, read_tree};

#[test]
fn the_sitemap_lists_exactly_the_html_pages_written() {
    let root = copy_fixture("basic");
    // A writer with 250 reflections has three pages: `authors/busy-bee/page/2/` and `page/3/` too.
    let mut thread = String::new();
    for i in 0..250 {
        thread += &format!(
            "- id: b{i}\n  author: Busy Bee\n  date: 2011-08-20T{:02}:{:02}:00Z\n  body: Note {i}.\n",
            i / 60,
            i % 60
        );
    }
    let week = root.path().join("content/week");
    fs::write(week.join("2011-08-20-busy.md"), "---\ntitle: Busy\ndate: 2011-08-20\n---\nText.\n").unwrap();
    fs::write(week.join("2011-08-20-busy.comments.yaml"), thread).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(root.path(), &output, &[]);

    let files = read_tree(&output);
    let html: BTreeSet<&str> = files.keys().map(String::as_str).filter(|f| f.ends_with(".html")).collect();
    let error_page = "404.html";
    assert!(html.contains(error_page));
    let pages: BTreeSet<String> = html
        .iter()
        .filter(|&&f| f != error_page)
        .map(|f| {
            let folder =
                f.strip_suffix("index.html").unwrap_or_else(|| panic!("{f} is a page but not a folder's index.html"));
            format!("https://example.org/cohort/{folder}")
        })
        .collect();
    assert!(pages.contains("https://example.org/cohort/authors/busy-bee/page/3/"), "{pages:#?}");

    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let listed: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|rest| rest.split_once("</loc>").expect("a closed <loc>").0.to_string())
        .collect();
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(unique.len(), listed.len(), "each page once: {listed:#?}");
    assert_eq!(unique, pages, "the sitemap and the pages written");
}
