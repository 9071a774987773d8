//! `roundtable digest` on `fixtures/cohort-rhythm/` (see `rhythm.rs` for its story): one mail per
//! person, parsed back as MIME; no pending or removed comment and no one else's address in any
//! mail; and `--send` against a real SMTP server on 127.0.0.1, started here, that refuses one
//! recipient the first time, so that the rerun sends only what was not sent.

mod common;
#[path = "common/safety.rs"]
mod safety;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{copy_fixture, fixture, roundtable};
use mail_parser::MessageParser;

const ADDRESSES: [&str; 5] =
    ["ana@example.org", "ben@example.org", "cy@example.org", "dee@example.org", "fay@example.org"];

fn digest(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["digest", "--root", root.to_str().unwrap()];
    args.extend(extra);
    roundtable(args)
}

fn written(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect();
    all.sort();
    all
}

/// Checks one mail: to its owner only, two parts, nothing private, no one else's address.
fn check_mail(raw: &[u8], owner: &str) -> (String, String) {
    let mail = MessageParser::default().parse(raw).expect("a digest parses as MIME");
    let to: Vec<String> = mail.to().unwrap().iter().map(|a| a.address().unwrap().to_string()).collect();
    assert_eq!(to, [owner]);
    assert!(mail.cc().is_none() && mail.bcc().is_none());
    let text = mail.body_text(0).expect("a plain-text part").replace("\r\n", "\n");
    let html = mail.body_html(0).expect("an HTML part").into_owned();
    for other in ADDRESSES.iter().filter(|a| **a != owner) {
        assert!(!String::from_utf8_lossy(raw).contains(other), "{other} is in {owner}'s mail");
    }
    for part in [&text, &html] {
        assert!(!part.contains("secret reply") && !part.contains("Taken down"), "a hidden comment leaked: {part}");
        assert!(part.contains("You receive this because"), "{part}");
    }
    assert!(!html.contains("<script"), "{html}");
    for link in html.split("href=\"").skip(1) {
        assert!(link.starts_with("https://example.org/r/"), "a link without the site's address: {link}");
    }
    (text, html)
}

