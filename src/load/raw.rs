//! What the files say, before any meaning is given to it: one type per kind of file.

use std::fmt;
use std::path::PathBuf;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::yaml::KeySpans;
use crate::diagnostics::Span;

/// A reading's front matter, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Required; checked in resolve so that every missing key is reported.
    pub title: Option<String>,
    /// Required: a date or an RFC 3339 date-time, as text.
    pub date: Option<String>,
    /// An authors.yaml key, name or alias, or any display name.
    pub author: Option<String>,
    /// The cohort week.
    pub week: Option<u32>,
    /// Topic tags.
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    /// One line for lists and feeds (Markdown).
    pub summary: Option<String>,
    /// The book or article an excerpt comes from.
    pub source: Option<RawSource>,
    /// Overrides the slug taken from the file name.
    pub slug: Option<String>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Whether the thread is still open.
    pub comments: Option<CommentsMode>,
    /// Reflections due by (a day or a date-time, as text).
    pub due: Option<String>,
    /// Replies to a colleague due by (a day or a date-time, as text).
    pub replies_due: Option<String>,
}

/// `comments: open | closed`; `true` and `false`, as other generators write it, mean the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentsMode {
    /// Replies are welcome.
    #[serde(alias = "true")]
    Open,
    /// The thread is shown but closed.
    #[serde(alias = "false")]
    Closed,
}

/// A reading's `source:` block, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// The book's or article's title.
    pub title: Option<String>,
    /// Its authors.
    #[serde(default, deserialize_with = "one_or_many")]
    pub authors: Vec<String>,
    /// Its publisher.
    pub publisher: Option<String>,
    /// Its year of publication.
    pub year: Option<u32>,
    /// Where to find it.
    pub url: Option<String>,
}

/// A section's `_index.md` front matter, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFront {
    /// The section's title; default: its folder name.
    pub title: Option<String>,
    /// One line about the section.
    pub description: Option<String>,
    /// The Monday of week 1, to number weeks of readings that give none.
    pub weeks_start: Option<String>,
    /// Reflections due this long after each reading's date (`4 days`).
    pub due_after: Option<String>,
    /// Replies due this long after each reading's date.
    pub replies_due_after: Option<String>,
}

/// One comment of a thread file or `comments/` folder, as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentFields {
    /// Unique in the thread.
    pub id: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// When, as text.
    pub date: Option<String>,
    /// The id of the comment it answers.
    pub reply_to: Option<String>,
    /// Markdown written by a cohort member; shared, so that resolving copies no text.
    pub body: Option<crate::text::SharedText>,
    /// Whether it is shown: published (the default), pending or removed.
    pub status: Option<CommentStatus>,
    /// A hash of the Message-ID of the e-mail it came from (`roundtable ingest`), so it is added once.
    pub mail: Option<String>,
}

/// `status: published | pending | removed` of a comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// Shown on the site (the default).
    #[default]
    Published,
    /// Waiting for the facilitator's approval: only `serve` shows it.
    Pending,
    /// Taken down: a placeholder keeps its place, and its replies stay.
    Removed,
}

/// One person of `authors.yaml`, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonFields {
    /// Their display name; default: the key.
    pub name: Option<String>,
    /// facilitator, member, guest, or any text.
    pub role: Option<String>,
    /// Markdown about them.
    pub bio: Option<String>,
    /// Their web page (http or https).
    pub website: Option<String>,
    /// Other spellings of their name used in threads.
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    /// Their e-mail addresses, to know who sent a reply by mail; private, never in any output.
    #[serde(default, deserialize_with = "one_or_many")]
    pub email: Vec<String>,
}

/// A comment with where it was written.
#[derive(Debug, Clone)]
pub struct RawComment {
    /// The comment's first line.
    pub span: Span,
    /// Where each of its keys stands.
    pub keys: KeySpans,
    /// Its fields.
    pub fields: CommentFields,
}

/// A person from `authors.yaml` with where they were written.
#[derive(Debug, Clone)]
pub struct RawPerson {
    /// The key, which is also their page's slug.
    pub key: String,
    /// The entry's first line.
    pub span: Span,
    /// Where each of its keys stands.
    pub keys: KeySpans,
    /// Their fields.
    pub fields: PersonFields,
}

/// A folder under `content/` that holds readings.
#[derive(Debug, Clone)]
pub struct RawSection {
    /// The folder relative to `content/`, with `/` separators: `readings`, `2011/summer`.
    pub path: String,
    /// `_index.md`, when there is one: its span, front matter and body.
    pub index: Option<RawSectionIndex>,
}

/// A section's `_index.md`.
#[derive(Debug, Clone)]
pub struct RawSectionIndex {
    /// The file.
    pub span: Span,
    /// Where each front matter key stands.
    pub keys: KeySpans,
    /// Its front matter.
    pub front: SectionFront,
    /// Its introduction (Markdown).
    pub body: String,
}

/// A reading: its front matter, body, thread and bundle files.
#[derive(Debug, Clone)]
pub struct RawReading {
    /// The Markdown file.
    pub span: Span,
    /// The section folder it lies in, relative to `content/` (`""` at the top).
    pub section: String,
    /// The file or bundle name, without `.md`.
    pub name: String,
    /// Where each front matter key stands.
    pub keys: KeySpans,
    /// Its front matter.
    pub front: FrontMatter,
    /// Its Markdown body.
    pub body: String,
    /// The file's line on which the body starts.
    pub body_line: usize,
    /// Its comments from every thread file, in file order; shared, so that `serve`'s copy of a
    /// reading it parsed before costs nothing for its thread.
    pub comments: std::sync::Arc<[RawComment]>,
    /// Files of a bundle to copy beside the page (not kept in the parse cache: they come from the folder).
    pub assets: Vec<Asset>,
    /// The hash of its files' names and bytes, when the load had it (`serve`, and builds with the
    /// cache): what is made from the reading's files alone can be found again by it.
    pub files_key: Option<[u8; 32]>,
}

/// A file to copy into the output as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Where it goes, relative to its page's folder (bundles) or to the output root (static files).
    pub target: String,
    /// Where its bytes come from.
    pub source: AssetSource,
}

/// Where an asset's bytes come from.
#[derive(Debug, Clone, PartialEq)]
pub enum AssetSource {
    /// A file of the site.
    File(PathBuf),
    /// A file of the built-in theme.
    Embedded(&'static [u8]),
}

/// Accepts `key: one` as well as `key: [one, two]`.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct OneOrMany;
    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a text or a list of texts")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Vec<String>, E> {
            Ok(vec![value.to_string()])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut all = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                all.push(item);
            }
            Ok(all)
        }
    }
    deserializer.deserialize_any(OneOrMany)
}
