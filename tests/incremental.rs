//! Builds redo only the pages whose context changed: after every kind of edit, a `serve` session's folder
//! (written in place after its first rebuild) and a warm `build`'s must equal a cold build's, byte for
//! byte, with the same folders.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_tree, read_tree};
use roundtable::load::Changes;
use roundtable::serve::session::{Rebuilt, Session};
use roundtable::BuildOptions;

const THREAD: &str = "content/readings/2011-08-29-trust-in-teams.comments.yaml";
const READING: &str = "content/readings/2011-08-29-trust-in-teams.md";
const NEW_READING: &str = "content/readings/2011-10-03-a-new-week.md";
const BUNDLE_FILE: &str = "content/readings/2011-08-22-leader-rounding/rounding-cycle.svg";

/// The example site of the repository, copied so it can be edited.
fn example_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repository.join("content"), &site.path().join("content"));
    for file in ["site.yaml", "authors.yaml"] {
        fs::copy(repository.join(file), site.path().join(file)).unwrap();
    }
    site
}

/// A copy of the example site; the temporary folder holding `live`, to keep as long as the session;
/// `live`; and a `serve` session writing the site there, not rebuilt yet.
fn serving_example() -> (tempfile::TempDir, tempfile::TempDir, PathBuf, Session) {
    let site = example_site();
    let out = tempfile::tempdir().unwrap();
    let live = out.path().join("live");
    let session = Session::new(options(site.path(), live.clone()));
    (site, out, live, session)
}

fn options(root: &Path, output: PathBuf) -> BuildOptions {
    BuildOptions { root: root.to_path_buf(), output, ..Default::default() }
}

/// Edits one file of the site by a function of its text.
fn edit(root: &Path, file: &str, change: impl FnOnce(String) -> String) -> PathBuf {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap_or_default();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, change(text)).unwrap();
    path
}

/// Replaces the first line starting with `key: `.
fn set_line(text: String, key: &str, line: &str) -> String {
    let prefix = format!("{key}: ");
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| match !done && l.starts_with(&prefix) {
            true => {
                done = true;
                line.to_string()
            }
            false => l.to_string(),
        })
        .collect();
    assert!(done, "no `{key}:` line");
    lines.join("\n") + "\n"
}

/// Rebuilds the session after `changed`, builds warm into `live`'s sibling `warm/` (with the build cache),
/// and compares both folders with a cold build of the same files.
///
/// The session is told what changed, as `serve`'s watcher tells it: when only files it knew were
/// edited, it takes its last walk of `content/` and looks again only at those files.
fn assert_rebuild_matches(session: &mut Session, root: &Path, live: &Path, changed: &[&Path]) -> Rebuilt {
    session.changed_since_last_rebuild(Changes::Only(changed.iter().map(|path| path.to_path_buf()).collect()));
    let rebuilt = session.rebuild().unwrap_or_else(|p| panic!("rebuild failed: {:?}", p.sorted()));
    let warm = live.with_file_name("warm");
    let warm_options = BuildOptions { cache: true, ..options(root, warm.clone()) };
    roundtable::build(&warm_options).unwrap_or_else(|p| panic!("warm build failed: {:?}", p.sorted()));
    let fresh = tempfile::tempdir().unwrap();
    roundtable::build(&options(root, fresh.path().join("full"))).unwrap();
    let want = read_tree(&fresh.path().join("full"));
    let want_folders = folders(&fresh.path().join("full"));
    for (name, folder) in [("serve", live), ("a warm build", &warm)] {
        let got = read_tree(folder);
        let differ: Vec<&String> =
            want.keys().chain(got.keys()).filter(|path| want.get(*path) != got.get(*path)).collect();
        assert!(differ.is_empty(), "after {changed:?} these files of {name} differ from a cold build: {differ:?}");
        assert_eq!(folders(folder), want_folders, "after {changed:?} {name} has other folders than a cold build");
    }
    rebuilt
}

/// Every folder under `root`, by relative path: files no longer made must not leave theirs behind.
fn folders(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The inode of a file, which a file renamed into place changes and a file left alone keeps.
#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap())
}

