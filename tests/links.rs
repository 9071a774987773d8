//! Output that works anywhere: every link of every built page is followed the way a browser does
//! from the disk (`file://`), relative to the page's own file, and must reach a file of the output
//! (a folder would show a directory listing) and, with a `#fragment`, an element of that page. No
//! link starts with `/` or the base URL, except where an address must stand on its own: the
//! canonical link, feeds, the sitemap, and `404.html`, which a host shows at any address.
//!
//! Checked on the example site, on a generated cohort with pagination and nested sections, on the
//! basic fixture, and on a published participation report.

#[path = "../examples/gen_cohort/cohort.rs"]
mod cohort;
mod common;
#[path = "common/index.rs"]
mod index;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use common::{build, fixture, read_tree, roundtable, select};

/// What every site here is built with: a base URL with a sub-path, as the example's.
const ABSOLUTE: &str = "https://example.org/cohort/";
const ROOTED: &str = "/cohort/";

/// Where the theme prints texts people wrote (readings, sections, bios, comments): their links are theirs.
const WRITTEN: [&str; 4] = ["content", "summary", "bio", "comment-body"];

/// The attributes that hold an address a browser follows or loads.
const ADDRESSES: [&str; 4] = ["href", "src", "action", "data-index"];

/// The built site: file names, and the element ids of each HTML page (parsed once).
struct Built {
    files: BTreeMap<String, Vec<u8>>,
    ids: HashMap<String, BTreeSet<String>>,
}

impl Built {
    fn read(output: &Path) -> Built {
        let files = read_tree(output);
        let ids = files
            .iter()
            .filter(|(name, _)| name.ends_with(".html"))
            .map(|(name, bytes)| {
                let html = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
                let ids = select(&html, "[id]").iter().map(|e| e.value().id().unwrap().to_string()).collect();
                (name.clone(), ids)
            })
            .collect();
        Built { files, ids }
    }

    /// Follows `target` from the file `from` as a browser does from the disk; panics where it leads nowhere.
    fn follow(&self, from: &str, target: &str) {
        let (address, fragment) = target.split_once('#').unwrap_or((target, ""));
        let address = address.split('?').next().unwrap();
        let file = if address.is_empty() {
            from.to_string()
        } else {
            let mut parts: Vec<&str> = from.split('/').collect();
            parts.pop();
            for part in address.split('/') {
                match part {
                    ".." => assert!(parts.pop().is_some(), "{from}: `{target}` climbs out of the site"),
                    "." => {}
                    "" => panic!("{from}: `{target}` names a folder (from the disk it opens a directory listing)"),
                    name => parts.push(name),
                }
            }
            parts.join("/")
        };
        assert!(self.files.contains_key(&file), "{from}: `{target}` leads to `{file}`, which was not written");
        if !fragment.is_empty() {
            let ids = self.ids.get(&file).unwrap_or_else(|| panic!("{from}: `{target}` has an anchor in a non-page"));
            assert!(ids.contains(fragment), "{from}: `{target}`: `{file}` has no element `#{fragment}`");
        }
    }
}

/// Checks every address of every HTML page of `output`; returns how many were followed.
fn check_pages(output: &Path) -> usize {
    let built = Built::read(output);
    let mut followed = 0;
    for (name, bytes) in built.files.iter().filter(|(name, _)| name.ends_with(".html")) {
        let html = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for element in select(&html, "[href], [src], [action], [data-index]") {
            let value = element.value();
            let rel = value.attr("rel").unwrap_or_default();
            let mention = value.classes().any(|c| c == "mention");
            let written = element
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .any(|a| a.value().classes().any(|c| WRITTEN.contains(&c)));
            if (written || rel.split_whitespace().any(|r| r == "ugc")) && !mention {
                continue; // A link someone wrote in a text stays as they wrote it.
            }
            for target in ADDRESSES.iter().filter_map(|a| value.attr(a)) {
                if target.starts_with("mailto:") {
                    continue;
                }
                if target.starts_with("https://") || target.starts_with("http://") {
                    let canonical = value.name() == "link" && rel == "canonical";
                    assert!(
                        !target.starts_with(ABSOLUTE) || canonical,
                        "{name}: `{target}` is absolute; only the canonical link may be"
                    );
                    continue;
                }
                if name == "404.html" {
                    // A host shows it at any address: its links start from the host's root.
                    let inside = target.strip_prefix(ROOTED).or(target.strip_prefix('#').map(|_| ""));
                    let inside = inside.unwrap_or_else(|| panic!("404.html: `{target}` is not under {ROOTED}"));
                    let file = match inside.split('#').next().unwrap() {
                        folder if folder.is_empty() || folder.ends_with('/') => format!("{folder}index.html"),
                        file => file.to_string(),
                    };
                    assert!(built.files.contains_key(&file), "404.html: `{target}` leads nowhere");
                } else {
                    assert!(!target.starts_with('/'), "{name}: `{target}` starts from the host's root");
                    built.follow(name, target);
                }
                followed += 1;
            }
        }
    }
    followed
}