#[test]
fn each_person_gets_their_own_week() {
    let out = tempfile::tempdir().unwrap();
    let output = digest(&fixture("cohort-rhythm"), &["--week", "2", "--out", out.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mails = written(out.path());
    let names: Vec<&str> = mails.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ana", "ben", "cy", "dee", "fay"]);
    for (name, raw) in &mails {
        check_mail(raw, &format!("{name}@example.org"));
    }
    let (text, html) = check_mail(&mails[3].1, "dee@example.org");
    assert!(text.contains("Reflections by Tuesday 9 January · replies by Thursday 11 January, 17:00"), "{text}");
    assert!(text.contains("Replies to you:") && text.contains("Ben Ode on Two:\n> Ben answers Dee on time."), "{text}");
    assert!(text.contains("https://example.org/r/week/two/#comment-b2"), "{text}");
    assert!(html.contains("Ana answers Dee late."), "{html}");
    let (text, html) = check_mail(&mails[2].1, "cy@example.org");
    assert!(text.contains("Where you are mentioned:") && text.contains("> Ben on time. Where is @Cy Quiet?"), "{text}");
    let mention = r#"<a class="mention" href="https://example.org/r/authors/cy/" rel="#;
    assert!(html.contains(mention), "the mention links Cy's page at the site's whole address: {html}");
    let (text, _) = check_mail(&mails[4].1, "fay@example.org");
    assert!(
        text.contains("Not heard yet this week:\n  - Cy Quiet wrote nothing this week\n  - Dee Long has not answered a colleague\n"),
        "Ana answered late, Ben on time: {text}"
    );
    let (text, _) = check_mail(&mails[0].1, "ana@example.org");
    assert!(!text.contains("Not heard yet"), "only facilitators get the summary");
}

#[test]
fn a_french_site_gets_its_digests_in_french() {
    let site = copy_fixture("cohort-rhythm");
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}language: fr-CA\n")).unwrap();
    // A site's own file overrides a digest's string as it does the theme's.
    fs::create_dir(site.path().join("i18n")).unwrap();
    fs::write(site.path().join("i18n/fr.yaml"), "strings:\n  digest_greeting: \"Salut {name},\"\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = digest(site.path(), &["--week", "2", "--out", out.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mails = written(out.path());
    let parse = |raw: &[u8]| {
        let mail = MessageParser::default().parse(raw).unwrap();
        let text = mail.body_text(0).unwrap().replace("\r\n", "\n");
        (mail.subject().unwrap().to_string(), text, mail.body_html(0).unwrap().into_owned())
    };
    let (subject, text, html) = parse(&mails[3].1);
    assert_eq!(subject, "Rhythm Fixture, semaine 2 : 2 réponses et mentions pour vous");
    assert!(text.starts_with("Salut Dee Long,\n\nVoici la semaine 2 de Rhythm Fixture.\n"), "{text}");
    assert!(text.contains("La lecture de la semaine :"), "{text}");
    assert!(
        text.contains("Réflexions d'ici le mardi 9 janvier · réponses d'ici le jeudi 11 janvier à 17 h 00"),
        "due dates in French words: {text}"
    );
    assert!(text.contains("Réponses à vos commentaires :\n\nBen Ode sur Two :\n> Ben answers Dee on time."), "{text}");
    assert!(text.contains("Vous recevez ce courriel parce que vous faites partie de Rhythm Fixture"), "{text}");
    assert!(html.contains("<html lang=\"fr-CA\">") && html.contains("Lire et répondre sur le site"), "{html}");
    let (subject, text, _) = parse(&mails[2].1);
    assert_eq!(subject, "Rhythm Fixture, semaine 2 : 1 réponse ou mention pour vous");
    assert!(text.contains("Où l'on vous mentionne :"), "{text}");
    let (subject, text, _) = parse(&mails[4].1);
    assert_eq!(subject, "Rhythm Fixture, semaine 2");
    assert!(text.contains("Pas encore entendus cette semaine :\n  - Cy Quiet n'a rien écrit cette semaine"), "{text}");
    assert!(text.contains("  - Dee Long n'a répondu à aucun collègue\n"), "{text}");
    assert!(text.contains("parce que vous animez Rhythm Fixture"), "{text}");
    let english = [
        "Hello",
        "This is week",
        "reading",
        "Replies to you",
        "mentioned",
        "Read and reply",
        "Not heard",
        "wrote nothing",
        "You receive",
        "Reflections by",
        "replies by",
        "January",
        "Tuesday",
        " on Two",
    ];
    for (name, raw) in &mails {
        let (subject, text, html) = parse(raw);
        for words in english {
            for part in [&subject, &text, &html] {
                assert!(!part.contains(words), "{name}'s digest says {words:?} in English: {part}");
            }
        }
    }
}

#[test]
fn a_weeks_digest_holds_what_was_written_that_week_on_any_reading() {
    let site = copy_fixture("cohort-rhythm");
    let one = site.path().join("content/week/2024-01-01-one.comments.yaml");
    let late =
        "- id: late\n  author: ben\n  date: 2024-01-10T09:00:00Z\n  reply_to: a1\n  body: Ben comes back to Ana.\n";
    fs::write(&one, fs::read_to_string(&one).unwrap() + late).unwrap();
    let two = site.path().join("content/week/2024-01-08-two.comments.yaml");
    let to_removed =
        "- id: x9\n  author: ben\n  date: 2024-01-12T09:00:00Z\n  reply_to: r1\n  body: Ben answers a removed one.\n";
    fs::write(&two, fs::read_to_string(&two).unwrap() + to_removed).unwrap();
    let digest_of = |week: &str, who: usize| {
        let out = tempfile::tempdir().unwrap();
        let output = digest(site.path(), &["--week", week, "--out", out.path().to_str().unwrap()]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let mails = written(out.path());
        check_mail(&mails[who].1, &format!("{}@example.org", mails[who].0)).0
    };
    let (ana, fay) = (0, 4);
    let week_one = digest_of("1", ana);
    assert!(week_one.contains("Ben answers Ana late.") && !week_one.contains("Ben comes back"), "{week_one}");
    let week_two = digest_of("2", ana);
    assert!(
        week_two.contains("Ben Ode on One:\n> Ben comes back to Ana."),
        "a late reply is news in week 2: {week_two}"
    );
    assert!(!week_two.contains("Ben answers Ana late."), "week 1's replies are not sent again: {week_two}");
    let fay_two = digest_of("2", fay);
    assert!(!fay_two.contains("Ben answers a removed one"), "a removed comment's writer is not told: {fay_two}");
}

#[test]
fn sending_without_settings_or_to_a_week_without_readings_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let output = digest(&fixture("cohort-rhythm"), &["--send", "--out", out.path().to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("there are no mail settings to send with") && stderr.contains("help: add an `smtp:`"),
        "{stderr}"
    );
    assert!(written(out.path()).is_empty(), "nothing is written when the command fails");
    let output = digest(&fixture("cohort-rhythm"), &["--week", "9", "--out", out.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no published reading is in week 9") && stderr.contains("the weeks are 1, 2, 3"),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(2), "a week no reading has is a mistake in the command");
}

#[test]
fn bad_smtp_settings_are_named() {
    let site = copy_fixture("cohort-rhythm");
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}smtp:\n  host: smtp.example.org\n  tls: none\n")).unwrap();
    let output = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("site.yaml:8:") && stderr.contains("unencrypted"), "{stderr}");
    fs::write(
        &config,
        format!(
            "{text}smtp:\n  host: 127.0.0.1\n  tls: none\n  username: fay\n  password_env: RT_TEST_UNSET_PASSWORD\n"
        ),
    )
    .unwrap();
    let output = digest(site.path(), &["--send"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the environment variable RT_TEST_UNSET_PASSWORD is not set"), "{stderr}");
}

/// What the sink received: (recipients, message) per mail.
type Inbox = Arc<Mutex<Vec<(Vec<String>, Vec<u8>)>>>;

/// A small SMTP server on 127.0.0.1 that refuses `refuse` at RCPT TO. Each connection is bounded by
/// a read timeout, and the thread by a number of connections.
fn sink(refuse: Option<&'static str>) -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let keep = inbox.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(stream) = stream else { return };
            let _ = session(stream, refuse, &keep);
        }
    });
    (port, inbox)
}

fn session(stream: TcpStream, refuse: Option<&str>, inbox: &Inbox) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ready\r\n")?;
    let mut recipients = Vec::new();
    for _ in 0..1000 {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            out.write_all(b"250-sink\r\n250 8BITMIME\r\n")?;
        } else if command.starts_with("RCPT TO:") {
            let address = line.trim_end()[8..].trim_matches(['<', '>', ' ']).to_string();
            if refuse == Some(address.as_str()) {
                out.write_all(b"550 5.1.1 no such mailbox here\r\n")?;
            } else {
                recipients.push(address);
                out.write_all(b"250 ok\r\n")?;
            }
        } else if command == "DATA" {
            out.write_all(b"354 go on\r\n")?;
            let mut data = Vec::new();
            for _ in 0..100_000 {
                let mut l = String::new();
                if lines.read_line(&mut l)? == 0 || l == ".\r\n" {
                    break;
                }
                data.extend_from_slice(l.as_bytes());
            }
            inbox.lock().unwrap().push((std::mem::take(&mut recipients), data));
            out.write_all(b"250 queued\r\n")?;
        } else if command == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 ok\r\n")?;
        }
    }
    Ok(())
}

