//! Hostile files: each is refused with its file (and line), exit 1, and the previous output left
//! byte for byte as it was; or, where the issue says so, it builds. Huge inputs build without a crash.
//!
//! Each case adds its files to a copy of `fixtures/basic` that was built once, then builds again.
//! Where `fixtures/errors/` already holds a file of the kind, it is reused from there.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{build, copy_fixture, fixture, read_tree, roundtable, site};

/// A built copy of the basic site: change it, build again, and compare with what was there.
struct Built {
    site: tempfile::TempDir,
    out: tempfile::TempDir,
    before: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Built {
    fn new() -> Built {
        let site = copy_fixture("basic");
        let out = tempfile::tempdir().unwrap();
        build(site.path(), &out.path().join("public"), &[]);
        let before = read_tree(&out.path().join("public"));
        Built { site, out, before }
    }

    fn root(&self) -> &Path {
        self.site.path()
    }

    fn add(&self, relative: &str, bytes: impl AsRef<[u8]>) -> &Built {
        let target = self.root().join(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
        self
    }

    /// Copies a file of `fixtures/errors/<from>` into the site at `to`.
    fn reuse(&self, from: &str, to: &str) -> &Built {
        self.add(to, fs::read(fixture("errors").join(from)).unwrap())
    }

    /// Builds, expecting a refusal whose first line starts with `first`; returns stderr.
    fn refused(&self, first: &str) -> String {
        let output = self.out.path().join("public");
        let result =
            roundtable(["build", "--root", self.root().to_str().unwrap(), "--output", output.to_str().unwrap()]);
        let stderr = String::from_utf8(result.stderr).unwrap();
        assert_eq!(result.status.code(), Some(1), "{stderr}");
        assert!(stderr.starts_with(first), "expected `{first}`, got:\n{stderr}");
        assert!(stderr.lines().all(|l| l.len() < 400), "every line stays readable:\n{stderr}");
        assert!(stderr.ends_with("the previous output was left as it was\n"), "{stderr}");
        assert!(read_tree(&output) == self.before, "the previous output is byte for byte as it was");
        let left: Vec<_> = fs::read_dir(self.out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["public"], "no staging folder is left behind");
        stderr
    }
}

/// The classic "billion laughs": nine levels of nine aliases, a billion strings if expanded.
fn laughs(indent: &str) -> String {
    let mut text =
        format!("{indent}lol0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for level in 1..9 {
        let previous = format!("*l{}", level - 1);
        text.push_str(&format!("{indent}lol{level}: &l{level} [{}]\n", vec![previous; 9].join(",")));
    }
    text
}

#[test]
fn a_billion_laughs_in_site_yaml_is_refused_quickly() {
    let started = Instant::now();
    let built = Built::new();
    built.add("site.yaml", format!("{}thread: *l8\n", laughs("")));
    let stderr = built.refused("site.yaml:1:1: error: unknown key `lol0`");
    assert!(stderr.contains("site.yaml:10:9: error: unknown anchor"), "{stderr}");
    assert!(stderr.contains("help: write the value out in full instead of using YAML anchors"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20), "not expanded");
}

#[test]
fn a_billion_laughs_in_a_thread_is_refused_quickly() {
    let built = Built::new();
    let thread = format!("- id: c1\n  author: Ana\n  date: 2011-08-08\n{}  body: *l8\n", laughs("  "));
    built.add("content/week/2011-08-08-client-focus.comments.yaml", thread);
    built.refused("content/week/2011-08-08-client-focus.comments.yaml:4:3: error: unknown key `lol0`");
}

#[test]
fn a_billion_laughs_in_a_value_is_refused_by_its_type() {
    let built = Built::new();
    let levels: String = laughs("").lines().map(|l| format!("{}, ", l.split_once(": ").unwrap().1)).collect();
    built.add("content/week/laughs.md", format!("---\ntitle: Laughs\ndate: 2011-08-08\ntags: [{levels}*l8]\n---\n"));
    built.refused("content/week/laughs.md:4:8: error: tags[0]: invalid type: sequence");
}

#[test]
fn a_document_nested_ten_thousand_deep_is_refused() {
    let built = Built::new();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    built.add("content/week/deep.md", format!("---\ntitle: Deep\ndate: 2011-08-08\ntags: {deep}\n---\n"));
    built.add("authors.yaml", format!("ana:\n  name: {}x{}\n", "{a: ".repeat(10_000), "}".repeat(10_000)));
    let stderr = built.refused("authors.yaml:2:9: error: name: invalid type: map, expected a string");
    assert!(stderr.contains("content/week/deep.md:4:8: error: tags[0]: invalid type: sequence"), "{stderr}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let built = Built::new();
    let path = built.root().join("content/week/2011-08-08-client-focus.comments.yaml");
    fs::File::options().append(true).open(&path).unwrap().set_len(16 * 1024 * 1024 + 1).unwrap();
    built.refused(
        "content/week/2011-08-08-client-focus.comments.yaml: error: this file is 16777217 bytes, over the limit of 16 MiB",
    );
}

/// A file a case adds to the site.
enum Add {
    /// Written as given, at a path in the site.
    Bytes(&'static str, &'static [u8]),
    /// Copied from `fixtures/errors/<from>` to a path in the site.
    Reuse(&'static str, &'static str),
}

/// Files of one hostile kind, and the start of the first line `build` must print.
const REFUSED: &[(&[Add], &str)] = &[
    (
        &[Add::Bytes("content/week/latin1.md", b"---\ntitle: Caf\xe9\ndate: 2011-08-08\n---\n")],
        "content/week/latin1.md:2:11: error: this file is not valid UTF-8 text",
    ),
    (
        &[
            Add::Reuse("threads/content/r/b.md", "content/week/b.md"),
            Add::Reuse("threads/content/r/b.comments.yaml", "content/week/b.comments.yaml"),
        ],
        "content/week/b.comments.yaml:3:1: error: a tab character is used here",
    ),
    (
        &[Add::Reuse("front-matter/content/r/unclosed.md", "content/week/unclosed.md")],
        "content/week/unclosed.md:1:1: error: the front matter opened here never closes",
    ),
    (
        &[Add::Reuse("front-matter/content/r/tags-number.md", "content/week/tags-number.md")],
        "content/week/tags-number.md:4:7: error: tags: invalid type: integer `5`",
    ),
    (
        &[Add::Bytes("content/week/yesterday.md", b"---\ntitle: Y\ndate: yesterday\n---\n")],
        "content/week/yesterday.md:3:1: error: `yesterday` is not a date",
    ),
    (
        &[
            Add::Bytes("content/week/r.md", b"---\ntitle: R\ndate: 2011-08-08\n---\n"),
            Add::Bytes(
                "content/week/r.comments.yaml",
                b"- id: c1\n  author: A\n  date: 2011-08-08\n  body: hi\n- id: c2\n  reply_to: [c1]\n",
            ),
        ],
        "content/week/r.comments.yaml:6:13: error: reply_to: invalid type: sequence",
    ),
    (
        &[Add::Bytes("content/week/escape.md", b"---\ntitle: E\ndate: 2011-08-08\nslug: ../../escape\n---\n")],
        "content/week/escape.md:4:1: error: the slug `../../escape` cannot be used in a page address",
    ),
    (
        &[
            Add::Reuse("paths/content/r/one.md", "content/week/one.md"),
            Add::Reuse("paths/content/r/two.md", "content/week/two.md"),
        ],
        "content/week/two.md: error: this reading's address /week/same/ is also used by",
    ),
];

#[test]
fn bad_encodings_indentation_types_and_paths_keep_the_old_output() {
    for (files, first) in REFUSED {
        let built = Built::new();
        for file in *files {
            match file {
                Add::Bytes(to, bytes) => built.add(to, bytes),
                Add::Reuse(from, to) => built.reuse(from, to),
            };
        }
        built.refused(first);
    }
}

#[cfg(unix)]
#[test]
fn a_bundle_file_linking_out_of_the_site_keeps_the_old_output() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let built = Built::new();
    let bundle = built.root().join("content/week/2011-08-15-trust");
    std::os::unix::fs::symlink(outside.path(), bundle.join("more")).unwrap();
    built.refused("content/week/2011-08-15-trust/more: error: this links to");
    let built = Built::new();
    let bundle = built.root().join("content/week/2011-08-15-trust");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), bundle.join("notes.txt")).unwrap();
    built.refused("content/week/2011-08-15-trust/notes.txt: error: this links to");
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_keeps_the_old_output() {
    use std::os::unix::ffi::OsStrExt;
    let built = Built::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    fs::write(built.root().join("content/week").join(name), "---\ntitle: C\ndate: 2011-08-08\n---\n").unwrap();
    built.refused("content/week/caf\u{fffd}.md: error: this file's name is not valid UTF-8 text");
}

/// A thread of `count` comments by ten people, a second apart.
fn big_thread(count: usize) -> String {
    let mut thread = String::with_capacity(count * 90);
    for i in 0..count {
        thread.push_str(&format!(
            "- id: c{i}\n  author: Member {}\n  date: 2011-08-{:02}T{:02}:{:02}:{:02}Z\n  body: Comment {i}, *kept*.\n",
            i % 10,
            8 + i / 86_400,
            i / 3600 % 24,
            i / 60 % 60,
            i % 60
        ));
    }
    thread
}

#[test]
fn a_thread_of_twenty_thousand_comments_builds() {
    let dir = site(&[
        ("content/r/2011-08-08-big.md", "---\ntitle: Big\ndate: 2011-08-08\n---\n"),
        ("content/r/2011-08-08-big.comments.yaml", &big_thread(20_000)),
    ]);
    let output = dir.path().join("public");
    let result = build(dir.path(), &output, &[]);
    assert!(String::from_utf8_lossy(&result.stdout).contains("1 reading, 20000 comments, 10 people"));
    // Counted in the text: parsing a page this size with a debug build of html5ever takes seconds.
    let html = fs::read_to_string(output.join("r/big/index.html")).unwrap();
    assert_eq!(html.matches(" id=\"comment-c").count(), 20_000);
}

#[test]
fn a_comment_of_one_mebibyte_builds_and_a_longer_one_is_refused_at_its_line() {
    let paragraph = "A long reflection with *emphasis*, `code` and [a link](https://example.org/).\n\n";
    // The longest body the limit allows (YAML's literal block keeps the final line end).
    let body: String = paragraph.repeat(1024 * 1024 / paragraph.len());
    let thread = |body: &str| {
        format!(
            "- id: c0\n  author: Ben\n  date: 2011-08-08\n  body: Short.\n- id: c1\n  author: Ana\n  date: 2011-08-08\n  body: |\n{}",
            body.lines().map(|l| format!("    {l}\n")).collect::<String>()
        )
    };
    let dir = site(&[
        ("content/r/2011-08-08-long.md", "---\ntitle: Long\ndate: 2011-08-08\n---\n"),
        ("content/r/2011-08-08-long.comments.yaml", &thread(&body)),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    let html = fs::read_to_string(output.join("r/long/index.html")).unwrap();
    let marked = html.matches("<a href=\"https://example.org/\" rel=\"nofollow ugc noopener noreferrer\">").count();
    assert_eq!(marked, body.matches("[a link]").count(), "every link is kept, with its rel");
    assert_eq!(html.matches("href=\"https://example.org/\"").count(), marked);
    let before = read_tree(&output);
    fs::write(dir.path().join("content/r/2011-08-08-long.comments.yaml"), thread(&format!("{body}{paragraph}")))
        .unwrap();
    let result = roundtable(["build", "--root", dir.path().to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "content/r/2011-08-08-long.comments.yaml:5:1: error: this text is 1048645 bytes long, \
             more than the limit of 1048576 (1 MiB)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("help: split it"), "{stderr}");
    assert!(read_tree(&output) == before, "the old site is kept");
}

#[cfg(unix)]
#[test]
fn a_build_killed_part_way_leaves_the_old_site_and_the_next_build_cleans_up() {
    let dir = site(&[
        ("content/r/2011-08-08-big.md", "---\ntitle: Big\ndate: 2011-08-08\n---\n"),
        ("content/r/2011-08-08-big.comments.yaml", &big_thread(20_000)),
    ]);
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build(dir.path(), &output, &[]);
    let before = read_tree(&output);
    fs::write(dir.path().join("content/r/2011-08-09-more.md"), "---\ntitle: More\ndate: 2011-08-09\n---\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["build", "-q", "--root", dir.path().to_str().unwrap(), "--output", output.to_str().unwrap()])
        .spawn()
        .unwrap();
    // Killed before its marker is written, a folder is not known to be the build's and is kept: wait for it.
    let staging = |dir: &Path| {
        fs::read_dir(dir).unwrap().any(|e| {
            let entry = e.unwrap();
            entry.file_name().to_string_lossy().contains("roundtable-new")
                && entry.path().join(".roundtable-output").is_file()
        })
    };
    while !staging(out.path()) {
        assert!(child.try_wait().unwrap().is_none(), "the build ended before it could be killed");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(read_tree(&output) == before, "the old site is intact");
    build(dir.path(), &output, &[]);
    assert!(output.join("r/more/index.html").is_file());
    let left: Vec<_> = fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["public"], "the killed build's folder is gone");
}
