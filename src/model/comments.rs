//! A reading's comments: each checked, its writer found, and the thread built from them.
//!
//! Three steps, so that a site's threads can be checked and built in parallel: [`check`] needs only
//! the thread, [`Checked::find_people`] the directory (in the site's order, since a new name takes
//! the next free page address), and [`Checked::build`] only the thread again.

use super::{dates, lookalike, people, thread, Comment, CommentStatus, PersonId, Thread, Waiting};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::RawComment;

/// What is told of each name looked up: the name, where it was written, and whom it named.
pub(super) type Note<'a> = dyn FnMut(&str, &dyn Fn() -> Span, Option<PersonId>) + 'a;

/// A thread whose comments were checked one by one, before their writers are found.
#[derive(Debug)]
pub(super) struct Checked {
    /// The comments kept, each without its writer yet.
    pending: Vec<thread::Pending>,
    /// For each of `pending`, the name of its writer as written and where (none for a comment not
    /// shown, which gives no one a page): all that is needed of the raw thread once it is checked,
    /// so that it can go (at L, 500,000 raw comments were held with their checked copies).
    writers: Vec<Option<(String, Span)>>,
    /// Ids of comments left out for a problem of their own (see [`thread::build`]).
    left_out: Vec<(usize, String, Span)>,
    /// Comments waiting for approval.
    waiting: Vec<Waiting>,
}

/// Checks each comment of a thread on its own: what does not need the directory of people.
pub(super) fn check(
    raw: &[RawComment],
    config: &SiteConfig,
    show_pending: bool,
    problems: &mut Diagnostics,
) -> Checked {
    let mut pending = Vec::with_capacity(raw.len());
    let mut writers = Vec::with_capacity(raw.len());
    let mut waiting = Vec::new();
    let mut left_out = Vec::new();
    for item in raw {
        let fields = &item.fields;
        let mut found = Vec::new();
        let id = fields.id.as_deref().map(str::trim).unwrap_or_default().to_string();
        if !item.keys.refused().is_empty() {
            // Its bad keys were reported; a misspelt one would also be "missing", so only its id counts.
            if thread::is_valid_id(&id) {
                left_out.push((pending.len(), id, item.span.clone()));
            }
            continue;
        }
        if id.is_empty() {
            found.push(
                Diagnostic::error(item.span.clone(), "this comment has no `id`")
                    .with_help("give it an id unique in the thread, like `id: c7`"),
            );
        } else if !thread::is_valid_id(&id) {
            found.push(
                Diagnostic::error(
                    item.keys.of("id"),
                    format!("the id `{id}` has characters other than letters, digits, - and _"),
                )
                .with_help("use an id like c7 or 2011-08-08-ana"),
            );
        }
        if fields.author.is_none() {
            found.push(
                Diagnostic::error(item.span.clone(), "this comment has no `author`")
                    .with_help("name who wrote it, or write `author: Anonymous`"),
            );
        }
        if fields.body.is_none() {
            found.push(
                Diagnostic::error(item.span.clone(), "this comment has no `body`")
                    .with_help("add the comment's text after `body: |` on the following lines, indented"),
            );
        }
        let date = match &fields.date {
            None => {
                found.push(
                    Diagnostic::error(item.span.clone(), "this comment has no `date`")
                        .with_help("add when it was written, like `date: 2011-08-08T07:35:00-04:00`"),
                );
                None
            }
            Some(text) => {
                let date = dates::parse(text, config.timezone);
                if date.is_none() {
                    found.push(
                        Diagnostic::error(item.keys.of("date"), format!("`{text}` is not a date"))
                            .with_help(dates::HELP),
                    );
                }
                date
            }
        };
        let complete = found.is_empty();
        found.into_iter().for_each(|problem| problems.push(problem));
        let (Some(date), true) = (date, complete) else {
            if thread::is_valid_id(&id) {
                left_out.push((pending.len(), id, item.span.clone()));
            }
            continue;
        };
        let status = fields.status.unwrap_or_default();
        let name = fields.author.as_deref().unwrap_or_default();
        let mut body = fields.body.clone().unwrap_or_default();
        if status == CommentStatus::Pending {
            let author = if name.trim().is_empty() { "Anonymous".to_string() } else { crate::text::single_line(name) };
            waiting.push(Waiting { id: id.clone(), author, date, body: body.to_string(), span: item.span.clone() });
        }
        // Only what is shown makes a person: a removed comment, or one still waiting, gives no one a page.
        let shown = match status {
            CommentStatus::Published => true,
            CommentStatus::Pending => show_pending,
            CommentStatus::Removed => false,
        };
        if status == CommentStatus::Removed {
            body = "".into();
        }
        let reply_to = fields.reply_to.as_ref().map(|parent| (parent.trim().to_string(), item.keys.of("reply_to")));
        writers.push(shown.then(|| (name.to_string(), item.keys.of("author"))));
        pending.push(thread::Pending {
            comment: Comment { id, author: None, date, body, parent: None, depth: 0, span: item.span.clone(), status },
            reply_to,
        });
    }
    Checked { pending, writers, left_out, waiting }
}

impl Checked {
    /// Finds the writer of each comment shown in `directory`, adding new names, in file order.
    /// Each name looked up is told to `note`, with where it was written and whom it named.
    pub(super) fn find_people(
        &mut self,
        directory: &mut people::Directory,
        problems: &mut Diagnostics,
        note: &mut Note,
    ) {
        for (item, writer) in self.pending.iter_mut().zip(&self.writers) {
            let Some((name, span)) = writer else { continue };
            let span = || span.clone();
            item.comment.author = lookalike::find_or_add(directory, name, span, problems);
            note(name, &span, item.comment.author);
        }
    }

    /// The thread as a tree, and the comments waiting for approval.
    pub(super) fn build(self, show_pending: bool, problems: &mut Diagnostics) -> (Thread, Vec<Waiting>) {
        (thread::build(self.pending, self.left_out, show_pending, problems), self.waiting)
    }
}
