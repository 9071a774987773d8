//! `roundtable import` with the real binary, on real exports (`../shared/samples/imports/`, read where
//! they are) and on fixtures of our own for the shapes those lack (`fixtures/import/`).
//!
//! Every import is built and checked the same way: each published comment is on its reading's page,
//! inside its parent's element; no pending comment is; no e-mail or IP address of the export is in any
//! file of the site or of the output; and a second import changes no byte.

mod common;
#[path = "common/safety.rs"]
mod safety;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{fixture, page, read_tree, roundtable, select};

/// A real export, read from the shared samples beside the repository (`../shared/`; from a git
/// worktree one folder deeper, `../../shared/`).
fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|folder| folder.join("shared/samples/imports"))
        .find(|folder| folder.is_dir())
        .expect("the shared samples are in ../shared/samples/imports")
        .join(name)
}

fn import(format: &str, source: &Path, into: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["import".into(), format.into(), source.display().to_string()];
    args.extend(["--into".into(), into.display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    roundtable(args)
}

/// One comment of a written thread file.
#[derive(serde::Deserialize)]
struct Written {
    id: String,
    reply_to: Option<String>,
    status: Option<String>,
}

/// What an import made, built: the site folder, its output and its summary.
struct Imported {
    site: tempfile::TempDir,
    summary: String,
    warnings: String,
}

/// Imports into a site set to nest replies 12 deep, builds it, checks it, imports again.
fn import_and_check(format: &str, source: &Path, extra: &[&str]) -> Imported {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("site.yaml"), "thread:\n  max_depth: 12\n").unwrap();
    let done = import(format, source, site.path(), extra);
    let summary = String::from_utf8_lossy(&done.stdout).into_owned();
    let warnings = String::from_utf8_lossy(&done.stderr).into_owned();
    assert!(done.status.success(), "import failed:\n{warnings}");
    let output = site.path().join("public");
    common::build(site.path(), &output, &[]);
    check_threads(site.path(), &output);
    check_no_address(source, site.path());
    let before = read_tree(site.path());
    let again = import(format, source, site.path(), extra);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let after = read_tree(site.path());
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "a second import adds no file");
    assert!(before == after, "a second import changes no byte");
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(": 0 readings, 0 comments"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    Imported { site, summary, warnings }
}

/// Every thread file's comments on the built page: published ones inside their parent, pending ones absent.
fn check_threads(root: &Path, output: &Path) {
    let threads: Vec<(String, Vec<u8>)> =
        read_tree(&root.join("content")).into_iter().filter(|(p, _)| p.ends_with(".comments.yaml")).collect();
    for (path, bytes) in threads {
        let comments: Vec<Written> = serde_yaml::from_slice(&bytes).unwrap();
        let name = path.rsplit('/').next().unwrap().trim_end_matches(".comments.yaml");
        let slug = &name[11..];
        let reading = format!("readings/{slug}/index.html");
        if !output.join(&reading).is_file() {
            continue; // a draft
        }
        let html = page(output, &reading);
        let pending: BTreeSet<&str> =
            comments.iter().filter(|c| c.status.as_deref() == Some("pending")).map(|c| c.id.as_str()).collect();
        for comment in &comments {
            let found = select(&html, &format!("#comment-{}", comment.id));
            let waits = pending.contains(comment.id.as_str())
                || comment.reply_to.as_deref().is_some_and(|p| waits_above(&comments, p));
            if waits {
                assert!(found.is_empty(), "pending {} of {path} is on the page", comment.id);
                continue;
            }
            assert_eq!(found.len(), 1, "{} of {path} is on the page once", comment.id);
            if let Some(parent) = &comment.reply_to {
                let inside = found[0]
                    .ancestors()
                    .filter_map(scraper::ElementRef::wrap)
                    .any(|a| a.value().id() == Some(&format!("comment-{parent}")));
                assert!(inside, "{} of {path} sits inside {parent}", comment.id);
            }
        }
    }
}

/// Whether the comment `id` or one above it is pending (its replies wait with it).
fn waits_above(comments: &[Written], id: &str) -> bool {
    let mut at = Some(id.to_string());
    let mut steps = 0;
    while let Some(id) = at {
        let Some(comment) = comments.iter().find(|c| c.id == id) else { return false };
        if comment.status.as_deref() == Some("pending") {
            return true;
        }
        at = comment.reply_to.clone();
        steps += 1;
        assert!(steps <= comments.len(), "no circle");
    }
    false
}

/// Every e-mail and IP address written in the export, found nowhere in the site or its output.
fn check_no_address(source: &Path, root: &Path) {
    let mut text = String::new();
    for (_, bytes) in
        if source.is_dir() { read_tree(source) } else { [(String::new(), std::fs::read(source).unwrap())].into() }
    {
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push('\n');
    }
    let addresses = addresses(&text);
    for (path, bytes) in read_tree(root) {
        let written = String::from_utf8_lossy(&bytes);
        for address in &addresses {
            assert!(!written.contains(address.as_str()), "{address} is in {path}");
        }
    }
}

/// E-mail addresses (`x@y.z`) and IPv4 addresses in `text`.
fn addresses(text: &str) -> BTreeSet<String> {
    let is_part = |c: char| c.is_ascii_alphanumeric() || "._+-".contains(c);
    let mut found = BTreeSet::new();
    for word in text.split(|c: char| !is_part(c) && c != '@') {
        let word = word.trim_matches('.');
        if let Some((user, host)) = word.split_once('@') {
            if !user.is_empty() && host.contains('.') {
                found.insert(word.to_string());
            }
        }
        let numbers: Vec<&str> = word.split('.').collect();
        if numbers.len() == 4
            && numbers.iter().all(|n| !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()))
        {
            found.insert(word.to_string());
        }
    }
    found
}