#[test]
fn every_kind_of_edit_leaves_what_a_full_build_writes() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    let all = assert_rebuild_matches(&mut session, root, &live, &[]).rendered;
    let again = assert_rebuild_matches(&mut session, root, &live, &[]);
    assert_eq!((again.rendered, again.written), (0, 0), "nothing changed, nothing rendered");

    #[cfg(unix)]
    let (untouched, edited_page) =
        (inode(&live.join("404.html")), inode(&live.join("readings/trust-in-teams/index.html")));
    let thread = edit(root, THREAD, |t| t.replacen("  body: |\n", "  body: |\n    An edited first line.\n", 1));
    let rendered = assert_rebuild_matches(&mut session, root, &live, &[&thread]).rendered;
    assert!(rendered < all, "a one-comment edit rendered all {all} pages");
    #[cfg(unix)]
    {
        // Written in place: the unchanged page is the same file, not a link in a new folder.
        assert_eq!(inode(&live.join("404.html")), untouched, "an unchanged page was written again");
        assert_ne!(inode(&live.join("readings/trust-in-teams/index.html")), edited_page);
    }

    let reply = "- id: late-1\n  author: Athena Loopstra\n  date: 2011-09-20T10:00:00-04:00\n  reply_to: c1\n  body: A reply.\n";
    edit(root, THREAD, |t| t + reply);
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);

    let stranger = "- id: late-2\n  author: Zed Newcomer\n  date: 2011-09-21T10:00:00-04:00\n  body: Hello, all.\n";
    edit(root, THREAD, |t| t + stranger);
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);
    edit(root, THREAD, |t| t.replace(stranger, "").replace(reply, ""));
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);

    // Enough reflections by one person for three pages; then an edit to one on the last page.
    let many: String = (0..210)
        .map(|i| {
            format!(
                "- id: many-{i}\n  author: Athena Loopstra\n  date: 2011-09-0{}T10:{:02}:00-04:00\n  body: Note {i}.\n",
                1 + i / 60,
                i % 60
            )
        })
        .collect();
    edit(root, THREAD, |t| t + &many);
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);
    let edited = assert_rebuild_matches(
        &mut session,
        root,
        &live,
        &[&edit(root, THREAD, |t| t.replace("Note 3.", "Note three."))],
    );
    assert!(edited.rendered < all, "an edit on a later page renders {} pages", edited.rendered);
    edit(root, THREAD, |t| t.replace("Note 150.", "Note 150, with @Claire Dufresne."));
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);
    edit(root, THREAD, |t| {
        t.replace(&many.replace("Note 3.", "Note three.").replace("Note 150.", "Note 150, with @Claire Dufresne."), "")
    });
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);

    let reading = edit(root, READING, |t| set_line(t, "title", "title: Trust, Renamed"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    edit(root, READING, |t| set_line(t, "date", "date: 2011-09-30"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    edit(root, READING, |t| set_line(t, "tags", "tags: [trust, a-brand-new-tag]"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    edit(root, READING, |t| set_line(t, "tags", "tags: [trust]"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);

    let added = edit(root, NEW_READING, |_| {
        "---\ntitle: A New Week\ndate: 2011-10-03\nweek: 9\ntags: [trust]\n---\n\nText.\n".into()
    });
    assert_rebuild_matches(&mut session, root, &live, &[&added]);
    fs::remove_file(&added).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&added]);

    let picture = edit(root, BUNDLE_FILE, |t| t.replace("</svg>", "<!-- edited --></svg>"));
    assert_rebuild_matches(&mut session, root, &live, &[&picture]);

    let person = edit(root, "authors.yaml", |t| t.replace("still keeps a **paper** agenda", "keeps no agenda"));
    let edited = assert_rebuild_matches(&mut session, root, &live, &[&person]);
    assert!(edited.rendered < all, "a bio edit rendered all {all} pages");

    let style = edit(root, "static/extra.css", |_| "body { margin: 0 }\n".into());
    let copied = assert_rebuild_matches(&mut session, root, &live, &[&style]);
    assert_eq!((copied.rendered, copied.written), (0, 1), "a new static file is copied, nothing rendered");
    edit(root, "static/extra.css", |_| "body { margin: 1px }\n".into());
    assert_rebuild_matches(&mut session, root, &live, &[&style]);

    let template = edit(root, "templates/404.html", |_| "<p>Lost: {{ page.title }}</p>\n".into());
    let one = assert_rebuild_matches(&mut session, root, &live, &[&template]);
    assert!(one.rendered >= 1, "a template edit renders its pages");
    fs::remove_file(&template).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&template]);

    // The site's words: a string templates print through `t`, in no page's context.
    let words = edit(root, "i18n/en.yaml", |_| "strings:\n  people: Members\n".into());
    let reworded = assert_rebuild_matches(&mut session, root, &live, &[&words]);
    assert!(reworded.rendered > 0, "changed words render the pages that print them");
    fs::remove_file(&words).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&words]);

    let settings = edit(root, "site.yaml", |t| set_line(t, "title", "title: Renamed Cohort"));
    let everything = assert_rebuild_matches(&mut session, root, &live, &[&settings]);
    assert_eq!(everything.rendered, everything.pages, "site-wide edits redo everything");
}

