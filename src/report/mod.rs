//! `roundtable report`: the facilitator's round, who wrote, who answered, who has not been heard yet.
//!
//! [`participation`] computes a plain [`Participation`] value from the resolved
//! `Site`; `html`, `csv` and `json` write it. The report is private: it is
//! written outside the public site unless `--publish` asks otherwise.
//!
//! A comment counts in the week of the reading it answers. "This week" is the
//! highest week number among the readings included. A reflection is a
//! top-level comment; a reply counts as given (and received by the other
//! person) only when it answers someone else.

mod csv;
mod html;
mod json;
pub mod rhythm;
pub mod voices;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use chrono::{DateTime, FixedOffset};

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::language::Language;
use crate::model::{PersonId, ReadingId, Site};
use crate::routes::{self, Links, Route};
pub use rhythm::{Status, Window};
pub use voices::Dominant;

/// How many comments "most replied to" lists.
pub const MOST_REPLIED: usize = 10;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Participation {
    /// The site's title.
    pub site_title: String,
    /// Every week number of the readings, oldest first.
    pub weeks: Vec<u32>,
    /// The latest week, if any reading has a week.
    pub this_week: Option<u32>,
    /// The first day counted (`--from`), as `YYYY-MM-DD`.
    pub from: Option<String>,
    /// The last day counted (`--to`).
    pub to: Option<String>,
    /// True when `cohort.members` of `site.yaml` listed the members.
    pub roster: bool,
    /// Members (everyone who is not a facilitator or a guest), by name.
    pub members: Vec<Row>,
    /// Facilitators, counted apart, by name.
    pub facilitators: Vec<Row>,
    /// Guests (role `guest`), counted apart and never expected to write, by name.
    pub guests: Vec<Row>,
    /// Who answers whom: the names of members then facilitators, in the order of the rows.
    pub conversation_names: Vec<String>,
    /// `answers[a][b]`: replies person `a` wrote to person `b`, in the order of `conversation_names`.
    pub answers: Vec<Vec<usize>>,
    /// Threads where one voice wrote more than 40% of the words.
    pub dominant_voices: Vec<Dominant>,
    /// Members who wrote nothing on this week's readings.
    pub not_written_this_week: Vec<String>,
    /// Open readings with no comment yet, newest first.
    pub unanswered_readings: Vec<ReadingRef>,
    /// Reflections no one else has replied to, oldest first.
    pub unanswered_comments: Vec<CommentRef>,
    /// People whose first comment ever is in this week, with that comment.
    pub first_time_contributors: Vec<CommentRef>,
    /// The comments with the most direct replies, at most `MOST_REPLIED`.
    pub most_replied: Vec<CommentRef>,
    /// Comments without a named writer (they count for no one).
    pub anonymous_comments: usize,
    /// How many comments wait for approval (they count for no one until approved).
    pub waiting_count: usize,
    /// Those comments, oldest first; left out of a report published with `--publish`.
    pub waiting: Vec<WaitingRef>,
}

/// A comment waiting for approval, as `roundtable moderate` lists it.
#[derive(Debug, Serialize)]
pub struct WaitingRef {
    /// Its id, for `roundtable moderate approve ID`.
    pub id: String,
    /// Its writer, as written.
    pub author: String,
    /// The reading it answers.
    pub reading: String,
    /// The day it was written.
    pub date: String,
    /// Its first words.
    pub start: String,
}

/// One person's counts.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Display name.
    pub name: String,
    /// Their page's slug.
    pub slug: String,
    /// facilitator, member, guest or other text.
    pub role: Option<String>,
    /// Listed in `cohort.members` (or in `authors.yaml` when there is no such list).
    pub expected: bool,
    /// By week, in the order of `Participation::weeks`.
    pub weeks: Vec<Counts>,
    /// All comments, including those on readings without a week.
    pub total: Counts,
    /// The day of their first comment.
    pub first_comment: Option<String>,
}

/// What one person did in one week (or in all).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Reflected on time, late or missing, when a reading of the week has `due:` (none in the total).
    pub reflection: Option<Status>,
    /// Replied to a colleague on time, late or missing, when a reading of the week has `replies_due:`.
    pub reply: Option<Status>,
    /// Words they wrote.
    pub words: usize,
    /// Their earliest post, in the site's timezone.
    pub earliest: Option<DateTime<FixedOffset>>,
    /// Their latest post.
    pub latest: Option<DateTime<FixedOffset>>,
    /// Comments of any kind they wrote.
    pub comments: usize,
    /// Top-level comments.
    pub reflections: usize,
    /// Replies to someone else's comment.
    pub replies_given: usize,
    /// Replies others wrote to their comments.
    pub replies_received: usize,
}

