//! `roundtable moderate`: what waits for approval, and approving or removing comments in place.
//!
//! A status is changed by editing one line of the thread file: approving deletes the entry's
//! `status: pending` line, removing writes `status: removed` (on the status line, or as a new line
//! after the entry's `id:`). Every other byte stays as it was. The file is read back with the real
//! loader before it is written, and must say exactly what it said before but for that status; it is
//! then replaced in one step (`write::write_atomically`). Every id is checked before any file is
//! touched, so a mistake in one leaves all files as they were.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::{CommentFields, CommentStatus, RawComment};
use crate::load::{self, SourceSite};
use crate::scaffold::comment::status_name;
use crate::scaffold::new::{join, slug_of};

/// What `roundtable moderate` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Publish the comments.
    Approve,
    /// Take the comments down, leaving a placeholder.
    Remove,
}

/// What `roundtable moderate approve|remove` was asked.
#[derive(Debug, Clone)]
pub struct ModerateOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Approve or remove.
    pub action: Action,
    /// The comments' ids.
    pub ids: Vec<String>,
    /// The reading they belong to, where an id is in several threads.
    pub reading: Option<String>,
}

/// A comment waiting for approval, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingComment {
    /// Its id.
    pub id: String,
    /// Its reading's address.
    pub reading: String,
    /// Its writer, as written.
    pub author: String,
    /// Its first words.
    pub start: String,
    /// Where it is written.
    pub span: Span,
}

/// Every comment waiting for approval, in reading then file order.
pub fn waiting(root: &Path) -> Result<Vec<WaitingComment>, Diagnostics> {
    let source = site(root)?;
    let mut all = Vec::new();
    for reading in &source.readings {
        for raw in reading.comments.iter().filter(|c| c.fields.status == Some(CommentStatus::Pending)) {
            all.push(WaitingComment {
                id: id_of(&raw.fields).to_string(),
                reading: join(&reading.section, &slug_of(reading)),
                author: raw.fields.author.as_deref().map(crate::text::single_line).unwrap_or_default(),
                start: crate::text::first_words(raw.fields.body.as_deref().unwrap_or_default(), 12),
                span: raw.span.clone(),
            });
        }
    }
    Ok(all)
}

