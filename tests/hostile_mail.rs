//! The hostile corpus arriving by e-mail: every input of `fixtures/hostile/vectors.txt` as the body of a
//! plain mail, as the whole of an HTML-only mail and as the sender's display name, ingested, approved
//! and built. Every page must hold nothing that runs (the same checks as `hostile.rs`), and no
//! sender's address may reach any built file.

mod common;
#[path = "common/safety.rs"]
mod safety;

use std::fs;
use std::path::Path;

use common::{build, files_containing, roundtable, site};
use safety::{html_pages, violations, Allowed};

const TOKEN: &str = "Re: A [rt r/a c1]";

fn cohort() -> tempfile::TempDir {
    site(&[
        ("site.yaml", "replies: { to: cohort@school.example, moderation: false }\n"),
        ("authors.yaml", "ana:\n  name: Ana Member\n  email: ana@school.example\n"),
        ("content/r/2011-08-08-a.md", "---\ntitle: A\ndate: 2011-08-08\n---\nThe reading's own text.\n"),
        (
            "content/r/2011-08-08-a.comments.yaml",
            "- id: c1\n  author: Ana Member\n  date: 2011-08-08\n  body: Plain words.\n",
        ),
    ])
}

/// Text as base64 lines, so that no input can break the mbox or the headers around it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out.as_bytes().chunks(76).map(|line| format!("{}\r\n", std::str::from_utf8(line).unwrap())).collect()
}

/// One mbox entry: a mail from `name <address>` whose body is `body` of `content_type`.
fn entry(n: usize, name: &str, address: &str, content_type: &str, body: &str) -> String {
    format!(
        "From {address} Mon Aug  8 10:00:00 2011\nFrom: =?utf-8?b?{}?= <{address}>\nTo: cohort@school.example\n\
         Subject: {TOKEN}\nMessage-ID: <hostile-{n}@mail.example>\nDate: Mon, 8 Aug 2011 10:{:02}:00 +0000\n\
         MIME-Version: 1.0\nContent-Type: {content_type}; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{}\n",
        base64(name.as_bytes()).replace("\r\n", ""),
        n % 60,
        base64(body.as_bytes())
    )
}

fn ingest_and_approve(root: &Path, mbox: &str) -> usize {
    let path = root.join("inbox.mbox");
    fs::write(&path, mbox).unwrap();
    let out = roundtable(["ingest", "--root", root.to_str().unwrap(), path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Inputs that hold no words once quotes are taken out are left out, which is right.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let listed = roundtable(["moderate", "--root", root.to_str().unwrap()]);
    let ids: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|line| line.split_once("  ").map(|(id, _)| id.to_string()))
        .collect();
    if !ids.is_empty() {
        let mut args = vec!["moderate".to_string(), "--root".into(), root.to_str().unwrap().into(), "approve".into()];
        args.extend(ids);
        let approved = roundtable(args);
        assert!(approved.status.success(), "{}", String::from_utf8_lossy(&approved.stderr));
    }
    stdout.lines().filter(|l| l.starts_with("  c")).count()
}

#[test]
fn no_hostile_input_arriving_by_mail_reaches_a_page_alive_nor_any_address() {
    let clean = cohort();
    ingest_and_approve(
        clean.path(),
        &entry(0, "Plain Sender", "plain@elsewhere.example", "text/plain", "Plain words."),
    );
    build(clean.path(), &clean.path().join("public"), &[]);
    let allowed = Allowed::from_output(&clean.path().join("public"));

    let dir = cohort();
    let vectors = safety::vectors();
    let mut mbox = String::new();
    let mut addresses = vec!["ana@school.example".to_string()];
    for (i, (_, v)) in vectors.iter().enumerate() {
        let stranger = format!("sender{i}@elsewhere.example");
        mbox.push_str(&entry(3 * i + 1, "Ana Member", "ana@school.example", "text/plain", &format!("Words {i}: {v}")));
        mbox.push_str(&entry(
            3 * i + 2,
            "Ana Member",
            "ana@school.example",
            "text/html",
            &format!("<p>Words {i}:</p>{v}"),
        ));
        mbox.push_str(&entry(3 * i + 3, v, &stranger, "text/plain", &format!("Named {i}.")));
        addresses.push(stranger);
    }
    let added = ingest_and_approve(dir.path(), &mbox);
    assert!(added >= 3 * vectors.len() - 10, "only {added} of {} mails were added", 3 * vectors.len());
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    for (path, html) in &html_pages(&output) {
        let found = violations(html, &allowed);
        assert!(found.is_empty(), "{path}:\n{}", found.join("\n"));
    }
    for (path, xml) in common::read_tree(&output).into_iter().filter(|(p, _)| p.ends_with(".xml")) {
        let found = safety::feed_violations(&String::from_utf8(xml).unwrap(), path == "comments.xml");
        assert!(found.is_empty(), "{path}:\n{}", found.join("\n"));
    }
    for address in &addresses {
        assert_eq!(files_containing(&output, address), Vec::<String>::new(), "{address} was published");
    }
    println!("{} hostile inputs x 3 ways in by mail: {added} comments added", vectors.len());
}
