//! Which pages and feeds a site has, and what goes into each.

use serde::Serialize;
use tera::Context;

use super::context::Views;
use super::page_context::{
    self, all_readings, IndexPage, PeoplePage, PlainPage, ReadingCommentsFeed, ReadingPage, TagPage, TagsPage,
};
use crate::language::Language;
use crate::model::{PersonId, ReadingId, Site};
use crate::routes::{Links, Route};

/// How many readings the readings feed holds.
pub const FEED_READINGS: usize = 20;
/// How many comments the comments feed holds.
pub const FEED_COMMENTS: usize = 50;
/// How many reflections a person's page shows; more go on further pages, so no page grows without bound.
pub const AUTHOR_PAGE_SIZE: usize = 100;

/// One page or feed to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageJob {
    /// `/`, then `/page/2/` and on: a page of the readings, counted from 0.
    Index(usize),
    /// `/<section>/` and its further pages, by section index then page.
    Section(usize, usize),
    /// `/<section>/<slug>/`.
    Reading(ReadingId),
    /// `/authors/` and its further pages.
    Authors(usize),
    /// `/authors/<slug>/`, then `/authors/<slug>/page/2/` and on: a person and a page of their reflections,
    /// counted from 0.
    Author(PersonId, usize),
    /// `/tags/`.
    Tags,
    /// `/tags/<slug>/` and its further pages, by tag index then page.
    Tag(usize, usize),
    /// `/404.html`.
    NotFound,
    /// `/atom.xml`.
    ReadingsFeed,
    /// `/comments.xml`.
    CommentsFeed,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/<section>/<slug>/comments.xml`: one reading's discussion as a feed.
    ReadingComments(ReadingId),
    /// `/authors/<slug>/replies.xml`: replies to and mentions of one person, as a feed.
    PersonReplies(PersonId),
    /// `/search/`: the search page.
    Search,
}

/// How many pages a list of `count` items takes at the site's `page_size`: at least one.
pub fn pages(site: &Site, count: usize) -> usize {
    count.div_ceil(site.config.page_size).max(1)
}

/// Every page and feed of `site`, in a stable order.
pub fn plan(site: &Site) -> Vec<PageJob> {
    let mut jobs: Vec<PageJob> = (0..pages(site, all_readings(site).count())).map(PageJob::Index).collect();
    jobs.extend((0..pages(site, site.people.len())).map(PageJob::Authors));
    jobs.extend([PageJob::Tags, PageJob::NotFound]);
    for section in 0..site.sections.len() {
        let count = page_context::section_readings(site, section).len();
        jobs.extend((0..pages(site, count)).map(|page| PageJob::Section(section, page)));
    }
    jobs.extend((0..site.readings.len()).map(|i| PageJob::Reading(ReadingId(i))));
    for person in (0..site.people.len()).map(PersonId) {
        jobs.extend((0..page_context::person_pages(site, person)).map(|page| PageJob::Author(person, page)));
    }
    for tag in 0..site.tags.len() {
        jobs.extend((0..pages(site, site.tags[tag].readings.len())).map(|page| PageJob::Tag(tag, page)));
    }
    jobs.extend([PageJob::ReadingsFeed, PageJob::CommentsFeed, PageJob::Sitemap]);
    jobs.extend((0..site.readings.len()).map(|i| PageJob::ReadingComments(ReadingId(i))));
    jobs.extend((0..site.people.len()).map(|i| PageJob::PersonReplies(PersonId(i))));
    jobs.push(PageJob::Search);
    jobs
}

impl PageJob {
    /// The template that renders it.
    pub fn template(self) -> &'static str {
        match self {
            PageJob::Index(_) => "index.html",
            PageJob::Section(..) => "section.html",
            PageJob::Reading(_) => "reading.html",
            PageJob::Authors(_) => "authors.html",
            PageJob::Author(..) => "author.html",
            PageJob::Tags => "tags.html",
            PageJob::Tag(..) => "tag.html",
            PageJob::NotFound => "404.html",
            PageJob::ReadingsFeed => "atom.xml",
            PageJob::CommentsFeed => "comments.xml",
            PageJob::Sitemap => "sitemap.xml",
            PageJob::ReadingComments(_) | PageJob::PersonReplies(_) => "comments.xml",
            PageJob::Search => "search.html",
        }
    }

    /// Its address.
    pub fn route(self, site: &Site) -> Route {
        match self {
            PageJob::Index(page) => Route::home_page(page),
            PageJob::Section(i, page) => Route::section_page(&site.sections[i].path, page),
            PageJob::Reading(id) => Route::reading(&site.readings[id.0].path),
            PageJob::Authors(page) => Route::people_page(page),
            PageJob::Author(id, page) => Route::person(&site.people[id.0].slug, page),
            PageJob::Tags => Route::tags(),
            PageJob::Tag(i, page) => Route::tag_page(&site.tags[i].slug, page),
            PageJob::NotFound => Route::not_found(),
            PageJob::ReadingsFeed => Route::readings_feed(),
            PageJob::CommentsFeed => Route::comments_feed(),
            PageJob::Sitemap => Route::sitemap(),
            PageJob::ReadingComments(id) => Route::reading_feed(&site.readings[id.0].path),
            PageJob::PersonReplies(id) => Route::person_feed(&site.people[id.0].slug),
            PageJob::Search => Route::search(),
        }
    }

    /// Where its links start from: its own file on pages; the host's root in `404.html`, which a
    /// host shows at any address; absolute in feeds and the sitemap, read away from the site.
    pub fn links(self, site: &Site) -> Links {
        let base = &site.config.base_url;
        match self {
            PageJob::NotFound => Links::rooted(base),
            PageJob::ReadingsFeed
            | PageJob::CommentsFeed
            | PageJob::ReadingComments(_)
            | PageJob::PersonReplies(_)
            | PageJob::Sitemap => Links::absolute(base),
            _ => Links::From(self.route(site)),
        }
    }

    /// Where it is written, relative to the output folder.
    pub fn output_path(self, site: &Site) -> String {
        self.route(site).output_path()
    }

    /// `page.kind`.
    fn kind(self) -> &'static str {
        match self {
            PageJob::Index(_) => "index",
            PageJob::Section(..) => "section",
            PageJob::Reading(_) => "reading",
            PageJob::Authors(_) => "authors",
            PageJob::Author(..) => "author",
            PageJob::Tags => "tags",
            PageJob::Tag(..) => "tag",
            PageJob::NotFound => "404",
            PageJob::ReadingsFeed => "atom",
            PageJob::CommentsFeed => "comments",
            PageJob::Sitemap => "sitemap",
            PageJob::ReadingComments(_) => "reading-comments",
            PageJob::PersonReplies(_) => "person-replies",
            PageJob::Search => "search",
        }
    }

    /// `page.title`: the page's own title, without the site's; from page 2 of a list, with its number.
    fn title(self, site: &Site, language: &Language) -> String {
        let say = |key: &str, args: &[(&str, &str)]| language.say(key, None, args);
        let (title, page) = match self {
            PageJob::Index(page) => (site.config.title.clone(), page),
            PageJob::ReadingsFeed => (site.config.title.clone(), 0),
            PageJob::Section(i, page) => (site.sections[i].title.clone(), page),
            PageJob::Reading(id) => (site.readings[id.0].title.clone(), 0),
            PageJob::Authors(page) => (say("people", &[]), page),
            PageJob::Author(id, page) => (site.people[id.0].name.clone(), page),
            PageJob::Tags => (say("tags", &[]), 0),
            PageJob::Tag(i, page) => (site.tags[i].name.clone(), page),
            PageJob::NotFound => (say("page_not_found", &[]), 0),
            PageJob::CommentsFeed => (say("comments_on", &[("title", &site.config.title)]), 0),
            PageJob::ReadingComments(id) => (say("comments_on", &[("title", &site.readings[id.0].title)]), 0),
            PageJob::PersonReplies(id) => (say("replies_to_person", &[("name", &site.people[id.0].name)]), 0),
            PageJob::Search => (say("search", &[]), 0),
            PageJob::Sitemap => (say("sitemap", &[]), 0),
        };
        match page {
            0 => title,
            _ => say("page_title", &[("title", &title), ("page", &(page + 1).to_string())]),
        }
    }

    /// The typed struct of its kind of page, before it becomes Tera's context: what a page's key hashes.
    pub fn typed_context<'a>(self, views: &'a Views<'a>) -> PageContext<'a> {
        let site = views.site;
        let about = match self {
            PageJob::Reading(id) => Some(&views.bodies.readings[id.0].summary),
            PageJob::Author(person, 0) => views.bodies.bios[person.0].as_ref(),
            _ => None,
        };
        let page = views.page(self.kind(), self.title(site, views.language), &self.route(site), about);
        match self {
            PageJob::Index(number) => {
                let all: Vec<ReadingId> = all_readings(site).collect();
                let (shown, pagination) = page_context::paginate(views, &all, number, PageJob::Index);
                let readings = shown.iter().map(|&r| views.entry(r)).collect();
                PageContext::Index(IndexPage { page, weeks: views.weeks(shown), readings, pagination })
            }
            PageJob::Section(i, number) => PageContext::Section(page_context::section(views, page, i, number)),
            PageJob::Reading(id) => PageContext::Reading(ReadingPage {
                page,
                reading: views.reading(id, true),
                thread: views.thread(id),
                participants: views.participants(id),
                previous: (id.0 + 1 < site.readings.len()).then(|| views.entry(ReadingId(id.0 + 1))),
                next: id.0.checked_sub(1).map(|i| views.entry(ReadingId(i))),
            }),
            PageJob::Authors(number) => {
                let mut people: Vec<PersonId> = (0..site.people.len()).map(PersonId).collect();
                people.sort_by_cached_key(|p| (site.people[p.0].name.to_lowercase(), site.people[p.0].slug.clone()));
                let (shown, pagination) = page_context::paginate(views, &people, number, PageJob::Authors);
                let people = shown.iter().map(|&p| views.person(p)).collect();
                PageContext::People(PeoplePage { page, people, pagination })
            }
            PageJob::Author(id, number) => PageContext::Person(page_context::person(views, page, id, number)),
            PageJob::Tags => {
                let mut tags: Vec<usize> = (0..site.tags.len()).collect();
                tags.sort_by_cached_key(|&t| site.tags[t].name.to_lowercase());
                PageContext::Tags(TagsPage { page, tags: tags.into_iter().map(|t| views.tag(t)).collect() })
            }
            PageJob::Tag(i, number) => {
                let (shown, pagination) =
                    page_context::paginate(views, &site.tags[i].readings, number, move |n| PageJob::Tag(i, n));
                let readings = shown.iter().map(|&r| views.entry(r)).collect();
                let comments = page_context::tag_comments(views, i, number);
                PageContext::Tag(TagPage { page, tag: views.tag(i), readings, comments, pagination })
            }
            PageJob::NotFound | PageJob::Search => PageContext::Plain(PlainPage { page }),
            PageJob::ReadingsFeed => PageContext::ReadingsFeed(page_context::readings_feed(views, page)),
            PageJob::CommentsFeed => PageContext::CommentsFeed(page_context::comments_feed(views, page, None)),
            PageJob::ReadingComments(id) => PageContext::ReadingComments(ReadingCommentsFeed {
                feed: page_context::comments_feed(views, page, Some(id)),
                reading: views.entry(id),
            }),
            PageJob::PersonReplies(id) => PageContext::PersonReplies(page_context::person_feed(views, page, id)),
            PageJob::Sitemap => PageContext::Sitemap(page_context::sitemap(views, page)),
        }
    }
}

/// A page's typed context: the struct of its kind, serialized as that struct alone.
#[derive(Debug, Serialize)]
#[serde(untagged)]
// One is made at a time per page and handed on at once: boxing the large ones would only allocate.
#[allow(clippy::large_enum_variant)]
pub enum PageContext<'a> {
    /// `index.html`.
    Index(IndexPage<'a>),
    /// `section.html`.
    Section(page_context::SectionPage<'a>),
    /// `reading.html`.
    Reading(ReadingPage<'a>),
    /// `authors.html`.
    People(PeoplePage<'a>),
    /// `author.html`.
    Person(page_context::PersonPage<'a>),
    /// `tags.html`.
    Tags(TagsPage<'a>),
    /// `tag.html`.
    Tag(TagPage<'a>),
    /// `404.html` and `search.html`.
    Plain(PlainPage),
    /// `atom.xml`, the readings feed.
    ReadingsFeed(page_context::ReadingsFeed<'a>),
    /// `comments.xml`, the comments feed.
    CommentsFeed(page_context::CommentsFeed<'a>),
    /// `comments.xml`, a reading's comments feed.
    ReadingComments(ReadingCommentsFeed<'a>),
    /// `comments.xml`, the feed of replies to one person and mentions of them.
    PersonReplies(page_context::PersonRepliesFeed<'a>),
    /// `sitemap.xml`.
    Sitemap(page_context::SitemapPage),
}

impl PageContext<'_> {
    /// Tera's context: every page context is a struct of plain data, so this cannot fail.
    pub fn to_tera(&self) -> Context {
        Context::from_serialize(self).expect("a page context is a struct of plain data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_page_is_documented_for_themes() {
        let objects = include_str!("objects.rs");
        let documented = objects.split("pub struct PageView").nth(1).and_then(|s| s.split("pub title").next()).unwrap();
        let jobs = [
            PageJob::Index(0),
            PageJob::Section(0, 0),
            PageJob::Reading(ReadingId(0)),
            PageJob::Authors(0),
            PageJob::Author(PersonId(0), 0),
            PageJob::Tags,
            PageJob::Tag(0, 0),
            PageJob::NotFound,
            PageJob::ReadingsFeed,
            PageJob::CommentsFeed,
            PageJob::Sitemap,
            PageJob::ReadingComments(ReadingId(0)),
            PageJob::PersonReplies(PersonId(0)),
            PageJob::Search,
        ];
        for job in jobs {
            assert!(
                documented.contains(&format!("`{}`", job.kind())),
                "`page.kind` {} is not in PageView's doc",
                job.kind()
            );
        }
    }
}
