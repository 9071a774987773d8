//! `roundtable ingest` on bad mailboxes: every message that cannot be read or placed is named with
//! its file (and line, in an mbox), Message-ID, sender and reason; the rest is still added; nothing
//! already on disk changes but for the added comments; the exit code says something was left out.

mod common;

use std::fs;
use std::path::Path;

use common::{roundtable, site};

const THREAD_FILE: &str = "content/readings/2026-01-05-trust.comments.yaml";
const THREAD: &str = "- id: c1\n  author: Ben Ode\n  date: 2026-01-05T10:00:00Z\n  body: Trust is a decision.\n\n- id: c2\n  author: Ana Silva\n  date: 2026-01-05T11:00:00Z\n  status: pending\n  body: Waiting.\n";

fn cohort() -> tempfile::TempDir {
    site(&[
        ("site.yaml", "replies: { to: cohort@school.example }\n"),
        ("authors.yaml", "ana:\n  name: Ana Silva\n  email: ana@school.example\n"),
        ("content/readings/2026-01-05-trust.md", "---\ntitle: Trust\ndate: 2026-01-05\n---\nx\n"),
        (THREAD_FILE, THREAD),
        ("content/readings/2026-01-12-closed.md", "---\ntitle: Closed\ndate: 2026-01-12\ncomments: closed\n---\nx\n"),
    ])
}

/// A plain mail from Ana with `subject`, `id` and `body`.
fn mail(id: &str, subject: &str, body: &str) -> String {
    format!(
        "From: Ana Silva <ana@school.example>\nSubject: {subject}\nMessage-ID: <{id}@school.example>\nDate: Tue, 6 Jan 2026 09:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

fn ingest(root: &Path, paths: &[&Path]) -> (Option<i32>, String, String) {
    let mut args = vec!["ingest".to_string(), "--root".into(), root.to_str().unwrap().into()];
    args.extend(paths.iter().map(|p| p.to_str().unwrap().to_string()));
    let out = roundtable(args);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn every_bad_message_is_named_and_the_rest_is_added() {
    let dir = cohort();
    let mails = dir.path().join("mails");
    fs::create_dir(&mails).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = mails.join(name);
        fs::write(&path, bytes).unwrap();
        path
    };
    let token = "Re: Trust [rt readings/trust c1]";
    let files = [
        write("good.eml", mail("good", token, "GOODWORDS fine.").as_bytes()),
        write(
            "quote-only.eml",
            mail("quote", token, "On Mon, 5 Jan 2026, Ben Ode wrote:\n> Trust is a decision.").as_bytes(),
        ),
        write("no-token.eml", mail("notoken", "Thoughts on trust", "Hello").as_bytes()),
        write("forged-reading.eml", mail("forged1", "Re: [rt readings/nowhere c1]", "x").as_bytes()),
        write("forged-comment.eml", mail("forged2", "Re: [rt readings/trust c99]", "x").as_bytes()),
        write("pending-parent.eml", mail("pend", "Re: [rt readings/trust c2]", "x").as_bytes()),
        write("closed.eml", mail("closed", "Re: [rt readings/closed]", "x").as_bytes()),
        write(
            "klingon.eml",
            &[
                mail("charset", token, "").replace("charset=utf-8", "charset=x-klingon").as_bytes(),
                b"Qapla\xff\xfe batlh\n",
            ]
            .concat(),
        ),
        write("huge.eml", &[mail("huge", token, "big").as_bytes(), &vec![b'a'; 30_000_000]].concat()),
    ];
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let (code, stdout, stderr) = ingest(dir.path(), &paths);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(
            "Added 1 reply, 1 waiting for approval (see `roundtable moderate`); 8 messages left out (see above)"
        ),
        "{stdout}"
    );
    let shown = |name: &str| mails.join(name).display().to_string();
    let expect = [
        ("quote-only.eml", "<quote@school.example> from Ana Silva <ana@school.example> was left out: no text is left once the quoted history"),
        ("no-token.eml", "<notoken@school.example> from Ana Silva <ana@school.example> was left out: its subject has no reply token"),
        ("forged-reading.eml", "was left out: its token names `readings/nowhere`, which is no reading of this site"),
        ("forged-comment.eml", "was left out: its token names comment `c99`, which is not in the thread of `readings/trust`"),
        ("pending-parent.eml", "was left out: it answers comment `c2`, which itself waits for approval"),
        ("closed.eml", "was left out: the discussion of `readings/closed` is closed"),
        ("klingon.eml", "was left out: its text is in the character set `x-klingon`, which roundtable cannot read"),
        ("huge.eml", "this message was left out: it is 30.0 MB, more than the 16 MB a reply may be"),
    ];
    for (file, message) in expect {
        let line = format!("{}: error: ", shown(file));
        let found =
            stderr.lines().find(|l| l.starts_with(&line)).unwrap_or_else(|| panic!("no error for {file}:\n{stderr}"));
        assert!(found.contains(message), "{found}\nwanted: {message}");
    }
    assert_eq!(stderr.matches("help: the rest was ingested").count(), 8, "{stderr}");
    let text = fs::read_to_string(dir.path().join(THREAD_FILE)).unwrap();
    assert!(text.starts_with(THREAD) && text.contains("GOODWORDS"), "{text}");
    assert_eq!(text.matches("- id:").count(), 3, "{text}");
}

#[test]
fn mboxes_are_cut_at_real_separators_and_a_cut_one_loses_only_its_last_message() {
    let dir = cohort();
    let token = "Re: Trust [rt readings/trust c1]";
    let first = mail("m1", token, "MBOXONE From what I read, trust comes first.\n>From the start, I mean.");
    let second = mail("m2", token, "MBOXTWO second");
    let mbox = format!(
        "From ana@school.example Tue Jan  6 09:00:00 2026\n{first}\nFrom ana@school.example Tue Jan  6 09:05:00 2026\n{second}\nFrom ana@school.example Tue Jan  6 09:05:00 2026\n{second}\nFrom ana@school.example Tue Jan  6 09:10:00 2026\nFrom: Ana Silva <ana@school.example>\nSubject: {token}\nMessage-ID: <m3@school.example>\n\nMBOXTHREE cut in the mid"
    );
    let path = dir.path().join("inbox.mbox");
    fs::write(&path, mbox).unwrap();
    let (code, stdout, stderr) = ingest(dir.path(), &[&path]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("; 1 message was already there; 1 message left out"), "{stdout}");
    let shown = path.display();
    assert!(stderr.contains(&format!("{shown}:20: warning: the message <m2@school.example> from Ana Silva <ana@school.example> is here twice: it was added as c4 on /readings/trust/")), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{shown}:29: error: this message was left out: the mailbox ends in the middle of this message"
        )),
        "{stderr}"
    );
    let text = fs::read_to_string(dir.path().join(THREAD_FILE)).unwrap();
    assert!(text.contains("MBOXONE From what I read, trust comes first.\n    From the start, I mean.\n"), "{text}");
    assert!(text.contains("MBOXTWO") && !text.contains("MBOXTHREE"), "{text}");
}

