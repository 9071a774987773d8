//! Pictures: in a comment, a link with its alt text unless `pictures:` allows its host; a picture
//! without an address (a reading's template placeholder) is dropped, its alt text kept, with a warning.

mod common;

use common::{page, roundtable, select, site};

fn cohort(settings: &str) -> tempfile::TempDir {
    site(&[
        ("site.yaml", &format!("title: T\nbase_url: https://example.org/\n{settings}")),
        ("content/r/2024-01-01-a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nSee ![the chart]() and <img src=\"\" alt=\"two\">.\n"),
        (
            "content/r/2024-01-01-a.comments.yaml",
            "- id: c1\n  author: Ana\n  date: 2024-01-02\n  body: \"Looks something like this: ![a whiteboard](https://img.example/board.png)\"\n",
        ),
    ])
}

#[test]
fn a_comment_picture_is_a_link_by_default_and_an_empty_address_is_warned_of() {
    let dir = cohort("");
    let out = tempfile::tempdir().unwrap();
    let result = roundtable([
        "build",
        "--no-cache",
        "--root",
        dir.path().to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    for place in ["5:5", "5:24"] {
        let warning = format!("content/r/2024-01-01-a.md:{place}: warning: this picture has no address");
        assert!(stderr.contains(&warning), "{warning} in {stderr}");
    }
    let html = page(out.path(), "r/a/index.html");
    assert!(select(&html, "img").is_empty(), "no picture is loaded from anywhere");
    let link = select(&html, ".comment-body a.picture-link");
    assert_eq!(link.len(), 1);
    assert_eq!(link[0].attr("href"), Some("https://img.example/board.png"));
    assert_eq!(link[0].text().collect::<String>(), "a whiteboard");
    let text: String = select(&html, ".content")[0].text().collect();
    assert!(text.contains("See the chart and two."), "{text}");
}

#[test]
fn an_allowed_host_shows_the_picture_lazily_without_a_referrer() {
    let dir = cohort("pictures:\n  hosts: [IMG.example]\n");
    let out = tempfile::tempdir().unwrap();
    common::build(dir.path(), out.path(), &[]);
    let html = page(out.path(), "r/a/index.html");
    let img = select(&html, ".comment-body img");
    assert_eq!(img.len(), 1);
    assert_eq!(img[0].attr("alt"), Some("a whiteboard"));
    assert_eq!(img[0].attr("loading"), Some("lazy"));
    assert_eq!(img[0].attr("referrerpolicy"), Some("no-referrer"));
    assert!(select(&html, "img[src='']").is_empty());
}

#[test]
fn a_host_with_a_scheme_is_an_error_at_its_line() {
    let dir = cohort("pictures:\n  hosts: [https://img.example/]\n");
    let result = roundtable(["check", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(stderr.contains("site.yaml:3"), "{stderr}");
    assert!(stderr.contains("is not a host name"), "{stderr}");
}

#[test]
fn a_reading_picture_without_an_address_is_warned_of_at_its_line_and_column() {
    let reading = "---\ntitle: A\ndate: 2024-01-01\nsummary: A chart ![summary chart]( ) here.\ntags: [one]\n---\n\
                   Intro.\n\n<figure>\n  <IMG alt=\"placeholder\" SRC=\" \">\n</figure>\n\n\
                   Later, ![kept](chart.png) and <img alt=\"src='x'\"> too.\n";
    let dir = site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\n"),
        ("content/r/2024-01-01-a.md", reading),
        (
            "content/r/2024-01-02-b.md",
            "---\ntitle: B\ndate: 2024-01-02\n---\n<img src=\"javascript:x\" alt=\"no\"> ![](<>)\n",
        ),
    ]);
    let result = roundtable(["check", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "warnings only: {stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(
        warnings,
        [
            "content/r/2024-01-01-a.md:4:1: warning: 1 picture(s) here have no address (an empty or missing src); only their alt text is shown",
            "content/r/2024-01-01-a.md:10:3: warning: this picture has no address (an empty or missing src); only its alt text is shown",
            "content/r/2024-01-01-a.md:13:31: warning: this picture has no address (an empty or missing src); only its alt text is shown",
            // A `javascript:` address is taken out by the sanitizer, not seen as empty in the Markdown:
            // both pictures are warned of at the body's first line.
            "content/r/2024-01-02-b.md:5:1: warning: 2 picture(s) here have no address (an empty or missing src); only their alt text is shown",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("help: give the picture its address"), "{stderr}");
}

#[test]
fn a_bundle_picture_in_the_first_paragraph_shows_on_every_list_of_readings() {
    let dir = site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\n"),
        (
            "content/r/2024-01-01-a/index.md",
            "---\ntitle: A\ndate: 2024-01-01\ntags: [t]\n---\n![the cycle](cycle.svg) Ask, then [act](#act).\n\n## Act\n",
        ),
        ("content/r/2024-01-01-a/cycle.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ]);
    let out = tempfile::tempdir().unwrap();
    common::build(dir.path(), out.path(), &[]);
    // The summary (the first paragraph) is on the home page, the section and the tag's page, each
    // in another folder than the reading.
    for (list, depth) in [("index.html", ""), ("r/index.html", "../"), ("tags/t/index.html", "../../")] {
        let html = page(out.path(), list);
        let pictures = select(&html, ".summary img");
        assert_eq!(pictures.len(), 1, "{list}");
        let src = pictures[0].value().attr("src").unwrap();
        assert_eq!(src, format!("{depth}r/a/cycle.svg"), "{list}");
        let folder = out.path().join(list).parent().unwrap().join(src);
        assert!(folder.is_file(), "{list}: {src} is no file");
        let link = select(&html, ".summary a")[0].value().attr("href").unwrap().to_string();
        assert_eq!(link, format!("{depth}r/a/index.html#act"), "{list}");
    }
    let feed = std::fs::read_to_string(out.path().join("atom.xml")).unwrap();
    assert!(feed.contains("src=&quot;https://example.org/r/a/cycle.svg&quot;"), "{feed}");
}
