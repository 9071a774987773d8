//! `authors/<person>/replies.xml`: replies to and mentions of one person, as valid Atom (checked by
//! parsing), with published comments only; and no e-mail address anywhere in the built site.
//! On `fixtures/cohort-rhythm/` (see `rhythm.rs`).

mod common;

use std::fs;

use common::{build, files_containing, fixture};

fn entries(feed: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(feed).expect("the feed is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    for required in ["id", "title", "updated"] {
        assert!(root.children().any(|n| n.has_tag_name(required)), "the feed has no {required}");
    }
    root.children()
        .filter(|n| n.has_tag_name("entry"))
        .map(|entry| {
            let text = |name: &str| {
                entry.children().find(|n| n.has_tag_name(name)).and_then(|n| n.text()).unwrap_or_default().to_string()
            };
            for required in ["id", "title", "updated", "published"] {
                assert!(!text(required).is_empty(), "an entry has no {required}");
            }
            (text("id"), text("content"))
        })
        .collect()
}

#[test]
fn each_person_has_a_feed_of_replies_and_mentions() {
    let out = tempfile::tempdir().unwrap();
    let output = build(&fixture("cohort-rhythm"), out.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let dee = fs::read_to_string(out.path().join("authors/dee/replies.xml")).unwrap();
    let ids: Vec<String> = entries(&dee).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        ["https://example.org/r/week/two/#comment-a2", "https://example.org/r/week/two/#comment-b2"],
        "newest first; Dee's answer to herself, the pending reply and the removed one are left out"
    );
    assert!(!dee.contains("secret reply") && !dee.contains("Taken down") && !dee.contains("<script"));
    let cy = fs::read_to_string(out.path().join("authors/cy/replies.xml")).unwrap();
    let cy = entries(&cy);
    assert_eq!(cy.len(), 1, "Ben mentions Cy");
    assert!(cy[0].1.contains("Where is"), "{cy:?}");
    let ana = fs::read_to_string(out.path().join("authors/ana/replies.xml")).unwrap();
    assert_eq!(entries(&ana).len(), 2, "Fay and Ben answered Ana");
    let page = fs::read_to_string(out.path().join("authors/ana/index.html")).unwrap();
    assert!(page.contains("authors/ana/replies.xml"), "the person's page points to the feed");
    for member in ["ana", "ben", "cy", "dee", "fay"] {
        let address = format!("{member}@example.org");
        assert_eq!(files_containing(out.path(), &address), Vec::<String>::new(), "{address} reached the site");
    }
    assert_eq!(files_containing(out.path(), "secret reply"), Vec::<String>::new());
}
