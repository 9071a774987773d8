//! Stage 2, resolve: gives the files meaning and checks them, into an immutable `Site`.
//!
//! Authors are matched, threads become trees, tags and weeks are gathered, and
//! URLs are fixed. Every problem is collected; a `Site` is returned only when
//! there was no error, so later stages never see invalid content.

mod comments;
pub mod dates;
pub mod due;
pub mod lookalike;
pub mod mentions;
pub mod paths;
pub mod people;
pub mod prepare;
mod reading;
pub mod reuse;
mod sections;
pub mod slug;
pub mod thread;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::Asset;
pub use crate::load::raw::CommentStatus;
use crate::load::SourceSite;

/// Index of a person in `Site::people`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub usize);

/// Index of a reading in `Site::readings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReadingId(pub usize);

/// A whole site, checked: what render turns into pages.
#[derive(Debug)]
pub struct Site {
    /// The settings.
    pub config: SiteConfig,
    /// Sections by path.
    pub sections: Vec<Section>,
    /// Published readings, newest first.
    pub readings: Vec<Reading>,
    /// Everyone: `authors.yaml` first, then others in the order met.
    pub people: Vec<Person>,
    /// Tags by slug.
    pub tags: Vec<Tag>,
    /// What each person wrote, by `PersonId`.
    pub contributions: Vec<Contributions>,
    /// How `@Name` in a comment finds a person.
    pub mention_names: mentions::MentionNames,
    /// `cohort.members` of `site.yaml`, each once, in the order written.
    pub members: Vec<PersonId>,
    /// Problems that did not stop the resolve.
    pub warnings: Vec<Diagnostic>,
    /// Dates of readings left out because they are not published yet, earliest first.
    pub scheduled: Vec<DateTime<FixedOffset>>,
}

/// A folder of readings.
#[derive(Debug, PartialEq)]
pub struct Section {
    /// Its folder under `content/`, `/`-separated: also its URL path.
    pub path: String,
    /// Its title: from `_index.md`, else the folder name.
    pub title: String,
    /// One line about it.
    pub description: Option<String>,
    /// Its introduction (Markdown), from `_index.md`.
    pub intro: Option<String>,
    /// True for a folder directly under `content/`.
    pub top_level: bool,
}

/// One reading with its thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The Markdown file, for messages.
    pub span: Span,
    /// Its section's path (`""` when directly in `content/`).
    pub section: String,
    /// Its path under the site root, without slashes at the ends: `readings/trust`.
    pub path: String,
    /// Its title.
    pub title: String,
    /// When it was published.
    pub date: DateTime<FixedOffset>,
    /// Who wrote it, if anyone is named.
    pub author: Option<PersonId>,
    /// The cohort week.
    pub week: Option<u32>,
    /// Tags, as indexes into `Site::tags`.
    pub tags: Vec<usize>,
    /// The front matter summary (Markdown), if given.
    pub summary: Option<String>,
    /// The body (Markdown).
    pub body: String,
    /// Where the body starts in its file (for messages about a place in it).
    pub body_span: Span,
    /// Where the front matter's `summary:` is (its first line when there is none).
    pub summary_span: Span,
    /// The book or article the excerpt comes from.
    pub source: Option<Source>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// False when `comments: closed`.
    pub comments_open: bool,
    /// When reflections and replies are due, if set.
    pub due: due::Due,
    /// Its discussion; shared with the resolve `serve` keeps for the next rebuild.
    pub thread: std::sync::Arc<Thread>,
    /// Comments waiting for approval, in file order; not in `thread` unless `ResolveOptions::pending`.
    pub waiting: Vec<Waiting>,
    /// Bundle files to copy beside its page.
    pub assets: Vec<Asset>,
    /// The hash of its files as loaded, when known: its thread's cleaned texts are found again by it.
    pub files_key: Option<[u8; 32]>,
}

/// A citation, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Title of the book or article.
    pub title: String,
    /// Its authors.
    pub authors: Vec<String>,
    /// Its publisher.
    pub publisher: Option<String>,
    /// Its year.
    pub year: Option<u32>,
    /// An http(s) link to it.
    pub url: Option<String>,
}

/// A reading's comments as a tree.
#[derive(Debug, Default, PartialEq)]
pub struct Thread {
    /// Every comment, in file order.
    pub comments: Vec<Comment>,
    /// Top-level comments, in date order.
    pub roots: Vec<usize>,
    /// Each comment's direct replies, in date order.
    pub children: Vec<Vec<usize>>,
}

/// One comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Unique in its thread.
    pub id: String,
    /// Its writer; `None` when anonymous.
    pub author: Option<PersonId>,
    /// When it was written.
    pub date: DateTime<FixedOffset>,
    /// Its body (Markdown, untrusted), shared with the loaded file's; empty once `render::bodies` has converted it,
    /// unless `serve` keeps the thread for its next rebuild.
    pub body: crate::text::SharedText,
    /// The comment it answers, as an index into `Thread::comments`.
    pub parent: Option<usize>,
    /// 0 for a top-level comment, 1 for a reply to one, ...
    pub depth: u32,
    /// Where it was written.
    pub span: Span,
    /// Published, pending (in a thread only when pending comments are shown) or removed.
    pub status: CommentStatus,
}

