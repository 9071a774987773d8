//! The search index (`search.json`) and the search page.

mod common;

use std::fs;
use std::path::Path;

use common::{build, fixture, page, select, site};
use serde_json::Value;

/// Must match `render::search::TEXT_LIMIT`, which the index also states.
const TEXT_LIMIT: usize = 300;

fn index(output: &Path) -> Value {
    serde_json::from_slice(&fs::read(output.join("search.json")).unwrap()).unwrap()
}

#[test]
fn the_index_holds_readings_and_comments_as_plain_text() {
    let long = "word ".repeat(200);
    let dir = site(&[
        ("site.yaml", "base_url: /c/\n"),
        ("authors.yaml", "ana-silva:\n  name: Ana Silva\n"),
        ("content/r/2024-01-01-a.md", "---\ntitle: Trust & teams\ndate: 2024-01-01\nauthor: Ana Silva\ntags: [Trust, Feedback]\n---\nThe *body* of it.\n"),
        (
            "content/r/2024-01-01-a.comments.yaml",
            &format!("- id: c1\n  author: Ana Silva\n  date: 2024-01-02\n  body: \"**Bold** <script>alert(1)</script> x < y\"\n- id: c2\n  author: Anonymous\n  date: 2024-01-03\n  reply_to: c1\n  body: \"{long}\"\n"),
        ),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let index = index(&output);
    assert_eq!(index["version"], 1);
    assert_eq!(index["text_limit"], TEXT_LIMIT);
    assert_eq!(index["people"][0]["name"], "Ana Silva");
    // Addresses are relative to the search page, whose script follows them.
    assert_eq!(index["people"][0]["url"], "../authors/ana-silva/index.html");
    let reading = &index["readings"][0];
    assert_eq!(reading["title"], "Trust & teams");
    assert_eq!(reading["url"], "../r/a/index.html");
    assert_eq!(reading["author"], 0);
    assert_eq!(reading["date"], "2024-01-01");
    assert_eq!(reading["tags"], serde_json::json!(["Feedback", "Trust"]));
    assert_eq!(reading["text"], "The body of it.");
    let comments = index["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0]["reading"], 0);
    assert_eq!(comments[0]["id"], "c1");
    assert_eq!(comments[0]["author"], 0);
    assert_eq!(comments[0]["text"], "Bold x < y", "sanitized, then tags dropped");
    assert_eq!(comments[1]["author"], Value::Null, "anonymous");
    let cut = comments[1]["text"].as_str().unwrap();
    assert!(cut.ends_with("word…") && cut.chars().count() <= TEXT_LIMIT + 1, "{cut}");
}

#[test]
fn the_search_page_loads_its_script_and_index_from_files() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let html = page(&output, "search/index.html");
    let scripts = select(&html, "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].attr("src"), Some("../search.js"));
    assert_eq!(scripts[0].attr("data-index"), Some("../search.json"));
    assert_eq!(select(&html, "form[role=search] input[name=q]").len(), 1);
    let home = page(&output, "index.html");
    assert_eq!(select(&home, "nav a[href=\"search/index.html\"]").len(), 1, "the navigation links to search");
    let script = fs::read_to_string(output.join("search.js")).unwrap();
    assert!(!script.contains("innerHTML") && !script.contains("eval("), "index text never becomes HTML");
    assert!(!script.contains("http"), "no third-party request");
}

/// A cohort of `readings` readings with `comments` comments of about 500 characters each.
fn synthetic_cohort(root: &Path, readings: usize, comments: usize) {
    let sentence = "We talked about how trust grows when feedback is specific, timely and kind. ";
    let mut authors = String::new();
    for p in 0..30 {
        authors.push_str(&format!("person-{p}:\n  name: Person Number{p}\n"));
    }
    fs::write(root.join("authors.yaml"), authors).unwrap();
    fs::create_dir_all(root.join("content/weeks")).unwrap();
    for r in 0..readings {
        let name = format!("content/weeks/2024-01-01-reading-{r}");
        let front =
            format!("---\ntitle: Reading {r}\ndate: 2024-01-01\nweek: {}\ntags: [trust, feedback]\n---\n", r / 10 + 1);
        fs::write(root.join(format!("{name}.md")), format!("{front}{}\n", sentence.repeat(20))).unwrap();
        let mut thread = String::new();
        for c in 0..comments {
            let reply = if c > 0 { format!("  reply_to: c{}\n", c - 1) } else { String::new() };
            thread.push_str(&format!(
                "- id: c{c}\n  author: Person Number{}\n  date: 2024-01-02\n{reply}  body: \"{}\"\n",
                c % 30,
                sentence.repeat(7)
            ));
        }
        fs::write(root.join(format!("{name}.comments.yaml")), thread).unwrap();
    }
}

/// The size README.md quotes; run with `--nocapture` to see it.
#[test]
fn the_index_of_a_100_by_30_cohort_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    synthetic_cohort(dir.path(), 100, 30);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let size = fs::metadata(output.join("search.json")).unwrap().len();
    let index = index(&output);
    assert_eq!(index["comments"].as_array().unwrap().len(), 3000);
    println!("search.json for 100 readings x 30 comments: {size} bytes");
    // 3,100 texts of at most TEXT_LIMIT (ASCII) characters, plus at most 100 bytes of fields each.
    let bound = 3_100 * (TEXT_LIMIT as u64 + 100);
    assert!(size < bound, "search.json is {size} bytes, more than {bound}");
}
