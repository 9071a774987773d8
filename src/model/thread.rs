//! A thread's reply tree: each reply under its parent, in date order, checked.
//!
//! Everything here is iterative: a reply chain thousands deep must not use
//! thousands of stack frames.

use std::collections::HashMap;

use super::{Comment, CommentStatus, Thread};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// A comment whose own fields were checked, before its place in the tree is known.
#[derive(Debug)]
pub struct Pending {
    /// The comment, with `parent` not yet set.
    pub comment: Comment,
    /// The id it answers, and where that was written.
    pub reply_to: Option<(String, Span)>,
}

/// Builds the tree, reporting duplicate ids, missing parents and cycles.
///
/// Comments with such problems are left out so the rest can still be checked. `left_out` holds
/// the ids (and places) of comments already left out for a problem of their own, such as a bad
/// date, each with the number of `pending` comments before it in the file: their ids still count,
/// so that a duplicate of one is found, a reply to one is not called a reply to nothing, and the
/// list of ids in a help line names them. Unless `show_pending`, comments waiting for approval are
/// left out too, with the replies below them (a reply may still name one: it waits with it).
pub fn build(
    pending: Vec<Pending>,
    left_out: Vec<(usize, String, Span)>,
    show_pending: bool,
    problems: &mut Diagnostics,
) -> Thread {
    // Every id in file order, with its place and, unless it was left out, its index in `pending`:
    // borrowed, so that no id or place is copied but for a message.
    let mut places: Vec<(&str, &Span, Option<usize>)> = Vec::with_capacity(pending.len() + left_out.len());
    let mut left = left_out.iter().peekable();
    for (index, item) in pending.iter().enumerate() {
        while let Some((_, id, span)) = left.next_if(|(before, _, _)| *before <= index) {
            places.push((id, span, None));
        }
        places.push((&item.comment.id, &item.comment.span, Some(index)));
    }
    places.extend(left.map(|(_, id, span)| (id.as_str(), span, None)));
    let mut seen: HashMap<&str, &Span> = HashMap::with_capacity(places.len());
    let mut ids: Vec<&str> = Vec::with_capacity(places.len());
    // Where each comment kept is in `pending`, in order, and its place among them by id.
    let mut kept_at: Vec<usize> = Vec::with_capacity(pending.len());
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(pending.len());
    for (id, span, index) in places {
        if let Some(first_span) = seen.get(id) {
            problems.push(
                Diagnostic::error(span.clone(), format!("the id `{id}` is used twice in this thread"))
                    .with_help(format!("it was first used at {first_span}; give this comment another id")),
            );
            continue;
        }
        seen.insert(id, span);
        ids.push(id);
        if let Some(index) = index {
            by_id.insert(id, kept_at.len());
            kept_at.push(index);
        }
    }
    let mut parents: Vec<Option<usize>> = vec![None; kept_at.len()];
    let mut broken = vec![false; kept_at.len()];
    for (index, &at) in kept_at.iter().enumerate() {
        let Some((parent_id, span)) = &pending[at].reply_to else {
            continue;
        };
        match by_id.get(parent_id.as_str()) {
            Some(&parent) => parents[index] = Some(parent),
            // It answers a comment left out for a problem of its own, already reported.
            None if seen.contains_key(parent_id.as_str()) => broken[index] = true,
            None => {
                broken[index] = true;
                problems.push(
                    Diagnostic::error(span.clone(), format!("reply_to `{parent_id}` names no comment in this thread"))
                        .with_help(format!("ids in this thread are {}", list_ids(&ids))),
                );
            }
        }
    }
    // `kept_at` rises: the comments kept are those of `pending` it names, in order.
    let mut keep = vec![false; pending.len()];
    kept_at.iter().for_each(|&at| keep[at] = true);
    let kept: Vec<Pending> = pending.into_iter().zip(keep).filter_map(|(item, keep)| keep.then_some(item)).collect();
    report_cycles(&kept, &parents, problems);
    for (index, item) in kept.iter().enumerate() {
        if let Some(parent) = parents[index] {
            if item.comment.date < kept[parent].comment.date {
                problems.push(
                    Diagnostic::warning(
                        item.comment.span.clone(),
                        format!("comment `{}` is dated before the comment it answers", item.comment.id),
                    )
                    .with_help("check its date and its reply_to"),
                );
            }
        }
    }
    let hidden: Vec<bool> =
        kept.iter().map(|item| !show_pending && item.comment.status == CommentStatus::Pending).collect();
    warn_hidden_replies(&kept, &parents, &broken, &hidden, problems);
    assemble(kept, parents, broken, hidden)
}

