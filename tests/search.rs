//! The search index (Pagefind's files in `pagefind/`) and the search page.
//!
//! The index is read back the way the browser reads it: every fragment is a gzipped
//! `pagefind_dcd` + JSON record of one indexed text (its address, text, meta and filters), or of a
//! group of them.

mod common;
#[path = "common/safety.rs"]
mod safety;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use common::{build, fixture, page, select, site};
use serde_json::Value;

/// Every record of the index in `output`.
fn records(output: &Path) -> Vec<Value> {
    let folder = output.join("pagefind/fragment");
    let mut all = Vec::new();
    for entry in fs::read_dir(&folder).unwrap() {
        let mut text = String::new();
        flate2::read::GzDecoder::new(fs::File::open(entry.unwrap().path()).unwrap()).read_to_string(&mut text).unwrap();
        let json = text.strip_prefix("pagefind_dcd").expect("Pagefind's signature");
        // A file holds one record, or a group of neighbouring ones by their hashes.
        match serde_json::from_str::<Value>(json).unwrap() {
            Value::Object(group) if !group.contains_key("url") => all.extend(group.into_iter().map(|(_, r)| r)),
            record => all.push(record),
        }
    }
    all.sort_by_key(|r: &Value| r["url"].as_str().unwrap().to_string());
    all
}

fn urls(records: &[Value]) -> BTreeSet<String> {
    records.iter().map(|r| r["url"].as_str().unwrap().to_string()).collect()
}

fn record<'a>(records: &'a [Value], url: &str) -> &'a Value {
    records.iter().find(|r| r["url"] == url).unwrap_or_else(|| panic!("{url} is not indexed"))
}

const READING: &str = "---\ntitle: Trust & teams\ndate: 2024-01-01\nauthor: Ana Silva\nweek: 3\ntags: [Trust, Feedback]\n---\nThe *body* of it.\n";

fn thread(long: &str) -> String {
    format!(
        "- id: c1\n  author: Ana Silva\n  date: 2024-01-02\n  body: \"**Bold** <script>alert(1)</script> x < y ___PAGEFIND_WEIGHT___10\"\n\
         - id: c2\n  author: Anonymous\n  date: 2024-01-03\n  reply_to: c1\n  body: \"{long} zebracorn\"\n"
    )
}

