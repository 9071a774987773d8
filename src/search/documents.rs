//! What is searchable: one document per published reading, comment, bio and section introduction,
//! as the plain text its page shows, numbered in date order.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::language::{DateFormat, Language, Template};
use crate::model::{Comment, PersonId, Reading, Site};
use crate::render::sanitize::Html;
use crate::render::Bodies;
use crate::routes::Route;

/// A date as the model holds it.
type Date = chrono::DateTime<chrono::FixedOffset>;

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
///
/// Kept small: a large site has half a million documents, all made at once while the site is still
/// held, which is when a build's memory is at its highest.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// What it is.
    pub kind: Kind,
    /// Its writer (or, for a bio, its person): an index into the site's people.
    pub person: Option<u32>,
    /// The tags of the reading it is, or is on (shared by its comments).
    pub tags: Arc<[usize]>,
    /// The week of the reading it is, or is on.
    pub week: Option<u32>,
    /// The cleaned HTML its page shows (shared, not copied). Its plain text is read out only where
    /// it is needed, a batch at a time: the texts of a large site are never all held at once, and
    /// those of an unchanged part of it are not read at all.
    pub body: Html,
    /// Its [`Labels`] one after another, in one allocation rather than four.
    labels: Box<str>,
    /// Where each label but the last ends in `labels`.
    ends: [u32; 3],
}

/// What a result shows of a document besides its text, and where it links.
#[derive(Debug, Clone, Copy, Default)]
pub struct Labels<'a> {
    /// Where a result links, from the site's root: `readings/trust/#comment-c1`.
    pub url: &'a str,
    /// The result's heading, in the site's language: "Reflection by Claire on “Trust in Teams”".
    pub title: &'a str,
    /// Words searched as well as the text, counted more: a reading's or section's title, a person's name.
    pub heading: &'a str,
    /// Its date as pages write it, in the site's language (empty for bios and sections).
    pub day: &'a str,
}

impl Document {
    /// A document of `kind`, showing `labels`, written by `person`, on a reading with `tags` of `week`.
    pub fn new(
        kind: Kind,
        labels: Labels,
        person: Option<usize>,
        tags: Arc<[usize]>,
        week: Option<u32>,
        body: Html,
    ) -> Document {
        let parts = [labels.url, labels.title, labels.heading, labels.day];
        let mut ends = [0; 3];
        let mut end = 0;
        for (slot, part) in ends.iter_mut().zip(parts) {
            end += part.len();
            *slot = u32::try_from(end).expect("labels far shorter than 4 GB");
        }
        let person = person.map(|p| u32::try_from(p).expect("fewer than 4 billion people"));
        Document { kind, person, tags, week, body, labels: parts.concat().into(), ends }
    }

    /// What a result shows of it besides its text (nothing once it is laid out).
    pub fn labels(&self) -> Labels<'_> {
        if self.labels.is_empty() {
            return Labels::default();
        }
        let [url, title, heading] = self.ends.map(|end| end as usize);
        let labels = &*self.labels;
        Labels {
            url: &labels[..url],
            title: &labels[url..title],
            heading: &labels[title..heading],
            day: &labels[heading..],
        }
    }

    /// Words searched as well as the text (see [`Labels::heading`]): none for a comment, read
    /// without touching its labels, so that counting the words of a chunk does not.
    pub fn heading(&self) -> &str {
        match self.ends[1] == self.ends[2] {
            true => "",
            false => &self.labels[self.ends[1] as usize..self.ends[2] as usize],
        }
    }

    /// The plain text its page shows: tags dropped, entities decoded, words one space apart.
    pub fn text(&self) -> String {
        self.body.plain_text()
    }

    /// Lets go of what only its document file needed, once that is laid out: what the filters
    /// need stays (at 500,000 texts, the addresses, titles and dates were 100 MB).
    pub fn laid_out(&mut self) {
        self.labels = Box::default();
    }
}