#[test]
fn a_failed_rebuild_leaves_the_last_good_site() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    assert_rebuild_matches(&mut session, root, &live, &[]);
    let before = read_tree(&live);
    let good = fs::read_to_string(root.join(THREAD)).unwrap();
    let thread = edit(root, THREAD, |t| t + "- id: broken\n  reply_to: nobody\n  body: [\n");
    let problems = session.rebuild().unwrap_err();
    assert!(problems.has_errors());
    assert_eq!(read_tree(&live), before);
    let warm = live.with_file_name("warm");
    let before = read_tree(&warm);
    let warm_options = BuildOptions { cache: true, ..options(root, warm.clone()) };
    assert!(roundtable::build(&warm_options).unwrap_err().has_errors());
    assert_eq!(read_tree(&warm), before, "a failed build after a warm one leaves the old output");
    fs::write(&thread, good.replacen("  body: |\n", "  body: |\n    Fixed.\n", 1)).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&thread]);

    // A failure while rendering, once other pages of the same rebuild (a new reading's among them) are
    // made: in place, none of them may show.
    let before = (read_tree(&live), folders(&live));
    edit(root, THREAD, |t| t.replacen("  body: |\n", "  body: |\n    Edited again.\n", 1));
    let added = edit(root, NEW_READING, |_| "---\ntitle: A New Week\ndate: 2011-10-03\n---\n\nText.\n".into());
    let broken = edit(root, "templates/reading.html", |_| "{{ page.no_such_field }}\n".into());
    let problems = session.rebuild().unwrap_err();
    assert!(problems.has_errors());
    assert_eq!((read_tree(&live), folders(&live)), before, "a failed rebuild in place changed the served folder");
    fs::remove_file(&broken).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&added, &broken]);
}

