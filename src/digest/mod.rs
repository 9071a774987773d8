//! `roundtable digest`: one e-mail per member for a week, written as `.eml` files to review, or sent.
//!
//! Each mail goes to one person and names only them: the week's new readings with their due dates,
//! the replies to them and mentions of them written that week on any reading (published comments
//! only), and, for facilitators, who has not been heard. [`compose`] makes plain data from the
//! `Site`; `mail` turns it into a MIME message; `smtp` sends. Every word a digest writes comes from
//! the site's translation files (`digest_*` and the theme's own strings), as the pages' words do.

mod mail;
pub mod smtp;

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::language::Language;
use crate::model::{due, PersonId, Site};
use crate::render::markdown::{self, Author};
use crate::render::sanitize::{self, Html};
use crate::report::{self, permalink, Status, Window};
use crate::routes::Route;

/// What `roundtable digest` was asked.
#[derive(Debug, Clone)]
pub struct DigestOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The week; by default the latest week of the readings.
    pub week: Option<u32>,
    /// Where the `.eml` files go; by default `digests/week-N/` in the site folder.
    pub out: Option<PathBuf>,
    /// Send them through `smtp:` of `site.yaml` too.
    pub send: bool,
}

/// One member's digest.
#[derive(Debug)]
pub struct Digest {
    /// The recipient's name.
    pub name: String,
    /// Their address, the only one in the mail.
    pub address: String,
    /// The `.eml` file's name: their slug.
    pub file: String,
    /// Why they receive it.
    pub reason: String,
    /// The week.
    pub week: u32,
    /// The week's readings.
    pub readings: Vec<ReadingItem>,
    /// Replies to their comments.
    pub replies: Vec<CommentItem>,
    /// Comments naming them with `@`.
    pub mentions: Vec<CommentItem>,
    /// For facilitators: members not heard this week, and why.
    pub not_heard: Option<Vec<String>>,
}

/// A reading in a digest.
#[derive(Debug, Clone)]
pub struct ReadingItem {
    /// Its title.
    pub title: String,
    /// Its absolute address.
    pub url: String,
    /// "Reflections by Friday 12 August", in the site's language, when due dates are set.
    pub due: Option<String>,
}

/// A comment in a digest.
#[derive(Debug, Clone)]
pub struct CommentItem {
    /// Its writer.
    pub author: String,
    /// The reading it is on.
    pub reading: String,
    /// Its absolute address.
    pub url: String,
    /// Its text as written (Markdown), for the plain-text part.
    pub text: String,
    /// Its text through the members' Markdown and sanitizer, with absolute links, for the HTML part.
    pub html: Html,
}

/// What a digest run made.
#[derive(Debug)]
pub struct Made {
    /// The folder of the `.eml` files.
    pub folder: PathBuf,
    /// The digests.
    pub digests: Vec<Digest>,
    /// With `--send`: who was sent a mail now (file names), and who had been before.
    pub sent: Option<(Vec<String>, usize)>,
    /// Problems that did not stop the run (members without an address).
    pub warnings: Vec<Diagnostic>,
}

/// Makes the week's digests, writes them, and sends them when asked.
pub fn run(options: &DigestOptions) -> Result<Made, Diagnostics> {
    let build = crate::BuildOptions {
        root: options.root.clone(),
        output: options.root.join("public"),
        base_url: None,
        drafts: false,
        future: false,
        pending: false,
        cache: false,
        progress: Default::default(),
    };
    let (site, theme, warnings) = crate::model::prepare::load_and_resolve(&build)?;
    let language = &theme.language;
    let mut warnings = warnings.sorted();
    let smtp = match (&site.config.smtp, options.send) {
        (None, true) => {
            return Err(Diagnostic::error(Span::file(options.root.join("site.yaml")), "there are no mail settings to send with")
                .with_help("add an `smtp:` block to site.yaml (host, username, password_env, from), or leave out --send to write the mails as files")
                .into())
        }
        (smtp, _) => smtp.clone(),
    };
    let week = pick_week(&site, options.week)?;
    let from = sender(&site)?;
    let digests = compose(&site, language, week, &mut warnings);
    let folder = options.out.clone().unwrap_or_else(|| options.root.join("digests").join(format!("week-{week}")));
    let mut mails = Vec::new();
    for digest in &digests {
        let message = mail::message(&site, language, digest, &from);
        let path = folder.join(format!("{}.eml", digest.file));
        std::fs::create_dir_all(&folder)
            .and_then(|()| crate::write::write_atomically(&path, &message.formatted()))
            .map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error(Span::file(&path), format!("cannot write the digest: {e}"))
                        .with_help("check that the disk has space and that you may write to this folder"),
                )
            })?;
        mails.push((format!("{}.eml", digest.file), message));
    }
    let sent = match smtp.filter(|_| options.send) {
        Some(smtp) => {
            let before = smtp::already_sent(&folder).len();
            Some((smtp::send(&smtp, &folder, mails)?, before))
        }
        None => None,
    };
    Ok(Made { folder, digests, sent, warnings })
}