impl Thread {
    /// How many of its comments count (neither waiting nor removed).
    pub fn published_count(&self) -> usize {
        self.comments.iter().filter(|c| c.is_published()).count()
    }
}

impl Comment {
    /// True when it counts: in lists, feeds, search and tallies.
    pub fn is_published(&self) -> bool {
        self.status == CommentStatus::Published
    }
}

/// A comment waiting for approval, as the facilitator needs to see it: its writer stays a plain name,
/// so that no one gets a page before they are approved.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    /// Its id.
    pub id: String,
    /// Its writer, as written (`Anonymous` when none).
    pub author: String,
    /// When it was written.
    pub date: DateTime<FixedOffset>,
    /// Its body (Markdown, untrusted).
    pub body: String,
    /// Where it was written.
    pub span: Span,
}

impl Waiting {
    /// Its first words, on one line, for lists of what waits.
    pub fn start(&self) -> String {
        crate::text::first_words(&self.body, 12)
    }
}

/// A person who wrote, or is listed in `authors.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Their page's slug: the `authors.yaml` key, or the slug of their name.
    pub slug: String,
    /// Their display name.
    pub name: String,
    /// facilitator, member, guest or other text.
    pub role: Option<String>,
    /// Markdown about them (untrusted).
    pub bio: Option<String>,
    /// Their http(s) web page.
    pub website: Option<String>,
    /// Other spellings of their name, from `authors.yaml`.
    pub aliases: Vec<String>,
    /// Their e-mail addresses, lowercase; private: for matching mail senders, never shown.
    pub emails: Vec<String>,
    /// Their entry in `authors.yaml`; none for names met only in threads.
    pub span: Option<Span>,
}

/// A topic.
#[derive(Debug)]
pub struct Tag {
    /// Its URL segment.
    pub slug: String,
    /// Its name, as first written.
    pub name: String,
    /// Readings with it, newest first.
    pub readings: Vec<ReadingId>,
}

/// Everything one person wrote.
#[derive(Debug, Default, Clone)]
pub struct Contributions {
    /// Readings they wrote, newest first.
    pub readings: Vec<ReadingId>,
    /// Comments they wrote (reading, index in its thread), newest first.
    pub comments: Vec<(ReadingId, usize)>,
}

/// What to include beyond published readings.
#[derive(Debug, Clone, Copy)]
pub struct ResolveOptions {
    /// Include readings marked `draft: true`.
    pub drafts: bool,
    /// Include readings dated after `now` (scheduled readings).
    pub future: bool,
    /// The moment that decides which readings are published yet; a parameter so tests can fix it.
    pub now: DateTime<Utc>,
    /// Keep comments waiting for approval in their threads (for `serve`, shown to the facilitator only).
    pub pending: bool,
}

/// The text `new reading` puts in a new reading's body: while it is there, the reading is a draft.
pub const PLACEHOLDER: &str = "Paste or write the reading here, in Markdown.";

/// The most tags one reading may have: each tag page lists its readings' tags, so the output of
/// a reading with thousands would grow with their square.
pub const MAX_TAGS: usize = 50;

/// Checks everything and builds the `Site`; every problem found is returned.
pub fn resolve(source: SourceSite, options: ResolveOptions) -> Result<Site, Diagnostics> {
    resolve_reusing(source, options, None)
}

