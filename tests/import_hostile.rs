//! Imported text is hostile: every input of `fixtures/hostile/vectors.txt` in every field of a
//! generated WordPress export (title, body, excerpt, category, commenter's name and address, comment
//! and reply), imported and built by the real binary; every page must pass `common/safety.rs`.

mod common;
#[path = "common/safety.rs"]
mod safety;

use std::path::Path;

use common::roundtable;
use safety::{feed_violations, html_pages, violations, Allowed};

/// XML 1.0 cannot carry these characters at all, even escaped, so no export can hold them.
fn fits_in_xml(text: &str) -> bool {
    text.chars().all(|c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}')))
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One `<item>` with `v` in every field a member or an author could type.
fn item(n: usize, v: &str) -> String {
    let v = escaped(v);
    format!(
        r#"<item><title>{v}</title><dc:creator>{v}</dc:creator>
<content:encoded>{v}</content:encoded><excerpt:encoded>{v}</excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2011-08-{day:02} 10:00:00</wp:post_date_gmt>
<wp:post_name>v{n}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="post_tag" nicename="t{n}">{v}</category>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>{v}</wp:comment_author>
<wp:comment_author_url>{v}</wp:comment_author_url><wp:comment_date_gmt>2011-08-{day:02} 11:00:00</wp:comment_date_gmt>
<wp:comment_content>{v}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Ana Member</wp:comment_author>
<wp:comment_date_gmt>2011-08-{day:02} 12:00:00</wp:comment_date_gmt>
<wp:comment_content>{v}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>1</wp:comment_parent></wp:comment>
</item>
"#,
        day = n % 28 + 1
    )
}

fn export(values: &[&str]) -> String {
    let items: String = values.iter().enumerate().map(|(n, v)| item(n + 1, v)).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><wp:wxr_version>1.2</wp:wxr_version>
{items}</channel></rss>
"#
    )
}

/// Imports `values` (one post each) into a new site and builds it; returns the site folder.
fn import_and_build(values: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xml");
    std::fs::write(&file, export(values)).unwrap();
    let site = dir.path().join("site");
    let done = roundtable(["import", "wordpress", file.to_str().unwrap(), "--into", site.to_str().unwrap()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    common::build(&site, &site.join("public"), &[]);
    dir
}

#[test]
fn every_hostile_vector_imported_from_an_export_builds_safe_pages() {
    let clean = import_and_build(&["Plain words"]);
    let allowed = Allowed::from_output(&clean.path().join("site/public"));
    let vectors = safety::vectors();
    let usable: Vec<&str> = vectors.iter().map(|(_, v)| v.as_str()).filter(|v| fits_in_xml(v)).collect();
    assert!(usable.len() * 10 >= vectors.len() * 8, "most vectors fit in XML: {} of {}", usable.len(), vectors.len());
    let built = import_and_build(&usable);
    let output = built.path().join("site/public");
    let mut problems = Vec::new();
    for (path, html) in html_pages(&output) {
        problems.extend(violations(&html, &allowed).into_iter().map(|v| format!("{path}: {v}")));
    }
    for (path, bytes) in common::read_tree(&output).into_iter().filter(|(p, _)| p.ends_with(".xml")) {
        let members = path.ends_with("comments.xml");
        problems.extend(
            feed_violations(&String::from_utf8(bytes).unwrap(), members).into_iter().map(|v| format!("{path}: {v}")),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let pages = html_pages(&output).iter().filter(|(p, _)| p.starts_with("readings/v")).count();
    assert_eq!(pages, usable.len(), "every vector's post is a reading");
    let people = std::fs::read_to_string(Path::new(&built.path().join("site/authors.yaml"))).unwrap();
    for website in people.lines().filter_map(|l| l.strip_prefix("  website: ")) {
        assert!(
            website.starts_with("\"http://") || website.starts_with("\"https://"),
            "only http(s) is kept: {website}"
        );
    }
}