fn pick_week(site: &Site, asked: Option<u32>) -> Result<u32, Diagnostics> {
    let mut weeks: Vec<u32> = site.readings.iter().filter_map(|r| r.week).collect();
    weeks.sort_unstable();
    weeks.dedup();
    let known = |w: &u32| weeks.contains(w);
    let problem = match asked.or_else(|| weeks.last().copied()) {
        Some(week) if known(&week) => return Ok(week),
        // A week no reading has is a mistake in the command; no week at all is the site's.
        Some(week) => Diagnostic::command("--week", format!("no published reading is in week {week}")),
        None => Diagnostic::error(Span::file("content"), "no reading has a week"),
    };
    Err(problem
        .with_help(if weeks.is_empty() {
            "give readings a `week:`, or their section a `weeks_start:`".to_string()
        } else {
            format!("the weeks are {}", weeks.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
        })
        .into())
}

/// The `From:` of every digest: `smtp.from`, else the replies mailbox, else the first facilitator
/// of `authors.yaml` with an `email:` (the one who writes them, so that writing them as files to
/// look at needs no mail settings).
fn sender(site: &Site) -> Result<String, Diagnostics> {
    let config = &site.config;
    let facilitator = || {
        let person = site
            .people
            .iter()
            .enumerate()
            .find(|(p, info)| is_facilitator(site, PersonId(*p)) && !info.emails.is_empty());
        let (_, info) = person?;
        let address = info.emails[0].parse().ok()?;
        Some(lettre::message::Mailbox::new(Some(info.name.clone()), address).to_string())
    };
    config
        .smtp
        .as_ref()
        .and_then(|s| s.from.clone())
        .or_else(|| config.replies.as_ref().map(|r| r.to.clone()))
        .or_else(facilitator)
        .ok_or_else(|| {
            Diagnostic::error(Span::file("site.yaml"), "the digests have no sender")
                .with_help(
                    "give the facilitator an `email:` in authors.yaml, or set `smtp: { from: Cohort <facilitator@school.example> }` \
                     or `replies: { to: ... }` in site.yaml",
                )
                .into()
        })
}

/// Whether `person` facilitates (`role: facilitator`, in any case).
fn is_facilitator(site: &Site, person: PersonId) -> bool {
    site.people[person.0].role.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("facilitator"))
}

/// One digest for each expected person (and each facilitator) with an address, in `language`.
pub fn compose(site: &Site, language: &Language, week: u32, warnings: &mut Vec<Diagnostic>) -> Vec<Digest> {
    let participation =
        report::participation(site, &Window::all(), &crate::routes::Links::absolute(&site.config.base_url));
    let column = participation.weeks.iter().position(|&w| w == week);
    let not_heard: Vec<String> = participation
        .members
        .iter()
        .filter(|row| row.expected)
        .filter_map(|row| {
            let counts = &row.weeks[column?];
            let why = match (counts.comments, counts.reflection) {
                (0, _) => "digest_wrote_nothing",
                (_, Some(Status::Missing)) => "digest_not_reflected",
                (_, Some(Status::Late)) => "digest_reflected_late",
                _ if counts.reply == Some(Status::Missing) => "digest_not_replied",
                _ => return None,
            };
            Some(language.say(why, None, &[("name", &row.name)]))
        })
        .collect();
    let readings: Vec<ReadingItem> = site
        .readings
        .iter()
        .rev()
        .filter(|r| r.week == Some(week))
        .map(|r| ReadingItem {
            title: r.title.clone(),
            url: permalink(site, &r.path, None),
            due: due_line(site, language, r),
        })
        .collect();
    let mut recipients: Vec<PersonId> = if site.members.is_empty() {
        (0..site.people.len()).map(PersonId).filter(|p| site.people[p.0].span.is_some()).collect()
    } else {
        site.members.clone()
    };
    let facilitators: Vec<PersonId> =
        (0..site.people.len()).map(PersonId).filter(|&p| is_facilitator(site, p) && !recipients.contains(&p)).collect();
    recipients.extend(facilitators);
    let prepared = week_comments(site, language, week);
    let mut digests = Vec::new();
    for person in recipients {
        let info = &site.people[person.0];
        let Some(address) = info.emails.first() else {
            if let Some(span) = &info.span {
                warnings.push(
                    Diagnostic::warning(
                        span.clone(),
                        format!("{} has no e-mail address, so gets no digest", info.name),
                    )
                    .with_help("add `email: name@example.org` to their entry in authors.yaml"),
                );
            }
            continue;
        };
        let (replies, mentions) = comments_for(&prepared, person);
        let is_facilitator = is_facilitator(site, person);
        let why = if is_facilitator { "digest_why_facilitator" } else { "digest_why_member" };
        let reason = language.say(why, None, &[("site", &site.config.title)]);
        digests.push(Digest {
            name: info.name.clone(),
            address: address.clone(),
            file: info.slug.clone(),
            reason,
            week,
            readings: readings.clone(),
            replies,
            mentions,
            not_heard: is_facilitator.then(|| not_heard.clone()),
        });
    }
    digests
}

