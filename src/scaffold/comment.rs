//! Adding one comment to a reading's thread, checked and atomic: what `reply` and `ingest` share.
//!
//! Nothing that was in the thread before is ever lost. A bundle gets a new
//! file in its `comments/` folder; a thread file gets its old bytes exactly,
//! then the new entry, written to a temporary file and renamed over the old
//! one. Before anything is written, the would-be thread is read back with the
//! real loader and the whole site resolved with it: a comment that would add an
//! error, or that would not read back as given, is refused.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::now_in;
use super::yaml_out::{block, quoted};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Span};
use crate::load::raw::{CommentStatus, RawComment};
use crate::load::{self, SourceSite};
use crate::model::{self, lookalike, people};
use crate::write::cannot_write;

/// A comment to add, before it has an id.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// Its writer's name, on one line.
    pub author: String,
    /// When it was written; none for now.
    pub date: Option<DateTime<FixedOffset>>,
    /// The id of the comment it answers.
    pub reply_to: Option<String>,
    /// Its text, tidied (see [`tidy`]), not empty.
    pub body: String,
    /// `pending` for one that waits for approval; none for published.
    pub status: Option<CommentStatus>,
    /// A hash of the e-mail it came from, so that the same mail is never added twice.
    pub mail: Option<String>,
}

/// What was added.
#[derive(Debug)]
pub struct Added {
    /// The comment's new id.
    pub id: String,
    /// The file written, relative to the site.
    pub file: PathBuf,
    /// Where the comment will be on the site, root-relative.
    pub address: String,
    /// The reading's address (`readings/trust`).
    pub reading: String,
    /// Warnings worth reading (an author not in authors.yaml, ...).
    pub notes: Vec<Diagnostic>,
}

/// The comment to add, as it will be written.
struct Entry {
    id: String,
    date: String,
    new: NewComment,
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

/// Adds `new` to the thread of `source.readings[reading]`, or explains why not; `load_problems` are
/// what loading `source` found (problems already there are not the new comment's fault).
pub fn add(
    root: &Path,
    source: SourceSite,
    load_problems: Diagnostics,
    reading: usize,
    new: NewComment,
) -> Result<Added, Diagnostics> {
    let raw = &source.readings[reading];
    let ids: Vec<String> =
        raw.comments.iter().filter_map(|c| c.fields.id.as_deref()).map(|id| id.trim().to_string()).collect();
    let now = now_in(source.config.timezone);
    let date = new.date.unwrap_or_else(|| now.fixed_offset());
    let entry = Entry { id: fresh_id(&ids), date: date.to_rfc3339_opts(SecondsFormat::Secs, true), new };
    let target = target(root, &raw.span.path, &entry.id, &date.date_naive().to_string())?;
    if let Some(old) = &target.old {
        appendable(&target.shown, old)?;
    }
    let bytes = with_entry(target.old.as_deref(), &entry);
    let reading_span = raw.span.clone();
    let reading_path = super::new::join(&raw.section, &super::new::slug_of(raw));
    let address = crate::routes::Route::comment(&reading_path, &entry.id).permalink(&source.config.base_url);
    let mut notes = author_note(&source, &entry.new.author);
    // The site as it is now, and (below) with the new thread: loaded once, not read again from disk.
    let with_new = (source.clone(), load_problems.clone());
    let before = site_problems(source, load_problems);
    notes.extend(check(with_new, &reading_span, &target, &bytes, &entry, &before)?);
    if let Some(folder) = target.path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| cannot_write(folder, &e))?;
    }
    crate::write::write_atomically(&target.path, &bytes).map_err(|e| cannot_write(&target.shown, &e))?;
    Ok(Added { id: entry.id, file: target.shown, address, reading: reading_path, notes })
}

/// `c<N+1>` after the thread's highest `c<N>`, skipping any taken.
fn fresh_id(ids: &[String]) -> String {
    let highest = ids.iter().filter_map(|id| id.strip_prefix('c')?.parse::<u64>().ok()).max().unwrap_or(0);
    (highest + 1..).map(|n| format!("c{n}")).find(|c| !ids.contains(c)).expect("some number is free")
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

/// Refuses a thread file a comment cannot be added to without rewriting it: one in brackets (flow
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
    let new = &entry.new;
    let mut text =
        format!("{first}id: {}\n{pad}author: {}\n{pad}date: {}\n", entry.id, quoted(&new.author), entry.date);
    if let Some(to) = &new.reply_to {
        // Quoted: an id like `123` or `null` would otherwise read back as a number or nothing.
        text.push_str(&format!("{pad}reply_to: {}\n", quoted(to)));
    }
    if let Some(status) = new.status.filter(|s| *s != CommentStatus::Published) {
        text.push_str(&format!("{pad}status: {}\n", status_name(status)));
    }
    if let Some(mail) = &new.mail {
        text.push_str(&format!("{pad}mail: {}\n", quoted(mail)));
    }
    text.push_str(&block("body", &new.body, indent));
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
    model::ResolveOptions { drafts: true, future: true, now: chrono::Utc::now(), pending: true }
}

/// Reads the would-be thread back and resolves the site with it; returns new warnings, refuses new errors.
fn check(
    (mut source, mut problems): (SourceSite, Diagnostics),
    reading: &Span,
    target: &Target,
    bytes: &[u8],
    entry: &Entry,
    before: &[Diagnostic],
) -> Result<Vec<Diagnostic>, Diagnostics> {
    let text = load::cleaned(&String::from_utf8_lossy(bytes));
    let parsed: Vec<RawComment> = match target.old {
        Some(_) => load::thread_list(&target.shown, &text, &mut problems),
        None => load::thread_single(&target.shown, &text, &mut problems).into_iter().collect(),
    };
    let reads_back = parsed.iter().any(|c| {
        let f = &c.fields;
        let new = &entry.new;
        f.id.as_deref() == Some(&entry.id)
            && f.author.as_deref() == Some(&new.author)
            && f.date.as_deref() == Some(&entry.date)
            && f.reply_to == new.reply_to
            && f.status.filter(|s| *s != CommentStatus::Published)
                == new.status.filter(|s| *s != CommentStatus::Published)
            && f.mail == new.mail
            && f.body.as_deref() == Some(&new.body)
    });
    if let Some(at) = source.readings.iter_mut().find(|r| r.span == *reading) {
        let kept = at.comments.iter().filter(|c| *c.span.path != *target.shown).cloned();
        at.comments = kept.chain(parsed).collect();
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

/// Line ends made `\n`, blank lines at the ends and spaces on blank lines removed, one final newline.
///
/// YAML also reads the Unicode line and paragraph separators as line ends, so they become `\n` too.
pub fn tidy(text: &str) -> String {
    let text = load::cleaned(text).replace("\r\n", "\n").replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let lines: Vec<&str> = text.lines().map(|l| if l.trim().is_empty() { "" } else { l }).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n") + "\n",
        _ => String::new(),
    }
}

/// How `status:` is written.
pub fn status_name(status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Published => "published",
        CommentStatus::Pending => "pending",
        CommentStatus::Removed => "removed",
    }
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
