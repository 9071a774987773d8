//! `roundtable ingest PATH...`: members' replies by e-mail, placed in their threads.
//!
//! Each message is read ([`mailbox`], [`message`]), placed on its reading and parent by the token of
//! its subject ([`token`]) or by `--reading`/`--to`, matched to a person by the private `email:` of
//! `authors.yaml`, and added through the same checked, atomic write as `roundtable reply`. A message
//! already added (the same Message-ID) adds nothing. A message that cannot be placed or read is left
//! out with the reason, and the rest is still ingested: nothing already on disk is ever lost.

pub mod clean;
pub mod mailbox;
pub mod message;
pub mod token;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::Utc;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::{CommentStatus, CommentsMode, RawReading};
use crate::load::{self, SourceSite};
use crate::model::people::{fold, normal_address};
use crate::scaffold::comment::{self, NewComment};
use crate::text::single_line;
use message::Mail;

/// What `roundtable ingest` was asked.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// The site folder.
    pub root: PathBuf,
    /// `.eml` files, mbox files and Maildir folders.
    pub paths: Vec<PathBuf>,
    /// Place every message on this reading (slug, address or file), whatever its subject says.
    pub reading: Option<String>,
    /// With `reading`: the comment every message answers.
    pub to: Option<String>,
}

/// One comment added.
#[derive(Debug, Clone)]
pub struct Added {
    /// Its id.
    pub id: String,
    /// Its writer, as written.
    pub author: String,
    /// The reading's address.
    pub reading: String,
    /// The comment it answers.
    pub reply_to: Option<String>,
    /// True when it waits for approval.
    pub pending: bool,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Ingested {
    /// Comments added, in mailbox order.
    pub added: Vec<Added>,
    /// Messages added by an earlier run (or twice in these mailboxes), so skipped.
    pub already: usize,
    /// Attachments left out (never published).
    pub attachments: usize,
    /// Messages left out, each an error naming its file, Message-ID, sender and the reason.
    pub left_out: Vec<Diagnostic>,
    /// Things worth knowing: unknown senders, authors not in authors.yaml.
    pub notes: Vec<Diagnostic>,
}

impl Ingested {
    /// One paragraph for the facilitator.
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let waiting = self.added.iter().filter(|a| a.pending).count();
        let mut lines: Vec<String> = self
            .added
            .iter()
            .map(|a| {
                let answers = a.reply_to.as_deref().map(|to| format!(", replying to {to}")).unwrap_or_default();
                let state = if a.pending { " (waiting for approval)" } else { "" };
                format!("  {} by {} on /{}/{answers}{state}", a.id, a.author, a.reading)
            })
            .collect();
        let mut head = format!("Added {}", plural(self.added.len(), "reply", "replies"));
        if waiting > 0 {
            head.push_str(&format!(", {waiting} waiting for approval (see `roundtable moderate`)"));
        }
        if self.already > 0 {
            head.push_str(&format!("; {} already there", plural(self.already, "message was", "messages were")));
        }
        if self.attachments > 0 {
            head.push_str(&format!(
                "; {} dropped (never published)",
                plural(self.attachments, "attachment", "attachments")
            ));
        }
        if !self.left_out.is_empty() {
            head.push_str(&format!("; {} left out (see above)", plural(self.left_out.len(), "message", "messages")));
        }
        lines.insert(0, head);
        lines.join("\n")
    }
}