#[cfg(test)]
impl Document {
    /// A reflection with only a `heading` and the HTML `text`, for the tests of what counts words.
    pub(super) fn reflection(heading: &str, text: &str) -> Document {
        let labels = Labels { heading, ..Labels::default() };
        Document::new(Kind::Reflection, labels, None, Arc::new([]), None, Html::from_text(text.into()))
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
        let url = Route::section(&section.path).from_root();
        let labels = Labels { url: &url, title: &section.title, heading: &section.title, day: "" };
        all.push(Document::new(Kind::Section, labels, None, Arc::new([]), None, intro.clone()));
    }
    for (p, person) in site.people.iter().enumerate() {
        let Some(bio) = &sources.bodies.bios[p] else { continue };
        let url = Route::person(&person.slug, 0).from_root();
        let labels = Labels { url: &url, title: &person.name, heading: &person.name, day: "" };
        all.push(Document::new(Kind::Person, labels, Some(p), Arc::new([]), None, bio.clone()));
    }
    // Ordered first as (second, reading, 0 for the reading or 1 + its comment), then made in that
    // order: texts of the same second keep the site's order (a reading before its comments). Sorted
    // whole, in place, not by the second with a stable sort: its scratch copy, and an `Option<usize>`
    // for the comment, were 24 MB at the moment a large build holds the most.
    let mut dated: Vec<(i64, u32, u32)> = Vec::new();
    for (r, reading) in site.readings.iter().enumerate() {
        dated.push((reading.date.timestamp(), r as u32, 0));
        let comments = reading.thread.comments.iter().enumerate().filter(|(_, c)| c.is_published());
        dated.extend(comments.map(|(c, comment)| (comment.date.timestamp(), r as u32, c as u32 + 1)));
    }
    dated.par_sort_unstable();
    let wording = Wording::of(site, sources.language);
    let readings: Vec<OfReading> = site.readings.par_iter().map(OfReading::new).collect();
    all.par_extend(dated.into_par_iter().map(|(_, r, c)| {
        let r = r as usize;
        let reading = &site.readings[r];
        match (c as usize).checked_sub(1) {
            None => reading_document(sources, &wording, r, reading, &readings[r]),
            Some(c) => {
                let body = &sources.bodies.comments[r][c];
                comment_document(sources, &wording, reading, &readings[r], &reading.thread.comments[c], body)
            }
        }
    }));
    all
}

/// What the documents' labels are written with, made ready once for the many documents.
struct Wording {
    days: Days,
    /// A reflection's and a reply's title, by `name` and `reading`.
    reflection: Template,
    reply: Template,
    /// The name of no one.
    anonymous: String,
}

impl Wording {
    fn of(site: &Site, language: &Language) -> Wording {
        let titled = |key| language.template(key, &["name", "reading"]);
        Wording {
            days: Days::of(site, language),
            reflection: titled("search_reflection_by"),
            reply: titled("search_reply_by"),
            anonymous: language.say("anonymous", None, &[]),
        }
    }
}

/// What the documents of a reading and its comments share, made once for the reading.
struct OfReading {
    /// Its address from the site's root; a comment's adds its anchor.
    url: String,
    tags: Arc<[usize]>,
}

impl OfReading {
    fn new(reading: &Reading) -> OfReading {
        OfReading { url: Route::reading(&reading.path).from_root(), tags: reading.tags.as_slice().into() }
    }
}

/// The dates of the documents as pages write them: when the site's format writes the day alone,
/// each day is written once (writing every comment's date was a fifth of making the documents).
struct Days {
    format: DateFormat,
    written: HashMap<NaiveDate, String>,
}

impl Days {
    /// The days of `site`'s readings and published comments, written in `language`.
    fn of(site: &Site, language: &Language) -> Days {
        let format = language.date_format(&site.config.date_format, site.config.timezone);
        // A date of each day, from which it is written.
        let some_date = site
            .readings
            .par_iter()
            .flat_map_iter(|reading| {
                let comments = reading.thread.comments.iter().filter(|c| c.is_published()).map(|c| &c.date);
                std::iter::once(&reading.date).chain(comments)
            })
            .fold(HashMap::default, |mut days: HashMap<NaiveDate, &Date>, date| {
                if let Some(day) = format.day(date) {
                    days.entry(day).or_insert(date);
                }
                days
            })
            .reduce(HashMap::default, |mut days, more| {
                days.extend(more);
                days
            });
        let written = some_date.into_par_iter().map(|(day, date)| (day, format.write(date))).collect();
        Days { format, written }
    }

    /// `date` as pages write it.
    fn write(&self, date: &Date) -> Cow<'_, str> {
        match self.format.day(date).and_then(|day| self.written.get(&day)) {
            Some(written) => Cow::Borrowed(written),
            None => Cow::Owned(self.format.write(date)),
        }
    }
}

fn reading_document(sources: Sources, wording: &Wording, r: usize, reading: &Reading, of: &OfReading) -> Document {
    let day = wording.days.write(&reading.date);
    let labels = Labels { url: &of.url, title: &reading.title, heading: &reading.title, day: &day };
    let body = sources.bodies.readings[r].content.clone();
    Document::new(Kind::Reading, labels, reading.author.map(|p| p.0), of.tags.clone(), reading.week, body)
}

fn comment_document(
    sources: Sources,
    wording: &Wording,
    reading: &Reading,
    of: &OfReading,
    comment: &Comment,
    body: &Html,
) -> Document {
    let (kind, title) = match comment.depth {
        0 => (Kind::Reflection, &wording.reflection),
        _ => (Kind::Reply, &wording.reply),
    };
    let name = match comment.author {
        Some(PersonId(p)) => &sources.site.people[p].name,
        None => &wording.anonymous,
    };
    let url = Route::comment_from_root(&of.url, &comment.id);
    let title = title.fill(&[name, &reading.title]);
    let day = wording.days.write(&comment.date);
    let labels = Labels { url: &url, title: &title, heading: "", day: &day };
    Document::new(kind, labels, comment.author.map(|p| p.0), of.tags.clone(), reading.week, body.clone())
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
