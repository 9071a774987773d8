//! `roundtable reply READING --author NAME`: one more comment in a reading's thread.
//!
//! Nothing that was in the thread before is ever lost. A bundle gets a new
//! file in its `comments/` folder; a thread file gets its old bytes exactly,
//! then the new entry, written to a temporary file and renamed over the old
//! one. Before anything is written, the would-be thread is read back with the
//! real loader and the whole site resolved with it: a reply that would add an
//! error, or that would not read back as given, is refused.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;

use super::yaml_out::{block, quoted};
use super::{now_in, usage, Done};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Span};
use crate::load::raw::{CommentsMode, RawComment};
use crate::load::{self, SourceSite};
use crate::model::{self, lookalike, people};
use crate::text::clean_line;
use crate::write::cannot_write;

/// The comment to add, as it will be written.
struct Entry {
    id: String,
    author: String,
    date: String,
    reply_to: Option<String>,
    body: String,
}

/// Where the comment goes.
struct Target {
    /// The file to write.
    path: PathBuf,
    /// The same, relative to the site, for messages and the loader.
    shown: PathBuf,
    /// A thread file's bytes before; `None` for a new file in `comments/`.
    old: Option<Vec<u8>>,
}

/// What `reply` adds, and where.
#[derive(Debug, Clone, Default)]
pub struct ReplyOptions {
    /// The reading: its slug, its address or its file.
    pub reading: String,
    /// The site folder.
    pub root: PathBuf,
    /// The id of the comment this one answers; `None` for a top-level comment.
    pub to: Option<String>,
    /// Who wrote it.
    pub author: String,
    /// A file holding the comment's text; `None` reads standard input.
    pub file: Option<PathBuf>,
}

/// Adds one comment to a reading's thread, or explains why not.
pub fn reply(args: &ReplyOptions) -> Result<Done, Diagnostics> {
    let root = &args.root;
    super::require_site(root)?;
    let author = clean_line(&args.author);
    if author.contains(['\n', '\r']) {
        return Err(usage("--author", "the author's name must be on one line".into(), "give just the name"));
    }
    let (source, _theme, load_problems) = load::load(root);
    let index = super::find::reading(&source, root, &args.reading)?;
    let reading = &source.readings[index];
    if reading.front.comments == Some(CommentsMode::Closed) {
        return Err(Diagnostic::error(reading.keys.of("comments"), "the discussion of this reading is closed")
            .with_help("to add a comment anyway, change `comments: closed` to `comments: open`")
            .into());
    }
    let ids: Vec<String> =
        reading.comments.iter().filter_map(|c| c.fields.id.as_deref()).map(|id| id.trim().to_string()).collect();
    let reply_to = args.to.as_deref().map(str::trim).map(str::to_string);
    if let Some(to) = reply_to.as_deref().filter(|to| !ids.iter().any(|id| id == to)) {
        return Err(no_such_comment(to, &ids, &reading.span.path));
    }
    // Read only now, so that nobody types a comment for a reading that cannot take it.
    let body = read_body(args)?;
    let now = now_in(source.config.timezone);
    let entry = Entry {
        id: fresh_id(&ids),
        author: author.clone(),
        date: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        reply_to,
        body,
    };
    let target = target(root, &reading.span.path, &entry.id, &now.date_naive().to_string())?;
    if let Some(old) = &target.old {
        appendable(&target.shown, old)?;
    }
    let bytes = with_entry(target.old.as_deref(), &entry);
    let reading_span = reading.span.clone();
    let path = super::new::join(&reading.section, &super::new::slug_of(reading));
    let address = crate::routes::Route::comment(&path, &entry.id).url(&source.config.base_url);
    let mut notes = author_note(&source, &author);
    let before = site_problems(source, load_problems);
    notes.extend(check(root, &reading_span, &target, &bytes, &entry, &before)?);
    if let Some(folder) = target.path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| cannot_write(folder, &e))?;
    }
    crate::write::write_atomically(&target.path, &bytes).map_err(|e| cannot_write(&target.shown, &e))?;
    let shown = target.shown.display();
    let answers = entry.reply_to.as_deref().map(|to| format!(", replying to {to}")).unwrap_or_default();
    Ok(Done {
        summary: format!("Added comment {} ({author}{answers}) to {shown}\nIt will be at {address}", entry.id),
        notes,
    })
}

