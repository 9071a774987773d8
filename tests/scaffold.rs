//! `init`, `new reading` and scheduled readings, through the real binary.

mod common;

use std::fs;
use std::path::Path;

use common::{build, read_tree, roundtable, site};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn init(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["init", dir.to_str().unwrap()];
    args.extend(extra);
    roundtable(args)
}

fn new_reading(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["new", "reading", "--root", root.to_str().unwrap()];
    all.extend(args);
    roundtable(all)
}

#[test]
fn init_writes_a_site_that_builds_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cohort");
    let made = init(&root, &[]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("roundtable serve"), "{}", text(&made.stdout));
    let built = build(&root, &root.join("public"), &[]);
    assert!(built.stderr.is_empty(), "warnings: {}", text(&built.stderr));
    assert!(text(&built.stdout).starts_with("Built 1 reading, 2 comments, 2 people, 1 tag"), "{}", text(&built.stdout));
    assert!(root.join("public/readings/welcome/index.html").is_file());
    let page = fs::read_to_string(root.join("public/readings/welcome/index.html")).unwrap();
    assert!(page.contains("id=\"comment-c2\""), "the example thread is shown");
}

#[test]
fn init_keeps_generated_and_private_folders_out_of_git_and_lists_the_cohort() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join(".gitignore"), "*.log").unwrap();
    let made = init(dir.path(), &[]);
    assert!(made.status.success(), "a folder holding only dotfiles is as good as empty: {}", text(&made.stderr));
    let ignored = fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(ignored.starts_with("*.log\n"), "the old lines stay: {ignored}");
    for folder in ["public/", ".roundtable/", "reports/"] {
        assert!(ignored.lines().any(|l| l == folder), "{folder} is not ignored: {ignored}");
    }
    let settings = fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    assert!(settings.contains("\ncohort:\n  members: ["), "{settings}");
    let report = roundtable(["report", "--root", dir.path().to_str().unwrap()]);
    assert!(report.status.success() && report.stderr.is_empty(), "{}", text(&report.stderr));
}

#[test]
fn init_force_writes_into_a_used_folder_and_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("site.yaml"), "title: Mine\n").unwrap();
    let refused = init(dir.path(), &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("or add --force"), "{}", text(&refused.stderr));
    let forced = init(dir.path(), &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(
        text(&forced.stderr).contains("warning: kept the files already here: site.yaml"),
        "{}",
        text(&forced.stderr)
    );
    assert_eq!(fs::read_to_string(dir.path().join("site.yaml")).unwrap(), "title: Mine\n");
    assert!(dir.path().join("authors.yaml").is_file());
}

#[test]
fn init_comments_every_setting_of_site_yaml() {
    let dir = tempfile::tempdir().unwrap();
    assert!(init(dir.path(), &[]).status.success(), "an empty existing folder is fine");
    let settings = fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    let lines: Vec<&str> = settings.lines().collect();
    for key in
        ["title", "description", "base_url", "language", "theme", "timezone", "date_format", "thread", "max_depth"]
    {
        let at = lines.iter().position(|l| l.trim_start().starts_with(&format!("{key}:"))).unwrap_or_else(|| {
            panic!("site.yaml has no `{key}`:\n{settings}");
        });
        assert!(lines[at - 1].trim_start().starts_with('#'), "`{key}` has no comment above it");
    }
}

#[test]
fn init_with_theme_copies_every_template_and_a_copy_overrides_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cohort");
    assert!(init(&root, &["--with-theme"]).status.success());
    let templates = fs::read_dir(root.join("templates")).unwrap().count();
    let built_in =
        fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates")).unwrap().count();
    assert_eq!(templates, built_in);
    assert!(root.join("static/style.css").is_file());
    let reading = root.join("templates/reading.html");
    let edited = fs::read_to_string(&reading).unwrap().replacen(
        "<article class=\"reading\">",
        "<article class=\"reading\" id=\"our-banner\">",
        1,
    );
    fs::write(&reading, edited).unwrap();
    let built = build(&root, &root.join("public"), &[]);
    assert!(built.stderr.is_empty(), "{}", text(&built.stderr));
    let page = fs::read_to_string(root.join("public/readings/welcome/index.html")).unwrap();
    assert!(page.contains("our-banner"), "the site's copy of the template is used");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_writes_nothing() {
    let dir = site(&[("notes.txt", "mine")]);
    let refused = init(dir.path(), &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("error: this folder is not empty"), "{stderr}");
    assert!(stderr.contains("help: "), "{stderr}");
    assert_eq!(read_tree(dir.path()).len(), 1, "nothing was added");
    let file = dir.path().join("notes.txt");
    assert_eq!(init(&file, &[]).status.code(), Some(2), "a file is not a folder");
}

