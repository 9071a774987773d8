//! What is searchable: one record per reading, comment, bio and section introduction.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;

use super::Record;
use crate::model::{Comment, PersonId, Reading};
use crate::render::context::Views;
use crate::render::sanitize::Html;
use crate::routes::Route;

/// The `kind` filter's values.
const READINGS: &str = "Readings";
const REFLECTIONS: &str = "Reflections";
const PEOPLE: &str = "People";
const SECTIONS: &str = "Sections";

/// Every text of the built site, readings first (newest first), then comments in thread order,
/// people and sections. The site holds only what is published: no draft or scheduled reading
/// unless the build asked for them.
pub fn records(views: &Views) -> Vec<Record> {
    let site = views.site;
    let readings = site.readings.par_iter().enumerate().map(|(r, reading)| reading_record(views, r, reading));
    let mut all: Vec<Record> = readings.collect();
    let comments = site.readings.par_iter().enumerate().flat_map_iter(|(r, reading)| {
        let comments = reading.thread.comments.iter().enumerate();
        comments.map(move |(c, comment)| comment_record(views, reading, comment, &views.bodies.comments[r][c]))
    });
    all.par_extend(comments);
    for (p, person) in site.people.iter().enumerate() {
        let Some(bio) = &views.bodies.bios[p] else { continue };
        let meta = [("title", person.name.clone()), ("kind", "Person".to_string()), ("person", person.name.clone())];
        all.push(Record {
            url: views.url(&Route::person(&person.slug, 0)),
            content: searchable(&format!("{} {}", person.name, bio.plain_text())),
            meta: owned(&meta),
            filters: filters(PEOPLE, Some(&person.name), &[], None),
            sort: BTreeMap::new(),
        });
    }
    for (s, section) in site.sections.iter().enumerate() {
        let Some(intro) = &views.bodies.sections[s] else { continue };
        let meta = [("title", section.title.clone()), ("kind", "Section".to_string())];
        all.push(Record {
            url: views.url(&Route::section(&section.path)),
            content: searchable(&intro.plain_text()),
            meta: owned(&meta),
            filters: filters(SECTIONS, None, &[], None),
            sort: BTreeMap::new(),
        });
    }
    all
}

fn reading_record(views: &Views, r: usize, reading: &Reading) -> Record {
    let author = name(views, reading.author);
    let tags: Vec<&str> = reading.tags.iter().map(|&t| views.site.tags[t].name.as_str()).collect();
    let mut meta = vec![
        ("title", reading.title.clone()),
        ("kind", "Reading".to_string()),
        ("reading", reading.title.clone()),
        ("date", views.day(&reading.date)),
    ];
    meta.extend(author.map(|a| ("person", a.to_string())));
    meta.extend(reading.week.map(|w| ("week", week(w))));
    Record {
        url: views.url(&Route::reading(&reading.path)),
        content: searchable(&views.bodies.readings[r].content.plain_text()),
        meta: owned(&meta),
        filters: filters(READINGS, author, &tags, reading.week),
        sort: sort_by(&reading.date),
    }
}

fn comment_record(views: &Views, reading: &Reading, comment: &Comment, body: &Html) -> Record {
    let author = name(views, comment.author);
    let what = if comment.depth == 0 { "Reflection" } else { "Reply" };
    let by = author.unwrap_or("Anonymous");
    let tags: Vec<&str> = reading.tags.iter().map(|&t| views.site.tags[t].name.as_str()).collect();
    let mut meta = vec![
        ("title", format!("{what} by {by} on “{}”", reading.title)),
        ("kind", what.to_string()),
        ("person", by.to_string()),
        ("reading", reading.title.clone()),
        ("date", views.day(&comment.date)),
    ];
    meta.extend(reading.week.map(|w| ("week", week(w))));
    Record {
        url: views.url(&Route::comment(&reading.path, &comment.id)),
        content: searchable(&body.plain_text()),
        meta: owned(&meta),
        filters: filters(REFLECTIONS, author, &tags, reading.week),
        sort: sort_by(&comment.date),
    }
}

fn name<'a>(views: &Views<'a>, person: Option<PersonId>) -> Option<&'a str> {
    person.map(|id| views.site.people[id.0].name.as_str())
}

fn week(week: u32) -> String {
    format!("Week {week}")
}

fn owned(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn filters(kind: &str, person: Option<&str>, tags: &[&str], week_number: Option<u32>) -> BTreeMap<String, Vec<String>> {
    let mut filters = BTreeMap::from([("kind".to_string(), vec![kind.to_string()])]);
    if let Some(person) = person {
        filters.insert("person".into(), vec![person.to_string()]);
    }
    if !tags.is_empty() {
        filters.insert("tag".into(), tags.iter().map(|t| t.to_string()).collect());
    }
    if let Some(w) = week_number {
        filters.insert("week".into(), vec![week(w)]);
    }
    filters
}

/// The date as UTC to the second, so that dates in any offset sort as text.
fn sort_by(date: &DateTime<FixedOffset>) -> BTreeMap<String, String> {
    BTreeMap::from([("date".to_string(), date.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string())])
}

/// `text` with its words one space apart, and no word Pagefind would take as an instruction:
/// it reads `___PAGEFIND_WEIGHT___9` in a text as a weight, which would let a member push their
/// comment to the top of every search.
fn searchable(text: &str) -> String {
    let words = text.split_whitespace().map(|word| {
        match word.starts_with('_') && word.trim_start_matches('_').starts_with("PAGEFIND") {
            true => word.trim_start_matches('_'),
            false => word,
        }
    });
    words.collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagefind_instructions_in_a_text_are_plain_words() {
        assert_eq!(
            searchable("a ___PAGEFIND_WEIGHT___9 b\n\n______PAGEFIND_ANCHOR___x"),
            "a PAGEFIND_WEIGHT___9 b PAGEFIND_ANCHOR___x"
        );
        assert_eq!(searchable("  __init__ stays  "), "__init__ stays");
    }

    #[test]
    fn dates_sort_as_utc_text() {
        let date = DateTime::parse_from_rfc3339("2024-01-02T01:30:00+02:00").unwrap();
        assert_eq!(sort_by(&date)["date"], "2024-01-01T23:30:00Z");
    }
}
