//! A post's comments as a roundtable thread: moderation settled, every reply with a parent, new ids.
//!
//! Deleted comments are dropped unless something that stays answers them; then
//! they stay as `removed` placeholders so no reply loses its place. A reply
//! whose parent is not in the export (or was spam) becomes a top-level
//! comment, with a warning. Comments are put in date order and numbered
//! `c1`, `c2`, ... as `roundtable reply` numbers them.

use std::collections::HashMap;

use super::{Comment, Post, State, Tally};
use crate::diagnostics::Diagnostic;
use crate::load::raw::CommentStatus;

/// One comment as it will be written.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// `c1`, `c2`, ... in date order.
    pub id: String,
    /// The author's display name; empty for a removed comment.
    pub author: String,
    /// RFC 3339.
    pub date: String,
    /// The id of the comment it answers.
    pub reply_to: Option<String>,
    /// Markdown; empty for a removed comment.
    pub body: String,
    /// Published, pending or removed.
    pub status: CommentStatus,
}

/// A post's thread, ready to write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thread {
    /// In date order.
    pub entries: Vec<Entry>,
}

/// Settles the post's comments into a thread; the post keeps its people for `authors.yaml`.
pub fn arrange(post: &mut Post, tally: &mut Tally, notes: &mut Vec<Diagnostic>) -> Thread {
    let mut comments = std::mem::take(&mut post.comments);
    let mut seen = std::collections::HashSet::new();
    comments.retain(|c| {
        let first = seen.insert(c.key.clone());
        if !first {
            tally.skip("comments whose id was already used in the same post");
        }
        first
    });
    let index: HashMap<&str, usize> = comments.iter().enumerate().map(|(i, c)| (c.key.as_str(), i)).collect();
    let mut parent: Vec<Option<usize>> = vec![None; comments.len()];
    for (i, comment) in comments.iter().enumerate() {
        let Some(key) = comment.parent.as_deref() else { continue };
        match index.get(key) {
            Some(&p) if p != i => parent[i] = Some(p),
            _ => notes.push(
                Diagnostic::warning(
                    post.span.clone(),
                    format!(
                        "in `{}`, a comment by {} answers comment `{key}`, which is not in the export",
                        post.title,
                        shown_name(&comment.author.name)
                    ),
                )
                .with_help("it comes in as a comment of its own; to place it, add `reply_to:` in the thread file"),
            ),
        }
    }
    break_circles(&mut parent, post, notes);
    let keep = kept(&comments, &parent);
    let dropped = keep.iter().filter(|k| !**k).count();
    (0..dropped).for_each(|_| tally.skip("deleted comments with no replies"));
    let mut order: Vec<usize> = (0..comments.len()).filter(|&i| keep[i]).collect();
    order.sort_by(|&a, &b| comments[a].date.cmp(&comments[b].date));
    let ids: HashMap<usize, String> = order.iter().enumerate().map(|(n, &i)| (i, format!("c{}", n + 1))).collect();
    let entries =
        order.iter().map(|&i| entry(&comments[i], &ids[&i], parent[i].map(|p| ids[&p].clone()), &post.date)).collect();
    post.comments = comments.into_iter().enumerate().filter(|(i, _)| keep[*i]).map(|(_, c)| c).collect();
    Thread { entries }
}

fn entry(comment: &Comment, id: &str, reply_to: Option<String>, post_date: &str) -> Entry {
    let removed = comment.state == State::Deleted;
    Entry {
        id: id.to_string(),
        author: if removed { String::new() } else { comment.author.name.trim().to_string() },
        date: if comment.date.is_empty() { post_date.to_string() } else { comment.date.clone() },
        reply_to,
        body: if removed { String::new() } else { comment.body.clone() },
        status: match comment.state {
            State::Published => CommentStatus::Published,
            State::Pending => CommentStatus::Pending,
            State::Deleted => CommentStatus::Removed,
        },
    }
}

/// Comments that answer each other in a circle: the first one met is made top-level.
fn break_circles(parent: &mut [Option<usize>], post: &Post, notes: &mut Vec<Diagnostic>) {
    for start in 0..parent.len() {
        let mut at = start;
        let mut steps = 0;
        while let Some(p) = parent[at] {
            steps += 1;
            if p == start || steps > parent.len() {
                parent[start] = None;
                notes.push(
                    Diagnostic::warning(
                        post.span.clone(),
                        format!("in `{}`, comments answer each other in a circle", post.title),
                    )
                    .with_help("one of them comes in as a comment of its own; check the thread's `reply_to:` lines"),
                );
                break;
            }
            at = p;
        }
    }
}

/// Which comments stay: all but the deleted ones that nothing kept answers.
fn kept(comments: &[Comment], parent: &[Option<usize>]) -> Vec<bool> {
    let mut keep: Vec<bool> = comments.iter().map(|c| c.state != State::Deleted).collect();
    for i in 0..comments.len() {
        if comments[i].state == State::Deleted {
            continue;
        }
        let mut at = parent[i];
        while let Some(p) = at.filter(|&p| !keep[p]) {
            keep[p] = true;
            at = parent[p];
        }
    }
    keep
}

/// A name for messages.
pub fn shown_name(name: &str) -> String {
    match name.trim() {
        "" => "Anonymous".to_string(),
        name => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Person;

    fn comment(key: &str, parent: Option<&str>, minute: u32, state: State) -> Comment {
        Comment {
            key: key.into(),
            author: Person { name: format!("P{key}"), website: None },
            date: format!("2020-01-01T00:{minute:02}:00Z"),
            parent: parent.map(str::to_string),
            body: format!("text {key}\n"),
            state,
        }
    }

    #[test]
    fn deleted_parents_stay_as_placeholders_and_orphans_come_up() {
        let mut post = Post {
            title: "T".into(),
            comments: vec![
                comment("9", None, 5, State::Deleted),
                comment("3", Some("9"), 6, State::Published),
                comment("4", None, 1, State::Deleted),
                comment("5", Some("121"), 2, State::Pending),
                comment("6", Some("6"), 3, State::Published),
            ],
            ..Post::default()
        };
        let (mut tally, mut notes) = (Tally::default(), Vec::new());
        let thread = arrange(&mut post, &mut tally, &mut notes);
        let shape: Vec<(&str, Option<&str>, CommentStatus, &str)> = thread
            .entries
            .iter()
            .map(|e| (e.id.as_str(), e.reply_to.as_deref(), e.status, e.author.as_str()))
            .collect();
        assert_eq!(
            shape,
            [
                ("c1", None, CommentStatus::Pending, "P5"),
                ("c2", None, CommentStatus::Published, "P6"),
                ("c3", None, CommentStatus::Removed, ""),
                ("c4", Some("c3"), CommentStatus::Published, "P3"),
            ]
        );
        assert_eq!(tally.skipped["deleted comments with no replies"], 1);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(post.comments.len(), 4);
    }

    #[test]
    fn circles_are_broken() {
        let mut post = Post {
            comments: vec![comment("1", Some("2"), 1, State::Published), comment("2", Some("1"), 2, State::Published)],
            ..Post::default()
        };
        let thread = arrange(&mut post, &mut Tally::default(), &mut Vec::new());
        assert_eq!(thread.entries.iter().filter(|e| e.reply_to.is_none()).count(), 1);
    }
}
