//! The search index (roundtable's own files in `search/index/`) and the search page.
//!
//! The index is read back the way the browser reads it (`common/index.rs`): `meta.json`, the
//! document files, a word's vocabulary file and its stem's postings, a filter's documents.

mod common;
#[path = "common/index.rs"]
mod index;
#[path = "common/safety.rs"]
mod safety;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{build, fixture, page, select, site};
use index::{documents, filter, json, urls_with, Doc};

fn urls(docs: &[Doc]) -> BTreeSet<String> {
    docs.iter().map(|d| d.url.clone()).collect()
}

fn doc<'a>(docs: &'a [Doc], url: &str) -> &'a Doc {
    docs.iter().find(|d| d.url == url).unwrap_or_else(|| panic!("{url} is not indexed"))
}

/// The index's own files (not the search page), unzipped.
fn index_files(output: &Path) -> Vec<(String, Vec<u8>)> {
    let all = common::read_tree(output).into_iter();
    let index = all.filter(|(p, _)| p.starts_with("search/") && p != "search/index.html");
    index.map(|(p, bytes)| (p.clone(), common::unzipped(&p, &bytes))).collect()
}

const READING: &str = "---\ntitle: Trust & teams\ndate: 2024-01-01\nauthor: Ana Silva\nweek: 3\ntags: [Trust, Feedback]\n---\nThe *body* of it.\n";

fn thread(long: &str) -> String {
    format!(
        "- id: c1\n  author: Ana Silva\n  date: 2024-01-02\n  body: \"**Bold** <script>alert(1)</script> x < y &amp; z\"\n\
         - id: c2\n  author: Anonymous\n  date: 2024-01-03\n  reply_to: c1\n  body: \"{long} zebracorn\"\n"
    )
}