/// Warns about each shown comment left out because a comment above it waits for approval.
fn warn_hidden_replies(
    kept: &[Pending],
    parents: &[Option<usize>],
    broken: &[bool],
    hidden: &[bool],
    problems: &mut Diagnostics,
) {
    for (index, item) in kept.iter().enumerate() {
        if hidden[index] || broken[index] {
            continue;
        }
        // Walk up to the first waiting comment; bounded, since a circle was already reported.
        let mut at = parents[index];
        let mut steps = 0;
        while let Some(up) = at.filter(|_| steps <= kept.len()) {
            if hidden[up] {
                problems.push(
                    Diagnostic::warning(
                        item.comment.span.clone(),
                        format!(
                            "comment `{}` is not shown: it answers `{}`, which waits for approval",
                            item.comment.id, kept[up].comment.id
                        ),
                    )
                    .with_help(format!(
                        "approve it with `roundtable moderate approve {}`, or remove it",
                        kept[up].comment.id
                    )),
                );
                break;
            }
            at = parents[up];
            steps += 1;
        }
    }
}

/// Reports each circle of replies once, at its first comment in file order.
fn report_cycles(kept: &[Pending], parents: &[Option<usize>], problems: &mut Diagnostics) {
    // 0 = not yet seen, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; kept.len()];
    for start in 0..kept.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(index) = at {
            match state[index] {
                0 => {
                    state[index] = 1;
                    walk.push(index);
                    at = parents[index];
                }
                1 => {
                    let from = walk.iter().position(|&i| i == index).expect("on the walk");
                    let mut circle: Vec<usize> = walk[from..].to_vec();
                    circle.sort_unstable();
                    let ids: Vec<String> = circle.iter().map(|&i| format!("`{}`", kept[i].comment.id)).collect();
                    let problem = match circle.as_slice() {
                        [only] => Diagnostic::error(
                            kept[*only].reply_to.as_ref().map_or(&kept[*only].comment.span, |(_, at)| at).clone(),
                            format!("comment `{}` replies to itself", kept[*only].comment.id),
                        )
                        .with_help("set reply_to to the id of the comment it answers, or remove the reply_to line"),
                        _ => Diagnostic::error(
                            kept[circle[0]].comment.span.clone(),
                            format!("comments {} reply to each other in a circle", ids.join(", ")),
                        )
                        .with_help("a reply must answer an earlier comment: fix one of these reply_to values"),
                    };
                    problems.push(problem);
                    break;
                }
                _ => break,
            }
        }
        for &i in &walk {
            state[i] = 2;
        }
    }
}

/// Puts the comments reachable from a root in a tree: siblings in date order, depth from the root.
///
/// Comments in a circle, with a missing parent, or below either are never reached, so they drop out.
/// Comments waiting for approval (`hidden`) are never reached either, nor anything below them.
fn assemble(kept: Vec<Pending>, parents: Vec<Option<usize>>, broken: Vec<bool>, hidden: Vec<bool>) -> Thread {
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); kept.len()];
    for (index, parent) in parents.iter().enumerate() {
        if let Some(p) = parent {
            below[*p].push(index);
        }
    }
    let mut reached = vec![false; kept.len()];
    let mut stack: Vec<usize> = (0..kept.len()).filter(|&i| parents[i].is_none() && !broken[i] && !hidden[i]).collect();
    while let Some(index) = stack.pop() {
        reached[index] = true;
        stack.extend(below[index].iter().filter(|&&i| !hidden[i]));
    }
    let mut new_index = vec![usize::MAX; kept.len()];
    let mut comments: Vec<Comment> = Vec::with_capacity(kept.len());
    for (old, item) in kept.into_iter().enumerate() {
        if reached[old] {
            new_index[old] = comments.len();
            let mut comment = item.comment;
            comment.parent = parents[old];
            comments.push(comment);
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); comments.len()];
    let mut roots = Vec::new();
    for (index, comment) in comments.iter_mut().enumerate() {
        let parent = comment.parent.map(|p| new_index[p]);
        comment.parent = parent;
        match parent {
            Some(p) => children[p].push(index),
            None => roots.push(index),
        }
    }
    roots.sort_by_key(|&i| (comments[i].date, i));
    for list in &mut children {
        list.sort_by_key(|&i| (comments[i].date, i));
    }
    let mut stack: Vec<(usize, u32)> = roots.iter().map(|&r| (r, 0)).collect();
    while let Some((index, depth)) = stack.pop() {
        comments[index].depth = depth;
        stack.extend(children[index].iter().map(|&c| (c, depth + 1)));
    }
    Thread { comments, roots, children }
}

fn list_ids(all: &[&str]) -> String {
    let ids: Vec<String> = all.iter().take(12).map(|id| format!("`{id}`")).collect();
    let more = all.len().saturating_sub(12);
    if more > 0 {
        format!("{} and {more} more", ids.join(", "))
    } else {
        ids.join(", ")
    }
}

