//! The template context: what every template receives, as typed views of the `Site`.
//!
//! These types are the theme author's reference; `docs/templates.md` documents
//! them field by field. HTML fields are `Html`, which Tera prints unescaped;
//! every other string is escaped by Tera.

use serde::Serialize;

use super::bodies::Bodies;
use super::phrases::{after_reading, initials, join_names, tint};
use super::sanitize::Html;
use crate::model::{Comment, CommentStatus, Person, PersonId, Reading, ReadingId, Site};

/// `site`: given to every template.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// The site's title.
    pub title: &'a str,
    /// One line about the site.
    pub description: Option<&'a str>,
    /// The `lang` of pages.
    pub language: &'a str,
    /// Absolute address of the site, ending in `/`.
    pub base_url: &'a str,
    /// Path prefix of every link, ending in `/`.
    pub root: &'a str,
    /// The readings feed.
    pub feed_url: String,
    /// The comments feed.
    pub comments_feed_url: String,
    /// The list of people.
    pub authors_url: String,
    /// The list of tags.
    pub tags_url: String,
    /// The search page.
    pub search_url: String,
    /// Top-level sections, for navigation.
    pub sections: Vec<SectionLink<'a>>,
}

/// `page`: what the page being rendered is.
#[derive(Debug, Serialize)]
pub struct PageView {
    /// index, section, reading, authors, author, tags, tag, 404, atom, comments, sitemap.
    pub kind: &'static str,
    /// The page's own title.
    pub title: String,
    /// Root-relative address.
    pub url: String,
    /// Absolute address.
    pub permalink: String,
}

/// A date for people and for machines.
#[derive(Debug, Serialize)]
pub struct DateView {
    /// RFC 3339 with offset.
    pub iso: String,
    /// `YYYY-MM-DD` in the site's timezone.
    pub day: String,
    /// Formatted with `date_format` in the site's timezone.
    pub display: String,
}

/// A link to a person (or an anonymous writer).
#[derive(Debug, Serialize)]
pub struct PersonLink<'a> {
    /// Display name ("Anonymous" when anonymous).
    pub name: &'a str,
    /// Their page; none when anonymous.
    pub url: Option<String>,
    /// facilitator, member, guest or other text.
    pub role: Option<&'a str>,
    /// One or two letters for an avatar.
    pub initials: String,
    /// 0 to 5, the same for the same name on every build: a colour for the avatar.
    pub tint: u32,
    /// True when no one is named.
    pub anonymous: bool,
}

/// A person on the list of people and on their own page.
#[derive(Debug, Serialize)]
pub struct PersonView<'a> {
    /// Their link fields.
    #[serde(flatten)]
    pub link: PersonLink<'a>,
    /// Their page's slug.
    pub slug: &'a str,
    /// Their bio.
    pub bio: Option<&'a Html>,
    /// Their web page.
    pub website: Option<&'a str>,
    /// How many readings they wrote.
    pub reading_count: usize,
    /// How many comments they wrote.
    pub comment_count: usize,
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
    /// Readings with this tag.
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

/// A section's own page.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// One line about it.
    pub description: Option<&'a str>,
    /// Its introduction.
    pub content: Option<&'a Html>,
}

/// A citation.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    /// Title of the book or article.
    pub title: &'a str,
    /// Its authors.
    pub authors: &'a [String],
    /// "A, B and C".
    pub authors_text: Option<String>,
    /// Its publisher.
    pub publisher: Option<&'a str>,
    /// Its year.
    pub year: Option<u32>,
    /// A link to it.
    pub url: Option<&'a str>,
}

