//! A member's own words out of a reply: quoted history, signatures and "Sent from my phone" go.
//!
//! Mail clients put the mail being answered below the answer in several shapes: Apple Mail,
//! Thunderbird and Gmail write "On `<date>`, `<name>` wrote:" (over one or two lines) and then `>` lines;
//! Outlook writes a "From: ... Sent: ..." block (after a rule or not) and quotes nothing; forwarded
//! mails start with "Forwarded message". Everything from the first such line on is history. Quoted
//! (`>`) lines anywhere else are history too, as is everything after a `-- ` signature line, and the
//! one-line phone and app signatures. Text that a reply link put in the mail (`token::BODY_HINT`)
//! marks where the member's text ends.

use super::token::BODY_HINT;

/// Lines that start the history below an answer, by their start and end (lowercase).
const ATTRIBUTION_ENDS: [&str; 6] = ["wrote:", "a écrit :", "a écrit:", "schrieb:", "escribió:", "scrisse:"];

/// One-line signatures phones and apps add, by their start (lowercase).
const APP_SIGNATURES: [&str; 8] = [
    "sent from my ",
    "sent from mail for ",
    "sent from yahoo mail",
    "sent from outlook",
    "get outlook for ",
    "envoyé de mon ",
    "von meinem ",
    "enviado desde mi ",
];

/// The member's own words of `text` (plain text or Markdown, `\n` line ends).
pub fn own_words(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len()).find(|&i| starts_history(&lines, i)).unwrap_or(lines.len());
    let mut kept: Vec<&str> = lines[..end]
        .iter()
        .copied()
        .filter(|line| !line.trim_start().starts_with('>'))
        .filter(|line| !is_app_signature(line))
        .collect();
    // The rule Outlook draws above its block, and blank lines, belong to no one.
    while kept.last().is_some_and(|l| l.chars().all(|c| c.is_whitespace() || matches!(c, '_' | '-' | '*'))) {
        kept.pop();
    }
    kept.join("\n")
}

/// True when line `i` begins what is not the member's: history, a signature or the reply link's hint.
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    let next = lines.get(i + 1).map(|l| l.trim().to_lowercase()).unwrap_or_default();
    if lines[i] == "-- " || lines[i] == "--" {
        return true;
    }
    if line == BODY_HINT || line.starts_with(&BODY_HINT[..BODY_HINT.len() / 2]) {
        return true;
    }
    let attribution = |text: &str| ATTRIBUTION_ENDS.iter().any(|end| text.ends_with(end));
    let opens_attribution = ["on ", "le ", "am ", "el ", "il "].iter().any(|start| lower.starts_with(start));
    if opens_attribution && (attribution(&lower) || (!lower.is_empty() && attribution(&next) && next.len() < 120)) {
        return true;
    }
    if lower.contains("original message") && lower.starts_with("-----")
        || lower.contains("forwarded message")
        || lower.starts_with("begin forwarded message")
    {
        return true;
    }
    // Outlook: "From: name" with "Sent:" or "Date:" within the next lines, maybe after a rule of underscores.
    let header = |text: &str| ["from:", "**from:**", "de :", "von:"].iter().any(|h| text.starts_with(h));
    if header(&lower) {
        let block = lines[i + 1..].iter().take(4).map(|l| l.trim().to_lowercase());
        return block
            .map(|l| l.trim_start_matches("**").to_string())
            .any(|l| ["sent:", "date:", "envoyé :", "gesendet:", "to:"].iter().any(|h| l.starts_with(h)));
    }
    false
}

fn is_app_signature(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    lower.chars().count() < 80 && APP_SIGNATURES.iter().any(|start| lower.starts_with(start))
}

/// Undoes `format=flowed` (RFC 3676): lines ending in a space join the next line of the same quote
/// depth; a leading space added for "space-stuffing" goes; with `delsp`, the joining space goes too.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for line in text.lines() {
        let depth = line.chars().take_while(|&c| c == '>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let prefix = if depth > 0 { format!("{} ", ">".repeat(depth)) } else { String::new() };
        let signature = content == "-- ";
        let joined = match open.take() {
            Some((open_depth, mut text)) if open_depth == depth && !signature => {
                text.push_str(content);
                text
            }
            Some((_, text)) => {
                out.push(text);
                format!("{prefix}{content}")
            }
            None => format!("{prefix}{content}"),
        };
        if content.ends_with(' ') && !signature {
            let kept = if delsp { joined[..joined.len() - 1].to_string() } else { joined };
            open = Some((depth, kept));
        } else {
            out.push(joined);
        }
    }
    if let Some((_, text)) = open {
        out.push(text);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_mail_and_thunderbird_history_goes() {
        let text =
            "I agree with Ana.\n\nOn 5 Jan 2026, at 10:00, Ana Silva <ana@school.example> wrote:\n\n> Trust first.\n";
        assert_eq!(own_words(text).trim(), "I agree with Ana.");
        let folded = "Yes!\n\nOn Mon, Jan 5, 2026 at 10:00 AM Ana Silva <\nana@school.example> wrote:\n> x\n";
        assert_eq!(own_words(folded).trim(), "Yes!");
    }

    #[test]
    fn outlook_blocks_signatures_and_phone_lines_go() {
        let text = "My view.\n\nSent from my iPhone\n\n________________________________\nFrom: Cohort <cohort@school.example>\nSent: Monday, January 5, 2026 10:00 AM\nSubject: Re: Trust\n\nold text\n";
        assert_eq!(own_words(text).trim(), "My view.");
        let signed = "Short answer.\n-- \nBen Ode\nPrincipal\n";
        assert_eq!(own_words(signed).trim(), "Short answer.");
        let hinted = format!("Mine.\n\n{BODY_HINT}\n");
        assert_eq!(own_words(&hinted).trim(), "Mine.");
    }

    #[test]
    fn inline_quotes_go_and_the_answers_between_them_stay() {
        let text = "> first point\nI agree.\n> second point\nI do not.\n";
        assert_eq!(own_words(text), "I agree.\nI do not.");
    }

    #[test]
    fn words_like_from_in_the_text_stay() {
        let text = "From: the reading, I took three things.\nOn balance I liked it.\n";
        assert_eq!(own_words(text), text.trim_end());
    }

    #[test]
    fn flowed_lines_join_and_stuffing_goes() {
        assert_eq!(
            unflow("This is one \nparagraph.\n From here on.\n", false),
            "This is one paragraph.\nFrom here on."
        );
        assert_eq!(unflow("Con\ncat\nhalf \nway\n", true), "Con\ncat\nhalfway");
        assert_eq!(unflow("> quoted \n> more\nmine\n", false), "> quoted more\nmine");
        assert_eq!(unflow("text \n-- \nsig\n", false), "text \n-- \nsig");
    }
}
