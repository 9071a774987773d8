//! The objects templates receive inside a page's context: readings, comments, people, tags, dates.
//!
//! These types are the theme author's reference: the part of
//! `docs/templates.md` that lists them is made from these doc comments (a test
//! keeps it up to date), so a field's doc comment is written for theme authors.
//! HTML fields are `Html`, which Tera prints unescaped; every other string is
//! escaped by Tera.
//!
//! Every `url` is a link from the file being rendered: a relative path naming the
//! page's file on pages (`../../readings/trust/index.html`), so the built site
//! works opened from the disk or served from any folder; root-relative
//! (`/cohort/readings/trust/`) in `404.html`, which a host shows at any address;
//! absolute in feeds. `permalink`s are always absolute.

use std::borrow::Cow;

use serde::Serialize;

use super::parts::Keyed;
use super::sanitize::Html;

/// `site`: the same in every template, its addresses made from the page being rendered.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// The site's title.
    pub title: &'a str,
    /// One line about the site.
    pub description: Option<&'a str>,
    /// The `lang` of pages, e.g. `en-CA`.
    pub language: &'a str,
    /// The site's absolute address, ending in `/`.
    pub base_url: &'a str,
    /// The site's root seen from this page, ending in `/`: a relative path (`../../`, `./` on the
    /// home page) on pages, so the site works from the disk or any folder of any host; the base URL's
    /// path (`/cohort/`) in `404.html`, which a host shows at any address; the absolute address in
    /// feeds. Use it for links to static files: `{{ site.root }}style.css`.
    pub root: String,
    /// The home page, from this page: `../../index.html` (a link to a folder shows a directory
    /// listing when the site is opened from the disk).
    pub home_url: String,
    /// The readings feed, `atom.xml`.
    pub feed_url: String,
    /// The comments feed, `comments.xml`.
    pub comments_feed_url: String,
    /// The list of people.
    pub authors_url: String,
    /// The list of tags.
    pub tags_url: String,
    /// The search page.
    pub search_url: String,
    /// The search index's first file, `search/meta.json`; the others lie beside it.
    pub search_index_url: String,
    /// Top-level sections, for navigation.
    pub sections: Vec<SectionLink<'a>>,
}

/// `page`: what the page being rendered is; in every template.
#[derive(Debug, Serialize)]
pub struct PageView {
    /// `index`, `section`, `reading`, `authors`, `author`, `tags`, `tag`, `404`, `atom`, `comments`,
    /// `reading-comments`, `person-replies`, `search` or `sitemap`.
    pub kind: &'static str,
    /// The page's own title, without the site's.
    pub title: String,
    /// Its address from itself: its file's name (`index.html`); in feeds, its absolute address.
    pub url: String,
    /// Its absolute address.
    pub permalink: String,
    /// A line about it for link previews and search engines, as plain text: a reading's summary,
    /// a person's bio (their first page), else the site's `description` (empty without one).
    pub description: String,
}

/// A date, for people and for machines. Tera 2 has no date filter: use `{{ comment.date.display }}`
/// for people and `{{ comment.date.iso }}` in `<time datetime="...">` and feeds.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// RFC 3339 with offset: `2011-08-08T07:35:00-04:00`.
    pub iso: String,
    /// The day in the site's timezone: `2011-08-08`.
    pub day: String,
    /// Formatted with `date_format` in the site's timezone and language: `8 August 2011`, `8 août 2011`.
    pub display: String,
}

/// A link to a person, or to an anonymous writer.
#[derive(Debug, Serialize)]
pub struct PersonLink<'a> {
    /// Their display name (`Anonymous` when anonymous).
    pub name: &'a str,
    /// Their page; none when anonymous.
    pub url: Option<String>,
    /// `facilitator`, `member`, `guest`, other free text, or none.
    pub role: Option<&'a str>,
    /// `role` for people to read: the three known roles in the site's language, other text as
    /// written with a capital; none without a role.
    pub role_label: Option<String>,
    /// One or two letters, for an avatar.
    pub initials: String,
    /// 0 to 5, from the person's slug, the same on every build: the built-in theme colours avatars
    /// with classes `tint-0` to `tint-5`.
    pub tint: u32,
    /// True when no one is named.
    pub anonymous: bool,
}

