//! Which pages and feeds a site has, and what goes into each.

use chrono::{DateTime, FixedOffset};
use tera::Context;

use super::context::{SitemapEntry, Views};
use crate::model::{PersonId, ReadingId, Site};

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
    /// `/authors/<slug>/replies.xml`: replies to and mentions of one person, as a feed.
    PersonReplies(PersonId),
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
    for (i, work) in site.contributions.iter().enumerate() {
        let pages = work.comments.len().div_ceil(AUTHOR_PAGE_SIZE).max(1);
        jobs.extend((0..pages).map(|page| PageJob::Author(PersonId(i), page)));
    }
    jobs.extend((0..site.tags.len()).map(PageJob::Tag));
    jobs.extend([PageJob::ReadingsFeed, PageJob::CommentsFeed, PageJob::Sitemap]);
    jobs.extend((0..site.readings.len()).map(|i| PageJob::ReadingComments(ReadingId(i))));
    jobs.extend((0..site.people.len()).map(|i| PageJob::PersonReplies(PersonId(i))));
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
            PageJob::ReadingComments(_) | PageJob::PersonReplies(_) => "comments.xml",
            PageJob::Search => "search.html",
            PageJob::SearchIndex => "search.json",
        }
    }

    /// Its folder path for pages (`readings/trust`), or its file name for feeds.
    fn path(self, site: &Site) -> (String, bool) {
        match self {
            PageJob::Index => (String::new(), false),
            PageJob::Section(i) => (site.sections[i].path.clone(), false),
            PageJob::Reading(id) => (site.readings[id.0].path.clone(), false),
            PageJob::Authors => ("authors".into(), false),
            PageJob::Author(id, 0) => (format!("authors/{}", site.people[id.0].slug), false),
            PageJob::Author(id, page) => (format!("authors/{}/page/{}", site.people[id.0].slug, page + 1), false),
            PageJob::Tags => ("tags".into(), false),
            PageJob::Tag(i) => (format!("tags/{}", site.tags[i].slug), false),
            PageJob::NotFound => ("404.html".into(), true),
            PageJob::ReadingsFeed => ("atom.xml".into(), true),
            PageJob::CommentsFeed => ("comments.xml".into(), true),
            PageJob::Sitemap => ("sitemap.xml".into(), true),
            PageJob::ReadingComments(id) => (format!("{}/comments.xml", site.readings[id.0].path), true),
            PageJob::PersonReplies(id) => (format!("authors/{}/replies.xml", site.people[id.0].slug), true),
            PageJob::Search => ("search".into(), false),
            PageJob::SearchIndex => (super::search::INDEX_FILE.into(), true),
        }
    }

    /// Where it is written, relative to the output folder.
    pub fn output_path(self, site: &Site) -> String {
        match self.path(site) {
            (file, true) => file,
            (folder, false) if folder.is_empty() => "index.html".to_string(),
            (folder, false) => format!("{folder}/index.html"),
        }
    }

    /// The context its template receives, besides `site`.
    pub fn context(self, views: &Views) -> Context {
        let site = views.site;
        let mut context = Context::new();
        let (path, is_file) = self.path(site);
        let url = if is_file { views.file_url(&path) } else { views.url(&path) };
        let all: Vec<ReadingId> = (0..site.readings.len()).map(ReadingId).collect();
        let title = match self {
            PageJob::Index => {
                context.insert("weeks", &views.weeks(&all));
                context.insert("readings", &all.iter().map(|&r| views.reading(r, false)).collect::<Vec<_>>());
                site.config.title.clone()
            }
            PageJob::Section(i) => {
                let section = &site.sections[i];
                let prefix = format!("{}/", section.path);
                let inside: Vec<ReadingId> = all
                    .iter()
                    .copied()
                    .filter(|r| {
                        let s = &site.readings[r.0].section;
                        *s == section.path || s.starts_with(&prefix)
                    })
                    .collect();
                context.insert(
                    "section",
                    &super::context::SectionView {
                        title: &section.title,
                        url: url.clone(),
                        description: section.description.as_deref(),
                        content: views.bodies.sections[i].as_ref(),
                    },
                );
                context.insert("weeks", &views.weeks(&inside));
                context.insert("readings", &inside.iter().map(|&r| views.reading(r, false)).collect::<Vec<_>>());
                section.title.clone()
            }
            PageJob::Reading(id) => {
                context.insert("reading", &views.reading(id, true));
                context.insert("thread", &views.thread(id));
                context.insert("participants", &views.participants(id));
                let newer = id.0.checked_sub(1).map(|i| views.reading(ReadingId(i), false));
                let older = (id.0 + 1 < site.readings.len()).then(|| views.reading(ReadingId(id.0 + 1), false));
                context.insert("previous", &older);
                context.insert("next", &newer);
                site.readings[id.0].title.clone()
            }
            PageJob::Authors => {
                let mut people: Vec<PersonId> = (0..site.people.len()).map(PersonId).collect();
                people.sort_by(|a, b| {
                    let key = |p: &PersonId| (site.people[p.0].name.to_lowercase(), site.people[p.0].slug.clone());
                    key(a).cmp(&key(b))
                });
                context.insert("people", &people.into_iter().map(|p| views.person(p)).collect::<Vec<_>>());
                "People".to_string()
            }
            PageJob::Author(id, page) => {
                let work = &site.contributions[id.0];
                let first_page = page == 0;
                context.insert("person", &views.person(id));
                context.insert("replies_feed_url", &views.file_url(&PageJob::PersonReplies(id).path(site).0));
                let readings = work.readings.iter().filter(|_| first_page).map(|&r| views.reading(r, false));
                context.insert("readings", &readings.collect::<Vec<_>>());
                let shown = work.comments.iter().skip(page * AUTHOR_PAGE_SIZE).take(AUTHOR_PAGE_SIZE);
                context.insert("comments", &shown.map(|&(r, c)| views.comment_card(r, c)).collect::<Vec<_>>());
                let mentioned_in = &views.bodies.mentioned_in[id.0];
                let newest = mentioned_in.iter().filter(|_| first_page).take(AUTHOR_PAGE_SIZE);
                context.insert("mentioned_in", &newest.map(|&(r, c)| views.comment_card(r, c)).collect::<Vec<_>>());
                context.insert("mentioned_count", &mentioned_in.len());
                let pages = work.comments.len().div_ceil(AUTHOR_PAGE_SIZE).max(1);
                let address = |page: usize| PageJob::Author(id, page).path(site).0;
                let pagination = Pagination {
                    page: page + 1,
                    pages,
                    previous: page.checked_sub(1).map(|p| views.url(&address(p))),
                    next: (page + 1 < pages).then(|| views.url(&address(page + 1))),
                };
                context.insert("pagination", &pagination);
                match page {
                    0 => site.people[id.0].name.clone(),
                    _ => format!("{}, page {}", site.people[id.0].name, page + 1),
                }
            }
            PageJob::Tags => {
                let mut tags: Vec<usize> = (0..site.tags.len()).collect();
                tags.sort_by_key(|&t| site.tags[t].name.to_lowercase());
                context.insert("tags", &tags.into_iter().map(|t| views.tag(t)).collect::<Vec<_>>());
                "Tags".to_string()
            }
            PageJob::Tag(i) => {
                let tag = &site.tags[i];
                context.insert("tag", &views.tag(i));
                context.insert("readings", &tag.readings.iter().map(|&r| views.reading(r, false)).collect::<Vec<_>>());
                tag.name.clone()
            }
            PageJob::NotFound => "Page not found".to_string(),
            PageJob::ReadingsFeed => {
                let newest: Vec<_> = all.iter().take(FEED_READINGS).map(|&r| views.reading(r, true)).collect();
                context.insert("readings", &newest);
                context.insert("updated", &site.readings.first().map(|r| views.date(&r.date)));
                site.config.title.clone()
            }
            PageJob::CommentsFeed => {
                comments_feed(&mut context, views, newest_comments(site, None));
                format!("Comments on {}", site.config.title)
            }
            PageJob::ReadingComments(id) => {
                let newest = newest_comments(site, Some(id));
                if newest.is_empty() {
                    context.insert("updated", &views.date(&site.readings[id.0].date));
                }
                comments_feed(&mut context, views, newest);
                context.insert("reading", &views.reading(id, false));
                format!("Comments on {}", site.readings[id.0].title)
            }
            PageJob::PersonReplies(id) => {
                comments_feed(&mut context, views, replies_and_mentions(site, &views.bodies.mentioned_in[id.0], id));
                let page = PageJob::Author(id, 0).path(site).0;
                context.insert("person_permalink", &views.permalink(&views.url(&page)));
                format!("Replies to {}", site.people[id.0].name)
            }
            PageJob::Search => "Search".to_string(),
            PageJob::SearchIndex => "Search index".to_string(),
            PageJob::Sitemap => {
                context.insert("entries", &sitemap(site, views));
                "Sitemap".to_string()
            }
        };
        let kind = match self {
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
            PageJob::PersonReplies(_) => "person-replies",
            PageJob::Search => "search",
            PageJob::SearchIndex => "search-index",
        };
        context.insert("page", &views.page(kind, title, url));
        context
    }
}