fn thread_text(site: &Path, name: &str) -> String {
    std::fs::read_to_string(site.join("content/readings").join(format!("{name}.comments.yaml"))).unwrap()
}

#[test]
fn wordpress_theme_test_data_keeps_the_ten_deep_chain_and_leaves_pingbacks_out() {
    let done = import_and_check("wordpress", &sample("wordpress-theme-test-data-comments.wxr.xml"), &[]);
    assert!(done.summary.contains("7 readings, 29 comments (10 of them replies"), "{}", done.summary);
    assert!(done.summary.contains("pending (waiting for approval, not shown): 3"), "{}", done.summary);
    assert!(done.summary.contains("skipped: 4 pingbacks and trackbacks"), "{}", done.summary);
    assert!(done.warnings.contains("protected by a password, so it comes in as a draft"), "{}", done.warnings);
    let chain = thread_text(done.site.path(), "2012-01-03-template-comments");
    assert_eq!(chain.matches("reply_to:").count(), 9, "{chain}");
    let html = page(&done.site.path().join("public"), "readings/template-comments/index.html");
    let deepest = select(&html, "article[id^=comment-]")
        .into_iter()
        .map(|a| {
            a.ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .filter(|e| e.value().id().is_some_and(|i| i.starts_with("comment-")))
                .count()
        })
        .max();
    assert_eq!(deepest, Some(9), "comment depth 10 sits nine comments deep");
    // HTML became Markdown: the tab-indented comment is no code block, and pictures in comments are links.
    assert!(!chain.contains("<a href"), "{chain}");
}

#[test]
fn pelican_wordpress_export_brings_an_orphan_reply_up_with_a_warning() {
    let done = import_and_check("wordpress", &sample("pelican-wordpressexport.wxr.xml"), &[]);
    assert!(done.warnings.contains("answers comment `121`, which is not in the export"), "{}", done.warnings);
    assert!(done.warnings.contains("pelican-wordpressexport.wxr.xml:404:2: warning"), "{}", done.warnings);
    assert!(done.summary.contains("skipped: 1 pingbacks and trackbacks"), "{}", done.summary);
    assert!(done.summary.contains("IP addresses (private, never written) x3"), "{}", done.summary);
}