#[test]
fn every_word_of_every_published_text_is_indexed_with_its_address() {
    let long = "word ".repeat(2000);
    let dir = site(&[
        ("site.yaml", "base_url: /c/\nlanguage: en\n"),
        ("authors.yaml", "ana-silva:\n  name: Ana Silva\n  bio: Teaches *science* and coaches.\n"),
        ("content/r/_index.md", "---\ntitle: Term one\n---\nIntroducing the term's readings.\n"),
        ("content/r/2024-01-01-a.md", READING),
        ("content/r/2024-01-01-a.comments.yaml", &thread(&long)),
        ("content/r/2024-01-05-draft.md", "---\ntitle: Not yet\ndate: 2024-01-05\ndraft: true\n---\nsecretdraftword\n"),
        ("content/r/2099-01-05-later.md", "---\ntitle: Later\ndate: 2099-01-05\n---\nscheduledword\n"),
        (
            "content/r/2099-01-05-later.comments.yaml",
            "- id: c1\n  author: Ana Silva\n  date: 2099-01-06\n  body: futurecomment\n",
        ),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let all = records(&output);
    let expected: BTreeSet<String> =
        ["/c/r/a/", "/c/r/a/#comment-c1", "/c/r/a/#comment-c2", "/c/authors/ana-silva/", "/c/r/"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(urls(&all), expected, "every published text, and nothing else");

    let reading = record(&all, "/c/r/a/");
    assert_eq!(reading["content"], "The body of it.");
    assert_eq!(reading["meta"]["title"], "Trust & teams");
    assert_eq!(reading["meta"]["kind"], "Reading");
    assert_eq!(reading["meta"]["person"], "Ana Silva");
    assert_eq!(reading["meta"]["week"], "Week 3");
    assert_eq!(reading["filters"]["kind"], serde_json::json!(["Readings"]));
    assert_eq!(reading["filters"]["tag"], serde_json::json!(["Feedback", "Trust"]));

    let first = record(&all, "/c/r/a/#comment-c1");
    assert_eq!(
        first["content"], "Bold x < y PAGEFIND_WEIGHT___10",
        "sanitized, as text, with no instruction to Pagefind"
    );
    assert_eq!(first["meta"]["title"], "Reflection by Ana Silva on “Trust & teams”");
    assert_eq!(first["filters"]["person"], serde_json::json!(["Ana Silva"]));
    assert_eq!(first["filters"]["week"], serde_json::json!(["Week 3"]));
    let reply = record(&all, "/c/r/a/#comment-c2");
    assert!(reply["content"].as_str().unwrap().ends_with("word zebracorn"), "the last word of a long comment");
    assert_eq!(reply["meta"]["title"], "Reply by Anonymous on “Trust & teams”");
    assert!(reply["filters"].get("person").is_none(), "no one to filter by");
    assert_eq!(record(&all, "/c/authors/ana-silva/")["content"], "Ana Silva Teaches science and coaches.");
    assert_eq!(record(&all, "/c/r/")["content"], "Introducing the term’s readings.");

    let everything = common::read_tree(&output);
    for (path, bytes) in everything.iter().filter(|(p, _)| p.starts_with("pagefind/")) {
        let text = String::from_utf8_lossy(bytes);
        for private in ["secretdraftword", "scheduledword", "futurecomment"] {
            assert!(!text.contains(private), "{path} holds {private}");
        }
    }
}

#[test]
fn drafts_and_scheduled_readings_are_indexed_only_when_built() {
    let dir = site(&[
        ("content/r/2024-01-05-draft.md", "---\ntitle: Not yet\ndate: 2024-01-05\ndraft: true\n---\ndraftword\n"),
        ("content/r/2099-01-05-later.md", "---\ntitle: Later\ndate: 2099-01-05\n---\nscheduledword\n"),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &["--drafts", "--future"]);
    assert_eq!(urls(&records(&output)), BTreeSet::from(["/r/draft/".to_string(), "/r/later/".to_string()]));
}

#[test]
fn an_unchanged_site_keeps_its_index_and_a_changed_one_gets_a_new_one() {
    let dir = site(&[("content/r/2024-01-01-a.md", READING), ("content/r/2024-01-01-a.comments.yaml", &thread("x"))]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let index = |output: &Path| {
        common::read_tree(output).into_iter().filter(|(p, _)| p.starts_with("pagefind/")).collect::<Vec<_>>()
    };
    let first = index(&output);
    build(dir.path(), &output, &[]);
    assert_eq!(index(&output), first, "the same records, the same files");
    fs::write(dir.path().join("content/r/2024-01-01-a.comments.yaml"), thread("changed")).unwrap();
    build(dir.path(), &output, &[]);
    let again = records(&output);
    assert!(record(&again, "/r/a/#comment-c2")["content"].as_str().unwrap().starts_with("changed"));
}

#[test]
fn the_search_page_loads_pagefind_from_the_site() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let html = page(&output, "search/index.html");
    let scripts = select(&html, "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].attr("src"), Some("/cohort/search.js"));
    assert_eq!(scripts[0].attr("data-bundle"), Some("/cohort/pagefind/pagefind.js"));
    assert!(output.join("pagefind/pagefind.js").is_file() && !output.join("search.json").exists());
    let wasm = fs::read_dir(output.join("pagefind")).unwrap().filter_map(|e| e.ok()).any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.starts_with("wasm.") && fs::metadata(e.path()).unwrap().len() > 10_000
    });
    assert!(wasm, "Pagefind's WebAssembly is written, not fetched from elsewhere");
    assert_eq!(select(&html, "form[role=search] input[name=q]").len(), 1);
    let without = select(&html, "#search-status a").iter().map(|a| a.attr("href").unwrap()).collect::<Vec<_>>();
    assert_eq!(without, ["/cohort/authors/", "/cohort/tags/"], "without JavaScript or a server: people and topics");
    assert_eq!(select(&html, "[aria-live=polite]").len(), 1, "results are announced");
    let home = page(&output, "index.html");
    assert_eq!(select(&home, "nav a[href=\"/cohort/search/\"]").len(), 1, "the navigation links to search");
    let script = fs::read_to_string(output.join("search.js")).unwrap();
    for banned in ["innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "document.write", "http"] {
        assert!(!script.contains(banned), "search.js uses {banned}");
    }
    for file in common::read_tree(&output).keys().filter(|p| p.starts_with("pagefind/") && p.ends_with(".js")) {
        let text = fs::read_to_string(output.join(file)).unwrap();
        assert!(!text.contains("https://") || !text.contains("fetch(\"http"), "{file} fetches from elsewhere");
    }
}

#[test]
fn serve_swaps_in_the_pages_first_and_indexes_just_after_only_when_texts_changed() {
    use roundtable::serve::session::Session;
    let dir = site(&[
        ("site.yaml", "title: One\n"),
        ("content/r/2024-01-01-a.md", READING),
        ("content/r/2024-01-01-a.comments.yaml", &thread("first")),
    ]);
    let root = dir.path();
    let live = root.join("live");
    let options = roundtable::BuildOptions { root: root.to_path_buf(), output: live.clone(), ..Default::default() };
    let mut session = Session::new(options);
    session.rebuild(&[]).unwrap();
    assert!(live.join("r/a/index.html").is_file() && !live.join("pagefind").exists(), "pages first");
    assert!(session.index_search().unwrap() > 0);
    assert!(record(&records(&live), "/r/a/#comment-c2")["content"].as_str().unwrap().starts_with("first"));

    let thread_file = root.join("content/r/2024-01-01-a.comments.yaml");
    fs::write(&thread_file, thread("second")).unwrap();
    session.rebuild(std::slice::from_ref(&thread_file)).unwrap();
    assert!(fs::read_to_string(live.join("r/a/index.html")).unwrap().contains("second"));
    let before = records(&live);
    assert!(record(&before, "/r/a/#comment-c2")["content"].as_str().unwrap().starts_with("first"), "not yet");
    assert!(session.index_search().unwrap() > 0);
    assert!(record(&records(&live), "/r/a/#comment-c2")["content"].as_str().unwrap().starts_with("second"));
    let fresh = tempfile::tempdir().unwrap();
    build(root, &fresh.path().join("full"), &[]);
    let index = |output: &Path| {
        common::read_tree(output).into_iter().filter(|(p, _)| p.starts_with("pagefind/")).collect::<Vec<_>>()
    };
    assert_eq!(index(&live), index(&fresh.path().join("full")), "old files removed, new ones as a build makes them");

    fs::write(root.join("site.yaml"), "title: Two\n").unwrap();
    session.rebuild(&[root.join("site.yaml")]).unwrap();
    assert_eq!(index(&live), index(&fresh.path().join("full")), "a whole rebuild keeps the index");
    assert_eq!(session.index_search().unwrap(), 0, "no indexed text changed: nothing indexed");
}

/// The index holds exactly the text a page shows of each hostile comment, and no word that Pagefind
/// would read as an instruction.
#[test]
fn hostile_comments_are_indexed_as_the_text_their_page_shows() {
    let vectors = safety::vectors();
    let thread: String = vectors
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (author, body) = (safety::quoted(v), safety::quoted(&format!("{v} ___PAGEFIND_WEIGHT___9")));
            format!("- id: c{i}\n  author: {author}\n  date: 2011-08-08\n  body: {body}\n")
        })
        .collect();
    let dir = site(&[
        ("content/r/2011-08-08-a.md", "---\ntitle: A\ndate: 2011-08-08\n---\n"),
        ("content/r/2011-08-08-a.comments.yaml", &thread),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let all = records(&output);
    let html = page(&output, "r/a/index.html");
    // Pagefind drops zero-width spaces (its excerpts would split words at them).
    let squeezed = |text: &str| text.split_whitespace().collect::<String>().replace('\u{200b}', "");
    for (i, (name, _)) in vectors.iter().enumerate() {
        let body = select(&html, &format!("#comment-c{i} > .comment-body"));
        let shown = body[0].text().collect::<String>();
        let url = format!("/r/a/#comment-c{i}");
        let Some(indexed) = all.iter().find(|r| r["url"] == url.as_str()) else {
            assert_eq!(squeezed(&shown), "", "vector {}: only a text with no words is left out", name);
            continue;
        };
        let indexed = indexed["content"].as_str().unwrap();
        assert_eq!(squeezed(indexed), squeezed(&shown.replace("___PAGEFIND", "PAGEFIND")), "vector {}", name);
        assert!(!indexed.split_whitespace().any(|w| w.starts_with("___PAGEFIND")), "vector {}", name);
    }
}