/// True when `id` uses only letters, digits, `-` and `_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// A comment's date, for ordering tests.
#[cfg(test)]
fn at(minute: u32) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(&format!("2011-08-08T10:{minute:02}:00-04:00")).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(id: &str, minute: u32, reply_to: Option<&str>, line: usize) -> Pending {
        Pending {
            comment: Comment {
                id: id.into(),
                author: None,
                date: at(minute),
                body: "".into(),
                parent: None,
                depth: 0,
                span: Span::new("t.yaml", line, 1),
                status: CommentStatus::Published,
            },
            reply_to: reply_to.map(|p| (p.to_string(), Span::new("t.yaml", line + 1, 3))),
        }
    }

    fn ids(thread: &Thread, list: &[usize]) -> Vec<String> {
        list.iter().map(|&i| thread.comments[i].id.clone()).collect()
    }

    #[test]
    fn replies_nest_under_their_parent_in_date_order() {
        let mut problems = Diagnostics::new();
        let thread = build(
            vec![
                pending("c1", 0, None, 1),
                pending("late", 30, Some("c1"), 5),
                pending("early", 10, Some("c1"), 9),
                pending("c0", 5, None, 13),
                pending("deep", 40, Some("early"), 17),
            ],
            Vec::new(),
            false,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(ids(&thread, &thread.roots), ["c1", "c0"]);
        let c1 = thread.roots[0];
        assert_eq!(ids(&thread, &thread.children[c1]), ["early", "late"]);
        let deep = thread.comments.iter().find(|c| c.id == "deep").unwrap();
        assert_eq!(deep.depth, 2);
    }

    #[test]
    fn reports_missing_parent_duplicate_and_cycle_with_lines() {
        let mut problems = Diagnostics::new();
        let thread = build(
            vec![
                pending("c1", 0, None, 1),
                pending("c1", 1, None, 5),
                pending("c2", 2, Some("nobody"), 9),
                pending("a", 3, Some("b"), 13),
                pending("b", 4, Some("a"), 17),
                pending("below", 5, Some("a"), 21),
            ],
            Vec::new(),
            false,
            &mut problems,
        );
        let errors = problems.sorted().into_iter().filter(|d| d.severity == crate::diagnostics::Severity::Error);
        let messages: Vec<String> = errors.map(|d| d.to_string()).collect();
        assert!(messages[0].starts_with("t.yaml:5:1: error: the id `c1` is used twice"), "{messages:?}");
        assert!(messages[1].starts_with("t.yaml:10:3: error: reply_to `nobody` names no comment"), "{messages:?}");
        assert!(
            messages[2].starts_with("t.yaml:13:1: error: comments `a`, `b` reply to each other in a circle"),
            "{messages:?}"
        );
        assert_eq!(messages.len(), 3);
        assert_eq!(ids(&thread, &thread.roots), ["c1"]);
        assert_eq!(thread.comments.len(), 1);
    }

    #[test]
    fn a_chain_ten_thousand_deep_is_built_without_recursion() {
        let mut chain = vec![pending("c0", 0, None, 1)];
        for i in 1..10_000 {
            let parent = format!("c{}", i - 1);
            let mut item = pending(&format!("c{i}"), 0, Some(&parent), i);
            item.comment.date = at(0) + chrono::Duration::seconds(i as i64);
            chain.push(item);
        }
        let mut problems = Diagnostics::new();
        let thread = build(chain, Vec::new(), false, &mut problems);
        assert!(problems.is_empty());
        assert_eq!(thread.comments.iter().map(|c| c.depth).max(), Some(9_999));
    }

    #[test]
    fn pending_comments_and_their_replies_are_left_out_unless_shown() {
        let thread_of = |show: bool, problems: &mut Diagnostics| {
            let mut waiting = pending("w", 1, Some("c1"), 5);
            waiting.comment.status = CommentStatus::Pending;
            let items =
                vec![pending("c1", 0, None, 1), waiting, pending("r", 2, Some("w"), 9), pending("c2", 3, None, 13)];
            build(items, Vec::new(), show, problems)
        };
        let mut problems = Diagnostics::new();
        let hidden = thread_of(false, &mut problems);
        assert_eq!(hidden.comments.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c1", "c2"]);
        let warnings: Vec<String> = problems.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("t.yaml:9:1: warning: comment `r` is not shown: it answers `w`"),
            "{warnings:?}"
        );
        let mut problems = Diagnostics::new();
        let shown = thread_of(true, &mut problems);
        assert_eq!(shown.comments.len(), 4);
        assert!(problems.is_empty());
    }

    #[test]
    fn ids_use_letters_digits_dash_and_underscore() {
        assert!(is_valid_id("c-1_b"));
        assert!(!is_valid_id("c 1"));
        assert!(!is_valid_id("c\"1"));
        assert!(!is_valid_id(""));
    }
}
