//! Moderation states: a pending comment is nowhere on the built site, a removed one leaves a placeholder
//! that keeps its replies, the report counts published comments only and lists what waits, and the
//! preview `serve` makes shows what waits, marked.

mod common;
#[path = "common/index.rs"]
mod index;

use std::fs;

use common::{build, files_containing, page, roundtable, select, site};

const AUTHORS: &str = "ana:\n  name: Ana Silva\nben:\n  name: Ben Ode\n";

const READING: &str = "---\ntitle: Trust in Teams\ndate: 2026-01-05\nweek: 1\n---\nThe excerpt.\n";

const THREAD: &str = "\
- id: c1
  author: Ana Silva
  date: 2026-01-05T10:00:00Z
  body: Ana's published reflection.
- id: c2
  author: Quentin Waiting
  date: 2026-01-05T11:00:00Z
  status: pending
  body: WAITINGTEXT nobody may read this yet.
- id: c3
  author: Rita Removed
  date: 2026-01-05T12:00:00Z
  status: removed
  body: REMOVEDTEXT taken down.
- id: c4
  author: Ben Ode
  date: 2026-01-05T13:00:00Z
  reply_to: c3
  body: Ben's reply stays where it was.
- id: c5
  author: Ben Ode
  date: 2026-01-05T14:00:00Z
  reply_to: c2
  status: published
  body: ORPHANTEXT answers the waiting one.
";

fn moderated_site() -> tempfile::TempDir {
    site(&[
        ("authors.yaml", AUTHORS),
        ("content/readings/2026-01-05-trust.md", READING),
        ("content/readings/2026-01-05-trust.comments.yaml", THREAD),
    ])
}

#[test]
fn pending_and_removed_comments_never_reach_the_built_site() {
    let dir = moderated_site();
    let output = dir.path().join("public");
    let result = build(dir.path(), &output, &[]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("comment `c5` is not shown: it answers `c2`, which waits for approval"), "{stderr}");
    for secret in ["WAITINGTEXT", "Quentin", "REMOVEDTEXT", "Rita", "ORPHANTEXT"] {
        assert_eq!(files_containing(&output, secret), Vec::<String>::new(), "`{secret}` was published");
    }
    assert!(!output.join("authors/quentin-waiting").exists());
    let reading = page(&output, "readings/trust/index.html");
    let removed = select(&reading, "#comment-c3");
    assert_eq!(removed.len(), 1);
    let text: String = removed[0].text().collect();
    assert!(text.contains("This reflection was removed"), "{text}");
    assert_eq!(select(&reading, "#comment-c3 #comment-c4").len(), 1, "the reply stays under the placeholder");
    assert!(select(&reading, "#comment-c2").is_empty());
    // Counts, feeds and search see c1 and c4 only.
    let index = fs::read_to_string(output.join("index.html")).unwrap();
    assert!(index.contains("2 comments"), "{index}");
    let feed = fs::read_to_string(output.join("comments.xml")).unwrap();
    assert_eq!(feed.matches("</entry>").count(), 2, "{feed}");
    let indexed: Vec<String> = index::documents(&output).into_iter().map(|d| d.url).collect();
    assert_eq!(indexed, ["readings/trust/", "readings/trust/#comment-c1", "readings/trust/#comment-c4"]);
    assert_eq!(index::urls_with(&output, "stays"), ["readings/trust/#comment-c4"], "read back through the index");
    for secret in ["waitingtext", "removedtext", "orphantext"] {
        assert_eq!(index::urls_with(&output, secret), Vec::<String>::new(), "{secret}");
    }
}

#[test]
fn the_report_counts_published_comments_and_lists_what_waits() {
    let dir = moderated_site();
    let out = dir.path().join("reports");
    let args = ["report", "--root", dir.path().to_str().unwrap(), "--format", "json"];
    let result = roundtable(args);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(out.join("participation.json")).unwrap()).unwrap();
    let ben = report["members"].as_array().unwrap().iter().find(|r| r["name"] == "Ben Ode").unwrap();
    assert_eq!(ben["total"]["comments"], 1, "c5 waits with c2, so only c4 counts");
    assert_eq!(report["anonymous_comments"], 0, "a removed comment counts for no one");
    assert_eq!(report["waiting_count"], 1);
    assert_eq!(report["waiting"][0]["id"], "c2");
    assert_eq!(report["waiting"][0]["author"], "Quentin Waiting");
    assert_eq!(report["waiting"][0]["start"], "WAITINGTEXT nobody may read this yet.");
    // Published, the report says how many wait but not what they say.
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let publish = ["report", "--root", dir.path().to_str().unwrap(), "--publish", "--format", "json"];
    assert!(roundtable(publish).status.success());
    assert_eq!(files_containing(&output, "WAITINGTEXT"), Vec::<String>::new());
    assert_eq!(files_containing(&output, "Quentin"), Vec::<String>::new());
}

#[test]
fn the_preview_shows_what_waits_marked_as_waiting() {
    let dir = moderated_site();
    let output = dir.path().join(".roundtable/serve");
    let options = roundtable::BuildOptions {
        root: dir.path().to_path_buf(),
        output: output.clone(),
        pending: true,
        ..Default::default()
    };
    roundtable::build(&options).unwrap();
    let reading = page(&output, "readings/trust/index.html");
    let waiting = select(&reading, "#comment-c2.comment-pending");
    assert_eq!(waiting.len(), 1);
    let text: String = waiting[0].text().collect();
    assert!(text.contains("Waiting for approval") && text.contains("WAITINGTEXT"), "{text}");
    assert_eq!(select(&reading, "#comment-c2 #comment-c5").len(), 1);
}

#[test]
fn an_unknown_status_is_an_error_with_its_line() {
    let dir = site(&[
        ("content/readings/2026-01-05-trust.md", READING),
        (
            "content/readings/2026-01-05-trust.comments.yaml",
            "- id: c1\n  author: Ana\n  date: 2026-01-05\n  status: hidden\n  body: x\n",
        ),
    ]);
    let result = roundtable(["check", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2026-01-05-trust.comments.yaml:4:"), "{stderr}");
    assert!(stderr.contains("pending"), "{stderr}");
}