#[test]
fn a_maildir_file_that_is_no_mail_is_named() {
    let dir = cohort();
    let maildir = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let token = "Re: Trust [rt readings/trust c1]";
    fs::write(maildir.join("cur/1700000000.1.host:2,S"), mail("md1", token, "MAILDIRWORDS yes")).unwrap();
    fs::write(maildir.join("new/notes.txt"), "shopping list\nmilk\n").unwrap();
    let (code, stdout, stderr) = ingest(dir.path(), &[&maildir]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let shown = maildir.join("new/notes.txt").display().to_string();
    assert!(
        stderr.contains(&format!("{shown}: error: this message was left out: it is not an e-mail message")),
        "{stderr}"
    );
    assert!(fs::read_to_string(dir.path().join(THREAD_FILE)).unwrap().contains("MAILDIRWORDS yes"));
    let not_maildir = dir.path().join("content");
    let (code, _, stderr) = ingest(dir.path(), &[&not_maildir]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("this folder is not a Maildir (it has no new/ or cur/ folder inside)"), "{stderr}");
}

#[test]
fn placing_by_hand_needs_a_real_reading() {
    let dir = cohort();
    let path = dir.path().join("loose.eml");
    fs::write(&path, mail("loose", "Thoughts", "LOOSEWORDS placed by hand")).unwrap();
    let args = |extra: &[&str]| {
        let mut all = vec!["ingest", "--root", dir.path().to_str().unwrap(), path.to_str().unwrap()];
        all.extend(extra);
        roundtable(all)
    };
    let out = args(&["--reading", "nowhere"]);
    // A mistake in the command, as for `reply`.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was added"));
    let out = args(&["--reading", "trust", "--to", "c1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = fs::read_to_string(dir.path().join(THREAD_FILE)).unwrap();
    assert!(text.contains("reply_to: \"c1\"\n  status: pending\n") && text.contains("LOOSEWORDS"), "{text}");
}
