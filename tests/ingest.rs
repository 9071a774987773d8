//! `roundtable ingest` and `roundtable moderate`: mail in the shapes real clients send, placed by the
//! reply token, cleaned of quoted history, added once, approved, and built; and every bad mailbox.
//!
//! The mails in `fixtures/mail/` were written for these tests in the shapes Gmail, Outlook, Apple
//! Mail, Thunderbird and a phone client send. Each member's own words carry a marker (`GMAILWORDS`,
//! ...); everything they quote carries `QUOTEDHISTORY`, which must never reach a thread.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{build, files_containing, fixture, page, roundtable, select, site};

const SITE: &str = "title: Cohort\nreplies: { to: cohort@school.example, moderation: true }\n";

const AUTHORS: &str = "\
ana:
  name: Ana Silva
  email: ana@school.example
ben:
  name: Ben Ode
  email: [ben@home.example, b.ode@school.example]
claire:
  name: Claire Dufresne
  email: claire@school.example
zoe:
  name: Zoë Ng
  email: zoe@school.example
";

const THREAD_FILE: &str = "content/readings/2026-01-05-trust-in-teams.comments.yaml";

const THREAD: &str = "\
# The week's discussion.
- id: c1
  author: Ben Ode
  date: 2026-01-05T10:00:00Z
  body: Trust is a decision.

- id: c2
  author: Ana Silva
  date: 2026-01-05T11:00:00Z
  status: pending
  body: Waiting for approval.
";

/// Every address above, which no built file may hold.
const ADDRESSES: [&str; 6] = [
    "ana@school.example",
    "ben@home.example",
    "b.ode@school.example",
    "claire@school.example",
    "zoe@school.example",
    "quentin@elsewhere.example",
];

fn cohort(moderation: bool) -> tempfile::TempDir {
    let settings = SITE.replace("moderation: true", &format!("moderation: {moderation}"));
    site(&[
        ("site.yaml", &settings),
        ("authors.yaml", AUTHORS),
        (
            "content/readings/2026-01-05-trust-in-teams.md",
            "---\ntitle: Trust in Teams\ndate: 2026-01-05\n---\nThe excerpt.\n",
        ),
        (THREAD_FILE, THREAD),
        (
            "content/readings/2026-01-12-closed.md",
            "---\ntitle: Closed\ndate: 2026-01-12\ncomments: closed\n---\nNo more.\n",
        ),
    ])
}

fn mail(name: &str) -> PathBuf {
    fixture("mail").join(name)
}

fn run(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec![args[0], "--root", root.to_str().unwrap()];
    all.extend(&args[1..]);
    roundtable(all)
}

fn ingest(root: &Path, paths: &[PathBuf]) -> (Option<i32>, String, String) {
    let mut args = vec!["ingest".to_string(), "--root".into(), root.to_str().unwrap().into()];
    args.extend(paths.iter().map(|p| p.to_str().unwrap().to_string()));
    let out = roundtable(args);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn thread(root: &Path) -> String {
    fs::read_to_string(root.join(THREAD_FILE)).unwrap()
}

#[test]
fn mail_from_every_client_keeps_only_the_members_words() {
    let dir = cohort(false);
    let names = ["gmail.eml", "outlook.eml", "apple.eml", "thunderbird.eml", "phone.eml"];
    let (code, stdout, stderr) = ingest(dir.path(), &names.map(mail));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("Added 5 replies; 1 attachment dropped"), "{stdout}");
    let text = thread(dir.path());
    assert!(text.starts_with(THREAD), "the old bytes stay as they were:\n{text}");
    for words in [
        "GMAILWORDS I keep coming back to the idea that trust is built in small, repeated moments — not in retreats.",
        "OUTLOOKWORDS I’d add that a leader’s “no” builds trust too.",
        "APPLEWORDS Here is the chart from our staff meeting; the team that argued most trusted most.",
        "THUNDERBIRDWORDS Très juste : la confiance se gagne au café, pas en réunion.",
        "PHONEWORDS Agreed, **strongly**.",
    ] {
        assert!(text.contains(words), "missing {words:?} in:\n{text}");
    }
    for gone in [
        "QUOTEDHISTORY",
        "wrote:",
        "a écrit",
        "Sent:",
        "Sent from my phone",
        "Conseillère",
        "PHONESCRIPT",
        "track.example",
        "chart.jpg",
        "@",
    ] {
        assert!(!text[THREAD.len()..].contains(gone), "{gone:?} was kept:\n{text}");
    }
    // Senders are matched by their private address, in any case; the reading-level reply has no parent.
    for (id, author, parent) in [
        ("c3", "Ana Silva", Some("c1")),
        ("c4", "Ben Ode", Some("c1")),
        ("c5", "Claire Dufresne", None),
        ("c6", "Zoë Ng", Some("c1")),
    ] {
        let entry =
            text.split("- id: ").find(|e| e.starts_with(&format!("{id}\n"))).unwrap_or_else(|| panic!("no {id}"));
        assert!(entry.contains(&format!("author: \"{author}\"")), "{entry}");
        assert_eq!(entry.contains("reply_to: \"c1\""), parent.is_some(), "{entry}");
        assert!(!entry.contains("status:"), "published without moderation: {entry}");
    }
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    for address in ADDRESSES {
        assert_eq!(files_containing(&output, address), Vec::<String>::new(), "{address} was published");
    }
}