/// A person, on the list of people and on their own page.
#[derive(Debug, Serialize)]
pub struct PersonView<'a> {
    /// Their link.
    #[serde(flatten)]
    pub link: PersonLink<'a>,
    /// Their page's slug.
    pub slug: &'a str,
    /// Their bio.
    pub bio: Option<&'a Html>,
    /// Their web page (an http or https address).
    pub website: Option<&'a str>,
    /// How many readings they wrote.
    pub reading_count: usize,
    /// How many comments they wrote.
    pub comment_count: usize,
    /// Of those, how many start a thread (reflections), as the report counts them.
    pub reflection_count: usize,
    /// Of those, how many answer someone else, as the report counts replies given.
    pub reply_count: usize,
}

/// A link to a tag.
#[derive(Debug, Serialize)]
pub struct TagLink<'a> {
    /// The tag as written.
    pub name: &'a str,
    /// Its page.
    pub url: String,
}

/// A tag with its count.
#[derive(Debug, Serialize)]
pub struct TagView<'a> {
    /// The tag as written.
    pub name: &'a str,
    /// Its page's slug.
    pub slug: &'a str,
    /// Its page.
    pub url: String,
    /// How many readings have this tag.
    pub count: usize,
}

/// A link to a section.
#[derive(Debug, Serialize)]
pub struct SectionLink<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
}

/// A section, on its own page.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// One line about it, as plain text.
    pub description: Option<&'a str>,
    /// Its introduction, from its `_index.md`.
    pub content: Option<&'a Html>,
}

/// The book or article an excerpt comes from.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its authors' names.
    pub authors: &'a [String],
    /// Its authors as one phrase: `Joyce Kaser and Susan Mundry`.
    pub authors_text: Option<String>,
    /// Its publisher.
    pub publisher: Option<&'a str>,
    /// Its year.
    pub year: Option<u32>,
    /// A link to it.
    pub url: Option<&'a str>,
}

/// A reading, in lists, on its own page and in feeds.
#[derive(Debug, Serialize)]
pub struct ReadingView<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its absolute address.
    pub permalink: String,
    /// Its discussion's Atom feed.
    pub comments_feed_url: String,
    /// When it was published.
    pub date: DateView,
    /// Who wrote it.
    pub author: Option<PersonLink<'a>>,
    /// Its cohort week.
    pub week: Option<u32>,
    /// Its tags.
    pub tags: Vec<TagLink<'a>>,
    /// The front matter's `summary`, else its first paragraph, its relative addresses made to work
    /// from the page showing it.
    pub summary: Cow<'a, Html>,
    /// The book or article it comes from.
    pub source: Option<SourceView<'a>>,
    /// Its section.
    pub section: Option<SectionLink<'a>>,
    /// How many published comments its thread has.
    pub comment_count: usize,
    /// How many people wrote a published comment in its thread.
    pub participant_count: usize,
    /// False when its thread is closed.
    pub comments_open: bool,
    /// A `mailto:` link to answer it by e-mail, when `site.yaml` sets `replies` and its thread is open;
    /// none otherwise.
    pub reply_link: Option<String>,
    /// True for a draft (only built with `--drafts`).
    pub draft: bool,
    /// When reflections are due, in words (`Friday 12 August`).
    pub reflections_due: Option<DateView>,
    /// When replies are due, in words.
    pub replies_due: Option<DateView>,
    /// Its body: only on its own page and in `atom.xml`, none elsewhere.
    pub content: Option<&'a Html>,
}