/// `pagination` of a person's page: which page of their reflections this is, and links to its neighbours.
#[derive(Debug, serde::Serialize)]
pub struct Pagination {
    /// This page, counted from 1.
    pub page: usize,
    /// How many pages there are.
    pub pages: usize,
    /// The page before, if any.
    pub previous: Option<String>,
    /// The page after, if any.
    pub next: Option<String>,
}

/// `updated` (unless already set) and `comments` of a comments feed.
fn comments_feed(context: &mut Context, views: &Views, newest: Vec<(ReadingId, usize)>) {
    let site = views.site;
    if let Some(&(r, c)) = newest.first() {
        context.insert("updated", &views.date(&site.readings[r.0].thread.comments[c].date));
    } else if !context.contains_key("updated") {
        context.insert("updated", &None::<()>);
    }
    let cards: Vec<_> = newest.into_iter().map(|(r, c)| views.comment_card(r, c)).collect();
    context.insert("comments", &cards);
}

/// The newest comments of the whole site, or of one reading, newest first.
fn newest_comments(site: &Site, only: Option<ReadingId>) -> Vec<(ReadingId, usize)> {
    let mut all: Vec<(DateTime<FixedOffset>, ReadingId, usize)> = site
        .readings
        .iter()
        .enumerate()
        .filter(|(r, _)| only.is_none_or(|id| id.0 == *r))
        .flat_map(|(r, reading)| {
            let published = reading.thread.comments.iter().enumerate().filter(|(_, c)| c.is_published());
            published.map(move |(c, comment)| (comment.date, ReadingId(r), c))
        })
        .collect();
    let keep = FEED_COMMENTS.min(all.len());
    if keep < all.len() {
        all.select_nth_unstable_by(keep, |a, b| b.cmp(a));
        all.truncate(keep);
    }
    all.sort_by(|a, b| b.cmp(a));
    all.into_iter().map(|(_, r, c)| (r, c)).collect()
}