/// `serve` takes a thread's cleaned comments whole from the last rebuild while its files and what
/// cleaning depends on (the people mentions point at) are unchanged; each case here must still match
/// a cold build.
#[test]
fn a_thread_cleaned_before_is_reused_only_while_what_it_is_made_of_is_unchanged() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    assert_rebuild_matches(&mut session, root, &live, &[]);
    const MENTIONS: &str = "content/readings/2011-08-08-client-centred-focus.comments.yaml";
    let mentioning = root.join(MENTIONS);
    let page = "readings/client-centred-focus/index.html";
    let shown = |live: &Path| fs::read_to_string(live.join(page)).unwrap();
    assert!(shown(&live).contains("claire-dufresne"), "the mention links Claire's page");

    // The person a mention points at moves: the thread's file is unchanged, its links are not.
    let people = edit(root, "authors.yaml", |t| t.replace("claire-dufresne:", "claire-d:"));
    assert_rebuild_matches(&mut session, root, &live, &[&people]);
    assert!(!shown(&live).contains("claire-dufresne") && shown(&live).contains("claire-d/"));
    // The mention no longer finds anyone: the alias it used is gone.
    edit(root, "authors.yaml", |t| t.replace("  aliases: [Claire]\n", ""));
    assert_rebuild_matches(&mut session, root, &live, &[&people]);
    edit(root, "authors.yaml", |t| t.replace("claire-d:", "claire-dufresne:"));
    assert_rebuild_matches(&mut session, root, &live, &[&people]);

    // Touched without a change: the same bytes, so nothing is rendered.
    let before = fs::metadata(&mentioning).unwrap().modified().unwrap();
    fs::File::options().append(true).open(&mentioning).unwrap().set_modified(std::time::SystemTime::now()).unwrap();
    let touched = assert_rebuild_matches(&mut session, root, &live, &[&mentioning]);
    assert_eq!((touched.rendered, touched.written), (0, 0), "a touched file changed the site");

    // Changed with the same size and modification time: the file's inode change time still tells.
    let text = fs::read_to_string(&mentioning).unwrap();
    assert!(text.contains("I don't agree"));
    fs::write(&mentioning, text.replace("I don't agree", "I do not agre")).unwrap();
    fs::File::options().append(true).open(&mentioning).unwrap().set_modified(before).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&mentioning]);
    assert!(shown(&live).contains("I do not agre"));

    // A comment taken down, then shown again, in a file otherwise the same.
    let removed = text.replacen("  body: |\n", "  status: removed\n  body: |\n", 1);
    fs::write(&mentioning, &removed).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&mentioning]);
    fs::write(&mentioning, &text).unwrap();
    assert_rebuild_matches(&mut session, root, &live, &[&mentioning]);

    // Comments' dates in words are kept too: the same instant with another offset reads otherwise, and
    // so does every date after a change of time zone or date format.
    edit(root, MENTIONS, |t| t.replace("2011-08-08T07:35:00-04:00", "2011-08-08T11:35:00+00:00"));
    assert_rebuild_matches(&mut session, root, &live, &[&mentioning]);
    // (A reading dated with an offset stays where it is when the time zone changes, so its comments'
    // dates are looked up again, not made new by the reading's moving.)
    let reading = "content/readings/2011-08-08-client-centred-focus.md";
    let dated = edit(root, reading, |t| set_line(t, "date", "date: 2011-08-08T06:00:00-04:00"));
    assert_rebuild_matches(&mut session, root, &live, &[&dated]);
    let settings = edit(root, "site.yaml", |t| set_line(t, "timezone", "timezone: Asia/Tokyo"));
    assert_rebuild_matches(&mut session, root, &live, &[&settings]);
    edit(root, "site.yaml", |t| set_line(t, "date_format", "date_format: \"%Y-%m-%d\""));
    assert_rebuild_matches(&mut session, root, &live, &[&settings]);

    // A reading taken from the last rebuild still warns of its picture without an address.
    let reading = edit(root, READING, |t| t + "\n![a chart]()\n");
    let warned = |rebuilt: &Rebuilt| rebuilt.warnings.iter().any(|w| w.message.contains("picture has no address"));
    assert!(warned(&assert_rebuild_matches(&mut session, root, &live, &[&reading])));
    assert!(warned(&assert_rebuild_matches(&mut session, root, &live, &[])), "the warning went with the reuse");
}