/// A reading named in the report.
#[derive(Debug, Serialize)]
pub struct ReadingRef {
    /// Its title.
    pub title: String,
    /// Its address: absolute, or relative in a report published as HTML.
    pub url: String,
    /// Its week.
    pub week: Option<u32>,
    /// Its day of publication.
    pub date: String,
}

/// A comment named in the report.
#[derive(Debug, Serialize)]
pub struct CommentRef {
    /// Its writer ("Anonymous" when none).
    pub author: String,
    /// The reading it belongs to.
    pub reading: String,
    /// Its week (its reading's).
    pub week: Option<u32>,
    /// Its address: absolute, or relative in a report published as HTML.
    pub url: String,
    /// The day it was written.
    pub date: String,
    /// Its direct replies.
    pub replies: usize,
}

/// The report's three forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One self-contained page with a sortable member x week grid.
    Html,
    /// One row per person and week, for a spreadsheet.
    Csv,
    /// The whole report, for scripts.
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// The report in `format`.
pub fn render(participation: &Participation, format: Format, language: &Language) -> Vec<u8> {
    match format {
        Format::Html => html::render(participation, language),
        Format::Csv => csv::render(participation).into_bytes(),
        Format::Json => json::render(participation),
    }
}

/// Writes the report as `participation.<format>` in `folder`, whole or not at all.
pub fn write(
    folder: &Path,
    participation: &Participation,
    format: Format,
    language: &Language,
) -> Result<PathBuf, Diagnostics> {
    let name = routes::report_file(format.extension());
    let target = folder.join(&name);
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::create_dir_all(folder)
        .and_then(|()| std::fs::write(&temporary, render(participation, format, language)))
        .and_then(|()| std::fs::rename(&temporary, &target));
    match written {
        Ok(()) => Ok(target),
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            Err(Diagnostic::error(Span::file(&target), format!("cannot write the report: {error}"))
                .with_help("check that the disk has space and that you may write to this folder")
                .into())
        }
    }
}

/// Where `roundtable report` puts the report.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A private folder, `reports/` of the site by default.
    Folder(PathBuf),
    /// `report/` inside this built site, which must exist.
    Publish(PathBuf),
}

/// What `roundtable report` was asked.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Count readings marked `draft: true` too.
    pub drafts: bool,
    /// Count readings dated in the future too.
    pub future: bool,
    /// html, csv or json.
    pub format: Format,
    /// Where it goes.
    pub destination: Destination,
    /// The days it covers.
    pub window: Window,
}

/// What a report run made: the file, the report, and warnings about the site.
#[derive(Debug)]
pub struct Made {
    /// The file written.
    pub path: PathBuf,
    /// Its address on the site, when published.
    pub address: Option<String>,
    /// What it says.
    pub participation: Participation,
    /// Problems that did not stop the run.
    pub warnings: Vec<Diagnostic>,
}

/// Loads and checks the site like `check`, tallies it, and writes the report.
pub fn run(options: &ReportOptions) -> Result<Made, Diagnostics> {
    let folder = match &options.destination {
        Destination::Folder(folder) => folder.clone(),
        Destination::Publish(output) if output.join(crate::write::MARKER).is_file() => {
            output.join(routes::report_folder())
        }
        Destination::Publish(output) => return Err(Diagnostic::error(
            Span::file(output),
            "there is no built site here to add the report to",
        )
        .with_help(
            "run `roundtable build` first; the report is removed by the next build, so publish it again after each",
        )
        .into()),
    };
    let build = crate::BuildOptions {
        root: options.root.clone(),
        output: options.root.join("public"),
        base_url: None,
        drafts: options.drafts,
        future: options.future,
        pending: false,
        cache: false,
        progress: Default::default(),
    };
    let (site, theme, warnings) = crate::model::prepare::load_and_resolve(&build)?;
    let published = matches!(options.destination, Destination::Publish(_));
    // A published page links into the site relatively, as its pages do; anything else stands apart.
    let links = match options.format {
        Format::Html if published => Links::From(Route::report(options.format.extension())),
        _ => Links::absolute(&site.config.base_url),
    };
    let mut participation = participation(&site, &options.window, &links);
    if published {
        // What waits for approval is the facilitator's to see, never the public's.
        participation.waiting.clear();
    }
    let path = write(&folder, &participation, options.format, &theme.language)?;
    let address = published.then(|| Route::report(options.format.extension()).permalink(&site.config.base_url));
    Ok(Made { path, address, participation, warnings: warnings.sorted() })
}

