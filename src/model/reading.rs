//! One reading resolved: checked on its own, its people found in the directory, its thread built.
//!
//! The first and last steps need only the reading, so a site's readings go through them in
//! parallel; finding people goes in the site's order, since a new name takes the next free page
//! address. With a [`Resolved`] of the last rebuild, a reading made from the same inputs is taken
//! from there once its names are found to name the same people (see [`super::reuse`]).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rayon::prelude::*;

use super::reuse::{self, Entry, Named, Resolved};
use super::{comments, dates, due, lookalike, paths, people, slug, PersonId, Reading, Source, MAX_TAGS};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::{CommentsMode, RawReading, RawSource};
use crate::text::clean_line;

/// A reading to resolve, with its section's start of weeks and rule for due dates.
pub(super) type Chosen = (RawReading, Option<NaiveDate>, due::Relative);

/// A reading resolved (none when it has an error) with its tags' names, and what was found.
pub(super) type Finished = (Option<(Reading, Vec<String>)>, Diagnostics);

/// A reading's entry for the next resolve, under the hash of its inputs.
type Keyed = ([u8; 32], Entry);

/// Resolves `chosen`, in order, finding people in `directory`; with `memo`, takes readings from it
/// and leaves this resolve's there.
pub(super) fn resolve_all(
    chosen: Vec<Chosen>,
    config: &SiteConfig,
    show_pending: bool,
    directory: &mut people::Directory,
    memo: Option<&mut Resolved>,
) -> Vec<Finished> {
    let settings = memo.as_ref().map(|_| reuse::settings_key(config));
    let mut memo = memo;
    let mut old = memo.as_deref_mut().map(Resolved::take).unwrap_or_default();
    /// A reading after the first step: found in the memo under its key, or checked.
    enum First {
        Kept(Box<Chosen>, [u8; 32]),
        Checked(Option<[u8; 32]>, Box<Checked>),
    }
    let first: Vec<First> = chosen
        .into_par_iter()
        .map(|(raw, start, rule)| {
            let key = settings.and_then(|s| reuse::key(raw.files_key, &s, (start, rule), show_pending));
            match key.filter(|key| old.contains_key(key)) {
                Some(key) => First::Kept(Box::new((raw, start, rule)), key),
                None => First::Checked(key, Box::new(check_reading(raw, config, (start, rule), show_pending))),
            }
        })
        .collect();
    /// A reading after finding its people: its entry taken whole, or to finish.
    enum Second {
        Kept([u8; 32], Box<Entry>, Diagnostics),
        Checked(Option<[u8; 32]>, Box<Checked>, Vec<Named>, Diagnostics),
    }
    // In the site's order: a kept reading's names are looked up again, as resolving it would.
    let mut second = Vec::with_capacity(first.len());
    for step in first {
        let mut found = Diagnostics::new();
        let (key, mut checked) = match step {
            First::Kept(chosen, key) => {
                let entry = old.remove(&key).expect("each reading's key is its own");
                let mut same = true;
                for (name, span, person) in &entry.names {
                    same &= lookalike::find_or_add(directory, name, || span.clone(), &mut found) == *person;
                }
                if same {
                    second.push(Second::Kept(key, Box::new(entry), found));
                    continue;
                }
                // Its names are all met now: finding them again below changes nothing and warns of nothing.
                let (raw, start, rule) = *chosen;
                (Some(key), Box::new(check_reading(raw, config, (start, rule), show_pending)))
            }
            First::Checked(key, checked) => (key, checked),
        };
        let mut names = Vec::new();
        checked.find_people(directory, &mut found, key.map(|_| &mut names));
        second.push(Second::Checked(key, checked, names, found));
    }
    let finished: Vec<(Finished, Option<Keyed>)> = second
        .into_par_iter()
        .map(|step| match step {
            Second::Kept(key, entry, found) => {
                let mut problems = entry.problems.clone();
                problems.extend(found);
                ((Some(entry.reading.clone()), problems), Some((key, *entry)))
            }
            Second::Checked(key, checked, names, found) => {
                let (resolved, mut problems) = checked.finish(show_pending);
                let entry = key
                    .zip(resolved.clone())
                    .map(|(key, reading)| (key, Entry { reading, problems: problems.clone(), names }));
                problems.extend(found);
                ((resolved, problems), entry)
            }
        })
        .collect();
    let mut entries = HashMap::new();
    let finished = finished
        .into_iter()
        .map(|(finished, entry)| {
            entries.extend(entry);
            finished
        })
        .collect();
    if let Some(memo) = memo {
        memo.replace(entries);
    }
    finished
}