#[test]
fn the_same_mailbox_twice_adds_nothing() {
    let dir = cohort(true);
    let (code, _, stderr) = ingest(dir.path(), &[mail("gmail.eml"), mail("gmail.eml")]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "<CAGmail-0001@mail.gmail.com> from Ana Silva <ana@school.example> is here twice: it was added as c3"
        ),
        "{stderr}"
    );
    let once = thread(dir.path());
    let (code, stdout, _) = ingest(dir.path(), &[mail("gmail.eml")]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("Added 0 replies; 1 message was already there"), "{stdout}");
    assert_eq!(thread(dir.path()), once);
    assert_eq!(once.matches("GMAILWORDS").count(), 1);
}

#[test]
fn an_unknown_sender_waits_under_their_display_name_never_their_address() {
    let dir = cohort(false);
    let (code, stdout, stderr) = ingest(dir.path(), &[mail("stranger.eml")]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("c3 by Quentin Stranger on /readings/trust-in-teams/ (waiting for approval)"), "{stdout}");
    assert!(stderr.contains("is not in authors.yaml: kept waiting for approval"), "{stderr}");
    assert!(stderr.contains("help: if they belong to the cohort, add `email: quentin@elsewhere.example`"), "{stderr}");
    let text = thread(dir.path());
    assert!(text.contains("author: \"Quentin Stranger\"\n  date: 2026-01-07T13:00:00Z\n  status: pending\n"), "{text}");
    // Someone using a member's name from another address waits too, and the facilitator is told.
    let forged = dir.path().join("forged.eml");
    let original = fs::read_to_string(mail("stranger.eml")).unwrap();
    fs::write(&forged, original.replace("Quentin Stranger", "Ana Silva").replace("stranger-0001", "forged-0001"))
        .unwrap();
    let (_, stdout, stderr) = ingest(dir.path(), &[forged]);
    assert!(stdout.contains("c4 by Ana Silva on /readings/trust-in-teams/ (waiting for approval)"), "{stdout}");
    assert!(
        stderr.contains("`Ana Silva` is the name of someone in authors.yaml, but this address is not theirs"),
        "{stderr}"
    );
    assert!(!text.contains("quentin@"), "{text}");
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    assert_eq!(files_containing(&output, "STRANGERWORDS"), Vec::<String>::new());
    assert_eq!(files_containing(&output, "Quentin"), Vec::<String>::new());
}

