//! `roundtable reply READING --author NAME`: one more comment in a reading's thread.
//!
//! The comment is added through [`super::comment::add`], checked and atomic; this
//! module decides what the command line asked and reads the comment's text.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use super::comment::{self, tidy, NewComment};
use super::{usage, Done};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load;
use crate::load::raw::CommentsMode;
use crate::text::clean_line;

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
    let answers = reply_to.as_deref().map(|to| format!(", replying to {to}")).unwrap_or_default();
    let new = NewComment { author: author.clone(), date: None, reply_to, body, status: None, mail: None };
    let added = comment::add(root, source, load_problems, index, new)?;
    Ok(Done {
        summary: format!(
            "Added comment {} ({author}{answers}) to {}\nIt will be at {}",
            added.id,
            added.file.display(),
            added.address
        ),
        notes: added.notes,
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

fn no_such_comment(to: &str, ids: &[String], reading: &Path) -> Diagnostics {
    let help = if ids.is_empty() {
        "this thread has no comments yet: leave out --to to start it".to_string()
    } else {
        let all: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
        format!("ids in this thread are {}", all.join(", "))
    };
    usage("--to", format!("no comment `{to}` in the thread of {}", reading.display()), &help)
}
