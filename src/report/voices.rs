//! Who answers whom, and threads where one voice carries the conversation.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rhythm::Window;
use crate::model::{PersonId, Site};

/// Above this share of a thread's words, one voice is noted.
pub const DOMINANT_SHARE: f64 = 0.4;

/// Below this many writers, one voice has a large share whatever happens, so no note is made.
pub const DOMINANT_MIN_WRITERS: usize = 3;

/// A thread where one person wrote more than `DOMINANT_SHARE` of the words.
#[derive(Debug, Serialize)]
pub struct Dominant {
    /// The reading.
    pub reading: String,
    /// Its address: absolute, or relative in a report published as HTML.
    pub url: String,
    /// Who wrote the most.
    pub author: String,
    /// Their share of the thread's words, in whole percent.
    pub percent: u32,
    /// How many people wrote in the thread.
    pub writers: usize,
}

/// Words in a comment's text.
pub fn words(body: &str) -> usize {
    body.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// `grid[a][b]`: how many replies person `order[a]` wrote to comments of `order[b]` (never oneself).
pub fn grid(site: &Site, window: &Window, order: &[PersonId]) -> Vec<Vec<usize>> {
    let place: BTreeMap<PersonId, usize> = order.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut grid = vec![vec![0; order.len()]; order.len()];
    for reading in &site.readings {
        let comments = &reading.thread.comments;
        for comment in comments.iter().filter(|c| c.is_published() && window.covers(site, &c.date)) {
            let to = comment.parent.and_then(|p| comments[p].author);
            if let (Some(from), Some(to)) = (comment.author, to) {
                if let (Some(&a), Some(&b), true) = (place.get(&from), place.get(&to), from != to) {
                    grid[a][b] += 1;
                }
            }
        }
    }
    grid
}

/// Threads where one voice wrote more than `DOMINANT_SHARE` of the words, biggest share first.
pub fn dominant(site: &Site, window: &Window, address: impl Fn(&str) -> String) -> Vec<Dominant> {
    let mut notes = Vec::new();
    for reading in &site.readings {
        let mut by_writer: BTreeMap<Option<PersonId>, usize> = BTreeMap::new();
        for comment in reading.thread.comments.iter().filter(|c| c.is_published() && window.covers(site, &c.date)) {
            *by_writer.entry(comment.author).or_default() += words(&comment.body);
        }
        let total: usize = by_writer.values().sum();
        let top = by_writer.iter().filter(|(who, _)| who.is_some()).max_by_key(|(_, &n)| n);
        if let (Some((Some(person), &most)), true) = (top, by_writer.len() >= DOMINANT_MIN_WRITERS) {
            let share = most as f64 / total as f64;
            if share > DOMINANT_SHARE {
                notes.push(Dominant {
                    reading: reading.title.clone(),
                    url: address(&reading.path),
                    author: site.people[person.0].name.clone(),
                    percent: (share * 100.0).round() as u32,
                    writers: by_writer.len(),
                });
            }
        }
    }
    notes.sort_by(|a, b| b.percent.cmp(&a.percent).then_with(|| a.reading.cmp(&b.reading)));
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_what_has_letters_or_digits() {
        assert_eq!(words("To me, the focus -- is *key* 2 times."), 8);
        assert_eq!(words("  \n "), 0);
    }
}
