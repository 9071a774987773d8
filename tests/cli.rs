//! The command line: help, version, exit codes, quiet mode, the summary line.

mod common;

use common::{fixture, roundtable};

#[test]
fn help_and_version_succeed() {
    let help = roundtable(["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("build") && text.contains("check"), "{text}");
    let version = roundtable(["--version"]);
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("roundtable {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(roundtable(["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(roundtable(["publish"]).status.code(), Some(2));
}

#[test]
fn build_prints_one_summary_line_unless_quiet() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let root = fixture("basic");
    let loud =
        roundtable(["build", "--no-cache", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    let text = String::from_utf8(loud.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("Built 2 readings, 7 comments, 3 people, 3 tags: "), "{text}");
    assert!(text.contains(" s"), "{text}");
    let quiet = roundtable([
        "build",
        "-q",
        "--no-cache",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(quiet.status.success());
    assert!(quiet.stdout.is_empty());
}

#[test]
fn a_missing_site_is_a_mistake_in_the_command_for_every_command() {
    let empty = tempfile::tempdir().unwrap();
    let nowhere = empty.path().join("nowhere");
    let nowhere = nowhere.to_str().unwrap();
    for args in [
        vec!["build", "--root", nowhere],
        vec!["check", "-r", nowhere],
        vec!["serve", "--root", nowhere, "--port", "0"],
        vec!["report", "--root", nowhere],
        vec!["clean", "--root", nowhere],
        vec!["new", "reading", "Trust", "--root", nowhere],
        vec!["reply", "trust", "--author", "Ana", "--root", nowhere],
    ] {
        let result = roundtable(&args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(result.stderr).unwrap();
        assert!(stderr.starts_with(&format!("--root: error: there is no folder {nowhere}\n")), "{args:?}: {stderr}");
        assert!(!stderr.contains("previous output"), "{args:?}: {stderr}");
    }
    assert!(!empty.path().join("nowhere").exists(), "nothing was made");
    let result = roundtable(["check", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "--root: error: {} has no content/ folder, so it is not a site\n  help: run roundtable in the site's folder, or point to it with --root (start a site with `roundtable init`)\nroundtable: 1 error found\n",
            empty.path().display()
        )
    );
}

#[test]
fn a_bad_base_url_exits_with_2_and_keeps_no_promise_it_cannot() {
    let site = common::copy_fixture("basic");
    let root = site.path().to_str().unwrap();
    let result = roundtable(["build", "-r", root, "-u", "ftp:/nowhere"]);
    assert_eq!(result.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(result.stderr).unwrap(),
        "--base-url: error: `ftp:/nowhere` is not a web address\n  help: write the address the site will be served from, like https://example.org/cohort/\nroundtable: 1 error found; nothing was written\n"
    );
    assert!(roundtable(["build", "-r", root, "-q"]).status.success());
    let again = roundtable(["build", "-r", root, "--base-url", "ftp:/nowhere"]);
    assert!(String::from_utf8(again.stderr).unwrap().ends_with("; the previous output was left as it was\n"));
}

#[test]
fn a_bad_date_exits_with_2() {
    let site = common::copy_fixture("basic");
    let result = roundtable(["new", "reading", "Trust", "-r", site.path().to_str().unwrap(), "--date", "next week"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(stderr.starts_with("--date: error: --date `next week` is not a date\n"), "{stderr}");
}

#[test]
fn a_port_in_use_exits_with_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let root = fixture("basic");
    let result = roundtable(["serve", "-r", root.to_str().unwrap(), "--port", &port]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(stderr.starts_with(&format!("127.0.0.1:{port}: error: cannot listen here: ")), "{stderr}");
    assert!(stderr.contains("help: another program may use this port"), "{stderr}");
}

#[test]
fn content_errors_exit_with_1_for_every_command_that_reads_the_site() {
    let site = common::site(&[("content/r/a.md", "---\ntitle: A\ndate: 2011-08-08\ntittle: x\n---\n")]);
    let root = site.path().to_str().unwrap();
    for args in [vec!["build", "-r", root], vec!["check", "-r", root], vec!["report", "-r", root]] {
        let result = roundtable(&args);
        assert_eq!(result.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8(result.stderr).unwrap();
        assert!(stderr.starts_with("content/r/a.md:4:1: error: unknown key `tittle`\n"), "{args:?}: {stderr}");
    }
    for args in [vec!["build", "-r", root], vec!["check", "-r", root]] {
        assert_eq!(roundtable(&args).status.code(), Some(1));
    }
}

#[test]
fn success_exits_with_0_for_every_command() {
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("site");
    let root = site.to_str().unwrap();
    let ok = |args: &[&str]| {
        let result = roundtable(args);
        assert_eq!(result.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&result.stderr));
        result
    };
    ok(&["init", root]);
    ok(&["new", "reading", "Trust in Teams", "-r", root, "-t", "trust"]);
    let reply = roundtable::ReplyOptions::default();
    assert!(reply.file.is_none());
    ok(&["check", "-r", root, "-D", "-F"]);
    ok(&["build", "-r", root, "-o", "out", "-u", "https://example.org/cohort/"]);
    assert!(site.join("out/index.html").is_file());
    ok(&["report", "-r", root]);
    let cleaned = ok(&["clean", "-r", root, "-o", "out"]);
    assert_eq!(String::from_utf8(cleaned.stdout).unwrap(), "Removed out/ and .roundtable/\n");
    assert!(!site.join("out").exists() && site.join("reports").is_dir() && site.join("content").is_dir());
    ok(&["completions", "bash"]);
}

#[test]
fn clean_leaves_a_folder_it_did_not_write() {
    let site = common::copy_fixture("basic");
    std::fs::create_dir_all(site.path().join("mine")).unwrap();
    std::fs::write(site.path().join("mine/notes.txt"), "keep").unwrap();
    let result = roundtable(["clean", "-r", site.path().to_str().unwrap(), "--output", "mine"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8(result.stderr)
        .unwrap()
        .starts_with("mine: error: mine holds files that roundtable did not write"));
    assert_eq!(std::fs::read_to_string(site.path().join("mine/notes.txt")).unwrap(), "keep");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let result = roundtable(["completions", shell]);
        assert!(result.status.success(), "{shell}");
        let script = String::from_utf8(result.stdout).unwrap();
        assert!(script.contains("roundtable") && script.contains("base-url"), "{shell}");
    }
    assert_eq!(roundtable(["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn verbose_says_what_each_stage_did_and_how_long_it_took() {
    let out = tempfile::tempdir().unwrap();
    let root = fixture("basic");
    let output = out.path().join("public");
    let result =
        roundtable(["build", "-v", "--no-cache", "-r", root.to_str().unwrap(), "-o", output.to_str().unwrap()]);
    assert!(result.status.success());
    let stderr = String::from_utf8(result.stderr).unwrap();
    let stages: Vec<&str> = stderr.lines().map(|l| l.split(':').next().unwrap().trim()).collect();
    assert_eq!(stages, ["load", "resolve", "clean texts", "render", "search index"], "{stderr}");
    assert!(stderr.contains("resolve: 2 readings, 7 comments, 3 people ("), "{stderr}");
    assert!(stderr.lines().all(|l| l.ends_with(" ms)")), "{stderr}");
    let quiet = roundtable(["check", "-r", root.to_str().unwrap()]);
    assert!(quiet.stderr.is_empty(), "without -v, and not on a terminal, no stage lines nor progress line");
}