/// Changes the status of every comment in `options.ids`; returns one line per comment changed.
pub fn change(options: &ModerateOptions) -> Result<Vec<String>, Diagnostics> {
    let root = &options.root;
    let source = site(root)?;
    let readings: Vec<usize> = match &options.reading {
        Some(wanted) => vec![crate::scaffold::find::reading(&source, root, wanted)?],
        None => (0..source.readings.len()).collect(),
    };
    let mut problems = Diagnostics::new();
    let mut edits: BTreeMap<PathBuf, Vec<(&RawComment, String)>> = BTreeMap::new();
    let mut done = Vec::new();
    for id in &options.ids {
        let found: Vec<(usize, &RawComment)> = readings
            .iter()
            .flat_map(|&r| source.readings[r].comments.iter().map(move |c| (r, c)))
            .filter(|(_, c)| id_of(&c.fields) == id.trim())
            .collect();
        let address = |r: usize| join(&source.readings[r].section, &slug_of(&source.readings[r]));
        match found.as_slice() {
            [] => problems.push(
                Diagnostic::error(Span::file(id.as_str()), format!("no comment has the id `{id}`"))
                    .with_help("`roundtable moderate` lists the comments waiting, with their ids"),
            ),
            [(r, comment)] => {
                let now = comment.fields.status.unwrap_or_default();
                let wanted = match options.action {
                    Action::Approve => CommentStatus::Published,
                    Action::Remove => CommentStatus::Removed,
                };
                let verb = if wanted == CommentStatus::Published { "approved" } else { "removed" };
                if now == wanted {
                    done.push(format!("{id} on /{}/ was already {}", address(*r), status_name(wanted)));
                    continue;
                }
                edits
                    .entry(comment.span.path.to_path_buf())
                    .or_default()
                    .push((comment, status_name(wanted).to_string()));
                done.push(format!("{id} on /{}/ {verb} ({})", address(*r), comment.span));
            }
            many => {
                let places: Vec<String> = many.iter().map(|(r, _)| format!("/{}/", address(*r))).collect();
                problems.push(
                    Diagnostic::error(
                        Span::file(id.as_str()),
                        format!("the id `{id}` is in several threads: {}", places.join(", ")),
                    )
                    .with_help("say which with --reading, like --reading readings/trust"),
                );
            }
        }
    }
    let mut files = Vec::new();
    for (path, changes) in &edits {
        match edited(root, path, changes) {
            Ok(bytes) => files.push((path, bytes)),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    for (path, bytes) in files {
        crate::write::write_atomically(&root.join(path), &bytes).map_err(|e| {
            Diagnostic::error(Span::file(path), format!("cannot write here: {e}"))
                .with_help("check that the disk has space and that you may write to this folder")
        })?;
    }
    Ok(done)
}

fn site(root: &Path) -> Result<SourceSite, Diagnostics> {
    if !root.join("content").is_dir() {
        return Err(Diagnostic::error(Span::file(root.join("content")), "this site has no content/ folder")
            .with_help("run roundtable in the site's folder, or point to it with --root")
            .into());
    }
    Ok(load::load(root).0)
}

fn id_of(fields: &CommentFields) -> &str {
    fields.id.as_deref().map(str::trim).unwrap_or_default()
}

/// The bytes of `path` with each comment's status changed, checked by reading them back.
fn edited(root: &Path, path: &Path, changes: &[(&RawComment, String)]) -> Result<Vec<u8>, Diagnostic> {
    let cannot = |why: &str| {
        Diagnostic::error(Span::file(path), format!("cannot change a status in this file: {why}"))
            .with_help("write `status: removed` (or delete the `status: pending` line) in the comment's entry by hand")
    };
    let old = std::fs::read(root.join(path)).map_err(|e| cannot(&e.to_string()))?;
    let mut lines: Vec<Vec<u8>> = old.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let newline: &[u8] = if old.windows(2).any(|w| w == b"\r\n") { b"\r\n" } else { b"\n" };
    // From the bottom up, so that the line numbers of the edits still to make stay right.
    let mut ordered: Vec<&(&RawComment, String)> = changes.iter().collect();
    ordered.sort_by_key(|(c, _)| std::cmp::Reverse(c.span.line));
    for (comment, status) in ordered {
        let approve = status == "published";
        if comment.fields.status.is_some() {
            let at = comment.keys.of("status").line.checked_sub(1).ok_or_else(|| cannot("no status line"))?;
            let line = lines.get(at).ok_or_else(|| cannot("the status line is missing"))?;
            let text = String::from_utf8_lossy(line);
            let Some(key) = text.find("status:").filter(|&k| text[..k].trim_matches([' ', '-']).is_empty()) else {
                return Err(cannot(&format!("the status of `{}` is not on a line of its own", id_of(&comment.fields))));
            };
            if approve {
                lines.remove(at);
            } else {
                let ending = if line.ends_with(b"\r\n") {
                    "\r\n"
                } else if line.ends_with(b"\n") {
                    "\n"
                } else {
                    ""
                };
                lines[at] = format!("{}status: {status}{ending}", &text[..key]).into_bytes();
            }
        } else {
            let id = comment.keys.of("id");
            let at = id.line.checked_sub(1).filter(|&l| l < lines.len()).ok_or_else(|| {
                cannot(&format!("the comment `{}` is not written one key to a line", id_of(&comment.fields)))
            })?;
            let indent = " ".repeat(id.column.saturating_sub(1));
            if !lines[at].ends_with(b"\n") {
                lines[at].extend_from_slice(newline);
            }
            lines.insert(at + 1, [format!("{indent}status: {status}").as_bytes(), newline].concat());
        }
    }
    let bytes = lines.concat();
    reads_back(path, &old, &bytes, changes).then_some(bytes).ok_or_else(|| cannot("it would not read back as it was"))
}

/// True when `new` holds the comments of `old` with only the given statuses changed.
fn reads_back(path: &Path, old: &[u8], new: &[u8], changes: &[(&RawComment, String)]) -> bool {
    let parse = |bytes: &[u8]| -> Option<Vec<CommentFields>> {
        let text = load::cleaned(std::str::from_utf8(bytes).ok()?);
        let mut problems = Diagnostics::new();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let single = path.parent().is_some_and(|p| p.ends_with("comments"))
            && !["comments.yaml", "comments.yml"].iter().any(|end| name.ends_with(end));
        let comments: Vec<RawComment> = if single {
            load::thread_single(path, &text, &mut problems).into_iter().collect()
        } else {
            load::thread_list(path, &text, &mut problems)
        };
        problems.is_empty().then(|| comments.into_iter().map(|c| c.fields).collect())
    };
    let (Some(before), Some(after)) = (parse(old), parse(new)) else { return false };
    before.len() == after.len()
        && before.iter().zip(&after).all(|(b, a)| {
            let change = changes.iter().find(|(c, _)| id_of(&c.fields) == id_of(b));
            let wanted = match change {
                Some((_, status)) if status == "published" => None,
                Some((_, _)) => Some(CommentStatus::Removed),
                None => b.status,
            };
            let mut expected = b.clone();
            expected.status = wanted;
            expected == *a
        })
}