#[test]
fn moderate_lists_approves_and_removes_changing_one_line() {
    let dir = cohort(true);
    ingest(dir.path(), &[mail("gmail.eml")]);
    let listed = run(dir.path(), &["moderate"]);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(listed.contains("c2  /readings/trust-in-teams/  Ana Silva: Waiting for approval."), "{listed}");
    assert!(
        listed.contains(
            "c3  /readings/trust-in-teams/  Ana Silva: GMAILWORDS I keep coming back to the idea that trust is built…"
        ),
        "{listed}"
    );
    let before = thread(dir.path());
    let approved = run(dir.path(), &["moderate", "approve", "c3"]);
    assert!(approved.status.success(), "{}", String::from_utf8_lossy(&approved.stderr));
    let after = thread(dir.path());
    assert_eq!(after, before.replacen("  status: pending\n  mail:", "  mail:", 1), "only the status line goes");
    let removed = run(dir.path(), &["moderate", "remove", "c1"]);
    assert!(removed.status.success(), "{}", String::from_utf8_lossy(&removed.stderr));
    assert_eq!(thread(dir.path()), after.replacen("- id: c1\n", "- id: c1\n  status: removed\n", 1));
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let reading = page(&output, "readings/trust-in-teams/index.html");
    let placeholder: String = select(&reading, "#comment-c1")[0].text().collect();
    assert!(placeholder.contains("This reflection was removed") && !placeholder.contains("Trust is a decision"));
    assert_eq!(select(&reading, "#comment-c1 #comment-c3").len(), 1, "the approved reply stays under the placeholder");
    assert!(select(&reading, "#comment-c2").is_empty(), "c2 still waits");
}

#[test]
fn moderate_refuses_unknown_and_ambiguous_ids_and_changes_nothing() {
    let dir = cohort(true);
    fs::write(dir.path().join("content/readings/2026-01-06-more.md"), "---\ntitle: More\ndate: 2026-01-06\n---\nx\n")
        .unwrap();
    fs::write(
        dir.path().join("content/readings/2026-01-06-more.comments.yaml"),
        "- id: c1\n  author: Ana\n  date: 2026-01-06\n  status: pending\n  body: y\n",
    )
    .unwrap();
    let before = common::read_tree(dir.path());
    let out = run(dir.path(), &["moderate", "approve", "c2", "c1", "c99"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("the id `c1` is in several threads: /readings/trust-in-teams/, /readings/more/"),
        "{stderr}"
    );
    assert!(stderr.contains("help: say which with --reading"), "{stderr}");
    assert!(stderr.contains("no comment has the id `c99`"), "{stderr}");
    assert_eq!(common::read_tree(dir.path()), before, "c2 was not approved either");
    let out = run(dir.path(), &["moderate", "approve", "c1", "--reading", "more"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!fs::read_to_string(dir.path().join("content/readings/2026-01-06-more.comments.yaml"))
        .unwrap()
        .contains("status"));
}

/// The round trip: a member clicks a reply link, their client writes the mail, the facilitator
/// ingests, approves and builds, and the reply is under the comment it answers.
#[test]
fn a_reply_link_round_trips_to_the_right_place() {
    let dir = cohort(true);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let reading = page(&output, "readings/trust-in-teams/index.html");
    let link = select(&reading, "#comment-c1 .reply-by-mail a")[0].value().attr("href").unwrap().to_string();
    assert!(select(&reading, "#comment-c2").is_empty(), "no link, no comment, while it waits");
    assert_eq!(select(&reading, ".discussion > .reply-by-mail a").len(), 1, "a link to answer the reading");
    let closed = page(&output, "readings/closed/index.html");
    assert!(select(&closed, ".reply-by-mail").is_empty(), "no link where the thread is closed");
    let (address, query) = link.strip_prefix("mailto:").unwrap().split_once('?').unwrap();
    let field = |name: &str| {
        let raw = query.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}="))).unwrap();
        percent_decode(raw)
    };
    let (subject, body) = (field("subject"), field("body"));
    assert_eq!(address, "cohort@school.example");
    assert_eq!(subject, "Re: Trust in Teams [rt readings/trust-in-teams c1]");
    // What a mail client sends: the answer above the prefilled text, quoted history below, the
    // subject folded because it is long, quoted-printable because of the accents.
    let answer = "ROUNDTRIP Je suis en accord : la confiance en premier, même quand la réunion est difficile.";
    let written = format!("{answer}{body}\nOn Mon, Jan 5, 2026 at 10:00 AM Ben Ode <ben@home.example> wrote:\n> QUOTEDHISTORY Trust is a decision.\n");
    let (head, tail) = subject.split_at(subject.find(" [rt").unwrap());
    let eml = format!(
        "From: Zoe <zoe@school.example>\r\nTo: {address}\r\nSubject: Re: {head}\r\n{tail}\r\nDate: Tue, 6 Jan 2026 09:00:00 +0000\r\nMessage-ID: <roundtrip@school.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
        quoted_printable(&written)
    );
    let file = dir.path().join("reply.eml");
    fs::write(&file, eml).unwrap();
    let (code, stdout, stderr) = ingest(dir.path(), &[file]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("c3 by Zoë Ng on /readings/trust-in-teams/, replying to c1 (waiting for approval)"),
        "{stdout}"
    );
    assert!(run(dir.path(), &["moderate", "approve", "c3"]).status.success());
    build(dir.path(), &output, &[]);
    let reading = page(&output, "readings/trust-in-teams/index.html");
    let reply = select(&reading, "#comment-c1 #comment-c3");
    assert_eq!(reply.len(), 1, "the reply is under c1");
    let text: String = reply[0].text().collect();
    assert!(text.contains("Zoë Ng") && text.contains(answer), "{text}");
    for gone in ["QUOTEDHISTORY", "wrote:", "Write your reply above"] {
        assert!(!text.contains(gone), "{gone} reached the page: {text}");
    }
}

/// Percent-decoding, as a browser does with a `mailto:` link.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap().replace("&amp;", "&")
}

