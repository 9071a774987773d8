//! Views: the objects of `objects` made from the `Site` and the rendered bodies.

use super::bodies::Bodies;
use super::objects::{
    CommentBase, CommentCard, CommentView, DateView, PageView, PersonLink, PersonView, ReadingRef, ReadingView,
    ReplyTarget, SectionLink, SiteView, SourceView, TagLink, TagView, WeekGroup,
};
use super::page_context::TAG_COMMENTS;
use super::pages::FEED_COMMENTS;
use super::parts::{self, Keyed, PartKeys, ReadingParts};
use super::phrases::{after_reading, initials, join_names, tint};
use super::sanitize::Html;
use super::tallies::{descendant_counts, newest_published, participants, reflections_and_replies, replies_received};
use crate::language::{DateFormat, Language};
use crate::model::{Comment, CommentStatus, Person, PersonId, Reading, ReadingId, Site, Thread};
use crate::routes::{Links, Route};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

/// How many of each reading's newest comments are gathered: as many as the longest list of them shows.
const NEWEST_KEPT: usize = if FEED_COMMENTS > TAG_COMMENTS { FEED_COMMENTS } else { TAG_COMMENTS };

/// Builds views from the model and the rendered bodies, with links made from one file of the site.
pub struct Views<'a> {
    /// The model.
    pub site: &'a Site,
    /// The HTML of every text.
    pub bodies: &'a Bodies,
    /// The words pages write, in the site's language.
    pub language: &'a Language,
    /// Where links start from: the file being rendered.
    links: Links,
    /// What every page shares, worked out once.
    shared: Arc<Shared>,
    /// What the last build's views made that still holds.
    earlier: &'a ViewsKept,
}

/// What the views of every page share.
struct Shared {
    /// By reading: what is counted of its thread.
    threads: Vec<Arc<ThreadCounts>>,
    /// By person: how many of their comments start a thread, and how many answer someone else.
    /// Counted once here: a person is shown on every page of their reflections and on the list.
    reflections_and_replies: Vec<(usize, usize)>,
    /// By person: the published replies others wrote to their published comments (for their feed).
    replies_received: Vec<Vec<(ReadingId, usize)>>,
    /// By person: their initials and role in words, the same on every page that links to them.
    people: Vec<PersonWords>,
    /// By reading then comment: its dates in words, made the first time a page shows it. A comment is
    /// on its reading's page, its writer's, feeds and tags: its dates are formatted once, not on each
    /// of them, and a cold build's peak memory at M stays the same. (Keeping its address too raised
    /// that peak by 7% for little: a link is one allocation.)
    comment_dates: Vec<Vec<OnceLock<Arc<CommentDates>>>>,
    /// What decides how dates read: the time zone, the date format and the site's words, hashed.
    dates_guard: [u8; 32],
    /// The site's date format in its words and timezone.
    date_format: DateFormat,
    /// By reading: its dates in words and who commented, made the first time a page shows them: a
    /// reading is listed on many pages.
    readings: Vec<OnceLock<ReadingFacts>>,
    /// By reading: the part keys of its thread and comment cards, with what they are made of.
    parts: OnceLock<Vec<([u8; 32], Arc<ReadingParts>)>>,
    /// By reading: the key of its view in lists (`entry`).
    entries: OnceLock<Vec<[u8; 32]>>,
}

/// What is counted of one thread, the same for as long as the thread is: `serve` shares an unchanged
/// reading's thread between rebuilds, and its counts with it (at M, counting every thread again was
/// a fifth of the CPU the views took before the page keys at each edit).
#[derive(Debug)]
struct ThreadCounts {
    /// Replies below each comment, at any depth.
    descendants: Vec<usize>,
    /// Its newest published comments, newest first, as many as a feed shows; gathered once, not by
    /// every feed and tag that shows some of them.
    newest: Vec<usize>,
    /// Everyone who wrote a published comment, in order of their first one.
    participants: Vec<PersonId>,
}

impl ThreadCounts {
    fn of(thread: &Thread) -> ThreadCounts {
        ThreadCounts {
            descendants: descendant_counts(thread),
            newest: newest_published(thread, NEWEST_KEPT),
            participants: participants(thread),
        }
    }
}