/// The comment's text from `--file` or standard input, tidied; an empty one is refused.
fn read_body(args: &ReplyOptions) -> Result<String, Diagnostics> {
    let bytes = match &args.file {
        Some(path) => std::fs::read(path).map_err(|error| {
            usage(&path.display().to_string(), format!("cannot read this file: {error}"), "check the file's name")
        })?,
        None => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprintln!("Type or paste the comment, then press Ctrl-D on a line of its own:");
            }
            let mut bytes = Vec::new();
            stdin.read_to_end(&mut bytes).map_err(|e| {
                usage("standard input", format!("cannot read the comment: {e}"), "pass it with --file instead")
            })?;
            bytes
        }
    };
    let from = args.file.as_ref().map_or("standard input".to_string(), |p| p.display().to_string());
    let text = String::from_utf8(bytes)
        .map_err(|_| usage(&from, "the comment is not valid UTF-8 text".into(), "save it as UTF-8 in your editor"))?;
    let body = tidy(&text);
    if body.is_empty() {
        return Err(usage(
            &from,
            "the comment is empty".into(),
            "write the comment in a file and pass it with --file, or pipe it in: roundtable reply ... < reflection.md",
        ));
    }
    Ok(body)
}

/// Line ends made `\n`, blank lines at the ends and spaces on blank lines removed, one final newline.
///
/// YAML also reads the Unicode line and paragraph separators as line ends, so they become `\n` too.
fn tidy(text: &str) -> String {
    let text = load::cleaned(text).replace("\r\n", "\n").replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let lines: Vec<&str> = text.lines().map(|l| if l.trim().is_empty() { "" } else { l }).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n") + "\n",
        _ => String::new(),
    }
}

/// `c<N+1>` after the thread's highest `c<N>`, skipping any taken.
fn fresh_id(ids: &[String]) -> String {
    let highest = ids.iter().filter_map(|id| id.strip_prefix('c')?.parse::<u64>().ok()).max().unwrap_or(0);
    (highest + 1..).map(|n| format!("c{n}")).find(|c| !ids.contains(c)).expect("some number is free")
}

fn no_such_comment(to: &str, ids: &[String], reading: &Path) -> Diagnostics {
    let help = if ids.is_empty() {
        "this thread has no comments yet: leave out --to to start it".to_string()
    } else {
        let all: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
        format!("ids in this thread are {}", all.join(", "))
    };
    usage("--to", format!("no comment `{to}` in the thread of {}", reading.display()), &help)
}

/// Where a reading's next comment goes: a new `comments/` file of a bundle, or the reading's thread file.
fn target(root: &Path, markdown: &Path, id: &str, day: &str) -> Result<Target, Diagnostics> {
    if markdown.file_name().is_some_and(|n| n == "index.md") {
        let file = markdown.with_file_name("comments").join(format!("{day}-{id}.yaml"));
        if root.join(&file).exists() {
            return Err(Diagnostic::error(Span::file(&file), "a comment file of this name already exists")
                .with_help("that file holds a comment roundtable could not read: `roundtable check` says why")
                .into());
        }
        return Ok(Target { path: root.join(&file), shown: file, old: None });
    }
    let stem = markdown.with_extension("");
    let yaml = |ext: &str| PathBuf::from(format!("{}.comments.{ext}", stem.display()));
    let shown =
        [yaml("yaml"), yaml("yml")].into_iter().find(|p| root.join(p).is_file()).unwrap_or_else(|| yaml("yaml"));
    let path = root.join(&shown);
    let old = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            return Err(Diagnostic::error(Span::file(&shown), format!("cannot read this file: {error}"))
                .with_help("check that it is readable")
                .into())
        }
    };
    Ok(Target { path, shown, old: Some(old) })
}

/// The file's new bytes: the old ones untouched, then the entry in the file's own line ends.
fn with_entry(old: Option<&[u8]>, entry: &Entry) -> Vec<u8> {
    let Some(old) = old else {
        return entry_text(entry, false).into_bytes();
    };
    let newline: &[u8] = if old.windows(2).any(|w| w == b"\r\n") { b"\r\n" } else { b"\n" };
    let mut bytes = old.to_vec();
    if !bytes.is_empty() {
        if !bytes.ends_with(b"\n") {
            bytes.extend_from_slice(newline);
        }
        // A blank line between entries, as people write them.
        if !bytes.ends_with(b"\n\n") && !bytes.ends_with(b"\n\r\n") {
            bytes.extend_from_slice(newline);
        }
    }
    for line in entry_text(entry, true).lines() {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(newline);
    }
    bytes
}

/// Refuses a thread file `reply` cannot add to without rewriting it: one in brackets (flow
/// style) or indented, since the new `- ` entry goes at its end and every old byte stays.
fn appendable(shown: &Path, old: &[u8]) -> Result<(), Diagnostics> {
    let text = String::from_utf8_lossy(old);
    match text.lines().enumerate().find(|(_, line)| !load::yaml::is_empty(line)) {
        Some((index, line)) if !line.starts_with('-') => Err(Diagnostic::error(
            Span::new(shown, index + 1, 1),
            "this thread is not written as `- ` entries at the start of each line, so reply cannot add to its end",
        )
        .with_help("write each comment as a `- id:` line with its keys indented below (as `roundtable init` does), or add this one by hand")
        .into()),
        _ => Ok(()),
    }
}

