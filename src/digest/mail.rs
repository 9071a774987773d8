//! A digest as a MIME message: `multipart/alternative` with a plain-text and an HTML part, to one
//! recipient, no copies.
//!
//! The HTML part is made by Tera with escaping on; members' text in it has been through the same
//! Markdown and sanitizer as on the site.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::{CommentItem, Digest};
use crate::language::Language;
use crate::model::Site;

const TEMPLATE: &str = include_str!("digest.html");

/// The mail for `digest`, from `from`, in `language`.
pub fn message(site: &Site, language: &Language, digest: &Digest, from: &str) -> Message {
    let to =
        Mailbox::new(Some(digest.name.clone()), digest.address.parse().expect("addresses were checked on loading"));
    Message::builder()
        .from(from.parse().expect("the sender was checked on loading"))
        .to(to)
        .subject(subject(site, language, digest))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text(site, language, digest)))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html(site, language, digest))),
        )
        .expect("a digest has a sender and one recipient")
}

/// The subject: the site and the week, and how many replies and mentions wait for them.
fn subject(site: &Site, language: &Language, digest: &Digest) -> String {
    let news = digest.replies.len() + digest.mentions.len();
    let week = digest.week.to_string();
    let args = [("site", site.config.title.as_str()), ("week", week.as_str())];
    let subject = match news {
        0 => language.say("digest_subject", None, &args),
        n => language.say("digest_subject_news", Some(n as i64), &args),
    };
    crate::text::single_line(&subject)
}

/// The plain-text part.
pub fn text(site: &Site, language: &Language, digest: &Digest) -> String {
    let say = |key: &str, args: &[(&str, &str)]| language.say(key, None, args);
    let label = |text: &str| say("digest_label", &[("text", text)]);
    let week = digest.week.to_string();
    let mut out = format!(
        "{}\n\n{}\n",
        say("digest_greeting", &[("name", &digest.name)]),
        say("digest_intro", &[("week", &week), ("site", &site.config.title)])
    );
    if !digest.readings.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            label(&language.say("digest_readings", Some(digest.readings.len() as i64), &[]))
        ));
        for reading in &digest.readings {
            out.push_str(&format!("\n  {}\n  {}\n", reading.title, reading.url));
            if let Some(due) = &reading.due {
                out.push_str(&format!("  {due}\n"));
            }
        }
    }
    for (key, items) in [("digest_replies", &digest.replies), ("digest_mentions", &digest.mentions)] {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", label(&say(key, &[]))));
        for item in items {
            out.push_str(&format!(
                "\n{}\n",
                label(&say("comment_on", &[("name", &item.author), ("reading", &item.reading)]))
            ));
            for line in item.text.lines() {
                out.push_str(&format!("> {line}\n"));
            }
            out.push_str(&format!("{}\n", item.url));
        }
    }
    if let Some(names) = &digest.not_heard {
        out.push_str(&format!("\n{}\n", label(&say("digest_not_heard", &[]))));
        if names.is_empty() {
            out.push_str(&format!("  {}\n", say("report_everyone_wrote", &[])));
        }
        for name in names {
            out.push_str(&format!("  - {name}\n"));
        }
    }
    out.push_str(&format!("\n-- \n{}\n{}\n", digest.reason, site.config.base_url.absolute));
    out
}

/// The HTML part, its words written by the template's `t()` as the theme's are.
pub fn html(site: &Site, language: &Language, digest: &Digest) -> String {
    let mut tera = tera::Tera::new();
    crate::language::register(&mut tera, language.clone());
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
        "language": site.config.language,
        "subject": subject(site, language, digest),
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