#[test]
fn new_reading_fills_in_front_matter_and_takes_the_next_week() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cohort");
    assert!(init(&root, &[]).status.success());
    let made = new_reading(&root, &["Trust in Teams: Part 1", "--tags", "trust, teams"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let today = chrono::Utc::now().date_naive();
    let file = root.join(format!("content/readings/{today}-trust-in-teams-part-1.md"));
    let front = fs::read_to_string(&file).unwrap();
    assert!(front.starts_with("---\ntitle: \"Trust in Teams: Part 1\"\n"), "{front}");
    assert!(front.contains(&format!("\ndate: {today}\n")), "{front}");
    assert!(front.contains("\nweek: 2\n"), "the example reading is week 1: {front}");
    assert!(front.contains("\ntags: [\"trust\", \"teams\"]\n"), "{front}");
    assert!(text(&made.stdout).contains("/readings/trust-in-teams-part-1/"), "{}", text(&made.stdout));
    let draft = build(&root, &root.join("public"), &[]);
    assert_eq!(
        text(&draft.stderr),
        format!("content/readings/{today}-trust-in-teams-part-1.md: warning: this reading still holds the placeholder text of `new reading`, so it is a draft\n  help: replace the line \"Paste or write the reading here, in Markdown.\" with the reading's text to publish it\n")
    );
    assert!(!root.join("public/readings/trust-in-teams-part-1/index.html").exists(), "not published yet");
    fs::write(
        &file,
        front.replace("Paste or write the reading here, in Markdown.", "Trust is built in small moments."),
    )
    .unwrap();
    let built = build(&root, &root.join("public"), &[]);
    assert!(built.stderr.is_empty(), "{}", text(&built.stderr));
    assert!(root.join("public/readings/trust-in-teams-part-1/index.html").is_file());
    assert!(root.join("public/tags/teams/index.html").is_file());
    let week = new_reading(&root, &["Another", "--week", "7"]);
    assert!(week.status.success());
    let another = fs::read_to_string(root.join(format!("content/readings/{today}-another.md"))).unwrap();
    assert!(another.contains("\nweek: 7\n"), "{another}");
}

#[test]
fn new_reading_refuses_a_reading_that_exists_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cohort");
    assert!(init(&root, &[]).status.success());
    assert!(new_reading(&root, &["Trust"]).status.success());
    let before = read_tree(&root);
    let again = new_reading(&root, &["Trust"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("error: this reading already exists"), "{}", text(&again.stderr));
    let same_address = new_reading(&root, &["Welcome", "--date", "2020-01-06"]);
    assert_eq!(same_address.status.code(), Some(2));
    let stderr = text(&same_address.stderr);
    assert!(stderr.contains("the address /readings/welcome/ is already used by content/readings/"), "{stderr}");
    assert_eq!(read_tree(&root), before, "nothing was written");
}

#[test]
fn new_reading_asks_which_section_when_there_are_several() {
    let root = site(&[
        ("content/spring/2011-03-01-a.md", "---\ntitle: A\ndate: 2011-03-01\nweek: 4\n---\n"),
        ("content/summer/_index.md", "---\ntitle: Summer\nweeks_start: 2011-07-04\n---\n"),
        ("content/summer/2011-07-04-b.md", "---\ntitle: B\ndate: 2011-07-04\n---\n"),
    ]);
    let unsure = new_reading(root.path(), &["C"]);
    assert_eq!(unsure.status.code(), Some(2));
    assert!(text(&unsure.stderr).contains("help: say which with --section, one of: spring, summer"));
    assert!(new_reading(root.path(), &["C", "--section", "spring", "--date", "2011-03-08"]).status.success());
    let spring = fs::read_to_string(root.path().join("content/spring/2011-03-08-c.md")).unwrap();
    assert!(spring.contains("\nweek: 5\n"), "{spring}");
    assert!(new_reading(root.path(), &["D", "--section", "summer", "--date", "2011-07-11"]).status.success());
    let summer = fs::read_to_string(root.path().join("content/summer/2011-07-11-d.md")).unwrap();
    assert!(!summer.contains("week:"), "weeks_start numbers this section's weeks from the date: {summer}");
    let bad = new_reading(root.path(), &["E", "--section", "../x"]);
    assert_eq!(bad.status.code(), Some(2));
    let no_site = tempfile::tempdir().unwrap();
    let refused = new_reading(no_site.path(), &["E"]);
    assert!(text(&refused.stderr).contains("--root: error: "), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains(" has no content/ folder, so it is not a site"));
    assert_eq!(refused.status.code(), Some(2), "a folder that is not a site is a mistake in the command");
}

#[test]
fn new_reading_refuses_a_bad_date_or_title() {
    let root = site(&[("content/r/2011-03-01-a.md", "---\ntitle: A\ndate: 2011-03-01\n---\n")]);
    let date = new_reading(root.path(), &["B", "--date", "next tuesday"]);
    assert_eq!(date.status.code(), Some(2), "a mistake in the command");
    assert!(text(&date.stderr).contains("--date: error: --date `next tuesday` is not a date"));
    assert_eq!(new_reading(root.path(), &["?!"]).status.code(), Some(2));
    assert_eq!(new_reading(root.path(), &["B", "--week", "0"]).status.code(), Some(2));
    assert_eq!(read_tree(root.path()).len(), 1);
}

/// A site with one reading published and one dated far in the future, with a comment by a new name.
fn scheduled_site() -> tempfile::TempDir {
    site(&[
        ("content/r/2011-03-01-now.md", "---\ntitle: Now\ndate: 2011-03-01\ntags: [now]\n---\nText.\n"),
        ("content/r/2999-01-04-later.md", "---\ntitle: Later\ndate: 2999-01-04\ntags: [later]\n---\nText.\n"),
        (
            "content/r/2999-01-04-later.comments.yaml",
            "- id: c1\n  author: Early Bird\n  date: 2999-01-04T09:00:00Z\n  body: Ready.\n",
        ),
    ])
}

#[test]
fn a_reading_dated_in_the_future_waits_for_its_date() {
    let root = scheduled_site();
    let output = root.path().join("public");
    let built = build(root.path(), &output, &[]);
    let summary = text(&built.stdout);
    assert!(summary.starts_with("Built 1 reading, 0 comments, 0 people, 1 tag"), "{summary}");
    assert!(summary.contains("; 1 scheduled reading not published yet (next on 2999-01-04, --future to include)"));
    assert!(!output.join("r/later").exists());
    assert!(!output.join("tags/later").exists());
    assert!(!output.join("authors/early-bird").exists(), "its comments wait with it");
    let feed = fs::read_to_string(output.join("atom.xml")).unwrap();
    assert!(!feed.contains("Later"), "{feed}");
    let checked = roundtable(["check", "--root", root.path().to_str().unwrap()]);
    assert!(text(&checked.stdout).contains("1 scheduled reading not published yet (next on 2999-01-04"));
    let preview = build(root.path(), &output, &["--future"]);
    assert!(text(&preview.stdout).starts_with("Built 2 readings, 1 comment, 1 person, 2 tags"));
    assert!(!text(&preview.stdout).contains("scheduled"));
    assert!(output.join("r/later/index.html").is_file());
    assert!(output.join("authors/early-bird/index.html").is_file());
}

#[test]
fn new_reading_with_a_later_date_is_scheduled() {
    let root = scheduled_site();
    let made = new_reading(root.path(), &["Much Later", "--date", "2999-02-01"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("It is scheduled: it stays off the site until 2999-02-01"));
    let unfinished = roundtable(["check", "--root", root.path().to_str().unwrap()]);
    assert!(text(&unfinished.stderr).contains("placeholder text"), "{}", text(&unfinished.stderr));
    let file = root.path().join("content/r/2999-02-01-much-later.md");
    let written = fs::read_to_string(&file).unwrap();
    fs::write(&file, written.replace("Paste or write the reading here, in Markdown.", "The text.")).unwrap();
    let checked = roundtable(["check", "--root", root.path().to_str().unwrap()]);
    assert!(text(&checked.stdout).contains("2 scheduled readings not published yet (next on 2999-01-04"));
}
