//! One e-mail message, read with mail-parser: who sent it, its subject, its date and its text.
//!
//! mail-parser decodes the MIME structure, quoted-printable and base64, encoded headers and
//! charsets such as ISO-8859-1 and Windows-1252. The text is the plain part when there is one
//! (`format=flowed` undone), else the HTML part turned into Markdown by htmd, with scripts, styles
//! and images (tracking pixels) left out; either way only the member's own words are kept
//! ([`super::clean`]), and the result is later cleaned like every comment when the site is built.

use chrono::{DateTime, FixedOffset};
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};

use super::clean;

/// The largest message read: a larger one is surely its attachments, and no reflection needs it.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// What a message says, as far as a thread needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// Its Message-ID without `<>`, when it has one.
    pub message_id: Option<String>,
    /// The sender's display name, when given.
    pub sender_name: Option<String>,
    /// The sender's address.
    pub sender_address: Option<String>,
    /// The subject, unfolded and decoded.
    pub subject: String,
    /// When it was sent.
    pub date: Option<DateTime<FixedOffset>>,
    /// The member's own words (Markdown), not yet tidied.
    pub text: String,
    /// The whole decoded text, history included, to look for a reply token in.
    pub full_text: String,
    /// Attachments, which are never published.
    pub attachments: usize,
}

/// Why a message cannot be read, in words for the facilitator.
pub type Refusal = String;

/// Reads one message.
pub fn read(bytes: &[u8]) -> Result<Mail, Refusal> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "it is {:.1} MB, more than the {} MB a reply may be (it is surely its attachments)",
            bytes.len() as f64 / 1_000_000.0,
            MAX_MESSAGE_BYTES / 1024 / 1024
        ));
    }
    let message = MessageParser::default().parse(bytes).ok_or("it is not an e-mail message")?;
    let from = message.from().and_then(|f| f.first());
    let sender_address = from.and_then(|a| a.address()).map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    if sender_address.is_none() {
        return Err("it is not an e-mail message: it has no `From:` header with an address".into());
    }
    if let Some(boundary) = unclosed_boundary(&message, bytes) {
        return Err(format!("the message is cut short: its part `{boundary}` never ends"));
    }
    let body = message.text_body.first().or_else(|| message.html_body.first()).and_then(|&i| message.part(i));
    let (text, full_text) = match body {
        Some(part) => body_text(part)?,
        None => (String::new(), String::new()),
    };
    let date = message.date().and_then(|d| DateTime::parse_from_rfc3339(&d.to_rfc3339()).ok());
    Ok(Mail {
        message_id: message.message_id().map(|id| id.trim().to_string()).filter(|id| !id.is_empty()),
        sender_name: from.and_then(|a| a.name()).map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        sender_address,
        subject: message.subject().unwrap_or_default().to_string(),
        date,
        text,
        full_text,
        attachments: message.attachment_count(),
    })
}

/// The member's words and the whole text of the body part.
fn body_text(part: &MessagePart) -> Result<(String, String), Refusal> {
    let content_type = part.content_type();
    let charset = content_type.and_then(|ct| ct.attribute("charset")).unwrap_or("utf-8");
    let text = match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.as_ref(),
        _ => "",
    };
    let known = ["utf-8", "utf8"].contains(&charset.to_ascii_lowercase().as_str())
        || charset_decoder(charset.as_bytes()).is_some();
    if !known && text.contains('\u{fffd}') {
        return Err(format!(
            "its text is in the character set `{charset}`, which roundtable cannot read (ask the member to send it again as UTF-8)"
        ));
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let attribute = |name: &str| content_type.and_then(|ct| ct.attribute(name)).map(str::to_ascii_lowercase);
    let text = match &part.body {
        PartType::Html(_) => to_markdown(&text)?,
        _ if attribute("format").as_deref() == Some("flowed") => {
            clean::unflow(&text, attribute("delsp").as_deref() == Some("yes"))
        }
        _ => text,
    };
    Ok((clean::own_words(&text), text))
}

/// HTML mail as Markdown; what a page must never run or load is left out.
fn to_markdown(html: &str) -> Result<String, Refusal> {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["head", "title", "script", "style", "img", "picture", "video", "audio", "iframe", "object"])
        .build();
    converter.convert(html).map_err(|e| format!("its HTML cannot be read: {e}"))
}

/// The boundary of a multipart part whose closing line (`--boundary--`) is missing: the file was cut.
fn unclosed_boundary(message: &mail_parser::Message, bytes: &[u8]) -> Option<String> {
    let raw = String::from_utf8_lossy(bytes);
    message
        .parts
        .iter()
        .filter(|part| part.is_multipart())
        .filter_map(|part| part.content_type()?.attribute("boundary").map(str::to_string))
        .find(|boundary| !raw.contains(&format!("--{boundary}--")))
}

/// A stable name for a message, to know it again: a hash of its Message-ID, or of its bytes when it has none.
pub fn fingerprint(mail: &Mail, bytes: &[u8]) -> String {
    let hash = match &mail.message_id {
        Some(id) => blake3::hash(id.to_lowercase().as_bytes()),
        None => blake3::hash(bytes),
    };
    hash.to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(text: &str) -> Result<Mail, Refusal> {
        read(text.replace('\n', "\r\n").as_bytes())
    }

    #[test]
    fn quoted_printable_iso_8859_1_is_decoded() {
        let found = mail(
            "From: =?ISO-8859-1?Q?Zo=EB_Ng?= <zoe@school.example>\nSubject: Re: Trust [rt readings/trust c1]\n\
             Message-ID: <a1@mail.example>\nDate: Mon, 5 Jan 2026 10:00:00 -0500\n\
             Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
             Tr=E8s bien, caf=E9 =\nd'abord.\n",
        )
        .unwrap();
        assert_eq!(found.sender_name.as_deref(), Some("Zoë Ng"));
        assert_eq!(found.text.trim(), "Très bien, café d'abord.");
        assert_eq!(found.message_id.as_deref(), Some("a1@mail.example"));
        assert_eq!(found.date.unwrap().to_rfc3339(), "2026-01-05T10:00:00-05:00");
    }

    #[test]
    fn html_only_mail_becomes_markdown_without_scripts_or_pixels() {
        let found = mail(
            "From: Ana <ana@school.example>\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n\
             <html><head><style>p{}</style></head><body><p>I <b>agree</b>.</p><script>alert(1)</script>\
             <img src=\"https://track.example/p.gif\" width=1 height=1></body></html>\n",
        )
        .unwrap();
        assert_eq!(found.text.trim(), "I **agree**.");
    }

    #[test]
    fn what_is_not_a_mail_is_refused() {
        assert!(mail("just some notes\nwith lines\n").unwrap_err().contains("not an e-mail"));
        let cut = "From: a@b.example\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain\n\nhalf";
        assert!(mail(cut).unwrap_err().contains("cut short"));
    }
}
