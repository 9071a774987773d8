//! Every hostile input of `fixtures/hostile/vectors.txt` in every untrusted field, built by the real
//! binary; every page is parsed with html5ever and must hold nothing that runs, and so must the HTML
//! that the feeds carry escaped.
//!
//! Two sites per input: one puts it in a reading and its thread (title, author, summary, tag, slug,
//! source fields, comment author and body), one in `authors.yaml` (alias, bio, website), since a
//! name and an alias cannot be the same text. Fields that only take addresses or slugs must refuse
//! the input with an error at its file and line; it is then replaced and the site built again.

mod common;
#[path = "common/safety.rs"]
mod safety;

use std::collections::BTreeSet;

use common::{page, roundtable, select, site};
use safety::{html_pages, violations, Allowed};

/// The fields of the reading site, with the file and line each is written at.
const READING_FIELDS: &[Field] = &[
    Field { name: "title", file: READING, line: 2, refusal: None },
    Field { name: "reading author", file: READING, line: 4, refusal: None },
    Field { name: "summary", file: READING, line: 5, refusal: None },
    Field { name: "tag", file: READING, line: 6, refusal: Some(Refusal::tag()) },
    Field { name: "slug", file: READING, line: 7, refusal: Some(Refusal::slug()) },
    // The `source:` block is reported at its first line.
    Field { name: "source title", file: READING, line: 9, refusal: None },
    Field { name: "source authors", file: READING, line: 10, refusal: None },
    Field { name: "source publisher", file: READING, line: 11, refusal: None },
    Field { name: "source url", file: READING, line: 8, refusal: Some(Refusal::address("error: source url `")) },
    Field { name: "comment author", file: THREAD, line: 2, refusal: None },
    Field { name: "comment body", file: THREAD, line: 4, refusal: None },
];

/// The fields of the people site.
const PEOPLE_FIELDS: &[Field] = &[
    Field { name: "alias", file: AUTHORS, line: 3, refusal: None },
    Field { name: "bio", file: AUTHORS, line: 4, refusal: None },
    Field { name: "website", file: AUTHORS, line: 5, refusal: Some(Refusal::address("error: website `")) },
];

const READING: &str = "content/r/2011-08-08-a.md";
const THREAD: &str = "content/r/2011-08-08-a.comments.yaml";
const AUTHORS: &str = "authors.yaml";

/// Harmless text that stands in for an input a field refused, and that builds the baseline.
const PLAIN: &str = "plain";

struct Field {
    name: &'static str,
    file: &'static str,
    line: usize,
    refusal: Option<Refusal>,
}

/// How a field refuses an input it cannot take.
struct Refusal {
    /// Part of the error message.
    message: &'static str,
    /// True when the input must be refused: it is not an http(s) address, or not a slug.
    must: fn(&str) -> bool,
}

impl Refusal {
    const fn address(message: &'static str) -> Refusal {
        Refusal { message, must: |v| !is_http(v) }
    }
    const fn slug() -> Refusal {
        Refusal { message: "cannot be used in a page address", must: |_| true }
    }
    const fn tag() -> Refusal {
        Refusal { message: "has no letters or digits", must: |_| false }
    }
}

fn is_http(text: &str) -> bool {
    let text = text.trim().to_ascii_lowercase();
    text.starts_with("http://") || text.starts_with("https://")
}

/// A YAML double-quoted scalar holding exactly `text`.
/// The reading site with `v` in every field except those in `refused`.
fn reading_site(v: &str, refused: &BTreeSet<&str>) -> Vec<(&'static str, String)> {
    let at = |field: &str, fallback: &str| safety::quoted(if refused.contains(field) { fallback } else { v });
    let reading = format!(
        "---\ntitle: {}\ndate: 2011-08-08\nauthor: {}\nsummary: {}\ntags: [{}]\nslug: {}\nsource:\n  title: {}\n  \
         authors: [{}]\n  publisher: {}\n  url: {}\n---\nThe reading's own text.\n",
        at("title", PLAIN),
        at("reading author", PLAIN),
        at("summary", PLAIN),
        at("tag", PLAIN),
        at("slug", PLAIN),
        at("source title", PLAIN),
        at("source authors", PLAIN),
        at("source publisher", PLAIN),
        at("source url", "https://example.org/book"),
    );
    let thread = format!(
        "- id: c1\n  author: {}\n  date: 2011-08-08\n  body: {}\n- id: c2\n  author: Ana Member\n  date: 2011-08-09\n  \
         reply_to: c1\n  body: {}\n",
        at("comment author", PLAIN),
        at("comment body", PLAIN),
        at("comment body", PLAIN),
    );
    vec![(READING, reading), (THREAD, thread)]
}

