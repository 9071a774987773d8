//! People: names matched by key, name or alias; unknown names get pages; anonymous gets none.

mod common;

use common::{build, files_containing, fixture, page, roundtable, select, site};

#[test]
fn names_and_aliases_lead_to_one_page_each() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    let people: Vec<String> = std::fs::read_dir(output.join("authors"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "index.html")
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(people, ["athena-loopstra", "benjamin-ortiz", "guest-principal-rao"], "no page for Anonymous");
    let ben = page(&output, "authors/benjamin-ortiz/index.html");
    let links: Vec<&str> = select(&ben, "[aria-labelledby=reflections-heading] a.comment-link")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    // "Benjamin Ortiz", "ben" and "Ben" are one person; newest comment first.
    assert_eq!(
        links.iter().filter(|l| l.contains("#comment-")).collect::<std::collections::BTreeSet<_>>().len(),
        3,
        "{links:?}"
    );
    let first = links.iter().position(|l| l.ends_with("#comment-t2")).unwrap();
    let last = links.iter().position(|l| l.ends_with("#comment-c1")).unwrap();
    assert!(first < last, "newest first: {links:?}");
    assert!(links.iter().all(|l| l.starts_with("../../week/")), "{links:?}");
}

#[test]
fn different_names_with_the_same_slug_are_told_apart() {
    let dir = site(&[
        ("content/r/a.md", "---\ntitle: A\ndate: 2011-08-08\n---\n"),
        (
            "content/r/a.comments.yaml",
            "- id: c1\n  author: Zoë Ng\n  date: 2011-08-08\n  body: one\n- id: c2\n  author: Zoe Ng\n  date: 2011-08-09\n  body: two\n- id: c3\n  author: ZOË NG\n  date: 2011-08-10\n  body: three\n",
        ),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let first = page(&output, "authors/zoe-ng/index.html");
    let second = page(&output, "authors/zoe-ng-2/index.html");
    assert_eq!(select(&first, "a[href$=\"#comment-c1\"]").len(), 1);
    assert_eq!(select(&first, "a[href$=\"#comment-c3\"]").len(), 1, "case does not make a new person");
    assert_eq!(select(&second, "a[href$=\"#comment-c2\"]").len(), 1);
}

#[test]
fn a_busy_writer_gets_pages_of_a_hundred_reflections() {
    let mut thread = String::new();
    for i in 0..250 {
        thread += &format!(
            "- id: c{i}\n  author: Busy Bee\n  date: 2011-08-08T{:02}:{:02}:00Z\n  body: Note {i}.\n",
            i / 60,
            i % 60
        );
    }
    let reading = "---\ntitle: One\ndate: 2011-08-08\n---\nText.\n";
    let root = site(&[("content/r/2011-08-08-one.md", reading), ("content/r/2011-08-08-one.comments.yaml", &thread)]);
    let out = tempfile::tempdir().unwrap();
    build(root.path(), &out.path().join("public"), &[]);
    let output = out.path().join("public");
    let notes = |path: &str| select(&page(&output, path), "[aria-labelledby=reflections-heading] article").len();
    assert_eq!(
        [
            notes("authors/busy-bee/index.html"),
            notes("authors/busy-bee/page/2/index.html"),
            notes("authors/busy-bee/page/3/index.html")
        ],
        [100, 100, 50]
    );
    assert!(!output.join("authors/busy-bee/page/4").exists());
    let middle = page(&output, "authors/busy-bee/page/2/index.html");
    let link =
        |rel: &str| select(&middle, &format!("nav.pagination a[rel={rel}]"))[0].attr("href").unwrap().to_string();
    assert_eq!(
        (link("prev"), link("next")),
        ("../../../../authors/busy-bee/index.html".into(), "../../../../authors/busy-bee/page/3/index.html".into())
    );
    let first = page(&output, "authors/busy-bee/index.html");
    assert!(
        select(&first, "article").iter().any(|a| a.text().collect::<String>().contains("Note 249.")),
        "newest first"
    );
}

#[test]
fn no_e_mail_address_reaches_any_built_file() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(&fixture("basic"), &output, &[]);
    // The published report too: it names people.
    let publish = roundtable([
        "report",
        "--root",
        fixture("basic").to_str().unwrap(),
        "--publish",
        "--output",
        output.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(publish.status.success(), "{}", String::from_utf8_lossy(&publish.stderr));
    assert!(output.join("report/participation.json").is_file());
    let authors = std::fs::read_to_string(fixture("basic").join("authors.yaml")).unwrap();
    let addresses: Vec<&str> =
        authors.split(|c: char| c.is_whitespace() || "[],".contains(c)).filter(|w| w.contains('@')).collect();
    assert_eq!(addresses.len(), 3, "{addresses:?}");
    for address in addresses {
        assert_eq!(files_containing(&output, address), Vec::<String>::new(), "{address} was published");
    }
}
