//! Which pages and feeds a site has, and what goes into each.

use serde::Serialize;
use tera::Context;

use super::context::Views;
use super::page_context::{
    self, all_readings, IndexPage, PeoplePage, PlainPage, ReadingCommentsFeed, ReadingPage, TagPage, TagsPage,
};
use crate::model::{PersonId, ReadingId, Site};
use crate::routes::Route;

/// How many readings the readings feed holds.
pub const FEED_READINGS: usize = 20;
/// How many comments the comments feed holds.
pub const FEED_COMMENTS: usize = 50;
/// How many reflections a person's page shows; more go on further pages, so no page grows without bound.
pub const AUTHOR_PAGE_SIZE: usize = 100;

/// One page or feed to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageJob {
    /// `/`.
    Index,
    /// `/<section>/`, by section index.
    Section(usize),
    /// `/<section>/<slug>/`.
    Reading(ReadingId),
    /// `/authors/`.
    Authors,
    /// `/authors/<slug>/`, then `/authors/<slug>/page/2/` and on: a person and a page of their reflections,
    /// counted from 0.
    Author(PersonId, usize),
    /// `/tags/`.
    Tags,
    /// `/tags/<slug>/`, by tag index.
    Tag(usize),
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
    /// `/search/`: the search page.
    Search,
    /// `/search.json`: what the search page searches (made without a template).
    SearchIndex,
}

/// Every page and feed of `site`, in a stable order.
pub fn plan(site: &Site) -> Vec<PageJob> {
    let mut jobs = vec![PageJob::Index, PageJob::Authors, PageJob::Tags, PageJob::NotFound];
    jobs.extend((0..site.sections.len()).map(PageJob::Section));
    jobs.extend((0..site.readings.len()).map(|i| PageJob::Reading(ReadingId(i))));
    for person in (0..site.people.len()).map(PersonId) {
        jobs.extend((0..page_context::person_pages(site, person)).map(|page| PageJob::Author(person, page)));
    }
    jobs.extend((0..site.tags.len()).map(PageJob::Tag));
    jobs.extend([PageJob::ReadingsFeed, PageJob::CommentsFeed, PageJob::Sitemap]);
    jobs.extend((0..site.readings.len()).map(|i| PageJob::ReadingComments(ReadingId(i))));
    jobs.extend([PageJob::Search, PageJob::SearchIndex]);
    jobs
}

