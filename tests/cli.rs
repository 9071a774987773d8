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
fn a_missing_site_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let result = roundtable(["check", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).starts_with("content: error: this site has no content/ folder"));
}