/// Quoted-printable with soft line breaks every 60 characters, as mail clients write it.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let mut width = 0;
        for byte in line.bytes() {
            let piece = if byte == b'=' || !(32..127).contains(&byte) {
                format!("={byte:02X}")
            } else {
                (byte as char).to_string()
            };
            if width + piece.len() > 60 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

#[test]
fn moderate_keeps_crlf_and_bundle_files_byte_for_byte_and_refuses_what_it_cannot_edit_in_place() {
    let crlf =
        "- id: c1\r\n  author: Ana\r\n  date: 2026-01-05\r\n  status: pending   # by mail\r\n  body: |\r\n    x\r\n";
    let dir = site(&[
        ("content/r/2026-01-05-a.md", "---\ntitle: A\ndate: 2026-01-05\n---\nx\n"),
        ("content/r/2026-01-05-a.comments.yaml", crlf),
        ("content/r/b/index.md", "---\ntitle: B\ndate: 2026-01-05\n---\nx\n"),
        ("content/r/b/comments/2026-01-05-c1.yaml", "id: c1\nauthor: Ben\ndate: 2026-01-05\nbody: y\n"),
        ("content/r/c/index.md", "---\ntitle: C\ndate: 2026-01-05\n---\nx\n"),
        ("content/r/c/comments.yaml", "- {id: c1, author: Cy, date: 2026-01-05, body: z}\n"),
    ]);
    let root = dir.path();
    assert!(run(root, &["moderate", "approve", "c1", "--reading", "r/a"]).status.success());
    let a = fs::read_to_string(root.join("content/r/2026-01-05-a.comments.yaml")).unwrap();
    assert_eq!(a, crlf.replace("  status: pending   # by mail\r\n", ""));
    assert!(run(root, &["moderate", "remove", "c1", "--reading", "r/b"]).status.success());
    let b = fs::read_to_string(root.join("content/r/b/comments/2026-01-05-c1.yaml")).unwrap();
    assert_eq!(b, "id: c1\nstatus: removed\nauthor: Ben\ndate: 2026-01-05\nbody: y\n");
    let out = run(root, &["moderate", "remove", "c1", "--reading", "r/c"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/r/c/comments.yaml: error: cannot change a status in this file: the comment `c1` is not written one key to a line"), "{stderr}");
    assert!(stderr.contains("help: write `status: removed`"), "{stderr}");
    assert_eq!(
        fs::read_to_string(root.join("content/r/c/comments.yaml")).unwrap(),
        "- {id: c1, author: Cy, date: 2026-01-05, body: z}\n"
    );
}
