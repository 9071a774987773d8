//! A digest as a MIME message: `multipart/alternative` with a plain-text and an HTML part, to one
//! recipient, no copies.
//!
//! The HTML part is made by Tera with escaping on; members' text in it has been through the same
//! Markdown and sanitizer as on the site.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::{CommentItem, Digest};
use crate::model::Site;

const TEMPLATE: &str = include_str!("digest.html");

/// The mail for `digest`, from `from`.
pub fn message(site: &Site, digest: &Digest, from: &str) -> Message {
    let to =
        Mailbox::new(Some(digest.name.clone()), digest.address.parse().expect("addresses were checked on loading"));
    Message::builder()
        .from(from.parse().expect("the sender was checked on loading"))
        .to(to)
        .subject(subject(site, digest))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text(site, digest)))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html(site, digest))),
        )
        .expect("a digest has a sender and one recipient")
}

fn subject(site: &Site, digest: &Digest) -> String {
    let news = digest.replies.len() + digest.mentions.len();
    let news = match news {
        0 => String::new(),
        1 => ": 1 reply or mention for you".to_string(),
        n => format!(": {n} replies and mentions for you"),
    };
    crate::text::single_line(&format!("{}, week {}{news}", site.config.title, digest.week))
}

/// The plain-text part.
pub fn text(site: &Site, digest: &Digest) -> String {
    let mut out = format!("Hello {},\n\nThis is week {} of {}.\n", digest.name, digest.week, site.config.title);
    if !digest.readings.is_empty() {
        out.push_str("\nThis week's reading:\n");
        for reading in &digest.readings {
            out.push_str(&format!("\n  {}\n  {}\n", reading.title, reading.url));
            if let Some(due) = &reading.due {
                out.push_str(&format!("  {due}\n"));
            }
        }
    }
    let section = |out: &mut String, title: &str, items: &[CommentItem]| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title}\n"));
        for item in items {
            out.push_str(&format!("\n{} on {}:\n", item.author, item.reading));
            for line in item.text.lines() {
                out.push_str(&format!("> {line}\n"));
            }
            out.push_str(&format!("{}\n", item.url));
        }
    };
    section(&mut out, "Replies to you:", &digest.replies);
    section(&mut out, "Where you are mentioned:", &digest.mentions);
    if let Some(names) = &digest.not_heard {
        out.push_str("\nNot heard yet this week:\n");
        if names.is_empty() {
            out.push_str("  Everyone has written.\n");
        }
        for name in names {
            out.push_str(&format!("  - {name}\n"));
        }
    }
    out.push_str(&format!("\n-- \n{}\n{}\n", digest.reason, site.config.base_url.absolute));
    out
}

/// The HTML part.
pub fn html(site: &Site, digest: &Digest) -> String {
    let mut tera = tera::Tera::new();
    tera.add_raw_template("digest.html", TEMPLATE).expect("the digest template is valid");
    let items = |all: &[CommentItem]| -> Vec<serde_json::Value> {
        all.iter()
            .map(|i| {
                serde_json::json!({"author": i.author, "reading": i.reading, "url": i.url, "html": i.html.as_str()})
            })
            .collect()
    };
    let readings: Vec<serde_json::Value> =
        digest.readings.iter().map(|r| serde_json::json!({"title": r.title, "url": r.url, "due": r.due})).collect();
    let context = serde_json::json!({
        "site_title": site.config.title,
        "site_url": site.config.base_url.absolute,
        "name": digest.name,
        "week": digest.week,
        "readings": readings,
        "replies": items(&digest.replies),
        "mentions": items(&digest.mentions),
        "not_heard": digest.not_heard,
        "reason": digest.reason,
    });
    let context = tera::Context::from_serialize(&context).expect("the digest is plain data");
    tera.render("digest.html", &context).expect("the digest template renders any digest")
}