#[test]
fn a_real_blogger_archive_export() {
    let done = import_and_check("blogger", &sample("blogger-kriscargile-blog-08-19-2012.atom.xml"), &[]);
    assert!(done.summary.contains("11 readings, 1 comment "), "{}", done.summary);
    assert!(done.summary.contains("skipped: 54 Blogger settings entries"), "{}", done.summary);
    let reading =
        std::fs::read_to_string(done.site.path().join("content/readings/2011-01-04-ten-best-and-worst-of-2010.md"))
            .unwrap();
    assert!(reading.contains("tags: [\"2010\", \"innovation\"]"), "{reading}");
    assert!(reading.contains("author: \"Kristopher Cargile\""), "{reading}");
}

#[test]
fn blogger_replies_by_related_link_removed_parents_and_inferred_replies() {
    let done = import_and_check("blogger", &fixture("import/blogger-replies.atom.xml"), &["--infer-replies"]);
    let thread = thread_text(done.site.path(), "2011-08-08-trust-in-teams");
    assert!(
        thread.contains(
            "- id: c2\n  author: \"Ben Okafor\"\n  date: \"2011-08-08T10:00:00.000-04:00\"\n  reply_to: \"c1\"\n"
        ),
        "{thread}"
    );
    assert!(
        thread.contains(
            "- id: c3\n  author: \"\"\n  date: \"2011-08-08T11:00:00.000-04:00\"\n  status: removed\n  body: \"\"\n"
        ),
        "{thread}"
    );
    assert!(thread.contains("  reply_to: \"c3\"\n  body: |\n    I still want"), "{thread}");
    assert!(!thread.contains("nobody answered"), "a deleted comment without replies is left out");
    assert!(done.warnings.contains("answers comment `999`"), "{}", done.warnings);
    assert!(
        done.summary
            .contains("inferred: in trust-in-teams, c6 (Priya Nair) replies to c1 (Claire Dufresne), from \"@Claire\""),
        "{}",
        done.summary
    );
    let people = std::fs::read_to_string(done.site.path().join("authors.yaml")).unwrap();
    assert!(people.contains("athena-loopstra:\n  name: \"Athena Loopstra\"\n  role: facilitator\n"), "{people}");
    assert!(people.contains("website: \"http://www.blogger.com/profile/111\""), "{people}");
    assert!(!people.to_lowercase().contains("anonymous"), "{people}");
    // The ids work with `roundtable reply` afterwards.
    let reply = roundtable(
        ["reply", "trust-in-teams", "--author", "Ben Okafor", "--to", "c6", "--file"]
            .iter()
            .map(|s| s.to_string())
            .chain([write_body(done.site.path())])
            .chain(["--root".into(), done.site.path().display().to_string()]),
    );
    assert!(reply.status.success(), "{}", String::from_utf8_lossy(&reply.stderr));
    assert!(String::from_utf8_lossy(&reply.stdout).contains("Added comment c7"));
}

fn write_body(dir: &Path) -> String {
    let path = dir.join("..").join(format!("reply-{}.md", std::process::id()));
    let path = std::path::absolute(path).unwrap();
    std::fs::write(&path, "Thanks Priya.\n").unwrap();
    path.display().to_string()
}