/// The due dates in words, as the reading's page says them.
fn due_line(site: &Site, language: &Language, reading: &crate::model::Reading) -> Option<String> {
    let due = &reading.due;
    let words =
        |d: &chrono::DateTime<chrono::FixedOffset>| due::in_words(d, &reading.date, site.config.timezone, language);
    let say = |key: &str| language.say(key, None, &[]);
    match (due.reflections.as_ref().map(words), due.replies.as_ref().map(words)) {
        (Some(r), Some(p)) => Some(format!("{} {r} · {} {p}", say("reflections_due"), say("replies_due_also"))),
        (Some(r), None) => Some(format!("{} {r}", say("reflections_due"))),
        (None, Some(p)) => Some(format!("{} {p}", say("replies_due"))),
        (None, None) => None,
    }
}

/// A published comment of the week, made ready once for every digest that shows it.
struct Prepared {
    author: Option<PersonId>,
    answers: Option<PersonId>,
    mentions: Vec<PersonId>,
    item: CommentItem,
}

/// The days of week `week`, in the site's timezone: from the day of its first reading to the day
/// before the next week's first reading (open when no later week is published).
fn week_days(site: &Site, week: u32) -> (NaiveDate, Option<NaiveDate>) {
    let day = |r: &crate::model::Reading| r.date.with_timezone(&site.config.timezone).date_naive();
    let first_of = |w: u32| site.readings.iter().filter(|r| r.week == Some(w)).map(day).min();
    let start = first_of(week).expect("the week was picked among the readings'");
    let later = site.readings.iter().filter(|r| r.week.is_some_and(|w| w > week)).map(day).filter(|d| *d > start).min();
    (start, later)
}

/// The published comments written during the week, on any reading (a late reply to last week's
/// reading is news this week), oldest first, each converted and cleaned once.
fn week_comments(site: &Site, language: &Language, week: u32) -> Vec<Prepared> {
    let (start, end) = week_days(site, week);
    let in_week = |date: &chrono::DateTime<chrono::FixedOffset>| {
        let day = date.with_timezone(&site.config.timezone).date_naive();
        day >= start && end.is_none_or(|end| day < end)
    };
    let mut written: Vec<(&crate::model::Reading, usize)> = site
        .readings
        .iter()
        .flat_map(|r| r.thread.comments.iter().enumerate().map(move |(c, comment)| (r, c, comment)))
        .filter(|(_, _, comment)| comment.is_published() && in_week(&comment.date))
        .map(|(r, c, _)| (r, c))
        .collect();
    written.sort_by_key(|(r, c)| r.thread.comments[*c].date);
    let mut all = Vec::new();
    for (reading, c) in written {
        let comments = &reading.thread.comments;
        let comment = &comments[c];
        let prefix = format!("mail-{}-", comment.id);
        let converted = markdown::to_html(
            &comment.body,
            Author::Member { id_prefix: &prefix, mentions: Some(&site.mention_names) },
        )
        .unwrap_or_default();
        all.push(Prepared {
            author: comment.author,
            answers: comment.parent.and_then(|p| comments[p].author),
            mentions: converted.mentions,
            item: CommentItem {
                author: comment
                    .author
                    .map_or_else(|| language.say("anonymous", None, &[]), |a| site.people[a.0].name.clone()),
                reading: reading.title.clone(),
                url: permalink(site, &reading.path, Some(&comment.id)),
                text: crate::text::strip_controls(&comment.body).trim().to_string(),
                // A mail shows no pictures from anywhere: each becomes a link, as on a site that allows none.
                html: with_whole_addresses(
                    site,
                    sanitize::member(&converted.html, &prefix, &sanitize::Pictures { hosts: Vec::new(), site: false })
                        .html,
                ),
            },
        });
    }
    all
}

/// A comment's clean `html` with the site's whole address on its mention links and on its links from
/// the site's root: a mail is read away from the site.
fn with_whole_addresses(site: &Site, html: Html) -> Html {
    let base = &site.config.base_url;
    let page = |p: PersonId| Route::person(&site.people[p.0].slug, 0).permalink(base);
    let mentions = html.relink_mentions(|href| site.mention_names.named_by(href).map(page));
    let html = mentions.unwrap_or(html);
    html.made_whole(&base.root, &base.absolute).unwrap_or(html)
}

/// Replies to `person` and mentions of them by others during the week, oldest first.
fn comments_for(week: &[Prepared], person: PersonId) -> (Vec<CommentItem>, Vec<CommentItem>) {
    let mut replies = Vec::new();
    let mut mentions = Vec::new();
    for prepared in week.iter().filter(|p| p.author != Some(person)) {
        if prepared.answers == Some(person) {
            replies.push(prepared.item.clone());
        } else if prepared.mentions.contains(&person) {
            mentions.push(prepared.item.clone());
        }
    }
    (replies, mentions)
}