/// Tallies who wrote what, week by week, counting only comments written in `window`.
pub fn participation(site: &Site, window: &Window, links: &Links) -> Participation {
    let mut weeks: Vec<u32> = site.readings.iter().filter_map(|r| r.week).collect();
    weeks.sort_unstable();
    weeks.dedup();
    let this_week = weeks.last().copied();
    let column: BTreeMap<u32, usize> = weeks.iter().enumerate().map(|(i, &w)| (w, i)).collect();
    let mut counts: BTreeMap<PersonId, (Vec<Counts>, Counts)> = BTreeMap::new();
    let roster = !site.members.is_empty();
    let expected: Vec<PersonId> = if roster {
        site.members.clone()
    } else {
        (0..site.people.len()).map(PersonId).filter(|p| site.people[p.0].span.is_some()).collect()
    };
    for person in &expected {
        counts.insert(*person, (vec![Counts::default(); weeks.len()], Counts::default()));
    }
    let mut anonymous_comments = 0;
    let mut first: BTreeMap<PersonId, (ReadingId, usize)> = BTreeMap::new();
    let mut answered = Vec::new();
    for (r, reading) in site.readings.iter().enumerate() {
        let week = reading.week.and_then(|w| column.get(&w).copied());
        let mut tally = |person: PersonId, add: &dyn Fn(&mut Counts)| {
            let (by_week, total) =
                counts.entry(person).or_insert_with(|| (vec![Counts::default(); weeks.len()], Counts::default()));
            add(total);
            if let Some(week) = week {
                add(&mut by_week[week]);
            }
        };
        let comments = &reading.thread.comments;
        let mut replied_by_other = vec![false; comments.len()];
        for (c, comment) in comments.iter().enumerate() {
            if !comment.is_published() || !window.covers(site, &comment.date) {
                continue;
            }
            let parent_author = comment.parent.map(|p| comments[p].author);
            let to_other = parent_author.is_some_and(|a| a.is_none() || a != comment.author);
            if let Some(p) = comment.parent.filter(|_| to_other) {
                replied_by_other[p] = true;
            }
            let Some(author) = comment.author else {
                anonymous_comments += 1;
                if let Some(Some(parent)) = parent_author {
                    tally(parent, &|c| c.replies_received += 1);
                }
                continue;
            };
            let is_root = comment.parent.is_none();
            let words = voices::words(&comment.body);
            let when = comment.date.with_timezone(&site.config.timezone).fixed_offset();
            tally(author, &|c| {
                c.comments += 1;
                c.words += words;
                c.earliest = Some(c.earliest.map_or(when, |e| e.min(when)));
                c.latest = Some(c.latest.map_or(when, |l| l.max(when)));
                c.reflections += usize::from(is_root);
                c.replies_given += usize::from(to_other);
            });
            if let Some(Some(parent)) = parent_author.filter(|_| to_other) {
                tally(parent, &|c| c.replies_received += 1);
            }
            let earlier = first.get(&author).is_none_or(|&(fr, fc)| {
                let known = &site.readings[fr.0].thread.comments[fc];
                (comment.date, r, c) < (known.date, fr.0, fc)
            });
            if earlier {
                first.insert(author, (ReadingId(r), c));
            }
        }
        answered.push(replied_by_other);
    }
    let reference = |(r, c): (ReadingId, usize)| comment_ref(site, links, r, c);
    let people: Vec<PersonId> = counts.keys().copied().collect();
    let statuses = rhythm::statuses(site, window, &people, &column);
    let mut members = Vec::new();
    let mut facilitators = Vec::new();
    let mut guests = Vec::new();
    for (person, (mut by_week, total)) in counts {
        for (counts, &(reflection, reply)) in by_week.iter_mut().zip(&statuses[&person]) {
            counts.reflection = reflection;
            counts.reply = reply;
        }
        let info = &site.people[person.0];
        let row = Row {
            name: info.name.clone(),
            slug: info.slug.clone(),
            role: info.role.clone(),
            expected: expected.contains(&person),
            weeks: by_week,
            total,
            first_comment: first.get(&person).map(|&(r, c)| reference((r, c)).date),
        };
        if is_role(info.role.as_deref(), "facilitator") {
            facilitators.push((person, row));
        } else if is_role(info.role.as_deref(), "guest") {
            guests.push((person, row));
        } else {
            members.push((person, row));
        }
    }
    let by_name = |(_, a): &(PersonId, Row), (_, b): &(PersonId, Row)| {
        (a.name.to_lowercase(), &a.slug).cmp(&(b.name.to_lowercase(), &b.slug))
    };
    members.sort_by(by_name);
    facilitators.sort_by(by_name);
    guests.sort_by(by_name);
    let order: Vec<PersonId> = members.iter().chain(&facilitators).map(|(p, _)| *p).collect();
    let conversation_names = members.iter().chain(&facilitators).map(|(_, row)| row.name.clone()).collect();
    let (_, members): (Vec<PersonId>, Vec<Row>) = members.into_iter().unzip();
    let (_, facilitators): (Vec<PersonId>, Vec<Row>) = facilitators.into_iter().unzip();
    let (_, guests): (Vec<PersonId>, Vec<Row>) = guests.into_iter().unzip();
    let not_written_this_week = match this_week.and_then(|w| column.get(&w)) {
        Some(&last) => members.iter().filter(|m| m.weeks[last].comments == 0).map(|m| m.name.clone()).collect(),
        None => Vec::new(),
    };
    let mut first_time: Vec<(ReadingId, usize)> =
        first.values().copied().filter(|(r, _)| this_week.is_some() && site.readings[r.0].week == this_week).collect();
    first_time.sort_by_key(|&(r, c)| (site.readings[r.0].thread.comments[c].date, r, c));
    let mut unanswered: Vec<(ReadingId, usize)> = Vec::new();
    let mut replied: Vec<(usize, ReadingId, usize)> = Vec::new();
    for (r, reading) in site.readings.iter().enumerate() {
        for (c, comment) in reading.thread.comments.iter().enumerate().filter(|(_, c)| c.is_published()) {
            if comment.parent.is_none() && !answered[r][c] {
                unanswered.push((ReadingId(r), c));
            }
            let replies = reading.thread.children[c].len();
            if replies > 0 {
                replied.push((replies, ReadingId(r), c));
            }
        }
    }
    let date = |&(r, c): &(ReadingId, usize)| site.readings[r.0].thread.comments[c].date;
    unanswered.sort_by(|a, b| date(a).cmp(&date(b)).then(a.cmp(b)));
    replied.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| date(&(a.1, a.2)).cmp(&date(&(b.1, b.2)))).then(a.cmp(b)));
    let mut dated: Vec<_> = site.readings.iter().flat_map(|r| r.waiting.iter().map(move |w| (w.date, r, w))).collect();
    dated.sort_by_key(|&(date, _, _)| date);
    let waiting: Vec<WaitingRef> = dated
        .into_iter()
        .map(|(date, reading, comment)| WaitingRef {
            id: comment.id.clone(),
            author: comment.author.clone(),
            reading: reading.title.clone(),
            date: day(site, &date),
            start: comment.start(),
        })
        .collect();
    Participation {
        site_title: site.config.title.clone(),
        weeks,
        this_week,
        from: window.from.map(|d| d.to_string()),
        to: window.to.map(|d| d.to_string()),
        roster,
        answers: voices::grid(site, window, &order),
        conversation_names,
        dominant_voices: voices::dominant(site, window, |path| Route::reading(path).link(links)),
        members,
        facilitators,
        guests,
        not_written_this_week,
        unanswered_readings: site
            .readings
            .iter()
            .filter(|r| r.comments_open && r.thread.published_count() == 0)
            .map(|r| ReadingRef {
                title: r.title.clone(),
                url: Route::reading(&r.path).link(links),
                week: r.week,
                date: day(site, &r.date),
            })
            .collect(),
        unanswered_comments: unanswered.into_iter().map(reference).collect(),
        first_time_contributors: first_time.into_iter().map(reference).collect(),
        most_replied: replied.into_iter().take(MOST_REPLIED).map(|(_, r, c)| reference((r, c))).collect(),
        anonymous_comments,
        waiting_count: waiting.len(),
        waiting,
    }
}

/// Facilitators are named by role, in any case.
fn is_role(role: Option<&str>, name: &str) -> bool {
    role.is_some_and(|r| r.eq_ignore_ascii_case(name))
}

fn comment_ref(site: &Site, links: &Links, reading: ReadingId, index: usize) -> CommentRef {
    let r = &site.readings[reading.0];
    let comment = &r.thread.comments[index];
    CommentRef {
        author: comment.author.map_or_else(|| "Anonymous".to_string(), |p| site.people[p.0].name.clone()),
        reading: r.title.clone(),
        week: r.week,
        url: Route::comment(&r.path, &comment.id).link(links),
        date: day(site, &comment.date),
        replies: r.thread.children[index].len(),
    }
}

/// The absolute address of a reading, or of one of its comments.
pub(crate) fn permalink(site: &Site, path: &str, comment: Option<&str>) -> String {
    let route = match comment {
        Some(id) => Route::comment(path, id),
        None => Route::reading(path),
    };
    route.permalink(&site.config.base_url)
}

fn day(site: &Site, date: &chrono::DateTime<chrono::FixedOffset>) -> String {
    date.with_timezone(&site.config.timezone).format("%Y-%m-%d").to_string()
}
