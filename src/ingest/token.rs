//! The reply token: `[rt readings/trust-in-teams c3]` at the end of a reply's subject names the reading
//! (by its address) and the comment answered, so that a mail finds its place in the thread.
//!
//! Mail clients add `Re:`, `AW:` or `Fwd:` in front, fold long subjects over several lines and may put
//! tags of their own around it, so the token is looked for anywhere in the subject, white space of any
//! kind separating its words; when there are several, the last one counts (a reading's title could
//! itself hold something that looks like a token, and the real one is written after it).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::model::thread::is_valid_id;

/// What a token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The reading's address (`readings/trust-in-teams`), or its last part.
    pub reading: String,
    /// The comment answered; none for a reply to the reading itself.
    pub comment: Option<String>,
}

/// The line a reply link puts in the mail's body; it is taken out again when the mail comes back.
pub const BODY_HINT: &str =
    "(Write your reply above this line. Please keep the subject as it is: it tells the site where your reply goes.)";

/// `[rt <reading> <comment>]`.
pub fn format(reading: &str, comment: Option<&str>) -> String {
    match comment {
        Some(id) => format!("[rt {reading} {id}]"),
        None => format!("[rt {reading}]"),
    }
}

/// The last well-formed token in `subject`, if any.
pub fn find(subject: &str) -> Option<Token> {
    let lower = subject.to_ascii_lowercase();
    let mut found = None;
    let mut from = 0;
    while let Some(at) = lower[from..].find("[rt").map(|i| from + i) {
        from = at + 3;
        let rest = &subject[from..];
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let Some(end) = rest.find(']') else { break };
        let words: Vec<&str> = rest[..end].split_whitespace().collect();
        let token = match words.as_slice() {
            [reading] => Some(Token { reading: reading.to_string(), comment: None }),
            [reading, comment] if is_valid_id(comment) => {
                Some(Token { reading: reading.to_string(), comment: Some(comment.to_string()) })
            }
            _ => None,
        };
        if let Some(token) = token.filter(|t| is_reading_path(&t.reading)) {
            found = Some(token);
        }
    }
    found
}

/// Lowercase letters, digits, `-`, `_` and `/`, as reading addresses are.
fn is_reading_path(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('/')
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '/'))
}

/// Everything but letters, digits and `-._~` is escaped in a `mailto:` link (RFC 6068).
const MAILTO: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A `mailto:` link to `to` answering the reading at `path` titled `title`, or one of its comments.
pub fn mailto(to: &str, title: &str, path: &str, comment: Option<&str>) -> String {
    let subject = format!("Re: {title} {}", format(path, comment));
    let body = format!("\n\n{BODY_HINT}\n");
    let encode = |text: &str| utf8_percent_encode(text, MAILTO).to_string();
    // The address is the facilitator's, from site.yaml; `@` is kept readable, the rest escaped.
    format!("mailto:{}?subject={}&body={}", encode(to).replace("%40", "@"), encode(&subject), encode(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(reading: &str, comment: Option<&str>) -> Option<Token> {
        Some(Token { reading: reading.into(), comment: comment.map(Into::into) })
    }

    #[test]
    fn the_token_survives_prefixes_folding_and_tags() {
        let wanted = token("readings/trust-in-teams", Some("c3"));
        for subject in [
            "Re: Trust in Teams [rt readings/trust-in-teams c3]",
            "AW: Re: Trust in Teams [rt readings/trust-in-teams c3]",
            "Fwd: RE: [External] Trust in Teams [RT readings/trust-in-teams c3]",
            "Re: Trust in Teams [rt\r\n readings/trust-in-teams\r\n\tc3]",
            "Re: A [rt fake c9] title [rt readings/trust-in-teams c3]",
        ] {
            assert_eq!(find(subject), wanted, "{subject}");
        }
        assert_eq!(find("Re: Trust [rt trust-in-teams]"), token("trust-in-teams", None));
    }

    #[test]
    fn malformed_tokens_are_not_tokens() {
        for subject in
            ["Re: Trust", "[rtx a b]", "[rt a b c]", "[rt ../etc c1]", "[rt a <b>]", "[rt a", "[rt]", "[rt /a]"]
        {
            assert_eq!(find(subject), None, "{subject}");
        }
    }

    #[test]
    fn links_escape_everything_a_title_may_hold() {
        let link = mailto("cohort@school.example", "Trust & \"Teams\" <b>", "readings/trust", Some("c3"));
        assert!(link.starts_with("mailto:cohort@school.example?subject=Re%3A%20Trust%20%26%20%22Teams%22%20%3Cb%3E%20%5Brt%20readings%2Ftrust%20c3%5D&body="), "{link}");
        assert!(!link.contains([' ', '<', '"', '\n']));
    }
}