/// A reading checked on its own, with its thread's comments, before its people are found.
struct Checked {
    raw: RawReading,
    /// Its title, date and page address, when all are right and nothing else stops it.
    fields: Option<(String, DateTime<FixedOffset>, String)>,
    due: due::Due,
    source: Option<Source>,
    weeks_start: Option<NaiveDate>,
    author: Option<PersonId>,
    thread: comments::Checked,
    /// What was found so far.
    problems: Diagnostics,
}

/// Checks everything of a reading that does not need the directory of people.
fn check_reading(
    mut raw: RawReading,
    config: &SiteConfig,
    (weeks_start, rule): (Option<NaiveDate>, due::Relative),
    show_pending: bool,
) -> Checked {
    let mut problems = Diagnostics::new();
    let raw_source = raw.front.source.take();
    let front = &raw.front;
    let keys = &raw.keys;
    let mut ok = true;
    let missing = |key: &str, help: &str, problems: &mut Diagnostics| {
        problems.push(
            Diagnostic::error(Span::at(&raw.span.path, 1, 1), format!("this reading has no `{key}`")).with_help(help),
        );
    };
    let title = front.title.as_deref().map(clean_line).filter(|t| !t.is_empty());
    if title.is_none() {
        missing("title", "add a line `title: ...` to the front matter", &mut problems);
        ok = false;
    }
    let date = match &front.date {
        None => {
            missing("date", "add a line like `date: 2011-08-08` to the front matter", &mut problems);
            None
        }
        Some(text) => {
            let date = dates::parse(text, config.timezone);
            if date.is_none() {
                problems
                    .push(Diagnostic::error(keys.of("date"), format!("`{text}` is not a date")).with_help(dates::HELP));
            }
            date
        }
    };
    let slug = match &front.slug {
        Some(slug) if !slug::is_valid(slug) => {
            problems.push(
                Diagnostic::error(keys.of("slug"), format!("the slug `{slug}` cannot be used in a page address"))
                    .with_help(slug::fix(slug)),
            );
            None
        }
        Some(slug) => Some(slug.clone()),
        None => match slug::from_file_name(&raw.name) {
            s if s.is_empty() => {
                problems.push(
                    Diagnostic::error(raw.span.clone(), format!("the name `{}` gives no page address", raw.name))
                        .with_help("rename the file with letters or digits, or add `slug:` to its front matter"),
                );
                None
            }
            s => Some(s),
        },
    };
    let due = date.map(|d| due::resolve(front, keys, d, rule, config.timezone, &mut problems)).unwrap_or_default();
    let source = raw_source.and_then(|s| resolve_source(s, keys.of("source"), &mut problems));
    if front.tags.len() > MAX_TAGS {
        problems.push(
            Diagnostic::error(
                keys.of("tags"),
                format!("this reading has {} tags, more than the limit of {MAX_TAGS}", front.tags.len()),
            )
            .with_help("keep the few tags a reader would look for; every tag page lists each reading's tags"),
        );
        ok = false;
    }
    for tag in &front.tags {
        if slug::of(tag).is_empty() {
            problems.push(
                Diagnostic::error(keys.of("tags"), format!("the tag `{tag}` has no letters or digits"))
                    .with_help("give each tag a word, like `trust`"),
            );
            ok = false;
        }
    }
    if let Some(0) = front.week {
        problems.push(
            Diagnostic::error(keys.of("week"), "weeks are counted from 1")
                .with_help("write `week: 1` for the first week"),
        );
        ok = false;
    }
    let thread = comments::check(&raw.comments, config, show_pending, &mut problems);
    // Checked, the raw thread is not needed again: let go of now, not when the site is resolved.
    raw.comments = Default::default();
    let fields = match (title, date, slug, ok) {
        (Some(title), Some(date), Some(slug), true) => Some((title, date, slug)),
        _ => None,
    };
    Checked { raw, fields, due, source, weeks_start, author: None, thread, problems }
}