/// Published replies to `person`'s comments by others, and the comments `mentioned` names them in,
/// newest first, at most `FEED_COMMENTS`.
fn replies_and_mentions(site: &Site, mentioned: &[(ReadingId, usize)], person: PersonId) -> Vec<(ReadingId, usize)> {
    let mut all: Vec<(ReadingId, usize)> = mentioned.to_vec();
    for &(r, c) in &site.contributions[person.0].comments {
        let thread = &site.readings[r.0].thread;
        let replies = thread.children[c].iter().filter(|&&child| {
            let reply = &thread.comments[child];
            reply.is_published() && reply.author != Some(person)
        });
        all.extend(replies.map(|&child| (r, child)));
    }
    all.sort_unstable();
    all.dedup();
    crate::model::newest_first(&site.readings, &mut all);
    all.truncate(FEED_COMMENTS);
    all
}

fn sitemap(site: &Site, views: &Views) -> Vec<SitemapEntry> {
    let newest = site.readings.first().map(|r| views.date(&r.date).day);
    let entry =
        |path: &str, lastmod: Option<String>| SitemapEntry { permalink: views.permalink(&views.url(path)), lastmod };
    let mut entries = vec![entry("", newest.clone())];
    entries.extend(site.sections.iter().map(|s| entry(&s.path, None)));
    for reading in &site.readings {
        let last =
            reading.thread.comments.iter().map(|c| c.date).chain([reading.date]).max().expect("one date at least");
        entries.push(entry(&reading.path, Some(views.date(&last).day)));
    }
    entries.push(entry("authors", None));
    entries.extend(site.people.iter().map(|p| entry(&format!("authors/{}", p.slug), None)));
    entries.push(entry("tags", None));
    entries.extend(site.tags.iter().map(|t| entry(&format!("tags/{}", t.slug), None)));
    entries
}
