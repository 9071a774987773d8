//! What is searchable: one document per published reading, comment, bio and section introduction,
//! as the plain text its page shows, numbered in date order.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::language::{DateFormat, Language};
use crate::model::{Comment, PersonId, Reading, Site};
use crate::render::sanitize::Html;
use crate::render::Bodies;
use crate::routes::Route;

/// What a document is; also what the `kind` filter groups (readings, reflections, people, sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A reading.
    Reading,
    /// A top-level comment.
    Reflection,
    /// A comment answering another.
    Reply,
    /// A person's bio.
    Person,
    /// A section's introduction.
    Section,
}

impl Kind {
    /// The `kind` filter's value: replies count as reflections.
    pub fn group(self) -> &'static str {
        match self {
            Kind::Reading => "readings",
            Kind::Reflection | Kind::Reply => "reflections",
            Kind::Person => "people",
            Kind::Section => "sections",
        }
    }

    /// The name the index and the search page's script use.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Reading => "reading",
            Kind::Reflection => "reflection",
            Kind::Reply => "reply",
            Kind::Person => "person",
            Kind::Section => "section",
        }
    }
}

/// One searchable text.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Where a result links, from the site's root: `readings/trust/#comment-c1`.
    // The texts are boxed, no larger than they are: a large site has half a million documents.
    pub url: Box<str>,
    /// What it is.
    pub kind: Kind,
    /// The result's heading, in the site's language: "Reflection by Claire on “Trust in Teams”".
    pub title: Box<str>,
    /// Words searched as well as the text, counted more: a reading's or section's title, a person's name.
    pub heading: Box<str>,
    /// Its writer (or, for a bio, its person): an index into the site's people.
    pub person: Option<usize>,
    /// The tags of the reading it is, or is on (shared by its comments).
    pub tags: Arc<[usize]>,
    /// The week of the reading it is, or is on.
    pub week: Option<u32>,
    /// Its date as pages write it, in the site's language (empty for bios and sections).
    pub day: Box<str>,
    /// The cleaned HTML its page shows (shared, not copied). Its plain text is read out only where
    /// it is needed, a batch at a time: the texts of a large site are never all held at once, and
    /// those of an unchanged part of it are not read at all.
    pub body: Html,
}

impl Document {
    /// The plain text its page shows: tags dropped, entities decoded, words one space apart.
    pub fn text(&self) -> String {
        self.body.plain_text()
    }

    /// Lets go of what only its document file needed, once that is laid out: what the filters
    /// need stays (at 500,000 texts, the addresses, titles and dates were 100 MB).
    pub fn laid_out(&mut self) {
        for text in [&mut self.url, &mut self.title, &mut self.heading, &mut self.day] {
            *text = Box::default();
        }
    }
}

#[cfg(test)]
impl Document {
    /// A reflection with only a `heading` and the HTML `text`, for the tests of what counts words.
    pub(super) fn reflection(heading: &str, text: &str) -> Document {
        Document {
            url: Box::default(),
            kind: Kind::Reflection,
            title: Box::default(),
            heading: heading.into(),
            person: None,
            tags: Arc::new([]),
            week: None,
            day: Box::default(),
            body: Html::from_text(text.into()),
        }
    }
}

/// What the documents are made from: the model, its texts' HTML, and the words pages write. Not
/// the pages' views: those are let go of before the documents are made (at 500,000 comments, the
/// comments' dates in words alone were about 100 MB).
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    /// The model.
    pub site: &'a Site,
    /// The HTML of every text.
    pub bodies: &'a Bodies,
    /// The words pages write, in the site's language.
    pub language: &'a Language,
}