/// A reading's thread and its comments' cards are keyed once and kept between rebuilds by what they
/// are made of (`render::parts`): an edit that changes only one of those things must show on every page
/// that shows them (the reading's, its writers', the feeds, its tags'), as a cold build shows it.
#[test]
fn a_threads_part_keys_are_kept_only_while_what_they_are_made_of_is_unchanged() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    assert_rebuild_matches(&mut session, root, &live, &[]);
    let rebuild = |session: &mut Session, changed: &Path| assert_rebuild_matches(session, root, &live, &[changed]);

    // The reading's own data: its address, and whether its thread is open (reply links, with replies by
    // e-mail on).
    let settings = edit(root, "site.yaml", |t| t + "replies:\n  to: facilitator@example.org\n");
    rebuild(&mut session, &settings);
    let reading = edit(root, READING, |t| set_line(t, "comments", "comments: closed"));
    rebuild(&mut session, &reading);
    edit(root, READING, |t| set_line(t, "comments", "comments: open"));
    rebuild(&mut session, &reading);
    edit(root, READING, |t| set_line(t, "comments", "comments: open\nslug: trust-moved"));
    rebuild(&mut session, &reading);
    assert!(live.join("readings/trust-moved/index.html").is_file());

    // A comment's writer and its place in the thread.
    let thread = edit(root, THREAD, |t| t.replacen("author: Marcus Lindqvist", "author: Claire Dufresne", 1));
    rebuild(&mut session, &thread);
    let reply = "- id: late-1\n  author: Athena Loopstra\n  date: 2011-09-20T10:00:00-04:00\n  reply_to: c1\n  body: A reply.\n";
    edit(root, THREAD, |t| t + reply);
    rebuild(&mut session, &thread);
    edit(root, THREAD, |t| t.replace("  reply_to: c1\n  body: A reply.", "  reply_to: c2\n  body: A reply."));
    rebuild(&mut session, &thread);

    // The people: a name and a role, on every comment they wrote.
    let people = edit(root, "authors.yaml", |t| t.replace("name: Claire Dufresne", "name: Claire Dufresne-Roy"));
    rebuild(&mut session, &people);
    edit(root, "authors.yaml", |t| t.replacen("role: member", "role: guest", 1));
    rebuild(&mut session, &people);

    // The settings: the site's address (in every card's links), how deep threads nest.
    edit(root, "site.yaml", |t| set_line(t, "base_url", "base_url: https://example.org/other/"));
    rebuild(&mut session, &settings);
    edit(root, "site.yaml", |t| set_line(t, "  max_depth", "  max_depth: 2"));
    rebuild(&mut session, &settings);

    // The theme's words: a role's label and how long after its reading a comment came.
    let words = edit(root, "i18n/en.yaml", |_| {
        "strings:\n  role_member: Participant\n  days_after_reading: {one: \"the next day\", other: \"{n} days on\"}\n"
            .into()
    });
    rebuild(&mut session, &words);
}

/// `serve` takes a reading resolved by the last rebuild again while its files, the settings, its
/// section's rules and the people its names find are unchanged (`model::reuse`): an edit of any one of
/// those alone must still show as a cold build shows it.
#[test]
fn a_resolved_reading_is_reused_only_while_what_it_is_made_of_is_unchanged() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    assert_rebuild_matches(&mut session, root, &live, &[]);
    let rebuild = |session: &mut Session, changed: &Path| assert_rebuild_matches(session, root, &live, &[changed]);
    let page = |path: &str| fs::read_to_string(live.join(path)).unwrap();

    // The section's rules: the start of its weeks (for a reading that gives no week) and when
    // reflections are due.
    let reading = edit(root, READING, |t| t.replace("week: 4\n", ""));
    rebuild(&mut session, &reading);
    let section = edit(root, "content/readings/_index.md", |t| set_line(t, "weeks_start", "weeks_start: 2011-08-15"));
    rebuild(&mut session, &section);
    edit(root, "content/readings/_index.md", |t| set_line(t, "due_after", "due_after: 9 days"));
    rebuild(&mut session, &section);

    // The settings: the time zone a date without an offset is read in.
    let settings = edit(root, "site.yaml", |t| set_line(t, "timezone", "timezone: Pacific/Auckland"));
    rebuild(&mut session, &settings);

    // The people a reading's names find: a new name met in an earlier reading's thread takes the page
    // address, and the place in the directory, that a later reading's new name had.
    const EARLIER: &str = "content/readings/2011-08-08-client-centred-focus.comments.yaml";
    let newcomer = |id: &str, name: &str| {
        format!("- id: {id}\n  author: {name}\n  date: 2011-09-21T10:00:00-04:00\n  body: Hello, all.\n")
    };
    let thread = edit(root, THREAD, |t| t + &newcomer("late-1", "Zed Newcomer"));
    rebuild(&mut session, &thread);
    assert!(page("readings/trust-in-teams/index.html").contains("authors/zed-newcomer/"));
    let earlier = edit(root, EARLIER, |t| t + &newcomer("early-1", "Zed Newcomer!"));
    rebuild(&mut session, &earlier);
    assert!(page("readings/trust-in-teams/index.html").contains("authors/zed-newcomer-2/"));
    // The same name now listed in authors.yaml, under another address.
    let people = edit(root, "authors.yaml", |t| t + "zed:\n  name: Zed Newcomer\n");
    rebuild(&mut session, &people);
    assert!(page("readings/trust-in-teams/index.html").contains("authors/zed/"));
    // A name that reads like a listed person's is a warning at its place each time, reused or not.
    edit(root, THREAD, |t| t + &newcomer("late-2", "Claire Dufrene"));
    let warned = |rebuilt: &Rebuilt| rebuilt.warnings.iter().any(|w| w.message.contains("`Claire Dufrene` is not in"));
    assert!(warned(&rebuild(&mut session, &thread)));
    assert!(warned(&rebuild(&mut session, &settings)), "the warning went with the reuse");
}