#[test]
fn blogger_takeout_feed() {
    let done = import_and_check("blogger", &fixture("import/blogger-takeout.atom"), &[]);
    let thread = thread_text(done.site.path(), "2019-06-03-listening-first");
    assert!(thread.contains("  reply_to: \"c2\"\n  status: pending\n"), "{thread}");
    assert!(
        thread.contains("- id: c4\n  author: \"\"\n  date: \"2019-06-03T17:00:00.000Z\"\n  status: removed\n"),
        "{thread}"
    );
    assert!(done.summary.contains("skipped: 1 spam"), "{}", done.summary);
    let draft = std::fs::read_to_string(done.site.path().join("content/readings/2019-06-10-next-week.md")).unwrap();
    assert!(draft.contains("draft: true\n"), "{draft}");
    let reading =
        std::fs::read_to_string(done.site.path().join("content/readings/2019-06-03-listening-first.md")).unwrap();
    assert!(reading.contains("summary: \"Why leaders listen first.\"\n"), "{reading}");
    assert!(reading.ends_with("Listen before you lead.\n\n- one\n- two\n"), "{reading}");
}

#[test]
fn disqus_export_with_a_deleted_parent() {
    let done = import_and_check("disqus", &fixture("import/disqus.xml"), &[]);
    let thread = thread_text(done.site.path(), "2012-03-05-feedback-that-lands");
    assert!(
        thread.contains("- id: c3\n  author: \"\"\n  date: \"2012-03-05T12:00:00Z\"\n  status: removed\n"),
        "{thread}"
    );
    assert!(thread.contains("  reply_to: \"c3\"\n  body: |\n    I am glad"), "{thread}");
    assert!(!thread.contains("regret"), "a removed comment's text is not kept");
    let reading =
        std::fs::read_to_string(done.site.path().join("content/readings/2012-03-05-feedback-that-lands.md")).unwrap();
    assert!(reading.contains("comments: closed\n"), "{reading}");
    assert!(done.summary.contains("skipped: 1 Disqus threads with no comments"), "{}", done.summary);
}

#[test]
fn jekyll_site_with_staticman_comments() {
    let done = import_and_check("jekyll", &fixture("import/jekyll"), &[]);
    let thread = thread_text(done.site.path(), "2014-03-02-trust-in-teams");
    assert!(
        thread.contains("- id: c2\n  author: \"Ben Okafor\"\n  date: \"2014-03-02T10:20:00Z\"\n  reply_to: \"c1\"\n"),
        "by id: {thread}"
    );
    assert!(
        thread.contains("- id: c3\n  author: \"Grace Liu\"\n  date: \"2014-03-02T11:20:00Z\"\n  reply_to: \"c2\"\n"),
        "by position: {thread}"
    );
    let reading =
        std::fs::read_to_string(done.site.path().join("content/readings/2014-03-02-trust-in-teams.md")).unwrap();
    assert!(
        reading.contains("tags: [\"leadership\", \"trust\", \"teams\"]\nsummary: \"Trust starts at the top.\"\n"),
        "{reading}"
    );
    let closed = std::fs::read_to_string(done.site.path().join("content/readings/2014-03-09-closed-week.md")).unwrap();
    assert!(closed.contains("comments: closed\n"), "{closed}");
    assert!(
        done.warnings.contains(
            "2014-03-02-trust-in-teams.md:14:1: warning: `{% include figure.html src=\"trust.jpg\" %}` is a Liquid tag"
        ),
        "{}",
        done.warnings
    );
    assert!(
        done.warnings.contains("2014-03-02-trust-in-teams.md:16:5: warning: `{{ site.url }}`"),
        "{}",
        done.warnings
    );
    assert!(done.summary.contains("Jekyll front matter `layout` x1"), "{}", done.summary);
    let people = std::fs::read_to_string(done.site.path().join("authors.yaml")).unwrap();
    assert!(!people.contains("javascript"), "{people}");
}