/// What a build's views made, for the next build (`serve` keeps it): comments' dates in words, the
/// part keys of every reading and each thread's counts.
#[derive(Debug, Default)]
pub struct ViewsKept {
    dates: DatesInWords,
    parts: PartKeys,
    /// Each thread's counts, by the address of the thread, which is held here so that no other
    /// thread can be made at that address while its counts are kept.
    threads: HashMap<usize, (Arc<Thread>, Arc<ThreadCounts>)>,
}

impl ViewsKept {
    /// What a one-off build kept of its views: the part keys only (its dates in words are made again).
    pub fn of_parts(parts: PartKeys) -> ViewsKept {
        ViewsKept { parts, ..ViewsKept::default() }
    }

    /// The part keys of every reading.
    pub fn parts(&self) -> &PartKeys {
        &self.parts
    }
}

/// Comments' dates in words as a build made them, for the next one: a comment's are a function of its
/// date and its reading's, each with its offset, and of what `guard` hashes.
#[derive(Debug, Default)]
struct DatesInWords {
    guard: [u8; 32],
    by_dates: HashMap<(ExactDate, ExactDate), Arc<CommentDates>>,
}

/// A date as an instant with its offset: two equal instants written with other offsets read otherwise.
type ExactDate = (i64, u32, i32);

pub(super) fn exact(date: &chrono::DateTime<chrono::FixedOffset>) -> ExactDate {
    (date.timestamp(), date.timestamp_subsec_nanos(), date.offset().local_minus_utc())
}

/// A reading's dates in words, and who commented on it in order of their first comment.
struct ReadingFacts {
    date: DateView,
    reflections_due: Option<DateView>,
    replies_due: Option<DateView>,
}

/// What a link to a person shows besides their name, and where it leads: made once, not by each of
/// the tens of thousands of links to people a site's pages hold (each reading lists who took part).
struct PersonWords {
    initials: String,
    role_label: Option<String>,
    route: Route,
}

/// A comment's date, and how long after its reading it came, in words.
#[derive(Debug)]
pub struct CommentDates {
    date: DateView,
    after_reading: Option<String>,
}