/// A page is taken from the last output by its key alone, without looking at its file first: a file
/// gone from the output since (removed by hand) must still be made again, by a warm build and by `serve`.
#[test]
fn a_page_gone_from_the_last_output_is_made_again() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    assert_rebuild_matches(&mut session, root, &live, &[]);
    let warm = live.with_file_name("warm");
    let gone = ["readings/trust-in-teams/index.html", "comments.xml", "tags/index.html"];
    for page in gone {
        fs::remove_file(live.join(page)).unwrap();
        fs::remove_file(warm.join(page)).unwrap();
    }
    let rebuilt = assert_rebuild_matches(&mut session, root, &live, &[]);
    assert_eq!(rebuilt.rendered, gone.len(), "only the pages gone are made again");
    for page in gone {
        assert!(live.join(page).is_file() && warm.join(page).is_file(), "{page} was not made again");
    }
}

/// A reading in a list is keyed once per build by its view with absolute links (`render::parts::entries`):
/// a summary whose relative address becomes the same address written out whole reads the same there, and
/// otherwise on every list, so each edit must still show on the home page, its tags' and its writer's.
#[test]
fn a_reading_in_lists_is_keyed_by_all_its_list_view_shows() {
    let (site, _out, live, mut session) = serving_example();
    let root = site.path();
    assert_rebuild_matches(&mut session, root, &live, &[]);
    let summary = |address: &str| format!("summary: \"See [the chart]({address}).\"");
    let reading = edit(root, READING, |t| set_line(t, "summary", &summary("chart.svg")));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    let whole = "https://example.org/cohort/readings/trust-in-teams/chart.svg";
    edit(root, READING, |t| set_line(t, "summary", &summary(whole)));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    assert!(fs::read_to_string(live.join("index.html")).unwrap().contains(whole));
    // What lists show of it besides: its week, its writer, its source.
    edit(root, READING, |t| set_line(t, "week", "week: 5"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    edit(root, READING, |t| set_line(t, "author", "author: Claire Dufresne"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
    edit(root, READING, |t| set_line(t, "  year", "  year: 2012"));
    assert_rebuild_matches(&mut session, root, &live, &[&reading]);
}

/// Runs `roundtable build` with the build cache; its output and what it said on stderr.
fn cached_build(root: &Path, output: &Path) -> String {
    let args = ["build".as_ref(), "--root".as_ref(), root.as_os_str(), "--output".as_ref(), output.as_os_str()];
    let result = common::roundtable(args);
    assert!(result.status.success(), "build failed:\n{}", String::from_utf8_lossy(&result.stderr));
    String::from_utf8_lossy(&result.stderr).into_owned()
}

/// A warm `build` in a process of its own takes its unchanged readings from the parse cache's files
/// (`load::parse_cache::encoding`): its site equals a cold build's after a thread is edited, and
/// shards damaged on disk are a warning and a build from the files, with the same site again.
#[test]
fn readings_read_back_from_the_parse_cache_build_what_the_files_do() {
    let site = example_site();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let (warm, cold) = (out.path().join("warm"), out.path().join("cold"));
    cached_build(root, &warm);
    let shards = || fs::read_dir(root.join(".roundtable/cache")).unwrap().flatten().map(|e| e.path());
    let parsed: Vec<PathBuf> = shards().filter(|p| p.to_string_lossy().contains("parsed-")).collect();
    assert!(!parsed.is_empty(), "the first build saved its parsed readings");
    edit(root, THREAD, |text| format!("{text}    One more line, edited.\n"));
    cached_build(root, &warm);
    common::build(root, &cold, &[]);
    assert_eq!(read_tree(&warm), read_tree(&cold), "a warm build after a thread was edited");

    edit(root, THREAD, |text| format!("{text}    And another.\n"));
    for path in &parsed {
        let Ok(mut bytes) = fs::read(path) else { continue };
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        fs::write(path, bytes).unwrap();
    }
    let said = cached_build(root, &warm);
    assert!(said.contains("the build cache is damaged and was ignored"), "{said}");
    common::build(root, &cold, &[]);
    assert_eq!(read_tree(&warm), read_tree(&cold), "a build after the parse cache was damaged");
}

/// `serve` keeps its own folder's page keys on disk (`incremental::SERVE_PAGES_FILE`): started again,
/// it makes only what changed since it last ran, and an edit made and then undone between two of
/// its sessions shows undone (the keys on disk are those of the files last written, never older), as
/// does a page whose file was cut short.
#[test]
fn serve_started_again_makes_only_what_changed_since_it_last_ran() {
    let site = example_site();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let live = out.path().join("live");
    let session = || Session::new(BuildOptions { cache: true, ..options(root, live.clone()) });
    let first = assert_rebuild_matches(&mut session(), root, &live, &[]);
    assert_eq!(first.rendered, first.pages, "the first session makes every page");

    let folder = inode(&live);
    fs::write(live.join("readings/.index.html.roundtable-tmp-1"), "left by a killed serve").unwrap();
    let again = assert_rebuild_matches(&mut session(), root, &live, &[]);
    assert_eq!(again.rendered, 0, "nothing changed: every page is taken from the last session");
    assert_eq!(inode(&live), folder, "written in place, not a new folder swapped in");

    let before = fs::read_to_string(root.join(THREAD)).unwrap();
    let mut running = session();
    assert_rebuild_matches(&mut running, root, &live, &[]);
    let thread = edit(root, THREAD, |text| format!("{text}    One more line, edited.\n"));
    let edited = assert_rebuild_matches(&mut running, root, &live, &[&thread]);
    assert!(edited.rendered > 0 && edited.rendered < edited.pages, "{edited:?}");
    drop(running);
    fs::write(&thread, &before).unwrap();
    let undone = assert_rebuild_matches(&mut session(), root, &live, &[&thread]);
    assert_eq!(undone.rendered, edited.rendered, "the pages the edit changed are made again, and only those");

    // A reading added in one session and removed before the next: its pages go, and their folders.
    let added = edit(root, NEW_READING, |_| "---\ntitle: A New Week\ndate: 2011-10-03\n---\n\nText.\n".into());
    assert_rebuild_matches(&mut session(), root, &live, &[&added]);
    fs::remove_file(&added).unwrap();
    assert_rebuild_matches(&mut session(), root, &live, &[&added]);
    assert!(!live.join("readings/a-new-week").exists());

    let page = live.join("readings/trust-in-teams/index.html");
    let cut = fs::read(&page).unwrap();
    fs::write(&page, &cut[..cut.len() / 2]).unwrap();
    let cut_short = assert_rebuild_matches(&mut session(), root, &live, &[]);
    assert_eq!(cut_short.rendered, 1, "a page cut short (as by a power cut) is made again, and only it");

    let keys = root.join(".roundtable/cache/serve-pages.bin");
    fs::write(&keys, b"damaged").unwrap();
    let damaged = assert_rebuild_matches(&mut session(), root, &live, &[]);
    assert_eq!(damaged.rendered, damaged.pages, "damaged keys: every page is made again");
    assert!(damaged.warnings.iter().any(|w| w.message.contains("damaged")), "{:?}", damaged.warnings);
}
