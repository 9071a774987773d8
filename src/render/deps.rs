//! Which pages depend on what: after an edit, only the pages that show changed content are rendered again.
//!
//! The model is compared, not the files: two builds' readings are matched by
//! path and compared whole, so a page is redone exactly when something it
//! shows may differ. Anything site-wide (settings, people, tags, sections)
//! redoes everything; it changes rarely and the rules stay simple.

use std::collections::HashSet;

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
    for site in [old, new] {
        for (index, reading) in site.readings.iter().enumerate() {
            if changed.contains(&reading.path) {
                touched.add(site, index);
            }
        }
    }
    plan(new)
        .into_iter()
        .filter(|job| match *job {
            PageJob::Reading(id) => touched.readings.contains(&new.readings[id.0].path),
            PageJob::Section(i) => touched.sections.contains(&new.sections[i].path),
            PageJob::Author(id) => touched.people.contains(&new.people[id.0].slug),
            PageJob::Tag(i) => touched.tags.contains(&new.tags[i].slug),
            PageJob::NotFound => false,
            PageJob::Index
            | PageJob::Authors
            | PageJob::Tags
            | PageJob::ReadingsFeed
            | PageJob::CommentsFeed
            | PageJob::Sitemap => true,
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
    /// A reading's own page, its neighbours' pages (they link to it), its section, tags and people.
    fn add(&mut self, site: &Site, index: usize) {
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
        self.people.extend(people_of(reading).map(|id| site.people[id.0].slug.clone()));
    }
}

/// Everyone whose page lists something of `reading`.
fn people_of(reading: &Reading) -> impl Iterator<Item = PersonId> + '_ {
    reading.author.into_iter().chain(reading.thread.comments.iter().filter_map(|c| c.author))
}
