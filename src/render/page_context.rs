//! What each kind of page's template receives, one struct a kind, besides `site`.
//!
//! Like `objects`, these doc comments are the theme author's reference: the
//! part of `docs/templates.md` that lists the pages is made from them, and a
//! test keeps it up to date.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::context::Views;
use super::objects::{
    CommentCard, CommentView, DateView, PageView, PersonLink, PersonView, ReadingView, SectionView, TagView, WeekGroup,
};
use super::pages::{pages, plan, PageJob, AUTHOR_PAGE_SIZE, FEED_COMMENTS, FEED_READINGS};
use super::parts::{self, Keyed};
use crate::model::{PersonId, ReadingId, Site};

/// `index.html`: the home page, `/`.
#[derive(Debug, Serialize)]
pub struct IndexPage<'a> {
    /// What this page is.
    pub page: PageView,
    /// This page's readings, by week.
    pub weeks: Vec<WeekGroup<'a>>,
    /// This page's readings, newest first: `page_size` of them.
    pub readings: Vec<Keyed<'a, ReadingView<'a>>>,
    /// Which page of the readings this is.
    pub pagination: Pagination<'a>,
}

/// `section.html`: a section's page, `/<section>/`, then `/<section>/page/2/` and on.
#[derive(Debug, Serialize)]
pub struct SectionPage<'a> {
    /// What this page is.
    pub page: PageView,
    /// The section.
    pub section: SectionView<'a>,
    /// This page's readings of the section and of the sections below it, by week.
    pub weeks: Vec<WeekGroup<'a>>,
    /// The same readings, newest first.
    pub readings: Vec<Keyed<'a, ReadingView<'a>>>,
    /// Which page of the section's readings this is.
    pub pagination: Pagination<'a>,
}

/// `reading.html`: a reading and its discussion, `/<section>/<slug>/`.
#[derive(Debug, Serialize)]
pub struct ReadingPage<'a> {
    /// What this page is.
    pub page: PageView,
    /// The reading, with its `content`.
    pub reading: ReadingView<'a>,
    /// The top-level comments in date order, their replies nested.
    pub thread: Keyed<'a, Vec<CommentView<'a>>>,
    /// Everyone who commented, in order of their first comment.
    pub participants: Vec<PersonLink<'a>>,
    /// The next older reading of the site, or none.
    pub previous: Option<Keyed<'a, ReadingView<'a>>>,
    /// The next newer reading of the site, or none.
    pub next: Option<Keyed<'a, ReadingView<'a>>>,
}

/// `authors.html`: the list of people, `/authors/`, then `/authors/page/2/` and on.
#[derive(Debug, Serialize)]
pub struct PeoplePage<'a> {
    /// What this page is.
    pub page: PageView,
    /// This page's people, by name.
    pub people: Vec<PersonView<'a>>,
    /// Which page of the list this is.
    pub pagination: Pagination<'a>,
}

/// `author.html`: a person and a page of their reflections, `/authors/<slug>/`, then
/// `/authors/<slug>/page/2/` and on when they wrote more than 100 comments.
#[derive(Debug, Serialize)]
pub struct PersonPage<'a> {
    /// What this page is.
    pub page: PageView,
    /// The person.
    pub person: PersonView<'a>,
    /// The readings they wrote, newest first; on the first page only.
    pub readings: Vec<Keyed<'a, ReadingView<'a>>>,
    /// Their comments, newest first, 100 to a page.
    pub comments: Vec<Keyed<'a, CommentCard<'a>>>,
    /// Others' comments that name them with `@Name`, newest first: the newest 100, on the first page
    /// only.
    pub mentioned_in: Vec<Keyed<'a, CommentCard<'a>>>,
    /// How many comments name them, in all.
    pub mentioned_count: usize,
    /// Their feed of replies and mentions, `/authors/<slug>/replies.xml`.
    pub replies_feed_url: String,
    /// Which page of their reflections this is.
    pub pagination: Pagination<'a>,
}

/// Which page of a list this is, and links to the others.
#[derive(Debug, Serialize)]
pub struct Pagination<'a> {
    /// This page, counted from 1.
    pub page: usize,
    /// How many pages there are.
    pub pages: usize,
    /// The page before (newer items), or none.
    pub previous: Option<String>,
    /// The page after (older items), or none.
    pub next: Option<String>,
    /// Every page, for a row of page numbers (empty when there is one page).
    pub numbers: Keyed<'a, Vec<PageNumber>>,
}

/// One page of a list, in a row of page numbers.
#[derive(Debug, Serialize)]
pub struct PageNumber {
    /// Counted from 1.
    pub number: usize,
    /// Its address.
    pub url: String,
    /// True on the page being shown.
    pub current: bool,
}