#[test]
fn into_an_existing_site_nothing_is_overwritten_and_people_are_not_doubled() {
    let old_reading = "---\ntitle: Trust in Teams\ndate: 2011-08-08\n---\nOur own copy.\n";
    let old_people = "# the cohort\nclaire:\n  name: claire  DUFRESNE\n  aliases: [CD]\n";
    let site =
        common::site(&[("content/readings/2011-08-08-trust-in-teams.md", old_reading), ("authors.yaml", old_people)]);
    let done = import("blogger", &fixture("import/blogger-replies.atom.xml"), site.path(), &[]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let summary = String::from_utf8_lossy(&done.stdout);
    assert!(
        summary.contains(
            "left alone, the site has it already: `Trust in Teams` (content/readings/2011-08-08-trust-in-teams.md)"
        ),
        "{summary}"
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/readings/2011-08-08-trust-in-teams.md")).unwrap(),
        old_reading
    );
    assert!(!site.path().join("content/readings/2011-08-08-trust-in-teams.comments.yaml").exists());
    assert!(!site.path().join("site.yaml").exists(), "an existing site's settings are its own");
    let done = import("disqus", &fixture("import/disqus.xml"), site.path(), &[]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let people = std::fs::read_to_string(site.path().join("authors.yaml")).unwrap();
    assert!(people.starts_with(old_people), "{people}");
    assert!(!people.contains("\"Claire Dufresne\""), "Claire is there already, in other case and spacing: {people}");
    assert!(people.contains("ben-okafor:\n  name: \"Ben Okafor\"\n  role: member\n"), "{people}");
    assert!(site.path().join("content/readings/2012-03-05-feedback-that-lands.comments.yaml").is_file());
    common::build(site.path(), &site.path().join("public"), &[]);
}

#[test]
fn a_dry_run_prints_what_it_would_write_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let done = import("disqus", &fixture("import/disqus.xml"), &site, &["--dry-run", "--section", "archive"]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let summary = String::from_utf8_lossy(&done.stdout);
    assert!(summary.starts_with("Would import disqus"), "{summary}");
    assert!(summary.contains("Nothing was written (--dry-run). It would write:\n  authors.yaml ("), "{summary}");
    assert!(summary.contains("\n  site.yaml ("), "{summary}");
    assert!(summary.contains("\n  content/archive/2012-03-05-feedback-that-lands.md ("), "{summary}");
    assert!(!site.exists(), "nothing is written");
}

#[test]
fn refusals_name_the_place_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<?xml version=\"1.0\"?>\n<rss>\n  <channel>\n    <item></channel>\n</rss>\n").unwrap();
    let wxr = sample("pelican-wordpressexport.wxr.xml");
    let stranger = dir.path().join("stranger");
    std::fs::create_dir(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "mine").unwrap();
    let into = dir.path().join("site");
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["wordpress".into(), broken.display().to_string()],
            format!("{}:4:11: error: this is not valid XML", broken.display()),
        ),
        (vec!["blogger".into(), wxr.display().to_string()], "error: this is not a Blogger export".into()),
        (vec!["disqus".into(), wxr.display().to_string()], "error: this is not a Disqus export".into()),
        (vec!["jekyll".into(), wxr.display().to_string()], "error: there is no Jekyll site folder here".into()),
        (
            vec!["wordpress".into(), dir.path().join("missing.xml").display().to_string()],
            "error: there is no export file here".into(),
        ),
        (
            vec!["wordpress".into(), wxr.display().to_string(), "--section".into(), "../out".into()],
            "--section: error: `../out` cannot be a section".into(),
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["import".to_string()];
        all.extend(args.iter().cloned());
        all.extend(["--into".into(), into.display().to_string()]);
        let done = roundtable(&all);
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(stderr.contains("help: "), "{stderr}");
        assert!(!into.exists(), "{args:?} wrote nothing");
    }
    let done = import("wordpress", &wxr, &stranger, &[]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(stderr.contains("this folder holds files but is not a roundtable site"), "{stderr}");
    assert_eq!(std::fs::read_dir(&stranger).unwrap().count(), 1);
    let unknown = roundtable(["import", "typepad", "x.xml"]);
    assert_eq!(unknown.status.code(), Some(2), "a mistake in the command itself");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("use blogger, wordpress, disqus or jekyll"));
}