/// Every published text of the built site, in date order (bios and sections, which have no date,
/// first), so that a document's number sorts by date. The site holds only what is published: no
/// draft or scheduled reading unless the build asked for them; pending and removed comments are
/// left out here.
pub fn documents(sources: Sources) -> Vec<Document> {
    let site = sources.site;
    let mut all = Vec::new();
    for (s, section) in site.sections.iter().enumerate() {
        let Some(intro) = &sources.bodies.sections[s] else { continue };
        all.push(Document {
            url: Route::section(&section.path).from_root().into(),
            kind: Kind::Section,
            title: section.title.as_str().into(),
            heading: section.title.as_str().into(),
            person: None,
            tags: Arc::new([]),
            week: None,
            day: Box::default(),
            body: intro.clone(),
        });
    }
    for (p, person) in site.people.iter().enumerate() {
        let Some(bio) = &sources.bodies.bios[p] else { continue };
        all.push(Document {
            url: Route::person(&person.slug, 0).from_root().into(),
            kind: Kind::Person,
            title: person.name.as_str().into(),
            heading: person.name.as_str().into(),
            person: Some(p),
            tags: Arc::new([]),
            week: None,
            day: Box::default(),
            body: bio.clone(),
        });
    }
    // Ordered first as (second, reading, comment), small to move, then made in that order. Stable,
    // so texts of the same second keep the site's order (a reading before its comments).
    let mut dated: Vec<(i64, usize, Option<usize>)> = Vec::new();
    for (r, reading) in site.readings.iter().enumerate() {
        dated.push((reading.date.timestamp(), r, None));
        let comments = reading.thread.comments.iter().enumerate().filter(|(_, c)| c.is_published());
        dated.extend(comments.map(|(c, comment)| (comment.date.timestamp(), r, Some(c))));
    }
    dated.par_sort_by_key(|&(second, ..)| second);
    let dates = sources.language.date_format(&site.config.date_format, site.config.timezone);
    let tags: Vec<Arc<[usize]>> = site.readings.iter().map(|reading| reading.tags.as_slice().into()).collect();
    all.par_extend(dated.into_par_iter().map(|(_, r, c)| {
        let reading = &site.readings[r];
        match c {
            None => reading_document(sources, &dates, r, reading, &tags[r]),
            Some(c) => {
                let body = &sources.bodies.comments[r][c];
                comment_document(sources, &dates, reading, &tags[r], &reading.thread.comments[c], body)
            }
        }
    }));
    all
}

fn reading_document(
    sources: Sources,
    dates: &DateFormat,
    r: usize,
    reading: &Reading,
    tags: &Arc<[usize]>,
) -> Document {
    Document {
        url: Route::reading(&reading.path).from_root().into(),
        kind: Kind::Reading,
        title: reading.title.as_str().into(),
        heading: reading.title.as_str().into(),
        person: reading.author.map(|p| p.0),
        tags: tags.clone(),
        week: reading.week,
        day: dates.write(&reading.date).into(),
        body: sources.bodies.readings[r].content.clone(),
    }
}

fn comment_document(
    sources: Sources,
    dates: &DateFormat,
    reading: &Reading,
    tags: &Arc<[usize]>,
    comment: &Comment,
    body: &Html,
) -> Document {
    let (kind, key) = match comment.depth {
        0 => (Kind::Reflection, "search_reflection_by"),
        _ => (Kind::Reply, "search_reply_by"),
    };
    let name = match comment.author {
        Some(PersonId(p)) => sources.site.people[p].name.clone(),
        None => sources.language.say("anonymous", None, &[]),
    };
    Document {
        url: Route::comment(&reading.path, &comment.id).from_root().into(),
        kind,
        title: sources.language.say(key, None, &[("name", &name), ("reading", &reading.title)]).into(),
        heading: Box::default(),
        person: comment.author.map(|p| p.0),
        tags: tags.clone(),
        week: reading.week,
        day: dates.write(&comment.date).into(),
        body: body.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_have_their_words_one_space_apart() {
        let html =
            crate::render::sanitize::member("<p>one  two</p>\n<p>three</p>", "ugc-c1-", &Default::default()).html;
        assert_eq!(html.plain_text(), "one two three");
        let html = crate::render::sanitize::member("<p>one two</p>", "ugc-c1-", &Default::default()).html;
        assert_eq!(html.plain_text(), "one two");
    }

    #[test]
    fn replies_filter_as_reflections() {
        assert_eq!(Kind::Reply.group(), "reflections");
        assert_eq!(Kind::Reply.code(), "reply");
        assert_eq!(Kind::Person.group(), "people");
    }
}