/// `tags.html`: the list of tags, `/tags/`.
#[derive(Debug, Serialize)]
pub struct TagsPage<'a> {
    /// What this page is.
    pub page: PageView,
    /// Every tag, by name.
    pub tags: Vec<TagView<'a>>,
}

/// `tag.html`: a tag's page, `/tags/<slug>/`, then `/tags/<slug>/page/2/` and on.
#[derive(Debug, Serialize)]
pub struct TagPage<'a> {
    /// What this page is.
    pub page: PageView,
    /// The tag.
    pub tag: TagView<'a>,
    /// This page's readings, newest first.
    pub readings: Vec<Keyed<'a, ReadingView<'a>>>,
    /// The newest 20 comments on any of its readings, newest first; on the first page only.
    pub comments: Vec<Keyed<'a, CommentCard<'a>>>,
    /// Which page of the tag's readings this is.
    pub pagination: Pagination<'a>,
}

/// `404.html` (`/404.html`) and `search.html` (`/search/`, whose script reads the index in `search/`).
#[derive(Debug, Serialize)]
pub struct PlainPage {
    /// What this page is.
    pub page: PageView,
}

/// `atom.xml`: the readings feed, `/atom.xml`.
#[derive(Debug, Serialize)]
pub struct ReadingsFeed<'a> {
    /// What this feed is.
    pub page: PageView,
    /// The newest 20 readings, with their `content`.
    pub readings: Vec<ReadingView<'a>>,
    /// The newest reading's date (so the feed does not change between builds), or none.
    pub updated: Option<DateView>,
}

/// `comments.xml`: the site's comments feed, `/comments.xml`.
#[derive(Debug, Serialize)]
pub struct CommentsFeed<'a> {
    /// What this feed is.
    pub page: PageView,
    /// The newest 50 comments, newest first.
    pub comments: Vec<Keyed<'a, CommentCard<'a>>>,
    /// The newest comment's date (for one reading's feed without comments, the reading's), or none.
    pub updated: Option<DateView>,
}

/// `comments.xml` again, for one reading's discussion, `/<section>/<slug>/comments.xml`.
#[derive(Debug, Serialize)]
pub struct ReadingCommentsFeed<'a> {
    /// Its `page`, `comments` and `updated`, as in the site's feed.
    #[serde(flatten)]
    pub feed: CommentsFeed<'a>,
    /// The reading, without its `content`.
    pub reading: Keyed<'a, ReadingView<'a>>,
}

/// `comments.xml` again, for one person, `/authors/<slug>/replies.xml`: the newest 50 published
/// comments that answer one of theirs or name them with `@Name`, written by someone else.
#[derive(Debug, Serialize)]
pub struct PersonRepliesFeed<'a> {
    /// Its `page`, `comments` and `updated`, as in the site's feed (`updated`: the newest entry's
    /// date, else the person's latest comment or reading).
    #[serde(flatten)]
    pub feed: CommentsFeed<'a>,
    /// The person.
    pub person: PersonView<'a>,
    /// The absolute address of their page.
    pub person_permalink: String,
}

/// `sitemap.xml`: every page of the site, `/sitemap.xml`.
#[derive(Debug, Serialize)]
pub struct SitemapPage {
    /// What this file is.
    pub page: PageView,
    /// One entry for each HTML page written (not `404.html`).
    pub entries: Vec<SitemapEntry>,
}

/// One address of the sitemap.
#[derive(Debug, Serialize)]
pub struct SitemapEntry {
    /// The page's absolute address.
    pub permalink: String,
    /// The day of its last change (`YYYY-MM-DD`), where known.
    pub lastmod: Option<String>,
}

/// The readings in section `index` and the sections below it, newest first.
pub fn section_readings(site: &Site, index: usize) -> Vec<ReadingId> {
    let section = &site.sections[index];
    let prefix = format!("{}/", section.path);
    all_readings(site)
        .filter(|r| {
            let s = &site.readings[r.0].section;
            *s == section.path || s.starts_with(&prefix)
        })
        .collect()
}

/// How many of the newest comments on its readings a tag's page shows.
pub const TAG_COMMENTS: usize = 20;

/// The newest comments on tag `index`'s readings, for its first page (`number` 0).
pub fn tag_comments<'a>(views: &'a Views<'a>, index: usize, number: usize) -> Vec<Keyed<'a, CommentCard<'a>>> {
    if number > 0 {
        return Vec::new();
    }
    let readings = views.site.tags[index].readings.iter().copied();
    newest_comments(views, TAG_COMMENTS, readings).into_iter().map(|(r, c)| views.comment_card(r, c)).collect()
}

