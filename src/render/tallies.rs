//! Counts the views show, made from a thread or a person's comments: replies, reflections, who took part.

use crate::model::{Comment, PersonId, ReadingId, Site, Thread};

/// Of one person's comments, how many start a thread (reflections) and how many answer someone else.
pub(super) fn reflections_and_replies(site: &Site, work: &crate::model::Contributions) -> (usize, usize) {
    let mut counts = (0, 0);
    for &(r, c) in &work.comments {
        let thread = &site.readings[r.0].thread;
        let comment = &thread.comments[c];
        match comment.parent {
            None => counts.0 += 1,
            Some(p) if thread.comments[p].author != comment.author => counts.1 += 1,
            Some(_) => {}
        }
    }
    counts
}

/// By person: the published replies others wrote to their published comments, in the site's order.
///
/// Found in one pass over the threads, in the order they are held: going through each person's
/// comments to their replies instead took most of their replies feeds' keys at each `serve` edit.
pub(super) fn replies_received(site: &Site) -> Vec<Vec<(ReadingId, usize)>> {
    let mut received = vec![Vec::new(); site.people.len()];
    for (r, reading) in site.readings.iter().enumerate() {
        let comments = &reading.thread.comments;
        for (c, comment) in comments.iter().enumerate().filter(|(_, comment)| comment.is_published()) {
            let Some(parent) = comment.parent.map(|p| &comments[p]) else { continue };
            match parent.author {
                Some(to) if parent.is_published() && comment.author != Some(to) => {
                    received[to.0].push((ReadingId(r), c));
                }
                _ => {}
            }
        }
    }
    received
}

/// Replies at any depth below each comment, counted without recursion.
pub(super) fn descendant_counts(thread: &Thread) -> Vec<usize> {
    let mut order: Vec<usize> = (0..thread.comments.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(thread.comments[i].depth));
    let mut counts = vec![0; thread.comments.len()];
    for index in order {
        if let Some(parent) = thread.comments[index].parent {
            counts[parent] += counts[index] + 1;
        }
    }
    counts
}

/// Everyone who wrote a published comment in `thread`, in order of their first one.
pub(super) fn participants(thread: &Thread) -> Vec<PersonId> {
    let mut by_date: Vec<&Comment> = thread.comments.iter().filter(|c| c.is_published()).collect();
    by_date.sort_by_key(|c| c.date);
    let mut seen = Vec::new();
    for comment in by_date {
        if let Some(author) = comment.author {
            if !seen.contains(&author) {
                seen.push(author);
            }
        }
    }
    seen
}

/// The newest `keep` published comments of `thread`, newest first (the later of two at the same time
/// first).
pub(super) fn newest_published(thread: &Thread, keep: usize) -> Vec<usize> {
    let mut published: Vec<usize> = (0..thread.comments.len()).filter(|&c| thread.comments[c].is_published()).collect();
    let newest = |a: &usize, b: &usize| (thread.comments[*b].date, *b).cmp(&(thread.comments[*a].date, *a));
    if keep < published.len() {
        published.select_nth_unstable_by(keep, newest);
        published.truncate(keep);
    }
    published.sort_by(newest);
    published
}