/// A reading, in lists, on its page and in feeds.
#[derive(Debug, Serialize)]
pub struct ReadingView<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its absolute address.
    pub permalink: String,
    /// The feed of its discussion.
    pub comments_feed_url: String,
    /// When it was published.
    pub date: DateView,
    /// Who wrote it.
    pub author: Option<PersonLink<'a>>,
    /// The cohort week.
    pub week: Option<u32>,
    /// Its tags.
    pub tags: Vec<TagLink<'a>>,
    /// Its summary.
    pub summary: &'a Html,
    /// Its source.
    pub source: Option<SourceView<'a>>,
    /// Its section.
    pub section: Option<SectionLink<'a>>,
    /// How many comments its thread has.
    pub comment_count: usize,
    /// How many people wrote in its thread.
    pub participant_count: usize,
    /// False when the thread is closed.
    pub comments_open: bool,
    /// A `mailto:` link to answer it by e-mail, when `site.yaml` sets `replies` and the thread is open.
    pub reply_link: Option<String>,
    /// True for a draft (only built with `--drafts`).
    pub draft: bool,
    /// When reflections are due, in words (`Friday 12 August`).
    pub reflections_due: Option<DateView>,
    /// When replies are due, in words.
    pub replies_due: Option<DateView>,
    /// Its body: only on its own page and in the feed.
    pub content: Option<&'a Html>,
}

/// Readings of one week.
#[derive(Debug, Serialize)]
pub struct WeekGroup<'a> {
    /// The week number; none for readings without a week.
    pub week: Option<u32>,
    /// "Week 3" or "More readings".
    pub label: String,
    /// True for the newest week.
    pub current: bool,
    /// Its readings, newest first.
    pub readings: Vec<ReadingView<'a>>,
}

/// Where a comment shown flat belongs, or what a card's comment answers.
#[derive(Debug, Serialize)]
pub struct ReplyTarget<'a> {
    /// The parent's id.
    pub id: &'a str,
    /// The parent's element id.
    pub anchor: String,
    /// The parent's address.
    pub url: String,
    /// The parent's writer.
    pub name: &'a str,
}

/// What every view of a comment shows.
#[derive(Debug, Serialize)]
pub struct CommentBase<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its element id.
    pub anchor: String,
    /// Root-relative address.
    pub url: String,
    /// Absolute address.
    pub permalink: String,
    /// Its writer.
    pub author: PersonLink<'a>,
    /// When it was written.
    pub date: DateView,
    /// When it was written, counted in the site's days from its reading: "2 days after the reading".
    pub after_reading: String,
    /// Its text (empty when removed).
    pub body: &'a Html,
    /// `published`, `pending` (only `serve` shows it, marked as waiting) or `removed` (a placeholder).
    pub status: &'static str,
}

/// A comment in a thread, with its replies nested.
#[derive(Debug, Serialize)]
pub struct CommentView<'a> {
    /// Its id, address, writer, date and text.
    #[serde(flatten)]
    pub base: CommentBase<'a>,
    /// 1 for top-level; never above `thread.max_depth`.
    pub level: u32,
    /// The parent's id.
    pub reply_to: Option<&'a str>,
    /// The parent, for every reply.
    pub parent: Option<ReplyTarget<'a>>,
    /// The parent, when shown away from it.
    pub in_reply_to: Option<ReplyTarget<'a>>,
    /// Direct replies.
    pub reply_count: usize,
    /// Replies at any depth.
    pub descendant_count: usize,
    /// Replies shown inside it.
    pub replies: Vec<CommentView<'a>>,
    /// A `mailto:` link to answer it by e-mail, when replies are on, the thread open and it published.
    pub reply_link: Option<String>,
}

/// A comment on its own, with its reading.
#[derive(Debug, Serialize)]
pub struct CommentCard<'a> {
    /// Its id, address, writer, date and text.
    #[serde(flatten)]
    pub base: CommentBase<'a>,
    /// What it answers.
    pub reply_to: Option<ReplyTarget<'a>>,
    /// The reading it belongs to.
    pub reading: ReadingRef<'a>,
}

/// A reading named by a comment card.
#[derive(Debug, Serialize)]
pub struct ReadingRef<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: String,
    /// Its absolute address.
    pub permalink: String,
}

/// One address of the sitemap.
#[derive(Debug, Serialize)]
pub struct SitemapEntry {
    /// Absolute address.
    pub permalink: String,
    /// Last change, as a day.
    pub lastmod: Option<String>,
}

/// Builds views from the model and the rendered bodies.
pub struct Views<'a> {
    /// The model.
    pub site: &'a Site,
    /// The HTML of every text.
    pub bodies: &'a Bodies,
    /// Replies below each comment, at any depth, by reading then comment.
    descendants: Vec<Vec<usize>>,
}

