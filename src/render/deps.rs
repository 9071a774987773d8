//! Which pages depend on what: after an edit, only the pages that show changed content are rendered again.
//!
//! The model is compared, not the files: two builds' readings are matched by
//! path and compared whole, so a page is redone exactly when something it
//! shows may differ. Anything site-wide (settings, people, tags, sections)
//! redoes everything; it changes rarely and the rules stay simple.

use std::collections::{HashMap, HashSet};

use super::markdown::{self, Author};
use super::pages::{plan, PageJob};
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
                        let people =
                            reading.author.into_iter().chain(reading.thread.comments.iter().filter_map(|c| c.author));
                        touched.people.extend(people.map(|id| site.people[id.0].slug.clone()));
                    }
                }
            }
        }
    }
    plan(new)
        .into_iter()
        .filter(|job| match *job {
            PageJob::Reading(id) | PageJob::ReadingComments(id) => touched.readings.contains(&new.readings[id.0].path),
            PageJob::Section(i) => touched.sections.contains(&new.sections[i].path),
            PageJob::Author(id, _) => touched.people.contains(&new.people[id.0].slug),
            PageJob::Tag(i) => touched.tags.contains(&new.tags[i].slug),
            PageJob::NotFound | PageJob::Search => false,
            PageJob::Index
            | PageJob::Authors
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
        source,
        draft,
        comments_open,
        thread: _,
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
        && *source == b.source
        && *draft == b.draft
        && *comments_open == b.comments_open
        && *assets == b.assets
}

/// Whom a comment names with `@`: their pages list it under "mentioned in".
fn mentioned(site: &Site, body: &str) -> Vec<PersonId> {
    let author = Author::Member { id_prefix: "", mentions: Some(&site.mention_names) };
    markdown::to_html(body, author).mentions
}

/// What a comment shows on its author's page, by the ids of itself and its parent (indexes shift).
type Shown<'a> = (Option<PersonId>, &'a chrono::DateTime<chrono::FixedOffset>, &'a str, Option<&'a str>);

fn shown(reading: &Reading) -> HashMap<&str, Shown<'_>> {
    let comments = &reading.thread.comments;
    comments
        .iter()
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
    people: HashSet<String>,
    tags: HashSet<String>,
}

impl Touched {
    /// The pages a comment appears on besides its thread: its writer's and those of the people it names.
    fn comment(&mut self, site: &Site, author: Option<PersonId>, body: &str) {
        let people = author.into_iter().chain(mentioned(site, body));
        self.people.extend(people.map(|id| site.people[id.0].slug.clone()));
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
        if let Some(author) = reading.author {
            // Their page lists the reading with its comment count.
            self.people.insert(site.people[author.0].slug.clone());
        }
    }

    /// Only comments changed: the pages of their writers, and of the writers who answer them.
    fn thread_changes(&mut self, old_site: &Site, old: &Reading, new_site: &Site, new: &Reading) {
        let (before, after) = (shown(old), shown(new));
        let differs: HashSet<&str> =
            before.keys().chain(after.keys()).copied().filter(|id| before.get(id) != after.get(id)).collect();
        for (site, comments) in [(old_site, &before), (new_site, &after)] {
            for (id, (author, _, body, parent)) in comments {
                if differs.contains(id) {
                    self.comment(site, *author, body);
                } else if parent.is_some_and(|p| differs.contains(p)) {
                    // Its card says whom it answers.
                    self.people.extend(author.map(|a| site.people[a.0].slug.clone()));
                }
            }
        }
    }
}
