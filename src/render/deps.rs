//! Which pages depend on what: after an edit, only the pages that show changed content are rendered again.
//!
//! The model is compared, not the files: two builds' readings are matched by
//! path and compared whole, so a page is redone exactly when something it
//! shows may differ. Anything site-wide (settings, people, tags, sections)
//! redoes everything; it changes rarely and the rules stay simple.

use std::collections::{HashMap, HashSet};

use super::markdown::{self, Author};
use super::pages::{plan, PageJob, AUTHOR_PAGE_SIZE};
use crate::model::{PersonId, Reading, Site};

/// What differs between two builds of a site.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// Something every page may show: redo them all.
    Everything,
    /// Only these readings (by path) were added, removed or edited.
    Readings(HashSet<String>),
}

/// Compares the site before and after an edit.
pub fn change(old: &Site, new: &Site) -> Change {
    let same_tags = old.tags.len() == new.tags.len()
        && old.tags.iter().zip(&new.tags).all(|(a, b)| a.slug == b.slug && a.name == b.name);
    if old.config != new.config || old.sections != new.sections || old.people != new.people || !same_tags {
        return Change::Everything;
    }
    let mut changed: HashSet<String> = HashSet::new();
    let before: std::collections::HashMap<&str, &Reading> = old.readings.iter().map(|r| (r.path.as_str(), r)).collect();
    for reading in &new.readings {
        if before.get(reading.path.as_str()).is_none_or(|old| *old != reading) {
            changed.insert(reading.path.clone());
        }
    }
    let now: HashSet<&str> = new.readings.iter().map(|r| r.path.as_str()).collect();
    changed.extend(old.readings.iter().filter(|r| !now.contains(r.path.as_str())).map(|r| r.path.clone()));
    Change::Readings(changed)
}

/// The pages of `new` that `change` touches, in plan order.
pub fn pages(old: &Site, new: &Site, change: &Change) -> Vec<PageJob> {
    let Change::Readings(changed) = change else { return plan(new) };
    if changed.is_empty() {
        return Vec::new();
    }
    let mut touched = Touched::default();
    let find = |site: &Site, path: &str| site.readings.iter().position(|r| r.path == path);
    for path in changed {
        let (before, after) = (find(old, path), find(new, path));
        for (site, index) in [(old, before), (new, after)] {
            if let Some(index) = index {
                touched.around(site, index);
                touched.writers(site, index);
            }
        }
        match (before, after) {
            (Some(b), Some(a)) if same_but_thread(&old.readings[b], &new.readings[a]) => {
                touched.thread_changes(old, &old.readings[b], new, &new.readings[a]);
            }
            _ => {
                for (site, index) in [(old, before), (new, after)] {
                    if let Some(index) = index {
                        let reading = &site.readings[index];
                        touched.all_pages(site, reading.author);
                        for comment in &reading.thread.comments {
                            touched.all_pages(site, comment.author);
                            touched.mentions(site, &comment.body);
                        }
                    }
                }
            }
        }
    }
    plan(new)
        .into_iter()
        .filter(|job| match *job {
            PageJob::Reading(id) | PageJob::ReadingComments(id) => touched.readings.contains(&new.readings[id.0].path),
            PageJob::Section(i, _) => touched.sections.contains(&new.sections[i].path),
            PageJob::Author(id, page) => match touched.people.get(&new.people[id.0].slug) {
                Some(Pages::All) => true,
                Some(Pages::Only(pages)) => pages.contains(&page),
                None => false,
            },
            PageJob::Tag(i, _) => touched.tags.contains(&new.tags[i].slug),
            // A reply to someone is in a thread they wrote in; a mention touches their page too.
            PageJob::PersonReplies(id) => {
                let slug = &new.people[id.0].slug;
                touched.writers.contains(slug) || touched.people.contains_key(slug)
            }
            PageJob::NotFound | PageJob::Search => false,
            PageJob::Index(_)
            | PageJob::Authors(_)
            | PageJob::Tags
            | PageJob::ReadingsFeed
            | PageJob::CommentsFeed
            | PageJob::Sitemap
            | PageJob::SearchIndex => true,
        })
        .collect()
}

/// Whether two versions of a reading differ at most in their thread.
///
/// Destructured whole, so a new field of `Reading` cannot be forgotten here.
fn same_but_thread(a: &Reading, b: &Reading) -> bool {
    let Reading {
        span,
        section,
        path,
        title,
        date,
        author,
        week,
        tags,
        summary,
        body,
        body_span,
        summary_span,
        source,
        draft,
        comments_open,
        due,
        thread: _,
        // Only `thread` shows what waits (in `serve`); a published page never does.
        waiting: _,
        assets,
    } = a;
    *span == b.span
        && *section == b.section
        && *path == b.path
        && *title == b.title
        && *date == b.date
        && *author == b.author
        && *week == b.week
        && *tags == b.tags
        && *summary == b.summary
        && *body == b.body
        && *body_span == b.body_span
        && *summary_span == b.summary_span
        && *due == b.due
        && *source == b.source
        && *draft == b.draft
        && *comments_open == b.comments_open
        && *assets == b.assets
}

/// Whom a comment names with `@`: their pages list it under "mentioned in".
fn mentioned(site: &Site, body: &str) -> Vec<PersonId> {
    let author = Author::Member { id_prefix: "", mentions: Some(&site.mention_names) };
    markdown::to_html(body, author).map(|converted| converted.mentions).unwrap_or_default()
}