/// Page `number` (from 0) of `items`, `page_size` to a page, and its pagination; `job` names each page.
pub fn paginate<'a, 'i, T>(
    views: &'a Views<'a>,
    items: &'i [T],
    number: usize,
    job: impl Fn(usize) -> PageJob + Copy + 'a,
) -> (&'i [T], Pagination<'a>) {
    let size = views.site.config.page_size;
    let start = (number * size).min(items.len());
    let shown = &items[start..(start + size).min(items.len())];
    (shown, pagination(views, number, pages(views.site, items.len()), job))
}

/// The pagination of page `number` (from 0) of `pages`.
fn pagination<'a>(
    views: &'a Views<'a>,
    number: usize,
    pages: usize,
    job: impl Fn(usize) -> PageJob + Copy + 'a,
) -> Pagination<'a> {
    let address = move |views: &Views, n: usize| views.url(&job(n).route(views.site));
    // Every page's address is made from the first's (`Route::paged`), so the row of numbers is a
    // function of that address, this page's number and their count (and of where links start from,
    // in every page's key): a list of 300 pages is not made 300 times to key its pages.
    let first = views.permalink(&job(0).route(views.site));
    let numbers = Keyed::new(views, parts::digest(&(first, number, pages)), move |views| match pages {
        0 | 1 => Vec::new(),
        _ => (0..pages).map(|n| PageNumber { number: n + 1, url: address(views, n), current: n == number }).collect(),
    });
    Pagination {
        page: number + 1,
        pages,
        previous: number.checked_sub(1).map(|n| address(views, n)),
        next: (number + 1 < pages).then(|| address(views, number + 1)),
        numbers,
    }
}

/// Page `number` (from 0) of the readings in section `index` and the sections below it.
pub fn section<'a>(views: &'a Views<'a>, page: PageView, index: usize, number: usize) -> SectionPage<'a> {
    let site = views.site;
    let section = &site.sections[index];
    let inside = section_readings(site, index);
    let (shown, pagination) = paginate(views, &inside, number, move |n| PageJob::Section(index, n));
    SectionPage {
        section: SectionView {
            title: &section.title,
            url: page.url.clone(),
            description: section.description.as_deref(),
            content: views.bodies.sections[index].as_ref(),
        },
        page,
        weeks: views.weeks(shown),
        readings: shown.iter().map(|&r| views.entry(r)).collect(),
        pagination,
    }
}

/// A person's `page` of reflections, counted from 0.
pub fn person<'a>(views: &'a Views<'a>, page: PageView, id: PersonId, number: usize) -> PersonPage<'a> {
    let work = &views.site.contributions[id.0];
    let first_page = number == 0;
    let shown = work.comments.iter().skip(number * AUTHOR_PAGE_SIZE).take(AUTHOR_PAGE_SIZE);
    let mentioned_in = &views.bodies.mentioned_in[id.0];
    let newest_mentions = mentioned_in.iter().filter(|_| first_page).take(AUTHOR_PAGE_SIZE);
    let pages = person_pages(views.site, id);
    PersonPage {
        page,
        person: views.person(id),
        readings: work.readings.iter().filter(|_| first_page).map(|&r| views.entry(r)).collect(),
        comments: shown.map(|&(r, c)| views.comment_card(r, c)).collect(),
        mentioned_in: newest_mentions.map(|&(r, c)| views.comment_card(r, c)).collect(),
        mentioned_count: mentioned_in.len(),
        replies_feed_url: views.url(&PageJob::PersonReplies(id).route(views.site)),
        pagination: pagination(views, number, pages, move |n| PageJob::Author(id, n)),
    }
}

/// How many pages of reflections `person` has: at least one.
pub fn person_pages(site: &Site, person: PersonId) -> usize {
    site.contributions[person.0].comments.len().div_ceil(AUTHOR_PAGE_SIZE).max(1)
}

/// The readings feed.
pub fn readings_feed<'a>(views: &'a Views<'a>, page: PageView) -> ReadingsFeed<'a> {
    let site = views.site;
    ReadingsFeed {
        page,
        readings: all_readings(site).take(FEED_READINGS).map(|r| views.reading(r, true)).collect(),
        updated: site.readings.first().map(|r| views.date(&r.date)),
    }
}