/// As [`resolve`], taking from `memo` the readings an earlier resolve made from the same inputs, and
/// leaving this resolve's readings there.
pub fn resolve_reusing(
    source: SourceSite,
    options: ResolveOptions,
    memo: Option<&mut reuse::Resolved>,
) -> Result<Site, Diagnostics> {
    let mut problems = Diagnostics::new();
    let config = source.config;
    let mut directory = people::Directory::new(source.people, &mut problems);
    let due_rules = due::section_rules(&source.sections, &mut problems);
    let sections = sections::resolve_sections(source.sections, &config, &mut problems);
    let weeks_start: HashMap<&str, NaiveDate> =
        sections.iter().filter_map(|(section, start)| start.map(|s| (section.path.as_str(), s))).collect();
    let mut chosen = Vec::new();
    let mut scheduled = Vec::new();
    for raw in source.readings {
        // A reading made by `new reading` is a draft until its placeholder text is replaced.
        let unfinished = raw.body.contains(PLACEHOLDER);
        if unfinished {
            problems.push(
                Diagnostic::warning(
                    Span::at(&raw.span.path, 0, 0),
                    "this reading still holds the placeholder text of `new reading`, so it is a draft",
                )
                .with_help(format!("replace the line \"{PLACEHOLDER}\" with the reading's text to publish it")),
            );
        }
        if (raw.front.draft || unfinished) && !options.drafts {
            continue;
        }
        // Like a draft, a scheduled reading is left out whole: its thread, tags and people too.
        let date = raw.front.date.as_deref().and_then(|text| dates::parse(text, config.timezone));
        if let Some(date) = date.filter(|date| *date > options.now && !options.future) {
            scheduled.push(date);
            continue;
        }
        let start = sections::find_weeks_start(&raw.section, &weeks_start);
        let rule = due::rule_for(&raw.section, &due_rules);
        chosen.push((raw, start, rule));
    }
    let finished = reading::resolve_all(chosen, &config, options.pending, &mut directory, memo);
    let mut readings = Vec::new();
    let mut tag_names: Vec<Vec<String>> = Vec::new();
    for (resolved, found) in finished {
        problems.extend(found);
        if let Some((reading, tags)) = resolved {
            readings.push(reading);
            tag_names.push(tags);
        }
    }
    check_paths(&readings, &sections, &mut problems);
    let members = directory.roster(&config.members, &config.members_span, &mut problems);
    let mut order: Vec<usize> = (0..readings.len()).collect();
    order.sort_by(|&a, &b| {
        readings[b].date.cmp(&readings[a].date).then_with(|| readings[a].path.cmp(&readings[b].path))
    });
    let mut slots: Vec<Option<(Reading, Vec<String>)>> = readings.into_iter().zip(tag_names).map(Some).collect();
    let (mut readings, tag_names): (Vec<Reading>, Vec<Vec<String>>) =
        order.into_iter().map(|i| slots[i].take().expect("each reading once")).unzip();
    let tags = gather_tags(&mut readings, &tag_names);
    let contributions = gather_contributions(&readings, directory.people.len());
    scheduled.sort();
    if problems.has_errors() {
        return Err(problems);
    }
    let mention_names = mentions::MentionNames::new(&directory.people);
    Ok(Site {
        mention_names,
        members,
        warnings: problems.sorted(),
        config,
        sections: sections.into_iter().map(|(section, _)| section).collect(),
        readings,
        people: directory.people,
        tags,
        contributions,
        scheduled,
    })
}

/// Two readings at one address, or a reading where a section or the site's pages are.
fn check_paths(readings: &[Reading], sections: &[(Section, Option<NaiveDate>)], problems: &mut Diagnostics) {
    let mut taken: HashMap<&str, &Span> = HashMap::new();
    let section_spans: Vec<(String, Span)> =
        sections.iter().map(|(s, _)| (s.path.clone(), Span::file(format!("content/{}", s.path)))).collect();
    for (path, span) in &section_spans {
        taken.insert(path, span);
    }
    for reading in readings {
        if crate::routes::RESERVED.contains(&reading.path.as_str()) {
            problems.push(
                Diagnostic::error(
                    reading.span.clone(),
                    format!("this reading's address /{}/ is the site's own page", reading.path),
                )
                .with_help("give the reading another `slug:`"),
            );
        } else if let Some(first) = taken.get(reading.path.as_str()) {
            problems.push(
                Diagnostic::error(
                    reading.span.clone(),
                    format!("this reading's address /{}/ is also used by {}", reading.path, first.path.display()),
                )
                .with_help("give one of them another `slug:`"),
            );
        } else {
            taken.insert(&reading.path, &reading.span);
        }
    }
}

/// Gathers tags by slug (the first spelling names the tag) and points readings at them.
fn gather_tags(readings: &mut [Reading], names: &[Vec<String>]) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    for (index, tags) in names.iter().enumerate() {
        for name in tags {
            let slug = slug::of(name);
            let tag =
                by_slug.entry(slug.clone()).or_insert_with(|| Tag { slug, name: name.clone(), readings: Vec::new() });
            if !tag.readings.contains(&ReadingId(index)) {
                tag.readings.push(ReadingId(index));
            }
        }
    }
    let tags: Vec<Tag> = by_slug.into_values().collect();
    for (tag_index, tag) in tags.iter().enumerate() {
        for reading in &tag.readings {
            readings[reading.0].tags.push(tag_index);
        }
    }
    tags
}

fn gather_contributions(readings: &[Reading], people: usize) -> Vec<Contributions> {
    let mut all = vec![Contributions::default(); people];
    for (index, reading) in readings.iter().enumerate() {
        let id = ReadingId(index);
        if let Some(author) = reading.author {
            all[author.0].readings.push(id);
        }
        for (position, comment) in reading.thread.comments.iter().enumerate().filter(|(_, c)| c.is_published()) {
            if let Some(author) = comment.author {
                all[author.0].comments.push((id, position));
            }
        }
    }
    // Each on a thread of its own: a large cohort's people have thousands each, sorted again at
    // every rebuild of `serve`.
    all.par_iter_mut().for_each(|person| newest_first(readings, &mut person.comments));
    all
}

/// Sorts comments (reading, index in its thread) newest first; the same date falls back to their places.
pub fn newest_first(readings: &[Reading], comments: &mut [(ReadingId, usize)]) {
    // Each date looked up once, not at every comparison: a person's 10,000 comments are spread over
    // every thread, and the lookups were most of a site's resolve once threads were reused.
    comments.sort_by_cached_key(|&(r, c)| (std::cmp::Reverse(readings[r.0].thread.comments[c].date), r, c));
}