/// What a comment shows on its author's page, by the ids of itself and its parent (indexes shift).
type Shown<'a> = (Option<PersonId>, &'a chrono::DateTime<chrono::FixedOffset>, &'a str, Option<&'a str>);

fn shown(reading: &Reading) -> HashMap<&str, Shown<'_>> {
    let comments = &reading.thread.comments;
    // Author pages list published comments only: approving one adds it there.
    comments
        .iter()
        .filter(|c| c.is_published())
        .map(|c| {
            let parent = c.parent.map(|p| comments[p].id.as_str());
            (c.id.as_str(), (c.author, &c.date, c.body.as_str(), parent))
        })
        .collect()
}

/// Everything that shows a changed reading, by stable name (indexes differ between builds).
#[derive(Debug, Default)]
struct Touched {
    readings: HashSet<String>,
    sections: HashSet<String>,
    people: HashMap<String, Pages>,
    tags: HashSet<String>,
    /// Everyone who wrote in a changed thread: their feeds of replies may change.
    writers: HashSet<String>,
}

/// Which pages of a person's reflections show a change.
#[derive(Debug)]
enum Pages {
    /// Their reflections were added, removed or moved: every page shifts.
    All,
    /// Only these pages, counted from 0.
    Only(HashSet<usize>),
}

impl Touched {
    fn all_pages(&mut self, site: &Site, person: Option<PersonId>) {
        if let Some(person) = person {
            self.people.insert(site.people[person.0].slug.clone(), Pages::All);
        }
    }

    fn page(&mut self, site: &Site, person: Option<PersonId>, page: usize) {
        let Some(person) = person else { return };
        let entry =
            self.people.entry(site.people[person.0].slug.clone()).or_insert_with(|| Pages::Only(HashSet::new()));
        if let Pages::Only(pages) = entry {
            pages.insert(page);
        }
    }

    /// The people a text names: their first page lists it under "mentioned in".
    fn mentions(&mut self, site: &Site, body: &str) {
        for person in mentioned(site, body) {
            self.page(site, Some(person), 0);
        }
    }

    /// A reading's own page, its neighbours' pages (they show its title and counts), its sections and tags.
    fn around(&mut self, site: &Site, index: usize) {
        let reading = &site.readings[index];
        let neighbours = [index.checked_sub(1), Some(index + 1)].into_iter().flatten();
        for near in neighbours.filter(|&i| i < site.readings.len()) {
            self.readings.insert(site.readings[near].path.clone());
        }
        self.readings.insert(reading.path.clone());
        // A section page may list its subsections' readings too.
        let mut section = reading.section.as_str();
        loop {
            self.sections.insert(section.to_string());
            match section.rsplit_once('/') {
                Some((parent, _)) => section = parent,
                None if !section.is_empty() => section = "",
                None => break,
            }
        }
        self.tags.extend(reading.tags.iter().map(|&t| site.tags[t].slug.clone()));
        // Their first page lists the reading with its comment count.
        self.page(site, reading.author, 0);
    }

    /// Everyone who wrote in reading `index`'s thread.
    fn writers(&mut self, site: &Site, index: usize) {
        let authors = site.readings[index].thread.comments.iter().filter_map(|c| c.author);
        self.writers.extend(authors.map(|a| site.people[a.0].slug.clone()));
    }

    /// Only comments changed: the pages that show them, and the cards of the replies whose parent changed hands.
    fn thread_changes(&mut self, old_site: &Site, old: &Reading, new_site: &Site, new: &Reading) {
        let (before, after) = (shown(old), shown(new));
        let differs: HashSet<&str> =
            before.keys().chain(after.keys()).copied().filter(|id| before.get(id) != after.get(id)).collect();
        let mut new_parent_writer: HashSet<&str> = HashSet::new();
        for id in &differs {
            let (was, is) = (before.get(id), after.get(id));
            for (site, comment) in [(old_site, was), (new_site, is)] {
                if let Some((_, _, body, _)) = comment {
                    self.mentions(site, body);
                }
            }
            match (was, is) {
                // Same writer, same date: the comment keeps its place on its writer's pages.
                (Some(w), Some(i)) if w.0 == i.0 && w.1 == i.1 => {
                    let page = page_of(new_site, new, id, i.0);
                    self.page(new_site, i.0, page);
                }
                _ => {
                    self.all_pages(old_site, was.and_then(|w| w.0));
                    self.all_pages(new_site, is.and_then(|i| i.0));
                    new_parent_writer.insert(id);
                }
            }
        }
        // A reply's card says whom it answers.
        for (id, (author, _, _, parent)) in &after {
            if parent.is_some_and(|p| new_parent_writer.contains(p)) {
                let page = page_of(new_site, new, id, *author);
                self.page(new_site, *author, page);
            }
        }
    }
}

/// Which page of its writer's reflections comment `id` of `reading` is on.
fn page_of(site: &Site, reading: &Reading, id: &str, author: Option<PersonId>) -> usize {
    let Some(author) = author else { return 0 };
    let reading_id = site.readings.iter().position(|r| r.path == reading.path);
    let index = reading.thread.comments.iter().position(|c| c.id == id);
    let place =
        site.contributions[author.0].comments.iter().position(|&(r, c)| Some(r.0) == reading_id && Some(c) == index);
    place.map_or(0, |place| place / AUTHOR_PAGE_SIZE)
}