/// Reads every message of `options.paths` and adds what can be placed; `Err` only when the site
/// itself cannot take any (no site, or `--reading` naming nothing).
pub fn run(options: &IngestOptions) -> Result<Ingested, Diagnostics> {
    let root = &options.root;
    if !root.join("content").is_dir() {
        return Err(Diagnostic::error(Span::file(root.join("content")), "this site has no content/ folder")
            .with_help("run roundtable in the site's folder, or point to it with --root")
            .into());
    }
    let (source, _, _) = load::load(root);
    if let Some(wanted) = &options.reading {
        crate::scaffold::find::reading(&source, root, wanted)?;
    }
    let known = known_mails(&source);
    // Mails added in this run, with where: the same mail twice in these mailboxes is worth a word.
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut done = Ingested::default();
    for path in &options.paths {
        for item in mailbox::items(path) {
            let left_out = |reason: &str, mail: Option<&Mail>| left_out(&item.at, reason, mail);
            let bytes = match &item.bytes {
                Ok(bytes) => bytes,
                Err(reason) => {
                    done.left_out.push(left_out(reason, None));
                    continue;
                }
            };
            let mail = match message::read(bytes) {
                Ok(mail) => mail,
                Err(reason) => {
                    done.left_out.push(left_out(&reason, None));
                    continue;
                }
            };
            let fingerprint = message::fingerprint(&mail, bytes);
            if known.contains(&fingerprint) {
                done.already += 1;
                continue;
            }
            if let Some(place) = seen.get(&fingerprint) {
                done.already += 1;
                done.notes.push(
                    Diagnostic::warning(
                        item.at.clone(),
                        format!("{} is here twice: it was added as {place}", describe(&mail)),
                    )
                    .with_help("nothing was added again"),
                );
                continue;
            }
            match place_and_add(options, &mail, &fingerprint, &item.at) {
                Ok((added, notes)) => {
                    seen.insert(fingerprint, format!("{} on /{}/", added.id, added.reading));
                    done.attachments += mail.attachments;
                    done.notes.extend(notes);
                    done.added.push(added);
                }
                Err(reason) => done.left_out.push(left_out(&reason, Some(&mail))),
            }
        }
    }
    Ok(done)
}

/// The fingerprints of the mails already in threads.
fn known_mails(source: &SourceSite) -> HashSet<String> {
    let comments = source.readings.iter().flat_map(|r| r.comments.iter());
    comments.filter_map(|c| c.fields.mail.as_deref()).map(|m| m.trim().to_string()).collect()
}

/// Places one mail and adds it; the reason it cannot be, in words, otherwise.
fn place_and_add(
    options: &IngestOptions,
    mail: &Mail,
    fingerprint: &str,
    at: &Span,
) -> Result<(Added, Vec<Diagnostic>), String> {
    let root = &options.root;
    // Loaded again for each mail: the one before may have changed the thread.
    let (source, _, load_problems) = load::load(root);
    let (index, reply_to) = place(options, &source, mail)?;
    let body = comment::tidy(&mail.text);
    if body.is_empty() {
        return Err("no text is left once the quoted history, signature and phone lines are taken out".into());
    }
    let moderation = source.config.replies.as_ref().is_none_or(|r| r.moderation);
    let (author, known) = sender(&source, mail);
    let mut notes = Vec::new();
    if !known {
        let address = mail.sender_address.as_deref().unwrap_or_default();
        // Anyone can type a member's name into their mail program: say so before it is approved.
        let help = if is_listed_name(&source, &author) {
            format!(
                "`{author}` is the name of someone in authors.yaml, but this address is not theirs: if it is them, \
                 add `email: {address}` to their entry; if not, take it down with `roundtable moderate remove`"
            )
        } else {
            format!(
                "if they belong to the cohort, add `email: {address}` to their entry; then approve it with \
                 `roundtable moderate approve`"
            )
        };
        notes.push(
            Diagnostic::warning(
                at.clone(),
                format!("{} is not in authors.yaml: kept waiting for approval, as `{author}`", describe(mail)),
            )
            .with_help(help),
        );
    }
    let pending = moderation || !known;
    let new = NewComment {
        author: author.clone(),
        date: mail.date.filter(|d| *d <= Utc::now() + chrono::Duration::days(1)),
        reply_to: reply_to.clone(),
        body,
        status: pending.then_some(CommentStatus::Pending),
        mail: Some(fingerprint.to_string()),
    };
    let added = comment::add(root, source, load_problems, index, new).map_err(|problems| {
        let reasons: Vec<String> = problems.sorted().into_iter().map(|d| d.to_string()).collect();
        format!("adding it would break the thread: {}", reasons.join("; "))
    })?;
    // An unknown sender was just explained; `add`'s own note about the name would say it again.
    notes.extend(added.notes.into_iter().filter(|n| known || !n.message.contains("is not in authors.yaml")));
    Ok((Added { id: added.id, author, reading: added.reading, reply_to, pending }, notes))
}

