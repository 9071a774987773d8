//! Every Markdown text of the site, converted and cleaned once, in parallel.
//!
//! Thread pages, author pages and feeds all print the same `Html`, so a
//! comment is sanitized exactly once per build, and not at all when the
//! build cache already holds its text.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::markdown::{self, Author};
use super::sanitize::{self, Html, MAX_NESTING, MEMBER_ID_PREFIX};
use crate::cache::{BodyCache, Key};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::Site;

/// The HTML of every text, indexed like the model.
#[derive(Debug)]
pub struct Bodies {
    /// By reading index.
    pub readings: Vec<ReadingBody>,
    /// By reading index, then comment index in its thread.
    pub comments: Vec<Vec<Html>>,
    /// By person index.
    pub bios: Vec<Option<Html>>,
    /// By section index: the `_index.md` introduction.
    pub sections: Vec<Option<Html>>,
    /// Every member's text of this build, for the next build.
    pub cache: BodyCache,
    /// How many members' texts were cleaned rather than found in the cache.
    pub cleaned: usize,
}

/// A reading's HTML.
#[derive(Debug)]
pub struct ReadingBody {
    /// The whole body.
    pub content: Html,
    /// The front matter summary, else the body's first paragraph.
    pub summary: Html,
}

/// Converts and cleans every text not in `cache`; texts nested too deeply are reported, not parsed.
pub fn render(site: &Site, cache: &BodyCache) -> Result<Bodies, Diagnostics> {
    let members = Members { cache, seen: Mutex::default(), cleaned: AtomicUsize::new(0) };
    let readings: Vec<Result<ReadingBody, Diagnostic>> = site
        .readings
        .par_iter()
        .map(|reading| {
            let converted = checked(&reading.body, Author::Facilitator, &reading.span)?;
            let summary = match &reading.summary {
                Some(summary) => checked(summary, Author::Facilitator, &reading.span)?.html,
                None => converted.first_paragraph.unwrap_or_default(),
            };
            Ok(ReadingBody { content: sanitize::reading(&converted.html), summary: sanitize::reading(&summary) })
        })
        .collect();
    let comments: Vec<Vec<Result<Html, Diagnostic>>> = site
        .readings
        .par_iter()
        .map(|reading| {
            reading
                .thread
                .comments
                .par_iter()
                .map(|comment| {
                    members.render(&comment.body, &format!("{MEMBER_ID_PREFIX}{}-", comment.id), &comment.span)
                })
                .collect()
        })
        .collect();
    let bios: Vec<Option<Result<Html, Diagnostic>>> = site
        .people
        .par_iter()
        .map(|person| {
            let span = person.span.clone().unwrap_or_else(|| Span::file("authors.yaml"));
            person.bio.as_ref().map(|bio| members.render(bio, &format!("{MEMBER_ID_PREFIX}bio-"), &span))
        })
        .collect();
    let sections: Vec<Option<Result<Html, Diagnostic>>> = site
        .sections
        .iter()
        .map(|section| {
            let span = Span::file(format!("content/{}/_index.md", section.path));
            section
                .intro
                .as_ref()
                .map(|intro| checked(intro, Author::Facilitator, &span).map(|c| sanitize::reading(&c.html)))
        })
        .collect();
    let mut problems = Diagnostics::new();
    let mut keep = |result: Result<Html, Diagnostic>| result.map_err(|p| problems.push(p)).unwrap_or_default();
    let comments = comments.into_iter().map(|thread| thread.into_iter().map(&mut keep).collect()).collect();
    let bios = bios.into_iter().map(|bio| bio.map(&mut keep)).collect();
    let sections = sections.into_iter().map(|intro| intro.map(&mut keep)).collect();
    let readings = readings
        .into_iter()
        .map(|r| {
            r.map_err(|p| problems.push(p))
                .unwrap_or(ReadingBody { content: Html::default(), summary: Html::default() })
        })
        .collect();
    if problems.has_errors() {
        return Err(problems);
    }
    let cleaned = members.cleaned.into_inner();
    let cache = BodyCache::from_entries(members.seen.into_inner().expect("no panics while locked"));
    Ok(Bodies { readings, comments, bios, sections, cache, cleaned })
}

/// Members' texts, looked up in the cache before they are converted and cleaned.
struct Members<'a> {
    cache: &'a BodyCache,
    seen: Mutex<Vec<(Key, Html)>>,
    cleaned: AtomicUsize,
}

impl Members<'_> {
    fn render(&self, markdown: &str, id_prefix: &str, span: &Span) -> Result<Html, Diagnostic> {
        let key = Key::of(id_prefix, b"", markdown);
        let html = match self.cache.get(&key) {
            Some(html) => html,
            None => {
                let converted = checked(markdown, Author::Member { id_prefix }, span)?;
                self.cleaned.fetch_add(1, Ordering::Relaxed);
                sanitize::member(&converted.html)
            }
        };
        self.seen.lock().expect("no panics while locked").push((key, html.clone()));
        Ok(html)
    }
}

/// Converts, then refuses HTML nested deeper than the limit before any HTML parser sees it.
fn checked(markdown: &str, author: Author, span: &Span) -> Result<markdown::Converted, Diagnostic> {
    let converted = markdown::to_html(markdown, author);
    let depth = sanitize::nesting_depth(&converted.html);
    if depth > MAX_NESTING {
        return Err(Diagnostic::error(
            span.clone(),
            format!("this text nests {depth} levels deep, more than the limit of {MAX_NESTING}"),
        )
        .with_help("remove the deeply nested quotes, lists or HTML tags"));
    }
    Ok(converted)
}
