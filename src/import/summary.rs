//! What an import did, in words: counts, what was left out and why, and every inferred reply.

use std::fmt::Write;

use super::infer::Inferred;
use super::threads::Thread;
use super::writer::Plan;
use super::{Archive, ImportOptions};
use crate::load::raw::CommentStatus;

/// The summary printed at the end of an import (or a dry run).
pub fn text(
    options: &ImportOptions,
    archive: &Archive,
    threads: &[Thread],
    inferred: &[Inferred],
    plan: &Plan,
) -> String {
    let written = |i: usize| plan.readings.iter().any(|(r, _)| *r == i);
    let entries: Vec<_> = (0..threads.len()).filter(|&i| written(i)).flat_map(|i| &threads[i].entries).collect();
    let count = |status: CommentStatus| entries.iter().filter(|e| e.status == status).count();
    let replies = entries.iter().filter(|e| e.reply_to.is_some() && e.status != CommentStatus::Removed).count();
    let mut out = String::new();
    let verb = if options.dry_run { "Would import" } else { "Imported" };
    let _ = writeln!(
        out,
        "{verb} {} from {} into {}: {}, {} ({} of them replies, {} inferred), {} new in authors.yaml",
        options.format,
        options.source.display(),
        options.into.display(),
        plural(plan.readings.len(), "reading"),
        plural(count(CommentStatus::Published) + count(CommentStatus::Pending), "comment"),
        replies,
        inferred.iter().filter(|i| written(i.post)).count(),
        plural(plan.people.len(), "person"),
    );
    if count(CommentStatus::Pending) > 0 {
        let _ = writeln!(out, "  pending (waiting for approval, not shown): {}", count(CommentStatus::Pending));
    }
    if count(CommentStatus::Removed) > 0 {
        let _ = writeln!(
            out,
            "  removed (deleted, kept so their replies keep their place): {}",
            count(CommentStatus::Removed)
        );
    }
    for (title, file) in &plan.left_alone {
        let _ = writeln!(out, "  left alone, the site has it already: `{title}` ({})", file.display());
    }
    for (reason, n) in &archive.tally.skipped {
        let _ = writeln!(out, "  skipped: {n} {reason}");
    }
    for (field, n) in &archive.tally.dropped {
        let _ = writeln!(out, "  dropped (no place for it in roundtable): {field} x{n}");
    }
    for link in inferred.iter().filter(|i| written(i.post)) {
        let _ = writeln!(
            out,
            "  inferred: in {}, {} ({}) replies to {} ({}), from \"{}\"",
            archive.posts[link.post].slug, link.id, link.author, link.parent, link.parent_author, link.words
        );
    }
    if options.dry_run {
        let _ = writeln!(out, "Nothing was written (--dry-run). It would write:");
        for (path, bytes) in &plan.files {
            let _ = writeln!(out, "  {} ({} bytes)", path.display(), bytes.len());
        }
    }
    out.trim_end().to_string()
}

fn plural(n: usize, one: &str) -> String {
    match (n, one) {
        (1, _) => format!("1 {one}"),
        (_, "person") => format!("{n} people"),
        _ => format!("{n} {one}s"),
    }
}