/// The entry as YAML: a list item in a thread file, a mapping in a `comments/` file.
fn entry_text(entry: &Entry, list_item: bool) -> String {
    let (first, indent) = if list_item { ("- ", 2) } else { ("", 0) };
    let pad = " ".repeat(indent);
    let mut text =
        format!("{first}id: {}\n{pad}author: {}\n{pad}date: {}\n", entry.id, quoted(&entry.author), entry.date);
    if let Some(to) = &entry.reply_to {
        // Quoted: an id like `123` or `null` would otherwise read back as a number or nothing.
        text.push_str(&format!("{pad}reply_to: {}\n", quoted(to)));
    }
    text.push_str(&block("body", &entry.body, indent));
    text
}

/// A note when the author matches nobody in `authors.yaml`, with the nearest name.
fn author_note(source: &SourceSite, author: &str) -> Vec<Diagnostic> {
    let folded = people::fold(author);
    if folded.is_empty() || people::is_anonymous(&folded) {
        return Vec::new();
    }
    let spellings: Vec<String> = source
        .people
        .iter()
        .flat_map(|p| [p.key.clone()].into_iter().chain(p.fields.name.clone()).chain(p.fields.aliases.clone()))
        .collect();
    if spellings.iter().any(|s| people::fold(s) == folded) {
        return Vec::new();
    }
    let listed =
        source.people.iter().map(|p| (p.fields.name.as_deref().unwrap_or(&p.key), p.fields.aliases.as_slice()));
    if lookalike::nearest(listed, author).is_some() {
        // Resolving the new thread warns of it, with a "did you mean", at the comment's line.
        return Vec::new();
    }
    vec![Diagnostic::warning(
        Span::file("authors.yaml"),
        format!("`{author}` is not in authors.yaml, so they will get a page of their own"),
    )
    .with_help("if they are listed under another spelling, add this one to their `aliases:`")]
}

/// Every problem the site has now, drafts and scheduled readings included.
fn site_problems(source: SourceSite, mut problems: Diagnostics) -> Vec<Diagnostic> {
    if let Err(found) = model::resolve(source, everything()) {
        problems.extend(found);
    }
    problems.sorted()
}

fn everything() -> model::ResolveOptions {
    model::ResolveOptions { drafts: true, future: true, now: chrono::Utc::now() }
}

/// Reads the would-be thread back and resolves the site with it; returns new warnings, refuses new errors.
fn check(
    root: &Path,
    reading: &Span,
    target: &Target,
    bytes: &[u8],
    entry: &Entry,
    before: &[Diagnostic],
) -> Result<Vec<Diagnostic>, Diagnostics> {
    let (mut source, _theme, mut problems) = load::load(root);
    let text = load::cleaned(&String::from_utf8_lossy(bytes));
    let parsed: Vec<RawComment> = match target.old {
        Some(_) => load::thread_list(&target.shown, &text, &mut problems),
        None => load::thread_single(&target.shown, &text, &mut problems).into_iter().collect(),
    };
    let reads_back = parsed.iter().any(|c| {
        let f = &c.fields;
        f.id.as_deref() == Some(&entry.id)
            && f.author.as_deref() == Some(&entry.author)
            && f.date.as_deref() == Some(&entry.date)
            && f.reply_to == entry.reply_to
            && f.body.as_deref() == Some(&entry.body)
    });
    if let Some(at) = source.readings.iter_mut().find(|r| r.span == *reading) {
        at.comments.retain(|c| c.span.path != target.shown);
        at.comments.extend(parsed);
    }
    let after = site_problems(source, problems);
    let mut new: Vec<Diagnostic> = after.into_iter().filter(|d| !before.contains(d)).collect();
    if !reads_back {
        new.push(
            Diagnostic::error(Span::file(&target.shown), "the new comment would not read back as it was given")
                .with_help("check this file with `roundtable check` and fix what it reports; then try again"),
        );
    }
    if new.iter().any(|d| d.severity == Severity::Error) {
        let mut refused = Diagnostics::new();
        new.into_iter().filter(|d| d.severity == Severity::Error).for_each(|d| refused.push(d));
        return Err(refused);
    }
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_tidied_but_keep_their_inner_layout() {
        assert_eq!(tidy("\r\n  \r\n  code\r\nhard  \r\n\r\n\t\n"), "  code\nhard  \n");
        assert_eq!(tidy(" \n\t\n"), "");
        assert_eq!(tidy("a\u{2028}b\u{feff}c"), "a\nb\u{feff}c\n");
    }

    #[test]
    fn fresh_ids_follow_the_highest_number() {
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(fresh_id(&[]), "c1");
        assert_eq!(fresh_id(&ids(&["c1", "c9", "ben-0823", "c3"])), "c10");
        assert_eq!(fresh_id(&ids(&["ana", "ben"])), "c1");
    }
}