impl<'a> Views<'a> {
    /// Prepares the views (counts replies once for every thread, keys every thread's parts), with links
    /// from the home page; comments' dates in words and readings' part keys are taken from `earlier`
    /// when what decides them is the same, and a thread's counts while it is the same thread.
    pub fn new(site: &'a Site, bodies: &'a Bodies, language: &'a Language, earlier: &'a ViewsKept) -> Views<'a> {
        let threads = site
            .readings
            .par_iter()
            // Found by its address: the kept thread holds that address, so it is this very thread.
            .map(|reading| match earlier.threads.get(&(Arc::as_ptr(&reading.thread) as usize)) {
                Some((_, counts)) => Arc::clone(counts),
                None => Arc::new(ThreadCounts::of(&reading.thread)),
            })
            .collect();
        let reflections_and_replies =
            site.contributions.par_iter().map(|work| reflections_and_replies(site, work)).collect();
        let people = site
            .people
            .iter()
            .map(|p| PersonWords {
                initials: initials(&p.name),
                role_label: p.role.as_deref().map(|role| language.role_label(role)),
                route: Route::person(&p.slug, 0),
            })
            .collect();
        let comment_dates =
            site.readings.iter().map(|r| r.thread.comments.iter().map(|_| OnceLock::new()).collect()).collect();
        let config = &site.config;
        let guard = format!("{:?}\0{}\0{language:?}", config.timezone, config.date_format);
        let dates_guard = *blake3::hash(guard.as_bytes()).as_bytes();
        let readings = site.readings.iter().map(|_| OnceLock::new()).collect();
        let shared = Shared {
            threads,
            reflections_and_replies,
            replies_received: replies_received(site),
            people,
            comment_dates,
            dates_guard,
            date_format: language.date_format(&site.config.date_format, site.config.timezone),
            readings,
            parts: OnceLock::new(),
            entries: OnceLock::new(),
        };
        let views =
            Views { site, bodies, language, links: Links::From(Route::home()), shared: Arc::new(shared), earlier };
        let (parts, entries) = rayon::join(|| parts::make(&views, &earlier.parts), || parts::entries(&views));
        views.shared.parts.set(parts).expect("the part keys are made once");
        views.shared.entries.set(entries).expect("the entries' keys are made once");
        views
    }

    /// What this build's views made that the next can use.
    pub fn kept(&self) -> ViewsKept {
        let threads = self.site.readings.iter().zip(&self.shared.threads);
        let threads = threads.map(|(reading, counts)| {
            (Arc::as_ptr(&reading.thread) as usize, (Arc::clone(&reading.thread), Arc::clone(counts)))
        });
        ViewsKept { dates: self.dates_in_words(), parts: self.all_part_keys(), threads: threads.collect() }
    }

    /// The part keys of every reading, what a one-off build saves of its views (`PartKeys::save`).
    pub fn all_part_keys(&self) -> PartKeys {
        self.shared.parts.get().map(|made| PartKeys::of(made)).unwrap_or_default()
    }

    /// The part keys of every reading, when they are not those the views were given (`earlier`): what
    /// a one-off build has to save.
    pub fn new_part_keys(&self) -> Option<PartKeys> {
        Some(self.all_part_keys()).filter(|keys| *keys != self.earlier.parts)
    }

    /// The comments' dates in words this build made, for the next.
    fn dates_in_words(&self) -> DatesInWords {
        let site = self.site;
        let made = self.shared.comment_dates.iter().enumerate().flat_map(|(r, thread)| {
            let reading = &site.readings[r];
            thread.iter().enumerate().filter_map(move |(c, dates)| {
                let key = (exact(&reading.thread.comments[c].date), exact(&reading.date));
                dates.get().map(|dates| (key, Arc::clone(dates)))
            })
        });
        DatesInWords { guard: self.shared.dates_guard, by_dates: made.collect() }
    }

    /// The same views with links made from `links` (the page being rendered, see `routes::Links`).
    pub fn at(&self, links: Links) -> Views<'a> {
        Views { links, shared: Arc::clone(&self.shared), ..*self }
    }

    /// The address of `route` in links: every link a page shows is made here, relative to the page.
    pub fn url(&self, route: &Route) -> String {
        route.link(&self.links)
    }

    /// A member's text with its mentions linked from this page.
    fn linked(&self, html: &Html) -> Html {
        let relink = |href: &str| self.site.mention_names.named_by(href).map(|p| self.url(self.person_route(p)));
        html.relink_mentions(relink).unwrap_or_else(|| html.clone())
    }

    /// The absolute address of `route`.
    pub fn permalink(&self, route: &Route) -> String {
        route.permalink(&self.site.config.base_url)
    }

    /// `site`.
    pub fn site(&self) -> SiteView<'a> {
        let config = &self.site.config;
        SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            language: &config.language,
            base_url: &config.base_url.absolute,
            root: self.links.root(),
            home_url: self.url(&Route::home()),
            feed_url: self.url(&Route::readings_feed()),
            comments_feed_url: self.url(&Route::comments_feed()),
            authors_url: self.url(&Route::people()),
            tags_url: self.url(&Route::tags()),
            search_url: self.url(&Route::search()),
            search_index_url: self.url(&Route::search_file("meta.json")),
            sections: self
                .site
                .sections
                .iter()
                .filter(|s| s.top_level)
                .map(|s| SectionLink { title: &s.title, url: self.url(&Route::section(&s.path)) })
                .collect(),
        }
    }

    /// `page` for a page at `route`, described by the plain text of `about` if any, else by the
    /// site's description.
    pub fn page(&self, kind: &'static str, title: String, route: &Route, about: Option<&Html>) -> PageView {
        // About as long as a search engine shows or a link preview keeps.
        const WORDS: usize = 40;
        let description = match about {
            Some(html) => crate::text::first_words(&html.plain_text(), WORDS),
            None => self.site.config.description.clone().unwrap_or_default(),
        };
        PageView { kind, title, url: self.url(route), permalink: self.permalink(route), description }
    }

    /// A date in the site's timezone.
    pub fn date(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> DateView {
        DateView { iso: date.to_rfc3339(), day: self.day(date), display: self.shown_date(date) }
    }

    /// A date as pages show it: in the site's timezone, date format and words.
    pub fn shown_date(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> String {
        self.shared.date_format.write(date)
    }

    /// A due date of `reading`, shown in words.
    pub fn due(&self, date: &chrono::DateTime<chrono::FixedOffset>, reading: &Reading) -> DateView {
        DateView {
            display: crate::model::due::in_words(date, &reading.date, self.site.config.timezone, self.language),
            ..self.date(date)
        }
    }

    /// The calendar day of `date` in the site's timezone, as `YYYY-MM-DD`.
    pub fn day(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> String {
        date.with_timezone(&self.site.config.timezone).format("%Y-%m-%d").to_string()
    }

    /// Calendar days from `from` to `to` in the site's timezone (negative when `to` is earlier).
    fn days_between(
        &self,
        from: &chrono::DateTime<chrono::FixedOffset>,
        to: &chrono::DateTime<chrono::FixedOffset>,
    ) -> i64 {
        let zone = &self.site.config.timezone;
        (to.with_timezone(zone).date_naive() - from.with_timezone(zone).date_naive()).num_days()
    }

    /// The name of `person`, or the word for an anonymous writer.
    fn name(&self, person: Option<PersonId>) -> &'a str {
        match person {
            Some(id) => &self.site.people[id.0].name,
            None => self.language.plain("anonymous").unwrap_or("Anonymous"),
        }
    }

    /// The published replies others wrote to `person`'s published comments, in the site's order.
    pub fn replies_received(&self, person: PersonId) -> &[(ReadingId, usize)] {
        &self.shared.replies_received[person.0]
    }

    /// The first page of `person`.
    fn person_route(&self, person: PersonId) -> &Route {
        &self.shared.people[person.0].route
    }

    /// A link to `person`, or to an anonymous writer.
    pub fn person_link(&self, person: Option<PersonId>) -> PersonLink<'a> {
        match person {
            Some(id) => {
                let person = &self.site.people[id.0];
                let words = &self.shared.people[id.0];
                PersonLink {
                    name: self.name(Some(id)),
                    url: Some(self.url(&words.route)),
                    role: person.role.as_deref(),
                    role_label: words.role_label.clone(),
                    initials: words.initials.clone(),
                    tint: tint(&person.slug),
                    anonymous: false,
                }
            }
            None => PersonLink {
                name: self.name(None),
                url: None,
                role: None,
                role_label: None,
                initials: "?".to_string(),
                tint: 0,
                anonymous: true,
            },
        }
    }

    /// A person with their counts.
    pub fn person(&self, id: PersonId) -> PersonView<'a> {
        let person: &'a Person = &self.site.people[id.0];
        let work = &self.site.contributions[id.0];
        let (reflection_count, reply_count) = self.shared.reflections_and_replies[id.0];
        PersonView {
            link: self.person_link(Some(id)),
            slug: &person.slug,
            bio: self.bodies.bios[id.0].as_ref(),
            website: person.website.as_deref(),
            reading_count: work.readings.len(),
            comment_count: work.comments.len(),
            reflection_count,
            reply_count,
        }
    }

    /// A tag with its count.
    pub fn tag(&self, index: usize) -> TagView<'a> {
        let tag = &self.site.tags[index];
        TagView { name: &tag.name, slug: &tag.slug, url: self.url(&Route::tag(&tag.slug)), count: tag.readings.len() }
    }

    /// A reading; `with_content` adds its body.
    pub fn reading(&self, id: ReadingId, with_content: bool) -> ReadingView<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let body = &self.bodies.readings[id.0];
        let facts = self.reading_facts(id);
        let route = Route::reading(&reading.path);
        let url = self.url(&route);
        // The summary's own relative addresses start from the reading's page, not this one.
        let summary = body.summary.rebased(&url).map_or(Cow::Borrowed(&body.summary), Cow::Owned);
        ReadingView {
            title: &reading.title,
            comments_feed_url: self.url(&Route::reading_feed(&reading.path)),
            permalink: self.permalink(&route),
            url,
            date: facts.date.clone(),
            author: reading.author.map(|a| self.person_link(Some(a))),
            week: reading.week,
            tags: reading
                .tags
                .iter()
                .map(|&t| {
                    let tag = &self.site.tags[t];
                    TagLink { name: &tag.name, url: self.url(&Route::tag(&tag.slug)) }
                })
                .collect(),
            summary,
            source: reading.source.as_ref().map(|s| SourceView {
                title: &s.title,
                authors: &s.authors,
                authors_text: join_names(self.language, &s.authors),
                publisher: s.publisher.as_deref(),
                year: s.year,
                url: s.url.as_deref(),
            }),
            section: self
                .site
                .sections
                .iter()
                .find(|s| s.path == reading.section)
                .map(|s| SectionLink { title: &s.title, url: self.url(&Route::section(&s.path)) }),
            comment_count: reading.thread.published_count(),
            participant_count: self.shared.threads[id.0].participants.len(),
            comments_open: reading.comments_open,
            reply_link: self.reply_link(reading, None),
            draft: reading.draft,
            reflections_due: facts.reflections_due.clone(),
            replies_due: facts.replies_due.clone(),
            content: with_content.then_some(&body.content),
        }
    }

    /// A reading in a list (without its body); made when shown.
    pub fn entry(&'a self, id: ReadingId) -> Keyed<'a, ReadingView<'a>> {
        let key = self.shared.entries.get().expect("the entries' keys are made with the views")[id.0];
        Keyed::new(self, key, move |views| views.reading(id, false))
    }

    /// The newest published comments of reading `id`, newest first: at least as many as a feed shows.
    pub fn newest(&self, id: ReadingId) -> &[usize] {
        &self.shared.threads[id.0].newest
    }

    /// Readings grouped by week, newest week first, readings without a week last.
    pub fn weeks(&'a self, readings: &[ReadingId]) -> Vec<WeekGroup<'a>> {
        let mut groups: Vec<WeekGroup<'a>> = Vec::new();
        let mut weeks: Vec<Option<u32>> = readings.iter().map(|r| self.site.readings[r.0].week).collect();
        weeks.sort_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(a), Some(b)) => b.cmp(a),
        });
        weeks.dedup();
        for (position, week) in weeks.into_iter().enumerate() {
            groups.push(WeekGroup {
                week,
                label: match week {
                    Some(w) => self.language.say("week", Some(i64::from(w)), &[]),
                    None => self.language.say("more_readings", None, &[]),
                },
                current: position == 0 && week.is_some(),
                readings: readings
                    .iter()
                    .filter(|r| self.site.readings[r.0].week == week)
                    .map(|&r| self.entry(r))
                    .collect(),
            });
        }
        groups
    }

    /// The dates in words of comment `index` of reading `id`.
    fn comment_dates(&self, id: ReadingId, index: usize) -> &CommentDates {
        self.shared.comment_dates[id.0][index].get_or_init(|| {
            let reading = &self.site.readings[id.0];
            let date = &reading.thread.comments[index].date;
            let earlier = Some(&self.earlier.dates).filter(|earlier| earlier.guard == self.shared.dates_guard);
            if let Some(dates) = earlier.and_then(|e| e.by_dates.get(&(exact(date), exact(&reading.date)))) {
                return Arc::clone(dates);
            }
            Arc::new(CommentDates {
                date: self.date(date),
                after_reading: after_reading(self.language, self.days_between(&reading.date, date)),
            })
        })
    }

    fn reply_target(&self, id: ReadingId, index: usize) -> ReplyTarget<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        let route = comment_route(reading, comment);
        ReplyTarget {
            id: &comment.id,
            anchor: anchor(&route),
            url: self.url(&route),
            name: match comment.status {
                CommentStatus::Removed => "a removed reflection",
                // Only the name: a whole link would make its address and initials for nothing.
                _ => self.name(comment.author),
            },
        }
    }

    /// The parts every view of a comment shares.
    fn comment_base(&self, id: ReadingId, index: usize) -> CommentBase<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        let route = comment_route(reading, comment);
        let dates = self.comment_dates(id, index);
        CommentBase {
            id: &comment.id,
            anchor: anchor(&route),
            url: self.url(&route),
            permalink: self.permalink(&route),
            author: self.person_link(comment.author),
            date: dates.date.clone(),
            after_reading: dates.after_reading.clone(),
            body: self.linked(&self.bodies.comments[id.0][index]),
            status: match comment.status {
                CommentStatus::Published => "published",
                CommentStatus::Pending => "pending",
                CommentStatus::Removed => "removed",
            },
        }
    }

    /// One comment of a reading's thread, with no replies yet.
    fn comment(&self, id: ReadingId, index: usize, level: u32, flat: bool) -> CommentView<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        CommentView {
            base: self.comment_base(id, index),
            level,
            reply_to: comment.parent.map(|p| reading.thread.comments[p].id.as_str()),
            parent: comment.parent.map(|p| self.reply_target(id, p)),
            in_reply_to: comment.parent.filter(|_| flat).map(|p| self.reply_target(id, p)),
            reply_count: reading.thread.children[index].len(),
            descendant_count: self.shared.threads[id.0].descendants[index],
            replies: Vec::new(),
            reply_link: Some(comment).filter(|c| c.is_published()).and_then(|c| self.reply_link(reading, Some(&c.id))),
        }
    }

    /// The `mailto:` link answering `reading` or one of its comments, when replies by e-mail are on.
    fn reply_link(&self, reading: &Reading, comment: Option<&str>) -> Option<String> {
        let replies = self.site.config.replies.as_ref().filter(|_| reading.comments_open)?;
        Some(crate::ingest::token::mailto(&replies.to, &reading.title, &reading.path, comment))
    }

    /// The whole thread of a reading, nested up to `thread.max_depth`, flat below it; made when shown.
    pub fn thread(&'a self, id: ReadingId) -> Keyed<'a, Vec<CommentView<'a>>> {
        Keyed::new(self, self.part_keys(id).thread, move |views| views.built_thread(id))
    }

    /// The whole thread of a reading, made.
    pub(super) fn built_thread(&self, id: ReadingId) -> Vec<CommentView<'a>> {
        let thread = &self.site.readings[id.0].thread;
        self.level(id, &thread.roots, 1)
    }

    /// The views of `comments` at `level`: recursion stops at `max_depth`, so it stays shallow.
    fn level(&self, id: ReadingId, comments: &[usize], level: u32) -> Vec<CommentView<'a>> {
        let thread = &self.site.readings[id.0].thread;
        let max_depth = self.site.config.max_depth;
        let mut views = Vec::with_capacity(comments.len());
        for &index in comments {
            let mut view = self.comment(id, index, level, false);
            if level < max_depth {
                view.replies = self.level(id, &thread.children[index], level + 1);
                views.push(view);
                continue;
            }
            views.push(view);
            // Depth-first, oldest first: a conversation below the limit reads in order.
            let mut stack: Vec<usize> = thread.children[index].iter().rev().copied().collect();
            while let Some(below) = stack.pop() {
                views.push(self.comment(id, below, level, true));
                stack.extend(thread.children[below].iter().rev());
            }
        }
        views
    }

    /// Everyone who commented on a reading, in order of their first comment.
    pub fn participants(&self, id: ReadingId) -> Vec<PersonLink<'a>> {
        self.shared.threads[id.0].participants.iter().map(|&p| self.person_link(Some(p))).collect()
    }

    /// Reading `id`'s date and who commented on it.
    fn reading_facts(&self, id: ReadingId) -> &ReadingFacts {
        self.shared.readings[id.0].get_or_init(|| {
            let reading = &self.site.readings[id.0];
            ReadingFacts {
                date: self.date(&reading.date),
                reflections_due: reading.due.reflections.map(|d| self.due(&d, reading)),
                replies_due: reading.due.replies.map(|d| self.due(&d, reading)),
            }
        })
    }

    /// A comment on its own, for author pages and feeds; made when shown.
    pub fn comment_card(&'a self, id: ReadingId, index: usize) -> Keyed<'a, CommentCard<'a>> {
        Keyed::new(self, self.part_keys(id).cards[index], move |views| views.built_card(id, index))
    }

    /// The part keys of reading `id`.
    fn part_keys(&self, id: ReadingId) -> &ReadingParts {
        &self.shared.parts.get().expect("the part keys are made with the views")[id.0].1
    }

    /// A comment on its own, made.
    pub(super) fn built_card(&self, id: ReadingId, index: usize) -> CommentCard<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        let route = Route::reading(&reading.path);
        CommentCard {
            base: self.comment_base(id, index),
            reply_to: comment.parent.map(|p| self.reply_target(id, p)),
            reading: ReadingRef { title: &reading.title, url: self.url(&route), permalink: self.permalink(&route) },
        }
    }
}

fn comment_route(reading: &Reading, comment: &Comment) -> Route {
    Route::comment(&reading.path, &comment.id)
}

/// The element id a comment's route points at.
fn anchor(route: &Route) -> String {
    route.anchor().expect("a comment's route has an anchor").to_string()
}