/// The readings of one week. Groups come newest week first; the group without a week comes last.
#[derive(Debug, Serialize)]
pub struct WeekGroup<'a> {
    /// The week's number; none for readings without a week.
    pub week: Option<u32>,
    /// `Week 3`, or `More readings`.
    pub label: String,
    /// True for the newest week.
    pub current: bool,
    /// Its readings, newest first.
    pub readings: Vec<Keyed<'a, ReadingView<'a>>>,
}

/// The comment another one answers.
#[derive(Debug, Serialize)]
pub struct ReplyTarget<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its element id.
    pub anchor: String,
    /// Its address.
    pub url: String,
    /// Its writer's name.
    pub name: &'a str,
}

/// What every view of a comment shows.
#[derive(Debug, Serialize)]
pub struct CommentBase<'a> {
    /// Its id in its thread.
    pub id: &'a str,
    /// Its element id, `comment-c1` (`#comment-c1` in links).
    pub anchor: String,
    /// Its address: its reading's, with the anchor.
    pub url: String,
    /// Its absolute address.
    pub permalink: String,
    /// Its writer.
    pub author: PersonLink<'a>,
    /// When it was written.
    pub date: DateView,
    /// When it was written, in words counted in the site's days from its reading's day ("the day of
    /// the reading", "2 days after the reading", "3 weeks after the reading"), within four weeks
    /// after the reading; otherwise none (show `date.display`). It is worked out from the two
    /// dates, never from today, so a page says the same whenever it is read.
    pub after_reading: Option<String>,
    /// Its text (empty when removed), its `@Name` links made from this page.
    pub body: Html,
    /// `published` (always, on a CommentCard); `pending` for one waiting for approval (only `serve`
    /// shows it, to the facilitator, marked as waiting); `removed` for one taken down, with an empty
    /// body and an anonymous writer: show a placeholder ("This reflection was removed") that keeps
    /// its replies.
    pub status: &'static str,
}

/// A comment in its reading's thread, with its replies nested. Past `thread.max_depth`, a comment's
/// replies are listed after it at the same level, each with `in_reply_to` set, so a template's
/// recursion is never deeper than `thread.max_depth`.
#[derive(Debug, Serialize)]
pub struct CommentView<'a> {
    /// Its id, address, writer, date and text.
    #[serde(flatten)]
    pub base: CommentBase<'a>,
    /// 1 for a top-level comment, 2 for a reply to it, ...; never more than `thread.max_depth`.
    pub level: u32,
    /// Its parent's id, or none.
    pub reply_to: Option<&'a str>,
    /// Its parent, for every reply, nested or not; none for a top-level comment. The built-in
    /// theme uses it to say "in reply to" under deep replies on phones, where indentation stops.
    pub parent: Option<ReplyTarget<'a>>,
    /// Its parent, set only where the comment is shown flat, away from its parent, because the
    /// thread is deeper than `thread.max_depth`.
    pub in_reply_to: Option<ReplyTarget<'a>>,
    /// How many direct replies it has.
    pub reply_count: usize,
    /// How many replies it has at any depth.
    pub descendant_count: usize,
    /// The replies shown inside this one.
    pub replies: Vec<CommentView<'a>>,
    /// A `mailto:` link to answer it by e-mail, when replies by e-mail are on, its thread is open
    /// and it is published; none otherwise.
    pub reply_link: Option<String>,
}

/// A comment on its own, with its reading: on people's pages and in `comments.xml`.
#[derive(Debug, Serialize)]
pub struct CommentCard<'a> {
    /// Its id, address, writer, date and text.
    #[serde(flatten)]
    pub base: CommentBase<'a>,
    /// What it answers, or none.
    pub reply_to: Option<ReplyTarget<'a>>,
    /// The reading it belongs to.
    pub reading: ReadingRef<'a>,
}

/// The reading a comment card belongs to.
#[derive(Debug, Serialize)]
pub struct ReadingRef<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its absolute address.
    pub permalink: String,
}