impl PageJob {
    /// The template that renders it (`search.json` is written without one).
    pub fn template(self) -> &'static str {
        match self {
            PageJob::Index => "index.html",
            PageJob::Section(_) => "section.html",
            PageJob::Reading(_) => "reading.html",
            PageJob::Authors => "authors.html",
            PageJob::Author(..) => "author.html",
            PageJob::Tags => "tags.html",
            PageJob::Tag(_) => "tag.html",
            PageJob::NotFound => "404.html",
            PageJob::ReadingsFeed => "atom.xml",
            PageJob::CommentsFeed => "comments.xml",
            PageJob::Sitemap => "sitemap.xml",
            PageJob::ReadingComments(_) => "comments.xml",
            PageJob::Search => "search.html",
            PageJob::SearchIndex => "search.json",
        }
    }

    /// Its address.
    pub fn route(self, site: &Site) -> Route {
        match self {
            PageJob::Index => Route::home(),
            PageJob::Section(i) => Route::section(&site.sections[i].path),
            PageJob::Reading(id) => Route::reading(&site.readings[id.0].path),
            PageJob::Authors => Route::people(),
            PageJob::Author(id, page) => Route::person(&site.people[id.0].slug, page),
            PageJob::Tags => Route::tags(),
            PageJob::Tag(i) => Route::tag(&site.tags[i].slug),
            PageJob::NotFound => Route::not_found(),
            PageJob::ReadingsFeed => Route::readings_feed(),
            PageJob::CommentsFeed => Route::comments_feed(),
            PageJob::Sitemap => Route::sitemap(),
            PageJob::ReadingComments(id) => Route::reading_feed(&site.readings[id.0].path),
            PageJob::Search => Route::search(),
            PageJob::SearchIndex => Route::search_index(),
        }
    }

    /// Where it is written, relative to the output folder.
    pub fn output_path(self, site: &Site) -> String {
        self.route(site).output_path()
    }

    /// `page.kind`.
    fn kind(self) -> &'static str {
        match self {
            PageJob::Index => "index",
            PageJob::Section(_) => "section",
            PageJob::Reading(_) => "reading",
            PageJob::Authors => "authors",
            PageJob::Author(..) => "author",
            PageJob::Tags => "tags",
            PageJob::Tag(_) => "tag",
            PageJob::NotFound => "404",
            PageJob::ReadingsFeed => "atom",
            PageJob::CommentsFeed => "comments",
            PageJob::Sitemap => "sitemap",
            PageJob::ReadingComments(_) => "reading-comments",
            PageJob::Search => "search",
            PageJob::SearchIndex => "search-index",
        }
    }

    /// `page.title`: the page's own title, without the site's.
    fn title(self, site: &Site) -> String {
        match self {
            PageJob::Index | PageJob::ReadingsFeed => site.config.title.clone(),
            PageJob::Section(i) => site.sections[i].title.clone(),
            PageJob::Reading(id) => site.readings[id.0].title.clone(),
            PageJob::Authors => "People".to_string(),
            PageJob::Author(id, 0) => site.people[id.0].name.clone(),
            PageJob::Author(id, page) => format!("{}, page {}", site.people[id.0].name, page + 1),
            PageJob::Tags => "Tags".to_string(),
            PageJob::Tag(i) => site.tags[i].name.clone(),
            PageJob::NotFound => "Page not found".to_string(),
            PageJob::CommentsFeed => format!("Comments on {}", site.config.title),
            PageJob::ReadingComments(id) => format!("Comments on {}", site.readings[id.0].title),
            PageJob::Search => "Search".to_string(),
            PageJob::SearchIndex => "Search index".to_string(),
            PageJob::Sitemap => "Sitemap".to_string(),
        }
    }

    /// The context its template receives, besides `site`: the typed struct of its kind of page.
    pub fn context(self, views: &Views) -> Context {
        self.typed_context(views).to_tera()
    }

    /// The typed struct of its kind of page, before it becomes Tera's context: what a page's key hashes.
    pub fn typed_context<'a>(self, views: &Views<'a>) -> PageContext<'a> {
        let site = views.site;
        let page = views.page(self.kind(), self.title(site), &self.route(site));
        match self {
            PageJob::Index => {
                let all: Vec<ReadingId> = all_readings(site).collect();
                let readings = all.iter().map(|&r| views.reading(r, false)).collect();
                PageContext::Index(IndexPage { page, weeks: views.weeks(&all), readings })
            }
            PageJob::Section(i) => PageContext::Section(page_context::section(views, page, i)),
            PageJob::Reading(id) => PageContext::Reading(ReadingPage {
                page,
                reading: views.reading(id, true),
                thread: views.thread(id),
                participants: views.participants(id),
                previous: (id.0 + 1 < site.readings.len()).then(|| views.reading(ReadingId(id.0 + 1), false)),
                next: id.0.checked_sub(1).map(|i| views.reading(ReadingId(i), false)),
            }),
            PageJob::Authors => {
                let mut people: Vec<PersonId> = (0..site.people.len()).map(PersonId).collect();
                people.sort_by_cached_key(|p| (site.people[p.0].name.to_lowercase(), site.people[p.0].slug.clone()));
                PageContext::People(PeoplePage { page, people: people.into_iter().map(|p| views.person(p)).collect() })
            }
            PageJob::Author(id, number) => PageContext::Person(page_context::person(views, page, id, number)),
            PageJob::Tags => {
                let mut tags: Vec<usize> = (0..site.tags.len()).collect();
                tags.sort_by_cached_key(|&t| site.tags[t].name.to_lowercase());
                PageContext::Tags(TagsPage { page, tags: tags.into_iter().map(|t| views.tag(t)).collect() })
            }
            PageJob::Tag(i) => {
                let readings = site.tags[i].readings.iter().map(|&r| views.reading(r, false)).collect();
                PageContext::Tag(TagPage { page, tag: views.tag(i), readings })
            }
            PageJob::NotFound | PageJob::Search | PageJob::SearchIndex => PageContext::Plain(PlainPage { page }),
            PageJob::ReadingsFeed => PageContext::ReadingsFeed(page_context::readings_feed(views, page)),
            PageJob::CommentsFeed => PageContext::CommentsFeed(page_context::comments_feed(views, page, None)),
            PageJob::ReadingComments(id) => PageContext::ReadingComments(ReadingCommentsFeed {
                feed: page_context::comments_feed(views, page, Some(id)),
                reading: views.reading(id, false),
            }),
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
    /// `404.html`, `search.html` and the search index.
    Plain(PlainPage),
    /// `atom.xml`, the readings feed.
    ReadingsFeed(page_context::ReadingsFeed<'a>),
    /// `comments.xml`, the comments feed.
    CommentsFeed(page_context::CommentsFeed<'a>),
    /// `comments.xml`, a reading's comments feed.
    ReadingComments(ReadingCommentsFeed<'a>),
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
            PageJob::Index,
            PageJob::Section(0),
            PageJob::Reading(ReadingId(0)),
            PageJob::Authors,
            PageJob::Author(PersonId(0), 0),
            PageJob::Tags,
            PageJob::Tag(0),
            PageJob::NotFound,
            PageJob::ReadingsFeed,
            PageJob::CommentsFeed,
            PageJob::Sitemap,
            PageJob::ReadingComments(ReadingId(0)),
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
