//! `roundtable reply`: appending to threads without losing a byte, and every refusal.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{build, copy_fixture, page, read_tree, select, site};

/// Runs `roundtable reply --root ROOT ARGS` with `input` on standard input.
fn reply(root: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["reply", "--root", root.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const READING: &str = "---\ntitle: Trust\ndate: 2011-08-08\n---\nRead this.\n";
const THREAD: &str = "content/r/2011-08-08-trust.comments.yaml";

/// A body that YAML would misread if it were not written as a literal block.
const TRICKY: &str = "  indented first line\n---\nkey: value\n- not a list\n# not a comment\nhard break  \n\n\"quoted\" 'too' \\ and a tab\there\n";

#[test]
fn a_reply_keeps_every_old_byte_and_builds() {
    let root = copy_fixture("basic");
    let thread = root.path().join("content/week/2011-08-08-client-focus.comments.yaml");
    let before = fs::read(&thread).unwrap();
    let added = reply(root.path(), &["client-focus", "--to", "c1", "--author", "Ben"], TRICKY);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(added.stderr.is_empty(), "Ben is an alias, so there is no note: {}", text(&added.stderr));
    let stdout = text(&added.stdout);
    assert!(stdout.starts_with("Added comment c6 (Ben, replying to c1) to content/week/"), "{stdout}");
    assert!(stdout.contains("It will be at https://example.org/cohort/week/client-focus/#comment-c6"), "{stdout}");
    let after = fs::read(&thread).unwrap();
    assert_eq!(&after[..before.len()], &before[..], "the old bytes are untouched");
    let output = root.path().join("out");
    build(root.path(), &output, &[]);
    let html = page(&output, "week/client-focus/index.html");
    let reply = select(&html, "#comment-c1 #comment-c6");
    assert_eq!(reply.len(), 1, "the reply nests under c1");
    let shown = reply[0].text().collect::<String>();
    assert!(shown.contains("indented first line") && shown.contains("key: value"), "{shown}");
    let mut problems = roundtable::diagnostics::Diagnostics::new();
    let comments = roundtable::load::thread_list(Path::new("t"), &String::from_utf8(after).unwrap(), &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(comments.last().unwrap().fields.body.as_deref(), Some(TRICKY), "the body reads back exactly");
}

#[test]
fn a_crlf_thread_stays_crlf_and_a_missing_final_newline_is_added() {
    let old = "# thread\r\n- id: c1\r\n  author: Ana\r\n  date: 2011-08-08\r\n  body: |\r\n    First.";
    let root = site(&[("content/r/2011-08-08-trust.md", READING), (THREAD, old)]);
    let added = reply(root.path(), &["trust", "--to", "c1", "--author", "Ben"], "Second\nline.\n");
    assert!(added.status.success(), "{}", text(&added.stderr));
    let after = fs::read_to_string(root.path().join(THREAD)).unwrap();
    assert!(after.starts_with(old), "{after:?}");
    let tail = &after[old.len()..];
    assert!(tail.starts_with("\r\n\r\n- id: c2\r\n"), "{tail:?}");
    assert_eq!(tail.matches('\n').count(), tail.matches("\r\n").count(), "only CRLF line ends: {tail:?}");
    assert!(tail.ends_with("    Second\r\n    line.\r\n"), "{tail:?}");
    let output = root.path().join("out");
    build(root.path(), &output, &[]);
    let html = page(&output, "r/trust/index.html");
    assert_eq!(select(&html, "#comment-c1 #comment-c2").len(), 1);
}

#[test]
fn the_first_comment_creates_the_thread_file_and_an_empty_one_is_kept() {
    let root = site(&[("content/r/2011-08-08-trust.md", READING)]);
    let body = root.path().join("reflection.md");
    fs::write(&body, "My reflection.\r\n").unwrap();
    let first = reply(root.path(), &["/r/trust/", "--author", "Zoë Ng", "--file", body.to_str().unwrap()], "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    let note = text(&first.stderr);
    assert!(note.contains("warning: `Zoë Ng` is not in authors.yaml, so they will get a page of their own"), "{note}");
    let created = fs::read_to_string(root.path().join(THREAD)).unwrap();
    assert!(created.starts_with("- id: c1\n  author: \"Zoë Ng\"\n  date: "), "{created}");
    assert!(created.ends_with("  body: |\n    My reflection.\n"), "{created}");

    let empty = site(&[("content/r/2011-08-08-trust.md", READING), (THREAD, "")]);
    assert!(reply(empty.path(), &["trust", "--author", "Ana"], "Hi.").status.success());
    let written = fs::read_to_string(empty.path().join(THREAD)).unwrap();
    assert!(written.starts_with("- id: c1\n"), "no blank line before the first entry: {written:?}");
}

#[test]
fn a_bundle_gets_a_new_file_in_its_comments_folder() {
    let root = site(&[
        ("content/r/trust/index.md", READING),
        ("content/r/trust/comments.yaml", "- id: c1\n  author: Ana\n  date: 2011-08-08\n  body: First.\n"),
        ("content/r/trust/comments/2011-08-09-ben.yaml", "id: c7\nauthor: Ben\ndate: 2011-08-09\nbody: Second.\n"),
    ]);
    let before = read_tree(root.path());
    let added = reply(root.path(), &["content/r/trust", "--to", "c7", "--author", "Ana"], "Third.\n");
    assert!(added.status.success(), "{}", text(&added.stderr));
    let after = read_tree(root.path());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{path} is untouched");
    }
    let new: Vec<&String> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(new[0].starts_with("content/r/trust/comments/") && new[0].ends_with("-c8.yaml"), "{new:?}");
    let comment = String::from_utf8(after[new[0]].clone()).unwrap();
    assert!(comment.starts_with("id: c8\nauthor: \"Ana\"\ndate: ") && comment.contains("\nreply_to: \"c7\"\n"));
    let output = root.path().join("out");
    build(root.path(), &output, &[]);
    assert_eq!(select(&page(&output, "r/trust/index.html"), "#comment-c7 #comment-c8").len(), 1);
}

#[test]
fn a_reading_is_found_by_its_file_address_or_slug_and_an_unknown_one_gets_a_suggestion() {
    let root = site(&[
        ("content/r/2011-08-08-trust.md", READING),
        ("content/s/2011-08-08-trust.md", READING),
        ("content/s/2011-08-15-feedback.md", "---\ntitle: Feedback\ndate: 2011-08-15\n---\n"),
    ]);
    let by_file = reply(root.path(), &["content/r/2011-08-08-trust.md", "--author", "Ana"], "One.");
    assert!(by_file.status.success(), "{}", text(&by_file.stderr));
    assert!(root.path().join(THREAD).is_file());
    let by_url = reply(root.path(), &["http://localhost:1111/s/trust/", "--author", "Ana"], "Two.");
    assert!(by_url.status.success(), "{}", text(&by_url.stderr));
    assert!(root.path().join("content/s/2011-08-08-trust.comments.yaml").is_file());
    // A link copied from the built site opened from the disk, and a relative one from a page.
    let from_disk = "file:///home/ana/cohort/public/s/trust/index.html#comment-c1";
    let by_disk = reply(root.path(), &[from_disk, "--author", "Ana", "--to", "c1"], "Two and a half.");
    assert!(by_disk.status.success(), "{}", text(&by_disk.stderr));
    let relative = reply(root.path(), &["../../r/trust/index.html", "--author", "Ana"], "And more.");
    assert!(relative.status.success(), "{}", text(&relative.stderr));
    let thread = fs::read_to_string(root.path().join("content/s/2011-08-08-trust.comments.yaml")).unwrap();
    assert!(thread.contains("reply_to: \"c1\"\n  body: |\n    Two and a half."), "{thread}");
    assert!(fs::read_to_string(root.path().join(THREAD)).unwrap().contains("And more."));
    let ambiguous = reply(root.path(), &["trust", "--author", "Ana"], "Three.");
    assert_eq!(ambiguous.status.code(), Some(2));
    let stderr = text(&ambiguous.stderr);
    assert!(stderr.contains("error: `trust` names more than one reading"), "{stderr}");
    assert!(stderr.contains("/r/trust/ (content/r/2011-08-08-trust.md), /s/trust/"), "{stderr}");
    let unknown = reply(root.path(), &["feedbak", "--author", "Ana"], "Four.");
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = text(&unknown.stderr);
    assert!(stderr.starts_with("reply: error: no reading is called `feedbak`\n  help: did you mean `feedback`?"));
    assert!(stderr.contains("nothing was written"), "{stderr}");
}

#[test]
fn refusals_write_nothing() {
    let thread = "- id: c1\n  author: Ana\n  date: 2011-08-08\n  body: First.\n";
    let root = site(&[
        ("content/r/2011-08-08-trust.md", READING),
        (THREAD, thread),
        ("content/r/2011-08-15-closed.md", "---\ntitle: Closed\ndate: 2011-08-15\ncomments: closed\n---\n"),
    ]);
    let before = read_tree(root.path());
    // Each case: arguments, standard input, the start of stderr, and the exit code (2: a mistake in the command).
    let cases: [(&[&str], &str, &str, i32); 5] = [
        (&["trust", "--to", "c9", "--author", "Ben"], "Hi.", "--to: error: no comment `c9` in the thread of content/r/2011-08-08-trust.md\n  help: ids in this thread are `c1`", 2),
        (&["trust", "--author", "Ben"], " \n\t\n", "standard input: error: the comment is empty", 2),
        (&["trust", "--author", "Ben", "--file", "no-such-file.md"], "", "no-such-file.md: error: cannot read this file", 2),
        (&["closed", "--author", "Ben"], "Hi.", "content/r/2011-08-15-closed.md:4:1: error: the discussion of this reading is closed", 1),
        (&["trust", "--author", "Ben\nSmith"], "Hi.", "--author: error: the author's name must be on one line", 2),
    ];
    for (args, input, expected, code) in cases {
        let refused = reply(root.path(), args, input);
        assert_eq!(refused.status.code(), Some(code), "{args:?}");
        let stderr = text(&refused.stderr);
        assert!(stderr.starts_with(expected), "{args:?}:\n{stderr}");
        assert!(stderr.ends_with("roundtable: 1 error found; nothing was written\n"), "{stderr}");
    }
    assert_eq!(read_tree(root.path()), before);
}

#[test]
fn a_thread_the_new_comment_would_not_read_back_from_is_left_alone() {
    // A flow list: a `- ` entry appended to it would not make a thread with the new comment, so it is refused.
    let root = site(&[("content/r/2011-08-08-trust.md", READING), (THREAD, "[]\n")]);
    let refused = reply(root.path(), &["trust", "--author", "Ana"], "Hi.");
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.starts_with(&format!(
            "{THREAD}:1:1: error: this thread is not written as `- ` entries at the start of each line"
        )),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(root.path().join(THREAD)).unwrap(), "[]\n");
}

#[test]
fn a_facilitators_week_as_the_readme_walks_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("leading-every-day");
    assert!(common::roundtable(["init", root.to_str().unwrap()]).status.success());
    let new = ["new", "reading", "Trust in Teams", "--tags", "trust,teams", "--root", root.to_str().unwrap()];
    assert!(common::roundtable(new).status.success());
    // Step 1 ends with pasting the excerpt in place of the placeholder line.
    let today = chrono::Utc::now().date_naive();
    let reading = root.join(format!("content/readings/{today}-trust-in-teams.md"));
    let text_now = fs::read_to_string(&reading).unwrap();
    fs::write(&reading, text_now.replace("Paste or write the reading here, in Markdown.", "Trust is a practice."))
        .unwrap();
    let claire = root.join("claire.md");
    fs::write(&claire, "Trust is built in small moments.\n").unwrap();
    let first =
        reply(&root, &["trust-in-teams", "--author", "Claire Dufresne", "--file", claire.to_str().unwrap()], "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    let second = reply(&root, &["trust-in-teams", "--author", "Alex", "--to", "c1"], "Agreed.\n");
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(second.stderr.is_empty(), "Alex is an alias in the starter authors.yaml");
    let output = root.join("public");
    let built = build(&root, &output, &[]);
    assert!(
        text(&built.stdout).starts_with("Built 2 readings, 4 comments, 3 people, 3 tags"),
        "{}",
        text(&built.stdout)
    );
    let html = page(&output, "readings/trust-in-teams/index.html");
    assert_eq!(select(&html, "#comment-c1 #comment-c2").len(), 1);
}