impl Checked {
    /// Finds its writer and its comments' writers in `directory`, adding new names: the reading's own
    /// writer first, then its comments' in file order. With `names`, each name looked up is noted
    /// there the first time, with where it was written and whom it named.
    fn find_people(
        &mut self,
        directory: &mut people::Directory,
        problems: &mut Diagnostics,
        mut names: Option<&mut Vec<Named>>,
    ) {
        let raw = &self.raw;
        let mut seen = std::collections::HashSet::new();
        let mut note = |name: &str, span: &dyn Fn() -> Span, person: Option<PersonId>| {
            if let Some(names) = names.as_deref_mut() {
                if seen.insert(name.to_string()) {
                    names.push((name.to_string(), span(), person));
                }
            }
        };
        self.author = raw.front.author.as_deref().and_then(|name| {
            let person = lookalike::find_or_add(directory, name, || raw.keys.of("author"), problems);
            note(name, &|| raw.keys.of("author"), person);
            person
        });
        self.thread.find_people(directory, problems, &mut note);
    }

    /// The reading with its thread and its tags' names, none when it has an error; with what was found.
    fn finish(self, show_pending: bool) -> (Option<(Reading, Vec<String>)>, Diagnostics) {
        let Checked { raw, fields, due, source, weeks_start, author, thread, mut problems } = self;
        let (thread, waiting) = thread.build(show_pending, &mut problems);
        let Some((title, date, slug)) = fields else {
            return (None, problems);
        };
        let front = raw.front;
        let week = front.week.or_else(|| {
            let start = weeks_start?;
            let days = (date.date_naive() - start).num_days();
            (days >= 0).then(|| (days / 7 + 1) as u32)
        });
        let path = if raw.section.is_empty() { slug } else { format!("{}/{slug}", raw.section) };
        let too_long = paths::check_reading(&path, &raw.section, &raw.assets, raw.keys.of("slug"));
        for problem in too_long.into_iter().chain(paths::check_file_names(&raw.assets, &raw.span.path)) {
            problems.push(problem);
        }
        let reading = Reading {
            body_span: Span::at(&raw.span.path, raw.body_line, 1),
            summary_span: raw.keys.of("summary"),
            span: raw.span,
            section: raw.section,
            path,
            title,
            date,
            author,
            week,
            tags: Vec::new(),
            summary: front.summary.filter(|s| !s.trim().is_empty()),
            body: raw.body,
            source,
            draft: front.draft,
            comments_open: front.comments != Some(CommentsMode::Closed),
            due,
            thread: Arc::new(thread),
            waiting,
            assets: raw.assets,
            files_key: raw.files_key,
        };
        (Some((reading, front.tags.iter().map(|t| clean_line(t)).collect())), problems)
    }
}

fn resolve_source(raw: RawSource, span: Span, problems: &mut Diagnostics) -> Option<Source> {
    let url = raw.url.map(|u| u.trim().to_string());
    if let Some(url) = &url {
        if !people::is_web_address(url) {
            problems.push(
                Diagnostic::error(span.clone(), format!("source url `{url}` is not an http or https address"))
                    .with_help("write the full address, starting with https://"),
            );
            return None;
        }
    }
    let Some(title) = raw.title.as_deref().map(clean_line).filter(|t| !t.is_empty()) else {
        problems.push(
            Diagnostic::error(span, "the source has no `title`")
                .with_help("add `title:` under `source:`, the book's or article's title"),
        );
        return None;
    };
    Some(Source {
        title,
        authors: raw.authors.iter().map(|a| clean_line(a)).filter(|a| !a.is_empty()).collect(),
        publisher: raw.publisher.as_deref().map(clean_line).filter(|p| !p.is_empty()),
        year: raw.year,
        url,
    })
}