/// Feeds and the sitemap are read away from the site: every address in them is absolute.
fn check_feeds(output: &Path) {
    for (name, bytes) in read_tree(output).iter().filter(|(name, _)| name.ends_with(".xml")) {
        let text = std::str::from_utf8(bytes).unwrap();
        let xml = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut addresses: Vec<String> = Vec::new();
        for node in xml.descendants() {
            addresses.extend(node.attribute("href").map(str::to_string));
            // An entry's own base, so a picture beside its reading (`cycle.svg`) resolves in a feed reader.
            if node.tag_name().name() == "entry" {
                let base = node.attribute(("http://www.w3.org/XML/1998/namespace", "base"));
                addresses.push(base.unwrap_or_else(|| panic!("{name}: an entry without xml:base")).to_string());
            }
            if node.has_tag_name("loc") || node.tag_name().name() == "id" {
                addresses.extend(node.text().map(str::to_string));
            }
            // Mentions inside comments' HTML, escaped in the feed.
            if node.tag_name().name() == "content" {
                let html = scraper::Html::parse_fragment(node.text().unwrap_or_default());
                addresses.extend(select(&html, "a.mention").iter().map(|a| a.attr("href").unwrap().to_string()));
            }
        }
        assert!(!addresses.is_empty(), "{name} has addresses");
        for address in addresses {
            assert!(address.starts_with(ABSOLUTE), "{name}: `{address}` is not absolute");
        }
    }
}

/// The search index's addresses, from the site's root, are followed by the search page's script
/// from its `data-root` (`../`); search needs a web server, which serves a folder's `index.html`.
fn check_search_index(output: &Path) -> usize {
    let built = Built::read(output);
    let documents = index::documents(output);
    for document in &documents {
        let (path, anchor) = document.url.split_once('#').map_or((document.url.as_str(), None), |(p, a)| (p, Some(a)));
        let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
        let address = format!("../{file}{}", anchor.map(|a| format!("#{a}")).unwrap_or_default());
        built.follow("search/index.html", &address);
    }
    documents.len()
}

fn check_all(output: &Path) -> usize {
    check_feeds(output);
    check_pages(output) + check_search_index(output)
}

#[test]
fn every_link_of_the_example_site_works_from_the_disk() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(Path::new(env!("CARGO_MANIFEST_DIR")), &output, &[]);
    let followed = check_all(&output);
    assert!(followed > 1000, "only {followed} links were followed");
}

#[test]
fn every_link_works_with_pagination_and_nested_sections() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    cohort::generate(&root, cohort::Size::parse("40x6").unwrap(), 7).unwrap();
    let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    assert!(config.contains(&format!("base_url: {ABSOLUTE}")), "the generator's base URL: {config}");
    std::fs::write(root.join("site.yaml"), format!("{config}\npage_size: 5\n")).unwrap();
    let nested = root.join("content/cohort-01/term-2/week-9");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(root.join("content/cohort-01/term-2/_index.md"), "---\ntitle: Term 2\n---\nThe second term.\n")
        .unwrap();
    std::fs::write(nested.join("_index.md"), "---\ntitle: Week 9\n---\n").unwrap();
    for day in 1..=6 {
        let reading = format!("---\ntitle: Deep {day}\ndate: 2011-09-0{day}\ntags: [depth]\n---\nDeep down.\n");
        std::fs::write(nested.join(format!("2011-09-0{day}-deep-{day}.md")), reading).unwrap();
    }
    let people = std::fs::read_to_string(root.join("authors.yaml")).unwrap();
    let someone = people.lines().find_map(|l| l.trim().strip_prefix("name: ")).unwrap().trim_matches('"');
    let thread = format!(
        "- id: c1\n  author: {someone}\n  date: 2011-09-02\n  body: Deep, @{someone}.\n\
         - id: c2\n  author: Anonymous\n  date: 2011-09-03\n  reply_to: c1\n  body: Agreed.\n"
    );
    std::fs::write(nested.join("2011-09-01-deep-1.comments.yaml"), thread).unwrap();
    let output = dir.path().join("public");
    build(&root, &output, &[]);
    let files = read_tree(&output);
    for paged in ["page/2/index.html", "cohort-01/page/2/index.html", "cohort-01/term-2/week-9/page/2/index.html"] {
        assert!(files.contains_key(paged), "{paged} was written");
    }
    assert!(files.keys().any(|f| f.starts_with("tags/depth/page/2/")), "a tag with pages");
    assert!(files.keys().any(|f| f.starts_with("authors/page/2/")), "people with pages");
    let followed = check_all(&output);
    assert!(followed > 5000, "only {followed} links were followed");
}

#[test]
fn every_link_of_the_basic_fixture_and_its_published_report_works() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let publish = roundtable([
        "report",
        "--root",
        fixture("basic").to_str().unwrap(),
        "--publish",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(publish.status.success(), "{}", String::from_utf8_lossy(&publish.stderr));
    let report = std::fs::read_to_string(output.join("report/participation.html")).unwrap();
    assert!(report.contains("href=\"../week/client-focus/index.html#comment-"), "the report links into the site");
    check_all(&output);
    // The printed address of the published report is absolute: it is read away from the site.
    let printed = String::from_utf8_lossy(&publish.stdout);
    assert!(printed.contains("https://example.org/cohort/report/participation.html"), "{printed}");
}

#[test]
fn the_search_page_offers_browsing_when_opened_from_the_disk() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let html = common::page(&output, "search/index.html");
    let links: Vec<&str> = select(&html, "#search-status a").iter().map(|a| a.attr("href").unwrap()).collect();
    assert_eq!(links, ["../authors/index.html", "../tags/index.html"]);
    let script = std::fs::read_to_string(output.join("search.js")).unwrap();
    assert!(script.contains("window.location.protocol === \"file:\""), "the script looks where it was opened");
}
