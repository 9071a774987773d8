//! The default theme's structure on every page of the example site: landmarks, skip link, heading
//! order, named comments, `lang`, no third-party requests, and WCAG AA contrast of its colours.
//! tests/browser/run.sh checks the same site in a real browser.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{build, copy_fixture, page, read_tree, select};
use scraper::{ElementRef, Html};

/// The example site of this repository, built once per test into a temporary folder.
fn example() -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(Path::new(env!("CARGO_MANIFEST_DIR")), &output, &[]);
    let pages = read_tree(&output).into_keys().filter(|p| p.ends_with(".html")).collect();
    (out, output, pages)
}

fn text(element: ElementRef) -> String {
    element.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn by_id<'a>(html: &'a Html, id: &str) -> Option<ElementRef<'a>> {
    select(html, "[id]").into_iter().find(|e| e.value().attr("id") == Some(id))
}

#[test]
fn every_page_has_landmarks_and_a_skip_link_that_lands() {
    let (_dir, output, pages) = example();
    assert!(pages.len() > 20, "the example site has its pages");
    for path in &pages {
        let html = page(&output, path);
        for landmark in ["body > header", "body > header nav[aria-label]", "body > main", "body > footer"] {
            assert_eq!(select(&html, landmark).len(), 1, "{path}: one `{landmark}`");
        }
        let first_link = select(&html, "body a[href]")[0];
        assert_eq!(first_link.value().attr("class"), Some("skip-link"), "{path}: the skip link comes first");
        let target = first_link.value().attr("href").unwrap().trim_start_matches('#');
        let landed = by_id(&html, target).unwrap_or_else(|| panic!("{path}: the skip link's #{target} exists"));
        assert_eq!(landed.value().name(), "main", "{path}: the skip link lands on <main>");
    }
}

#[test]
fn headings_start_at_one_h1_and_never_skip_a_level() {
    let (_dir, output, pages) = example();
    for path in &pages {
        let html = page(&output, path);
        let levels: Vec<u32> = select(&html, "h1, h2, h3, h4, h5, h6")
            .into_iter()
            .map(|h| h.value().name()[1..].parse().unwrap())
            .collect();
        assert_eq!(levels.first(), Some(&1), "{path}: the first heading is an h1");
        assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "{path}: one h1");
        for pair in levels.windows(2) {
            assert!(pair[1] <= pair[0] + 1, "{path}: h{} follows h{}: {levels:?}", pair[1], pair[0]);
        }
    }
}

#[test]
fn every_comment_is_an_article_named_for_its_author() {
    let (_dir, output, pages) = example();
    let mut comments = 0;
    for path in pages.iter().filter(|p| p.starts_with("readings/") && *p != "readings/index.html") {
        let html = page(&output, path);
        for comment in select(&html, ".comment") {
            comments += 1;
            assert_eq!(comment.value().name(), "article", "{path}: a comment is an <article>");
            let header = comment.children().filter_map(ElementRef::wrap).find(|e| e.value().name() == "header");
            let author = text(select_in(header.expect("a comment has a header"), ".person")[0]);
            let label = comment.value().attr("aria-label").unwrap_or_default();
            assert_eq!(label, format!("Comment by {author}"), "{path}: the comment's accessible name");
        }
    }
    assert!(comments > 50, "the example's threads were checked ({comments} comments)");

    let mut cards = 0;
    for path in pages.iter().filter(|p| p.starts_with("authors/") && *p != "authors/index.html") {
        let html = page(&output, path);
        let name = text(select(&html, "h1")[0]);
        for card in select(&html, "[aria-labelledby=reflections-heading] .comment-card") {
            cards += 1;
            assert_eq!(card.value().name(), "article", "{path}: a reflection is an <article>");
            let id = card.value().attr("aria-labelledby").expect("a reflection is labelled");
            let label = text(by_id(&html, id).unwrap_or_else(|| panic!("{path}: #{id} exists")));
            assert!(label.starts_with(&format!("{name} on ")), "{path}: `{label}` names {name}");
        }
    }
    assert!(cards > 50, "the example's author pages were checked ({cards} reflections)");
}

