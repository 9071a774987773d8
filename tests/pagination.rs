//! Pagination on a generated site of 300 readings: the home page, sections, tags and the list of
//! people each split at `page_size`, every page linked from its neighbours and listed in the sitemap.

#[path = "../examples/gen_cohort/cohort.rs"]
mod cohort;
mod common;

use std::collections::BTreeSet;

use common::{build, page, read_tree, select};

#[test]
fn three_hundred_readings_make_pages_every_one_in_the_sitemap() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    cohort::generate(&root, cohort::Size::parse("300x2").unwrap(), 3).unwrap();
    let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{config}\npage_size: 25\n")).unwrap();
    let output = dir.path().join("public");
    build(&root, &output, &[]);

    // 300 readings at 25 a page: the home page and 11 more, no 13th.
    let files = read_tree(&output);
    assert!(files.contains_key("page/12/index.html"));
    assert!(!files.contains_key("page/13/index.html"));
    let first = page(&output, "index.html");
    assert_eq!(select(&first, ".card").len(), 25);
    assert_eq!(select(&first, "link[rel=prev]").len(), 0);
    let next: Vec<_> = select(&first, "link[rel=next]").iter().map(|l| l.attr("href").unwrap().to_string()).collect();
    assert_eq!(next, ["page/2/index.html"]);
    let middle = page(&output, "page/5/index.html");
    assert_eq!(select(&middle, "link[rel=prev]")[0].attr("href"), Some("../../page/4/index.html"));
    assert_eq!(select(&middle, "a[rel=next]")[0].attr("href"), Some("../../page/6/index.html"));
    let numbers = select(&middle, ".pagination ol a");
    assert_eq!(numbers.len(), 12);
    let current = select(&middle, ".pagination a[aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].attr("href"), Some("index.html"));
    let last = page(&output, "page/12/index.html");
    assert_eq!(select(&last, ".card").len(), 25);
    assert_eq!(select(&last, "link[rel=next]").len(), 0);

    // Every reading is on exactly one page of the home page.
    let mut seen = BTreeSet::new();
    for n in 1..=12 {
        let file = if n == 1 { "index.html".to_string() } else { format!("page/{n}/index.html") };
        for card in select(&page(&output, &file), ".card-title a") {
            // From page 2 on, links climb out of `page/N/` first.
            let reading = card.attr("href").unwrap().trim_start_matches("../").to_string();
            assert!(seen.insert(reading), "a reading on two pages");
        }
    }
    assert_eq!(seen.len(), 300);

    // Tag pages, section pages and the people list stay within the page size.
    let mut paged_lists = 0;
    for (name, bytes) in &files {
        if !name.ends_with("index.html") || !(name.starts_with("tags/") || name.contains("/page/")) {
            continue;
        }
        let html = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        assert!(select(&html, ".card").len() <= 25, "{name} is longer than a page");
        paged_lists += usize::from(name.contains("/page/") && !name.starts_with("page/"));
    }
    assert!(paged_lists > 0, "some section or tag has more than one page");

    // The sitemap lists every page written, no more.
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let listed: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|rest| rest.split_once("</loc>").unwrap().0.trim_start_matches("https://example.org/cohort/").to_string())
        .collect();
    let written: BTreeSet<String> =
        files.keys().filter_map(|f| f.strip_suffix("index.html")).map(str::to_string).collect();
    assert_eq!(listed, written);
}

#[test]
fn a_page_size_out_of_range_is_an_error_at_its_line() {
    let site = common::site(&[
        ("site.yaml", "title: T\npage_size: 2\n"),
        ("content/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"),
    ]);
    let out = common::roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("site.yaml:2"), "{stderr}");
    assert!(stderr.contains("page_size 2 is out of range"), "{stderr}");
}