impl<'a> Views<'a> {
    /// Prepares the views (counts replies once for every thread).
    pub fn new(site: &'a Site, bodies: &'a Bodies) -> Views<'a> {
        let descendants = site.readings.iter().map(|r| descendant_counts(&r.thread)).collect();
        Views { site, bodies, descendants }
    }

    /// The root-relative address of a page folder: `path` is `""` for the home page or `a/b`.
    pub fn url(&self, path: &str) -> String {
        let root = &self.site.config.base_url.root;
        if path.is_empty() {
            root.clone()
        } else {
            format!("{root}{path}/")
        }
    }

    /// The root-relative address of a file such as `atom.xml`.
    pub fn file_url(&self, path: &str) -> String {
        format!("{}{path}", self.site.config.base_url.root)
    }

    /// The absolute form of a root-relative address made by `url`.
    pub fn permalink(&self, url: &str) -> String {
        let base = &self.site.config.base_url;
        format!("{}{}", base.absolute, &url[base.root.len()..])
    }

    /// `site`.
    pub fn site(&self) -> SiteView<'a> {
        let config = &self.site.config;
        SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            language: &config.language,
            base_url: &config.base_url.absolute,
            root: &config.base_url.root,
            feed_url: self.file_url("atom.xml"),
            comments_feed_url: self.file_url("comments.xml"),
            authors_url: self.url("authors"),
            tags_url: self.url("tags"),
            search_url: self.url("search"),
            sections: self
                .site
                .sections
                .iter()
                .filter(|s| s.top_level)
                .map(|s| SectionLink { title: &s.title, url: self.url(&s.path) })
                .collect(),
        }
    }

    /// `page` for a page at `url`.
    pub fn page(&self, kind: &'static str, title: String, url: String) -> PageView {
        PageView { kind, title, permalink: self.permalink(&url), url }
    }

    /// A date in the site's timezone.
    pub fn date(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> DateView {
        let config = &self.site.config;
        let local = date.with_timezone(&config.timezone);
        DateView { iso: date.to_rfc3339(), day: self.day(date), display: local.format(&config.date_format).to_string() }
    }

    /// A due date, shown in words.
    pub fn due(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> DateView {
        DateView { display: crate::model::due::in_words(date, self.site.config.timezone), ..self.date(date) }
    }

    /// The calendar day of `date` in the site's timezone, as `YYYY-MM-DD`.
    pub fn day(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> String {
        date.with_timezone(&self.site.config.timezone).format("%Y-%m-%d").to_string()
    }

    /// Calendar days from `from` to `to` in the site's timezone (negative when `to` is earlier).
    fn days_between(
        &self,
        from: &chrono::DateTime<chrono::FixedOffset>,
        to: &chrono::DateTime<chrono::FixedOffset>,
    ) -> i64 {
        let zone = &self.site.config.timezone;
        (to.with_timezone(zone).date_naive() - from.with_timezone(zone).date_naive()).num_days()
    }

    /// A link to `person`, or to an anonymous writer.
    pub fn person_link(&self, person: Option<PersonId>) -> PersonLink<'a> {
        match person {
            Some(id) => {
                let person = &self.site.people[id.0];
                PersonLink {
                    name: &person.name,
                    url: Some(self.url(&format!("authors/{}", person.slug))),
                    role: person.role.as_deref(),
                    initials: initials(&person.name),
                    tint: tint(&person.slug),
                    anonymous: false,
                }
            }
            None => PersonLink {
                name: "Anonymous",
                url: None,
                role: None,
                initials: "?".to_string(),
                tint: 0,
                anonymous: true,
            },
        }
    }

    /// A person with their counts.
    pub fn person(&self, id: PersonId) -> PersonView<'a> {
        let person: &'a Person = &self.site.people[id.0];
        let work = &self.site.contributions[id.0];
        PersonView {
            link: self.person_link(Some(id)),
            slug: &person.slug,
            bio: self.bodies.bios[id.0].as_ref(),
            website: person.website.as_deref(),
            reading_count: work.readings.len(),
            comment_count: work.comments.len(),
        }
    }

    /// A tag with its count.
    pub fn tag(&self, index: usize) -> TagView<'a> {
        let tag = &self.site.tags[index];
        TagView {
            name: &tag.name,
            slug: &tag.slug,
            url: self.url(&format!("tags/{}", tag.slug)),
            count: tag.readings.len(),
        }
    }

    /// A reading; `with_content` adds its body.
    pub fn reading(&self, id: ReadingId, with_content: bool) -> ReadingView<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let body = &self.bodies.readings[id.0];
        let url = self.url(&reading.path);
        ReadingView {
            title: &reading.title,
            comments_feed_url: self.file_url(&format!("{}/comments.xml", reading.path)),
            permalink: self.permalink(&url),
            url,
            date: self.date(&reading.date),
            author: reading.author.map(|a| self.person_link(Some(a))),
            week: reading.week,
            tags: reading
                .tags
                .iter()
                .map(|&t| {
                    let tag = &self.site.tags[t];
                    TagLink { name: &tag.name, url: self.url(&format!("tags/{}", tag.slug)) }
                })
                .collect(),
            summary: &body.summary,
            source: reading.source.as_ref().map(|s| SourceView {
                title: &s.title,
                authors: &s.authors,
                authors_text: join_names(&s.authors),
                publisher: s.publisher.as_deref(),
                year: s.year,
                url: s.url.as_deref(),
            }),
            section: self
                .site
                .sections
                .iter()
                .find(|s| s.path == reading.section)
                .map(|s| SectionLink { title: &s.title, url: self.url(&s.path) }),
            comment_count: reading.thread.published_count(),
            participant_count: participants(reading).len(),
            comments_open: reading.comments_open,
            reply_link: self.reply_link(reading, None),
            draft: reading.draft,
            reflections_due: reading.due.reflections.map(|d| self.due(&d)),
            replies_due: reading.due.replies.map(|d| self.due(&d)),
            content: with_content.then_some(&body.content),
        }
    }

    /// Readings grouped by week, newest week first, readings without a week last.
    pub fn weeks(&self, readings: &[ReadingId]) -> Vec<WeekGroup<'a>> {
        let mut groups: Vec<WeekGroup<'a>> = Vec::new();
        let mut weeks: Vec<Option<u32>> = readings.iter().map(|r| self.site.readings[r.0].week).collect();
        weeks.sort_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(a), Some(b)) => b.cmp(a),
        });
        weeks.dedup();
        for (position, week) in weeks.into_iter().enumerate() {
            groups.push(WeekGroup {
                week,
                label: week.map_or_else(|| "More readings".to_string(), |w| format!("Week {w}")),
                current: position == 0 && week.is_some(),
                readings: readings
                    .iter()
                    .filter(|r| self.site.readings[r.0].week == week)
                    .map(|&r| self.reading(r, false))
                    .collect(),
            });
        }
        groups
    }

    fn comment_url(&self, reading: &Reading, comment: &Comment) -> String {
        format!("{}#comment-{}", self.url(&reading.path), comment.id)
    }

    fn reply_target(&self, reading: &'a Reading, index: usize) -> ReplyTarget<'a> {
        let comment = &reading.thread.comments[index];
        ReplyTarget {
            id: &comment.id,
            anchor: format!("comment-{}", comment.id),
            url: self.comment_url(reading, comment),
            name: match comment.status {
                CommentStatus::Removed => "a removed reflection",
                _ => self.person_link(comment.author).name,
            },
        }
    }

    /// The parts every view of a comment shares.
    fn comment_base(&self, id: ReadingId, index: usize) -> CommentBase<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        let url = self.comment_url(reading, comment);
        CommentBase {
            id: &comment.id,
            anchor: format!("comment-{}", comment.id),
            permalink: self.permalink(&url),
            url,
            author: self.person_link(comment.author),
            date: self.date(&comment.date),
            after_reading: after_reading(self.days_between(&reading.date, &comment.date)),
            body: &self.bodies.comments[id.0][index],
            status: match comment.status {
                CommentStatus::Published => "published",
                CommentStatus::Pending => "pending",
                CommentStatus::Removed => "removed",
            },
        }
    }

    /// One comment of a reading's thread, with no replies yet.
    fn comment(&self, id: ReadingId, index: usize, level: u32, flat: bool) -> CommentView<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        CommentView {
            base: self.comment_base(id, index),
            level,
            reply_to: comment.parent.map(|p| reading.thread.comments[p].id.as_str()),
            parent: comment.parent.map(|p| self.reply_target(reading, p)),
            in_reply_to: comment.parent.filter(|_| flat).map(|p| self.reply_target(reading, p)),
            reply_count: reading.thread.children[index].len(),
            descendant_count: self.descendants[id.0][index],
            replies: Vec::new(),
            reply_link: Some(comment).filter(|c| c.is_published()).and_then(|c| self.reply_link(reading, Some(&c.id))),
        }
    }

    /// The `mailto:` link answering `reading` or one of its comments, when replies by e-mail are on.
    fn reply_link(&self, reading: &Reading, comment: Option<&str>) -> Option<String> {
        let replies = self.site.config.replies.as_ref().filter(|_| reading.comments_open)?;
        Some(crate::ingest::token::mailto(&replies.to, &reading.title, &reading.path, comment))
    }

    /// The whole thread of a reading, nested up to `thread.max_depth`, flat below it.
    pub fn thread(&self, id: ReadingId) -> Vec<CommentView<'a>> {
        let thread = &self.site.readings[id.0].thread;
        self.level(id, &thread.roots, 1)
    }

    /// The views of `comments` at `level`: recursion stops at `max_depth`, so it stays shallow.
    fn level(&self, id: ReadingId, comments: &[usize], level: u32) -> Vec<CommentView<'a>> {
        let thread = &self.site.readings[id.0].thread;
        let max_depth = self.site.config.max_depth;
        let mut views = Vec::with_capacity(comments.len());
        for &index in comments {
            let mut view = self.comment(id, index, level, false);
            if level < max_depth {
                view.replies = self.level(id, &thread.children[index], level + 1);
                views.push(view);
                continue;
            }
            views.push(view);
            // Depth-first, oldest first: a conversation below the limit reads in order.
            let mut stack: Vec<usize> = thread.children[index].iter().rev().copied().collect();
            while let Some(below) = stack.pop() {
                views.push(self.comment(id, below, level, true));
                stack.extend(thread.children[below].iter().rev());
            }
        }
        views
    }

    /// Everyone who commented on a reading, in order of their first comment.
    pub fn participants(&self, id: ReadingId) -> Vec<PersonLink<'a>> {
        participants(&self.site.readings[id.0]).into_iter().map(|p| self.person_link(Some(p))).collect()
    }

    /// A comment on its own, for author pages and feeds.
    pub fn comment_card(&self, id: ReadingId, index: usize) -> CommentCard<'a> {
        let reading: &'a Reading = &self.site.readings[id.0];
        let comment = &reading.thread.comments[index];
        let reading_url = self.url(&reading.path);
        CommentCard {
            base: self.comment_base(id, index),
            reply_to: comment.parent.map(|p| self.reply_target(reading, p)),
            reading: ReadingRef { title: &reading.title, permalink: self.permalink(&reading_url), url: reading_url },
        }
    }
}

/// Replies at any depth below each comment, counted without recursion.
fn descendant_counts(thread: &crate::model::Thread) -> Vec<usize> {
    let mut order: Vec<usize> = (0..thread.comments.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(thread.comments[i].depth));
    let mut counts = vec![0; thread.comments.len()];
    for index in order {
        if let Some(parent) = thread.comments[index].parent {
            counts[parent] += counts[index] + 1;
        }
    }
    counts
}

fn participants(reading: &Reading) -> Vec<PersonId> {
    let mut by_date: Vec<&Comment> = reading.thread.comments.iter().filter(|c| c.is_published()).collect();
    by_date.sort_by_key(|c| c.date);
    let mut seen = Vec::new();
    for comment in by_date {
        if let Some(author) = comment.author {
            if !seen.contains(&author) {
                seen.push(author);
            }
        }
    }
    seen
}