fn select_in<'a>(element: ElementRef<'a>, selector: &str) -> Vec<ElementRef<'a>> {
    element.select(&scraper::Selector::parse(selector).unwrap()).collect()
}

#[test]
fn deep_replies_name_whom_they_answer_and_reply_counts_are_right() {
    let (_dir, output, _) = example();
    let html = page(&output, "readings/leader-rounding/index.html");
    let deep = select(&html, ".comment.level-4, .comment.level-5");
    assert!(!deep.is_empty(), "the example has deep replies");
    for comment in deep {
        let note = select_in(comment, ":scope > header > .in-reply-to");
        assert_eq!(note.len(), 1, "a deep reply says whom it answers");
        let link = select_in(note[0], "a")[0];
        let parent = by_id(&html, link.value().attr("href").unwrap().trim_start_matches('#')).expect("parent exists");
        let parent_author = text(select_in(parent, ":scope > header .person")[0]);
        assert_eq!(text(note[0]), format!("in reply to {parent_author}"));
    }
    for details in select(&html, "details.replies") {
        let shown = select_in(details, "article.comment").len();
        let summary = text(select_in(details, ":scope > summary .replies-count")[0]);
        let expected = if shown == 1 { "1 reply".to_string() } else { format!("{shown} replies") };
        assert_eq!(summary, expected, "a subthread counts the replies it folds away");
    }
}

#[test]
fn comment_dates_read_relative_with_the_exact_date_kept() {
    let (_dir, output, _) = example();
    let html = page(&output, "readings/trust-in-teams/index.html");
    let times = select(&html, ".comment .permalink time");
    assert!(!times.is_empty());
    for time in times {
        let datetime = time.value().attr("datetime").expect("a machine-readable date");
        assert!(datetime.len() >= 20 && datetime.as_bytes()[10] == b'T', "RFC 3339: {datetime}");
        assert!(time.value().attr("title").is_some_and(|t| t.contains("2011")), "the exact date on hover");
        assert!(text(time).ends_with("the reading"), "relative to the reading: {}", text(time));
    }
}

#[test]
fn pages_take_their_lang_from_site_yaml() {
    let site = copy_fixture("basic");
    let config =
        fs::read_to_string(site.path().join("site.yaml")).unwrap().replace("language: en-CA", "language: fr-CA");
    fs::write(site.path().join("site.yaml"), config).unwrap();
    let output = site.path().join("public");
    build(site.path(), &output, &[]);
    let pages: Vec<String> = read_tree(&output).into_keys().filter(|p| p.ends_with(".html")).collect();
    assert!(!pages.is_empty());
    for path in pages {
        let html = page(&output, &path);
        assert_eq!(select(&html, "html")[0].value().attr("lang"), Some("fr-CA"), "{path}");
    }
}

#[test]
fn the_theme_loads_nothing_from_another_host() {
    let (_dir, output, pages) = example();
    for path in &pages {
        let html = page(&output, path);
        assert!(select(&html, "iframe, object, embed").is_empty(), "{path}: no frames");
        for script in select(&html, "script") {
            // The search page is the one page with a script: the theme's own file, never inline.
            let src = script.value().attr("src").unwrap_or_default();
            assert!(path == "search/index.html" && src.ends_with("/search.js"), "{path}: unexpected script {src:?}");
            assert!(script.text().collect::<String>().trim().is_empty(), "{path}: inline script");
        }
        for element in
            select(&html, "link[rel~=stylesheet], link[rel~=icon], link[rel~=preload], img[src], source, video, audio")
        {
            let address = element.value().attr("href").or(element.value().attr("src")).unwrap_or_default();
            assert!(!address.contains(':') && !address.starts_with("//"), "{path}: {address} is on the site");
        }
    }
    let css = fs::read_to_string(output.join("style.css")).unwrap();
    assert!(!css.contains("@import") && !css.contains("url("), "style.css loads nothing");
}