#[test]
fn every_word_of_every_published_text_is_indexed_with_its_address() {
    let long = "word ".repeat(2000);
    let dir = site(&[
        ("site.yaml", "base_url: /c/\nlanguage: en\n"),
        (
            "authors.yaml",
            "ana-silva:\n  name: Ana Silva\n  email: ana@private.example\n  bio: Teaches *science* and coaches.\n",
        ),
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
    let all = documents(&output);
    let order: Vec<&str> = all.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(
        order,
        ["r/", "authors/ana-silva/", "r/a/", "r/a/#comment-c1", "r/a/#comment-c2"],
        "every published text and nothing else; those without a date first, then by date"
    );

    let reading = doc(&all, "r/a/");
    assert_eq!((reading.kind.as_str(), reading.title.as_str()), ("reading", "Trust & teams"));
    assert_eq!(
        (reading.text.as_str(), reading.week, reading.day.as_str()),
        ("The body of it.", Some(3), "1 January 2024")
    );
    let first = doc(&all, "r/a/#comment-c1");
    assert_eq!(first.text, "Bold x < y & z", "sanitized, as text, entities decoded");
    assert_eq!(
        (first.kind.as_str(), first.title.as_str()),
        ("reflection", "Reflection by Ana Silva on “Trust & teams”")
    );
    let reply = doc(&all, "r/a/#comment-c2");
    assert!(reply.text.ends_with("word zebracorn"), "the whole of a long comment");
    assert_eq!((reply.kind.as_str(), reply.title.as_str()), ("reply", "Reply by Anonymous on “Trust & teams”"));
    assert_eq!(doc(&all, "authors/ana-silva/").text, "Teaches science and coaches.");
    assert_eq!(doc(&all, "r/").text, "Introducing the term’s readings.");

    assert_eq!(urls_with(&output, "zebracorn"), ["r/a/#comment-c2"], "the last word of a long comment");
    assert_eq!(urls_with(&output, "bodies"), Vec::<String>::new(), "a word no text has");
    assert_eq!(urls_with(&output, "body"), ["r/a/"]);
    assert_eq!(urls_with(&output, "coaches"), ["authors/ana-silva/"]);
    assert_eq!(urls_with(&output, "trust"), ["r/a/"], "a reading's title is searched");
    assert_eq!(urls_with(&output, "alert"), Vec::<String>::new(), "a script's text is not shown, not indexed");

    let meta = json(&output, "meta.json");
    assert_eq!(meta["people"], serde_json::json!([[0, "Ana Silva", 3]]), "bio, reading and reflection");
    assert_eq!(filter(&output, "person-0"), [1, 2, 3]);
    assert_eq!(filter(&output, "kind-readings"), [2]);
    assert_eq!(filter(&output, "kind-reflections"), [3, 4], "replies count as reflections");
    assert_eq!(filter(&output, "week-3"), [2, 3, 4]);
    let feedback = meta["tags"].as_array().unwrap().iter().find(|t| t[1] == "Feedback").unwrap()[0].as_u64().unwrap();
    assert_eq!(filter(&output, &format!("tag-{feedback}")), [2, 3, 4]);

    for (path, bytes) in index_files(&output) {
        let text = String::from_utf8_lossy(&bytes);
        for private in ["secretdraftword", "scheduledword", "futurecomment", "private.example", "Not yet", "Later"] {
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
    assert_eq!(urls(&documents(&output)), BTreeSet::from(["r/draft/".to_string(), "r/later/".to_string()]));
    assert_eq!(urls_with(&output, "draftword"), ["r/draft/"]);
}

#[test]
fn words_are_found_by_their_stem_in_the_sites_language() {
    let dir = site(&[
        ("site.yaml", "language: fr-CA\n"),
        ("content/r/2024-01-01-a.md", "---\ntitle: Équipes\ndate: 2024-01-01\n---\nLes ÉQUIPES apprennent ensemble.\n"),
        (
            "content/r/2024-01-01-a.comments.yaml",
            "- id: c1\n  author: Ana\n  date: 2024-01-02\n  body: Une équipe qui apprend, l'apprentissage.\n",
        ),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    assert_eq!(urls_with(&output, "equipes"), ["r/a/", "r/a/#comment-c1"], "folded, and équipe shares the stem");
    assert_eq!(urls_with(&output, "apprentissage"), ["r/a/#comment-c1"], "split at the apostrophe");
    assert_eq!(documents(&output)[1].title, "Réflexion de Ana sur « Équipes »", "titles in the site's language");
}

#[test]
fn an_unchanged_site_keeps_its_index_and_a_changed_one_gets_a_new_one() {
    let dir = site(&[("content/r/2024-01-01-a.md", READING), ("content/r/2024-01-01-a.comments.yaml", &thread("x"))]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let first = index_files(&output);
    build(dir.path(), &output, &[]);
    assert_eq!(index_files(&output), first, "the same texts, the same files");
    fs::write(dir.path().join("content/r/2024-01-01-a.comments.yaml"), thread("changed")).unwrap();
    build(dir.path(), &output, &[]);
    assert!(doc(&documents(&output), "r/a/#comment-c2").text.starts_with("changed"));
    assert_eq!(urls_with(&output, "changed"), ["r/a/#comment-c2"]);
}

#[test]
fn the_search_page_reads_the_index_from_the_site() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let html = page(&output, "search/index.html");
    let scripts = select(&html, "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].attr("src"), Some("../search.js"));
    assert_eq!(scripts[0].attr("data-index"), Some("../search/index/meta.json"), "relative to the search page");
    assert_eq!(scripts[0].attr("data-root"), Some("../"));
    assert_eq!(
        scripts[0].attr("data-results-one"),
        Some("{n} result for “{query}”."),
        "the page's words, for the script"
    );
    assert!(output.join("search/index/meta.json").is_file() && !output.join("search.json").exists());
    assert!(!output.join("pagefind").exists());
    assert_eq!(select(&html, "form[role=search] input[name=q]").len(), 1);
    let without = select(&html, "#search-status a").iter().map(|a| a.attr("href").unwrap()).collect::<Vec<_>>();
    assert_eq!(
        without,
        ["../authors/index.html", "../tags/index.html"],
        "without JavaScript or a server: people and topics"
    );
    assert_eq!(select(&html, "[aria-live=polite]").len(), 1, "results are announced");
    let home = page(&output, "index.html");
    assert_eq!(select(&home, "nav a[href=\"search/index.html\"]").len(), 1, "the navigation links to search");
    let script = fs::read_to_string(output.join("search.js")).unwrap();
    for banned in ["innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "document.write", "http", "/cohort"] {
        assert!(!script.contains(banned), "search.js uses {banned}");
    }
}

#[test]
fn the_search_page_speaks_the_sites_language() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("french"), &output, &[]);
    let html = page(&output, "search/index.html");
    let script = &select(&html, "script")[0];
    assert_eq!(script.attr("data-results-other"), Some("{n} résultats pour « {query} »."));
    assert_eq!(script.attr("data-results-zero"), Some("Aucun résultat pour « {query} »."));
    assert_eq!(select(&html, "label[for=search-person]")[0].text().collect::<String>(), "Personne");
}

#[test]
fn serve_indexes_with_each_rebuild_only_when_texts_changed() {
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
    session.rebuild().unwrap();
    assert_eq!(urls_with(&live, "first"), ["r/a/#comment-c2"]);

    fs::write(root.join("content/r/2024-01-01-a.comments.yaml"), thread("second")).unwrap();
    session.rebuild().unwrap();
    assert_eq!(urls_with(&live, "second"), ["r/a/#comment-c2"]);
    assert_eq!(urls_with(&live, "first"), Vec::<String>::new());
    let fresh = tempfile::tempdir().unwrap();
    build(root, &fresh.path().join("full"), &[]);
    assert_eq!(index_files(&live), index_files(&fresh.path().join("full")), "as a build makes it");

    fs::write(root.join("site.yaml"), "title: Two\n").unwrap();
    session.rebuild().unwrap();
    assert_eq!(index_files(&live), index_files(&fresh.path().join("full")), "a whole rebuild keeps the index");
}

/// The index holds exactly the text a page shows of each hostile comment.
#[test]
fn hostile_comments_are_indexed_as_the_text_their_page_shows() {
    let vectors = safety::vectors();
    let thread: String = vectors
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (author, body) = (safety::quoted(v), safety::quoted(v));
            format!("- id: c{i}\n  author: {author}\n  date: 2011-08-08\n  body: {body}\n")
        })
        .collect();
    let dir = site(&[
        ("content/r/2011-08-08-a.md", "---\ntitle: A\ndate: 2011-08-08\n---\n"),
        ("content/r/2011-08-08-a.comments.yaml", &thread),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let all = documents(&output);
    let html = page(&output, "r/a/index.html");
    let squeezed = |text: &str| text.split_whitespace().collect::<String>();
    for (i, (name, _)) in vectors.iter().enumerate() {
        let body = select(&html, &format!("#comment-c{i} > .comment-body"));
        let shown = body[0].text().collect::<String>();
        let indexed = doc(&all, &format!("r/a/#comment-c{i}"));
        assert_eq!(squeezed(&indexed.text), squeezed(&shown), "vector {name}");
    }
}

/// `serve` swaps the pages in and tells the browsers before it indexes: when it tells them, the
/// page has the edit and the index is still the last one, swapped in whole just after.
#[test]
fn serve_reloads_the_pages_before_indexing_them() {
    use roundtable::serve::session::Session;
    let dir =
        site(&[("content/r/2024-01-01-a.md", READING), ("content/r/2024-01-01-a.comments.yaml", &thread("first"))]);
    let root = dir.path();
    let live = root.join("live");
    let options = roundtable::BuildOptions { root: root.to_path_buf(), output: live.clone(), ..Default::default() };
    let mut session = Session::new(options);
    session.rebuild().unwrap();

    fs::write(root.join("content/r/2024-01-01-a.comments.yaml"), thread("second")).unwrap();
    let mut told = 0;
    let rebuilt = session
        .rebuild_then_index(
            &mut |_| {
                told += 1;
                let page = fs::read_to_string(live.join("r/a/index.html")).unwrap();
                assert!(page.contains("second zebracorn"), "the pages are in");
                assert_eq!(urls_with(&live, "first"), ["r/a/#comment-c2"], "the index is still the last one");
                assert_eq!(urls_with(&live, "second"), Vec::<String>::new());
            },
            &|| false,
        )
        .unwrap();
    assert_eq!(told, 1);
    assert!(rebuilt.indexing > std::time::Duration::ZERO, "indexed after the pages");
    assert_eq!(urls_with(&live, "second"), ["r/a/#comment-c2"]);
    assert_eq!(urls_with(&live, "first"), Vec::<String>::new());
    // The last index is removed on a thread of its own once the new one is in: waited for, 5 s at most.
    let beside = || -> Vec<_> { fs::read_dir(live.join("search")).unwrap().map(|e| e.unwrap().file_name()).collect() };
    for _ in 0..500 {
        if beside().len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(beside().len(), 2, "the page and the index, no staging left: {:?}", beside());

    let before = index_files(&live);
    session.rebuild_then_index(&mut |_| assert_eq!(index_files(&live), before, "carried over"), &|| false).unwrap();
    assert_eq!(index_files(&live), before, "unchanged texts: the same index");

    // Another edit came while the pages were made: the index waits for its rebuild, whole.
    fs::write(root.join("content/r/2024-01-01-a.comments.yaml"), thread("third")).unwrap();
    session.rebuild_then_index(&mut |_| {}, &|| true).unwrap();
    assert_eq!(index_files(&live), before, "the last index, untouched");
    session.rebuild().unwrap();
    assert_eq!(urls_with(&live, "third"), ["r/a/#comment-c2"], "made by the next rebuild");
}

/// A warm `build` after one comment changed makes again only the index files that changed (the
/// others are the last build's, linked), keeps each chunk's counts in the build cache, and makes
/// the index a cold build makes, byte for byte; a damaged file of those counts is a warning.
#[cfg(unix)]
#[test]
fn a_warm_build_remakes_only_the_index_files_an_edit_changes() {
    use std::os::unix::fs::MetadataExt;
    // 400 comments of about 600 bytes, each with a word of its own: a dozen document files.
    let thread: String = (0..400)
        .map(|i| {
            let body = format!("Reflection number{i} on trust. {}", "We listened to each other carefully. ".repeat(16));
            format!(
                "- id: c{i}\n  author: Ana Silva\n  date: 2024-01-02T10:{:02}:{:02}Z\n  body: {body}\n",
                i / 60,
                i % 60
            )
        })
        .collect();
    let dir = site(&[("content/r/2024-01-01-a.md", READING), ("content/r/2024-01-01-a.comments.yaml", &thread)]);
    let root = dir.path();
    let output = root.join("public");
    let cached_build = || {
        let run = common::roundtable(["build".as_ref(), "--root".as_ref(), root.as_os_str()]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        String::from_utf8_lossy(&run.stderr).into_owned()
    };
    cached_build();
    let cache = root.join(".roundtable/cache");
    let kept: Vec<_> = fs::read_dir(&cache).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(kept.iter().any(|name| name.starts_with("search-")), "the counts are kept: {kept:?}");
    let inodes = || -> std::collections::BTreeMap<String, u64> {
        let folder = output.join("search/index");
        let all = walkdir::WalkDir::new(&folder).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file());
        all.map(|e| (e.path().strip_prefix(&folder).unwrap().display().to_string(), e.metadata().unwrap().ino()))
            .collect()
    };
    let before = inodes();
    let docs = before.keys().filter(|path| path.starts_with("docs/")).count();
    assert!(docs >= 10, "{docs} document files");

    let file = root.join("content/r/2024-01-01-a.comments.yaml");
    fs::write(&file, thread.replace("number399 on trust", "number399 on trust and patience")).unwrap();
    cached_build();
    let after = inodes();
    let remade: Vec<&String> = after.keys().filter(|path| before.get(*path) != after.get(*path)).collect();
    let remade_docs: Vec<&&String> = remade.iter().filter(|path| path.starts_with("docs/")).collect();
    assert_eq!(remade_docs.len(), 1, "only the last comment's document file: {remade:?}");
    assert!(remade.iter().any(|path| path.starts_with("words/pa")), "its new word: {remade:?}");
    assert!(remade.len() < after.len() / 2, "{} of {} files made again: {remade:?}", remade.len(), after.len());
    let cold = root.join("cold");
    build(root, &cold, &[]);
    assert_eq!(index_files(&output), index_files(&cold), "the index a cold build makes");
    assert_eq!(urls_with(&output, "patience"), ["r/a/#comment-c399"]);

    // Every file of the counts damaged: a warning each, and the index made from the texts again.
    for entry in fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("search-") {
            let mut bytes = fs::read(&path).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 1;
            fs::write(&path, bytes).unwrap();
        }
    }
    fs::write(&file, thread.replace("number0 on trust", "number0 on trust and courage")).unwrap();
    let warnings = cached_build();
    assert!(warnings.contains("search-") && warnings.contains("the build cache is damaged"), "{warnings}");
    build(root, &cold, &[]);
    assert_eq!(index_files(&output), index_files(&cold), "the index a cold build makes");
    assert_eq!(urls_with(&output, "courage"), ["r/a/#comment-c0"]);
}