#[test]
fn send_delivers_each_mail_once_and_resumes_after_a_refusal() {
    let site = copy_fixture("cohort-rhythm");
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    let with_port = |port: u16| {
        format!("{text}smtp:\n  host: 127.0.0.1\n  port: {port}\n  tls: none\n  from: Cohort <cohort@example.org>\n")
    };
    let (port, first) = sink(Some("cy@example.org"));
    fs::write(&config, with_port(port)).unwrap();
    let output = digest(site.path(), &["--week", "2", "--send"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refused") && stderr.contains("no such mailbox here"),
        "the server's answer is shown: {stderr}"
    );
    assert!(stderr.contains("2 sent before it") && stderr.contains("not sent twice"), "{stderr}");
    let got: Vec<Vec<String>> = first.lock().unwrap().iter().map(|(to, _)| to.clone()).collect();
    assert_eq!(got, [vec!["ana@example.org"], vec!["ben@example.org"]]);
    let folder = site.path().join("digests/week-2");
    assert_eq!(fs::read_to_string(folder.join("sent.txt")).unwrap(), "ana.eml\nben.eml\n");

    let (port, second) = sink(None);
    fs::write(&config, with_port(port)).unwrap();
    let output = digest(site.path(), &["--week", "2", "--send"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Sent 3 now (2 had been sent before)"));
    let second = second.lock().unwrap();
    let got: Vec<&str> = second.iter().map(|(to, _)| to[0].as_str()).collect();
    assert_eq!(got, ["cy@example.org", "dee@example.org", "fay@example.org"], "no one gets a mail twice");
    for (to, data) in second.iter().chain(first.lock().unwrap().iter()) {
        assert_eq!(to.len(), 1, "one recipient a mail");
        check_mail(data, &to[0]);
    }
    let output = digest(site.path(), &["--week", "2", "--send"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("Sent 0 now (5 had been sent before)"));
}

/// The HTML part of `name`'s digest in `out`, parsed as a browser would.
fn html_part(out: &Path, name: &str) -> scraper::Html {
    let raw = fs::read(out.join(format!("{name}.eml"))).unwrap();
    let mail = MessageParser::default().parse(&raw).unwrap();
    scraper::Html::parse_document(&mail.body_html(0).unwrap())
}

#[test]
fn no_hostile_input_in_a_reply_reaches_a_digest_alive() {
    let site = copy_fixture("cohort-rhythm");
    let thread = site.path().join("content/week/2024-01-08-two.comments.yaml");
    let original = fs::read_to_string(&thread).unwrap();
    let with_reply = |body: &str| {
        let body = serde_json::to_string(body).unwrap();
        format!("{original}- id: h1\n  author: ana\n  date: 2024-01-10T12:00:00Z\n  reply_to: d1\n  body: {body}\n")
    };
    let out = tempfile::tempdir().unwrap();
    let run = |body: &str| {
        fs::write(&thread, with_reply(body)).unwrap();
        let output = digest(site.path(), &["--week", "2", "--out", out.path().to_str().unwrap()]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    run("A plain reply with a [link](https://example.org/r/week/two/).");
    let mut allowed = safety::Allowed::default();
    allowed.learn(&html_part(out.path(), "dee"));
    for (name, vector) in safety::vectors() {
        run(&vector);
        let found = safety::violations(&html_part(out.path(), "dee"), &allowed);
        assert!(found.is_empty(), "{name} in Dee's digest:\n{}", found.join("\n"));
    }
}

#[test]
fn without_mail_settings_the_facilitator_sends_and_without_her_address_it_says_what_to_add() {
    let site = copy_fixture("cohort-rhythm");
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("replies:\n  to: cohort@example.org\n", "")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = digest(site.path(), &["--week", "2", "--out", out.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for (_, raw) in written(out.path()) {
        let mail = MessageParser::default().parse(&raw).unwrap();
        let from = mail.from().unwrap().first().unwrap();
        assert_eq!((from.name(), from.address()), (Some("Fay Lead"), Some("fay@example.org")));
    }

    let authors = site.path().join("authors.yaml");
    let people = fs::read_to_string(&authors).unwrap();
    fs::write(&authors, people.replace("  email: fay@example.org\n", "")).unwrap();
    let output = digest(site.path(), &["--week", "2", "--out", out.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("the digests have no sender"), "{stderr}");
    assert!(stderr.contains("give the facilitator an `email:` in authors.yaml"), "{stderr}");
}