/// The theme's colours, by custom property, for the light scheme and the dark one.
#[test]
fn every_page_describes_itself_for_link_previews() {
    let (_dir, output, pages) = example();
    let meta = |html: &Html, property: &str| {
        let found = select(html, &format!("meta[property='{property}']"));
        found.first().and_then(|m| m.value().attr("content")).map(str::to_string)
    };
    for name in &pages {
        let html = page(&output, name);
        let url = meta(&html, "og:url").unwrap_or_else(|| panic!("{name}: no og:url"));
        assert!(url.starts_with("https://example.org/cohort/"), "{name}: {url}");
        for property in ["og:title", "og:type", "og:site_name", "og:description"] {
            assert!(meta(&html, property).is_some_and(|c| !c.is_empty()), "{name}: no {property}");
        }
    }
    let reading = page(&output, "readings/leader-rounding/index.html");
    let summary = "Checking in with each person, on purpose and on a schedule.";
    assert_eq!(meta(&reading, "og:description").as_deref(), Some(summary));
    assert_eq!(meta(&reading, "og:type").as_deref(), Some("article"));
    let description = select(&reading, "meta[name=description]")[0].value().attr("content");
    assert_eq!(description, Some(summary), "search engines get the reading's summary, not the site's");
}

#[test]
fn no_address_of_the_example_authors_reaches_any_file_of_the_site() {
    let (_dir, output, _) = example();
    let authors = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("authors.yaml")).unwrap();
    let addresses: Vec<&str> = authors.lines().filter_map(|l| l.trim().strip_prefix("email: ")).collect();
    assert!(addresses.len() > 10, "the example gives its people addresses: {addresses:?}");
    for address in addresses {
        assert_eq!(common::files_containing(&output, address), Vec::<String>::new(), "{address}");
    }
}

fn colours() -> (BTreeMap<String, [f64; 3]>, BTreeMap<String, [f64; 3]>) {
    let css =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css")).unwrap();
    let block = |start: &str| {
        let from = css.find(start).unwrap_or_else(|| panic!("style.css has `{start}`"));
        let body = &css[from..from + css[from..].find('}').unwrap()];
        body.lines()
            .filter_map(|line| {
                let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
                let hex = value.trim().trim_end_matches(';').strip_prefix('#')?;
                let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                Some((name.to_string(), [channel(0), channel(2), channel(4)]))
            })
            .collect::<BTreeMap<_, _>>()
    };
    let light = block(":root {");
    let mut dark = light.clone();
    dark.extend(block("@media (prefers-color-scheme: dark) {\n  :root {"));
    (light, dark)
}

/// WCAG 2.1 contrast ratio of two sRGB colours.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |c: [f64; 3]| {
        let linear = |v: f64| if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
        0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
    };
    let (x, y) = (luminance(a) + 0.05, luminance(b) + 0.05);
    x.max(y) / x.min(y)
}

#[test]
fn text_colours_meet_wcag_aa_in_both_schemes() {
    // Text on the backgrounds it is drawn on; 4.5:1 for text (AA), 3:1 for the rails and outlines.
    let mut pairs: Vec<(&str, &str, f64)> = vec![
        ("fg", "bg", 4.5),
        ("fg", "card", 4.5),
        ("muted", "bg", 4.5),
        ("muted", "card", 4.5),
        ("accent", "bg", 4.5),
        ("accent", "card", 4.5),
        ("fg", "accent-bg", 4.5),
        ("muted", "accent-bg", 4.5),
        ("accent", "accent-bg", 4.5),
        ("accent-fg", "accent", 4.5),
        ("fg", "target", 4.5),
        ("accent", "target", 4.5),
        ("muted", "target", 4.5),
        ("rail", "bg", 3.0),
        ("rail", "card", 3.0),
    ];
    let tints = ["tint-0", "tint-1", "tint-2", "tint-3", "tint-4", "tint-5"];
    pairs.extend(tints.iter().map(|t| ("fg", *t, 4.5)));
    let (light, dark) = colours();
    let mut report = Vec::new();
    for (scheme, colours) in [("light", &light), ("dark", &dark)] {
        for &(text, background, least) in &pairs {
            let ratio = contrast(colours[text], colours[background]);
            report.push(format!("{scheme}: --{text} on --{background} {ratio:.2}:1"));
            assert!(ratio >= least, "{scheme}: --{text} on --{background} is {ratio:.2}:1, below {least}:1");
        }
    }
    if std::env::var("ROUNDTABLE_CONTRAST").is_ok() {
        println!("{}", report.join("\n"));
    }
}
