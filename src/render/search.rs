//! `search.json`: the readings and comments the search page looks through, kept small.
//!
//! The index is made from the sanitized bodies (so it holds nothing a page
//! would not show), as plain text cut to `TEXT_LIMIT` characters. People are
//! listed once and named by index; a comment names its reading by index and
//! its own id, from which the search page builds the comment's permalink.

use rayon::prelude::*;
use serde::Serialize;

use super::context::Views;
use super::sanitize::Html;
use crate::model::PersonId;
use crate::routes::Route;

/// The most characters of a text the index keeps; words past it are not found.
pub const TEXT_LIMIT: usize = 300;

/// The version of the index format, bumped when a field changes meaning.
const VERSION: u32 = 1;

/// What the index holds, before its texts are cut: what its page key hashes.
#[derive(Debug, Serialize)]
pub struct Index<'a> {
    version: u32,
    text_limit: usize,
    people: Vec<Person<'a>>,
    readings: Vec<Reading<'a>>,
    comments: Vec<Comment<'a>>,
}

#[derive(Debug, Serialize)]
struct Person<'a> {
    name: &'a str,
    url: String,
}

#[derive(Debug, Serialize)]
struct Reading<'a> {
    title: &'a str,
    url: String,
    author: Option<usize>,
    date: String,
    tags: Vec<&'a str>,
    text: Text<'a>,
}

#[derive(Debug, Serialize)]
struct Comment<'a> {
    reading: usize,
    id: &'a str,
    author: Option<usize>,
    date: String,
    text: Text<'a>,
}

/// A text of the index: cut to `TEXT_LIMIT` characters only when the index is written.
#[derive(Debug)]
struct Text<'a>(&'a Html);

impl Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if super::key::hashing() {
            // A page key takes the text it is cut from, by its digest, rather than cutting it.
            return self.0.serialize(serializer);
        }
        serializer.serialize_str(&cut(self.0))
    }
}

/// The JSON of the search index: one line, readings newest first, comments in thread order.
pub fn to_json(index: &Index) -> Vec<u8> {
    serde_json::to_vec(index).expect("the index is plain data")
}

/// What the search index holds.
pub fn entries<'a>(views: &Views<'a>) -> Index<'a> {
    let site = views.site;
    let person = |id: Option<PersonId>| id.map(|p| p.0);
    Index {
        version: VERSION,
        text_limit: TEXT_LIMIT,
        people: site
            .people
            .iter()
            .map(|p| Person { name: &p.name, url: views.url(&Route::person(&p.slug, 0)) })
            .collect(),
        readings: site
            .readings
            .par_iter()
            .enumerate()
            .map(|(r, reading)| Reading {
                title: &reading.title,
                url: views.url(&Route::reading(&reading.path)),
                author: person(reading.author),
                date: views.day(&reading.date),
                tags: reading.tags.iter().map(|&t| site.tags[t].name.as_str()).collect(),
                text: Text(&views.bodies.readings[r].content),
            })
            .collect(),
        comments: site
            .readings
            .par_iter()
            .enumerate()
            .flat_map_iter(|(r, reading)| {
                let published = reading.thread.comments.iter().enumerate().filter(|(_, c)| c.is_published());
                published.map(move |(c, comment)| Comment {
                    reading: r,
                    id: &comment.id,
                    author: person(comment.author),
                    date: views.day(&comment.date),
                    text: Text(&views.bodies.comments[r][c]),
                })
            })
            .collect(),
    }
}

/// The text of `html`, cut after `TEXT_LIMIT` characters at the last word that fits.
fn cut(html: &Html) -> String {
    let text = html.plain_text();
    match text.char_indices().nth(TEXT_LIMIT) {
        None => text,
        Some((end, _)) => {
            let kept = &text[..end];
            let at_word = if text[end..].starts_with(' ') { kept } else { kept.rsplit_once(' ').map_or(kept, |p| p.0) };
            format!("{}…", at_word.trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sanitize;

    #[test]
    fn long_texts_are_cut_at_a_word() {
        let long = format!("<p>{}</p>", "word ".repeat(100));
        let text = cut(&sanitize::member(&long, "ugc-c1-", &Default::default()).html);
        assert!(text.chars().count() <= TEXT_LIMIT + 1, "{text}");
        assert!(text.ends_with("word…"), "{text}");
        assert_eq!(cut(&sanitize::member("<p>short <b>one</b></p>", "ugc-c1-", &Default::default()).html), "short one");
    }
}