/// The comments feed of the whole site, or of one reading.
pub fn comments_feed<'a>(views: &'a Views<'a>, page: PageView, only: Option<ReadingId>) -> CommentsFeed<'a> {
    let site = views.site;
    let newest = match only {
        Some(id) => newest_comments(views, FEED_COMMENTS, [id].into_iter()),
        None => newest_comments(views, FEED_COMMENTS, all_readings(site)),
    };
    let updated = match (newest.first(), only) {
        (Some(&(r, c)), _) => Some(views.date(&site.readings[r.0].thread.comments[c].date)),
        (None, Some(id)) => Some(views.date(&site.readings[id.0].date)),
        (None, None) => None,
    };
    CommentsFeed { page, comments: newest.into_iter().map(|(r, c)| views.comment_card(r, c)).collect(), updated }
}

/// The feed of replies to and mentions of `id`.
pub fn person_feed<'a>(views: &'a Views<'a>, page: PageView, id: PersonId) -> PersonRepliesFeed<'a> {
    let site = views.site;
    let entries = replies_and_mentions(views, id);
    let work = &site.contributions[id.0];
    let comment_date = |&(r, c): &(ReadingId, usize)| site.readings[r.0].thread.comments[c].date;
    // Entries, comments and readings are each newest first.
    let latest = entries.first().map(comment_date).or_else(|| {
        let own = work.comments.first().map(comment_date);
        own.into_iter().chain(work.readings.first().map(|r| site.readings[r.0].date)).max()
    });
    PersonRepliesFeed {
        feed: CommentsFeed {
            page,
            comments: entries.into_iter().map(|(r, c)| views.comment_card(r, c)).collect(),
            updated: latest.map(|date| views.date(&date)),
        },
        person: views.person(id),
        person_permalink: views.permalink(&PageJob::Author(id, 0).route(site)),
    }
}

/// Published replies by others to `person`'s comments, and the comments naming them, newest first:
/// at most `FEED_COMMENTS`.
fn replies_and_mentions(views: &Views, person: PersonId) -> Vec<(ReadingId, usize)> {
    let site = views.site;
    let mut all: Vec<(ReadingId, usize)> = views.bodies.mentioned_in[person.0].clone();
    // Replies to their published comments only: a reply to a removed comment is not theirs any more.
    all.extend_from_slice(views.replies_received(person));
    all.sort_unstable();
    all.dedup();
    if all.len() > FEED_COMMENTS {
        // The newest in `newest_first`'s order, found without sorting the thousands a prolific writer has.
        let date = |&(r, c): &(ReadingId, usize)| site.readings[r.0].thread.comments[c].date;
        all.select_nth_unstable_by(FEED_COMMENTS, |a, b| date(b).cmp(&date(a)).then(a.cmp(b)));
        all.truncate(FEED_COMMENTS);
    }
    crate::model::newest_first(&site.readings, &mut all);
    all
}

/// Every page of the plan, in its order: the sitemap cannot miss a kind of page.
pub fn sitemap(views: &Views, page: PageView) -> SitemapPage {
    let site = views.site;
    let entries = plan(site)
        .into_iter()
        .filter_map(|job| {
            let route = job.route(site);
            let lastmod = match job {
                PageJob::Index(_) => site.readings.first().map(|r| views.day(&r.date)),
                PageJob::Reading(id) => {
                    let reading = &site.readings[id.0];
                    let last = reading.thread.comments.iter().map(|c| c.date).chain([reading.date]).max();
                    last.map(|date| views.day(&date))
                }
                _ => None,
            };
            route.is_page().then(|| SitemapEntry { permalink: views.permalink(&route), lastmod })
        })
        .collect();
    SitemapPage { page, entries }
}

/// Every reading, newest first.
pub fn all_readings(site: &Site) -> impl Iterator<Item = ReadingId> {
    (0..site.readings.len()).map(ReadingId)
}

/// The newest `keep` comments on `readings`, newest first (the later reading's first at the same time).
fn newest_comments(views: &Views, keep: usize, readings: impl Iterator<Item = ReadingId>) -> Vec<(ReadingId, usize)> {
    let site = views.site;
    // Each reading's newest are gathered once per build; the newest of them all are among those.
    let mut all: Vec<(DateTime<FixedOffset>, ReadingId, usize)> = readings
        .flat_map(|r| {
            views.newest(r).iter().take(keep).map(move |&c| (site.readings[r.0].thread.comments[c].date, r, c))
        })
        .collect();
    let keep = keep.min(all.len());
    if keep < all.len() {
        all.select_nth_unstable_by(keep, |a, b| b.cmp(a));
        all.truncate(keep);
    }
    all.sort_by(|a, b| b.cmp(a));
    all.into_iter().map(|(_, r, c)| (r, c)).collect()
}