/// The reading (index) and the comment a mail answers.
fn place(options: &IngestOptions, source: &SourceSite, mail: &Mail) -> Result<(usize, Option<String>), String> {
    let (wanted, comment) = match &options.reading {
        Some(reading) => (reading.clone(), options.to.clone()),
        None => {
            let found = token::find(&mail.subject).or_else(|| token::find(&mail.full_text)).ok_or(
                "its subject has no reply token like `[rt readings/trust c3]` (it was not sent from a reply link); \
                 place it by hand with --reading and --to",
            )?;
            (found.reading, found.comment)
        }
    };
    let index = crate::scaffold::find::reading(source, &options.root, &wanted).map_err(|_| {
        format!("its token names `{wanted}`, which is no reading of this site; place it by hand with --reading")
    })?;
    let reading: &RawReading = &source.readings[index];
    if reading.front.comments == Some(CommentsMode::Closed) {
        return Err(format!("the discussion of `{wanted}` is closed"));
    }
    if let Some(id) = &comment {
        let parent = reading.comments.iter().find(|c| c.fields.id.as_deref().map(str::trim) == Some(id.as_str()));
        match parent.map(|c| c.fields.status.unwrap_or_default()) {
            None => return Err(format!("its token names comment `{id}`, which is not in the thread of `{wanted}`")),
            Some(CommentStatus::Pending) => {
                return Err(format!(
                    "it answers comment `{id}`, which itself waits for approval; approve `{id}` first \
                     (`roundtable moderate approve {id}`), then ingest this mail again"
                ))
            }
            Some(_) => {}
        }
    }
    Ok((index, comment))
}

/// The author to write for the sender, and whether `authors.yaml` knows their address.
fn sender(source: &SourceSite, mail: &Mail) -> (String, bool) {
    let address = mail.sender_address.as_deref().and_then(normal_address);
    let person = source
        .people
        .iter()
        .find(|p| p.fields.email.iter().filter_map(|e| normal_address(e)).any(|e| Some(&e) == address.as_ref()));
    match person {
        Some(p) => (p.fields.name.as_deref().map(single_line).filter(|n| !n.is_empty()).unwrap_or(p.key.clone()), true),
        // Never the address: it would be published once the comment is approved.
        None => (
            mail.sender_name.as_deref().map(single_line).filter(|n| !n.is_empty()).unwrap_or("Anonymous".into()),
            false,
        ),
    }
}

/// True when `name` is a key, name or alias of someone in `authors.yaml`.
fn is_listed_name(source: &SourceSite, name: &str) -> bool {
    let folded = fold(name);
    source.people.iter().any(|p| {
        let names = [p.key.clone()].into_iter().chain(p.fields.name.clone()).chain(p.fields.aliases.clone());
        names.map(|n| fold(&n)).any(|n| n == folded)
    })
}

/// "the message <id> from Name <address>".
fn describe(mail: &Mail) -> String {
    let id = mail.message_id.as_deref().map(|id| format!(" <{id}>")).unwrap_or_default();
    let name = mail.sender_name.as_deref().map(|n| format!("{n} ")).unwrap_or_default();
    let address = mail.sender_address.as_deref().unwrap_or("an unknown sender");
    format!("the message{id} from {name}<{address}>")
}

fn left_out(at: &Span, reason: &str, mail: Option<&Mail>) -> Diagnostic {
    let what = mail.map_or_else(|| "this message".to_string(), describe);
    Diagnostic::error(at.clone(), format!("{what} was left out: {reason}"))
        .with_help("the rest was ingested; fix this one (or place it with --reading/--to) and ingest it again")
}