/// The people site with `v` in every field except those in `refused`.
fn people_site(v: &str, refused: &BTreeSet<&str>) -> Vec<(&'static str, String)> {
    let at = |field: &str, fallback: &str| safety::quoted(if refused.contains(field) { fallback } else { v });
    let authors = format!(
        "aliased:\n  name: Aliased Member\n  aliases: [{}]\n  bio: {}\n  website: {}\n",
        at("alias", PLAIN),
        at("bio", PLAIN),
        at("website", "https://example.org/aliased"),
    );
    let thread = format!(
        "- id: c1\n  author: {}\n  date: 2011-08-08\n  body: Plain words.\n- id: c2\n  author: aliased\n  \
         date: 2011-08-09\n  body: More plain words.\n",
        safety::quoted(v)
    );
    vec![
        (AUTHORS, authors),
        (READING, "---\ntitle: A\ndate: 2011-08-08\n---\nThe reading's own text.\n".to_string()),
        (THREAD, thread),
    ]
}

type Generator = fn(&str, &BTreeSet<&str>) -> Vec<(&'static str, String)>;

/// Builds `generate(v)`; where fields refuse `v`, checks each error's place and message and builds
/// again without them. Returns the output folder and the fields that refused.
fn build_with(
    name: &str,
    v: &str,
    generate: Generator,
    fields: &'static [Field],
) -> (tempfile::TempDir, BTreeSet<&'static str>) {
    let dir = write_site(generate, v, &BTreeSet::new());
    let output = dir.path().join("public");
    let result = roundtable(["build", "--root", dir.path().to_str().unwrap(), "--output", output.to_str().unwrap()]);
    let mut refused = BTreeSet::new();
    if !result.status.success() {
        assert_eq!(result.status.code(), Some(1), "{name}: content errors exit with 1");
        assert!(!output.exists(), "{name}: a failed build writes nothing");
        let stderr = String::from_utf8_lossy(&result.stderr);
        for line in stderr.lines().filter(|l| l.contains(": error: ")) {
            let field = fields
                .iter()
                .filter(|f| line.starts_with(&format!("{}:{}:", f.file, f.line)))
                .find(|f| f.refusal.as_ref().is_some_and(|r| line.contains(r.message)))
                .unwrap_or_else(|| panic!("{name}: an unexpected error:\n{stderr}"));
            refused.insert(field.name);
        }
    }
    for field in fields {
        if field.refusal.as_ref().is_some_and(|r| (r.must)(v)) {
            assert!(refused.contains(field.name), "{name}: the {} field took {v:?}", field.name);
        }
    }
    if refused.is_empty() {
        return (dir, refused);
    }
    let again = write_site(generate, v, &refused);
    common::build(again.path(), &again.path().join("public"), &[]);
    (again, refused)
}

fn write_site(generate: Generator, v: &str, refused: &BTreeSet<&str>) -> tempfile::TempDir {
    let files = generate(v, refused);
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    site(&files)
}

/// Places every vector in every field of one site and checks every page.
fn every_vector_in(generate: Generator, fields: &'static [Field], reading_page: &str) -> usize {
    let stand_ins = fields.iter().filter(|f| f.refusal.is_some()).map(|f| f.name).collect();
    let clean = write_site(generate, PLAIN, &stand_ins);
    common::build(clean.path(), &clean.path().join("public"), &[]);
    let allowed = Allowed::from_output(&clean.path().join("public"));
    let vectors = safety::vectors();
    for (name, v) in &vectors {
        let (dir, _) = build_with(name, v, generate, fields);
        let output = dir.path().join("public");
        let pages = html_pages(&output);
        assert!(pages.len() > 5, "{name}: the site was built");
        for (path, html) in &pages {
            let found = violations(html, &allowed);
            assert!(found.is_empty(), "{name} in {path}:\n{}", found.join("\n"));
            let twice = safety::duplicate_ids(html);
            assert!(twice.is_empty(), "{name} in {path}: ids used twice: {twice:?}");
        }
        let files = common::read_tree(&output);
        for path in files.keys() {
            let longest = path.split('/').map(str::len).max().unwrap_or_default();
            assert!(longest <= 80, "{name}: {path} has a name of {longest} bytes");
            assert!(path.len() <= roundtable::model::paths::MAX_PATH, "{name}: {path} is too long a path");
            let windows = ["con", "prn", "aux", "nul", "com1", "lpt1"];
            assert!(!path.split('/').any(|part| windows.contains(&part)), "{name}: {path} is no folder on Windows");
        }
        for (path, xml) in files.into_iter().filter(|(p, _)| p.ends_with(".xml")) {
            let xml = String::from_utf8(xml).unwrap();
            assert_eq!(safety::xml_error(&xml), None, "{name}: {path} is not well-formed XML");
            let found = safety::feed_violations(&xml, path == "comments.xml");
            assert!(found.is_empty(), "{name} in {path}:\n{}", found.join("\n"));
        }
        let html = page(&output, reading_page);
        assert_eq!(select(&html, "[id^=\"comment-\"] .comment-body").len(), 2, "{name}: both comments are shown");
    }
    println!(
        "{} hostile inputs x {} fields = {} placements",
        vectors.len(),
        fields.len(),
        vectors.len() * fields.len()
    );
    vectors.len() * fields.len()
}

#[test]
fn no_hostile_input_in_a_reading_or_its_thread_reaches_a_page_alive() {
    // Every input is refused as a slug, so the reading is always at the stand-in's address.
    let placements = every_vector_in(reading_site, READING_FIELDS, "r/plain/index.html");
    assert!(placements >= 60 * READING_FIELDS.len());
}

#[test]
fn no_hostile_input_in_authors_yaml_reaches_a_page_alive() {
    let placements = every_vector_in(people_site, PEOPLE_FIELDS, "r/a/index.html");
    assert!(placements >= 60 * PEOPLE_FIELDS.len());
}

/// Cleaning must not depend on hash order or threads: every input at once, built three times.
#[test]
fn hostile_input_builds_to_the_same_bytes_every_time() {
    let thread: String = safety::vectors()
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            format!("- id: c{i}\n  author: {}\n  date: 2011-08-08\n  body: {}\n", safety::quoted(v), safety::quoted(v))
        })
        .collect();
    let dir = site(
        &[(READING, "---\ntitle: A\ndate: 2011-08-08\n---\n".to_string()), (THREAD, thread)]
            .iter()
            .map(|(p, t)| (*p, t.as_str()))
            .collect::<Vec<_>>(),
    );
    let runs: Vec<_> = ["2", "2", "1"]
        .iter()
        .enumerate()
        .map(|(i, threads)| {
            let output = dir.path().join(format!("public-{i}"));
            let result = std::process::Command::new(env!("CARGO_BIN_EXE_roundtable"))
                .env("RAYON_NUM_THREADS", threads)
                .args(["build", "--root", dir.path().to_str().unwrap(), "--output", output.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
            common::read_tree(&output)
        })
        .collect();
    assert!(runs[0] == runs[1] && runs[1] == runs[2], "the builds differ");
}

#[test]
fn the_corpus_has_sixty_distinct_inputs_in_fourteen_fields() {
    let vectors = safety::vectors();
    assert!(vectors.len() >= 60, "{} vectors", vectors.len());
    assert_eq!(READING_FIELDS.len() + PEOPLE_FIELDS.len(), 14);
}

#[test]
fn the_checker_finds_an_injected_script_but_not_the_theme_s_own() {
    let theme = scraper::Html::parse_document(
        "<html><head><script src=\"/search.js\"></script></head><body><p style=\"x\">y</p></body></html>",
    );
    let mut allowed = Allowed::default();
    allowed.learn(&theme);
    assert!(violations(&theme, &allowed).is_empty());
    let injected = scraper::Html::parse_document(
        "<html><head><script src=\"/search.js\"></script></head><body><p style=\"x\">y</p><div class=\"comment-body\">\
         <script src=\"/search.js\"></script><a href=\"https://e.org\">x</a><p onclick=\"x\">y</p>\
         <a href=\" java&#x09;script:x\" rel=\"nofollow ugc noopener\">z</a></div></body></html>",
    );
    let found = violations(&injected, &allowed);
    assert_eq!(found.len(), 5, "script, script in members' text, rel, onclick, URL: {found:#?}");
}

#[test]
fn the_checker_reads_feeds_as_a_feed_reader_does() {
    let safe = "<feed><link rel=\"self\" href=\"x\"/><entry><title>&lt;script&gt;</title>\
                <content type=\"html\">&lt;p&gt;&lt;a href=&quot;https://e.org&quot; rel=&quot;nofollow ugc noopener&quot;&gt;\
                x&lt;/a&gt;&lt;/p&gt;</content></entry></feed>";
    assert!(safety::feed_violations(safe, true).is_empty(), "{:?}", safety::feed_violations(safe, true));
    let raw = "<feed><entry><title></title><script>alert(1)</script></entry></feed>";
    assert_eq!(safety::feed_violations(raw, false).len(), 1);
    let escaped = "<feed><entry><content type=\"html\">&lt;img src=x onerror=alert(1)&gt;</content></entry></feed>";
    assert_eq!(safety::feed_violations(escaped, false).len(), 1, "the handler");
    assert_eq!(safety::feed_violations(escaped, true).len(), 2, "the handler and the image in members' text");
}

#[test]
fn urls_are_read_as_a_browser_reads_them() {
    for bad in ["javascript:x", " JaVa\tScRiPt:x", "\u{1}data:text/html,x", "vbscript:x", "java\nscript:x"] {
        assert!(!safety::is_safe_url(bad), "{bad:?}");
    }
    for good in ["https://e.org/a:b", "/x/y", "#c1", "mailto:a@b.c", "../x:y", "?q=a:b", "plain", "0;u=javascript:x"] {
        assert!(safety::is_safe_url(good), "{good:?}");
    }
}
