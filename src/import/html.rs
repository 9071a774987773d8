//! HTML from an export as Markdown, through the `htmd` converter.
//!
//! Old blogs store text in two loose shapes that a converter alone would
//! flatten: WordPress keeps plain lines where blank lines mean paragraphs
//! (its `wpautop` adds the `<p>` only when showing the page), and Blogger
//! writes `<br /><br />` between paragraphs. Both are turned into real
//! paragraphs first. Comment pictures become links, since comments show no
//! images; the Markdown still goes through roundtable's sanitizer at build.

use htmd::element_handler::Handlers;
use htmd::options::{BulletListMarker, Options};
use htmd::{Element, HtmlToMarkdown};

/// What the text will be, which decides how pictures come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A reading: pictures stay pictures.
    Reading,
    /// A comment: pictures become links to them.
    Comment,
}

/// Tags whose content is never text.
const SKIPPED: [&str; 9] = ["script", "style", "iframe", "object", "embed", "form", "noscript", "template", "svg"];

/// Elements that already stand as blocks of their own, which a paragraph must not wrap.
const BLOCKS: [&str; 18] = [
    "<p",
    "<div",
    "<ul",
    "<ol",
    "<li",
    "<blockquote",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<table",
    "<pre",
    "<dl",
    "<figure",
    "<hr",
    "<!--",
];

thread_local! {
    static READING: HtmlToMarkdown = converter(Kind::Reading);
    static COMMENT: HtmlToMarkdown = converter(Kind::Comment);
}

fn converter(kind: Kind) -> HtmlToMarkdown {
    let options = Options { bullet_list_marker: BulletListMarker::Dash, ul_bullet_spacing: 1, ..Options::default() };
    let builder = HtmlToMarkdown::builder().options(options).skip_tags(SKIPPED.to_vec());
    match kind {
        Kind::Reading => builder.build(),
        Kind::Comment => builder.add_handler(vec!["img"], picture_as_link).build(),
    }
}

/// `[alt](src)` for a picture in a comment, so the reader can still open it.
fn picture_as_link(_: &dyn Handlers, element: Element) -> Option<htmd::element_handler::HandlerResult> {
    let attribute =
        |name: &str| element.attrs.iter().find(|a| &*a.name.local == name).map(|a| a.value.trim().to_string());
    let src = attribute("src").filter(|s| !s.is_empty())?;
    let alt = attribute("alt").filter(|a| !a.is_empty()).unwrap_or_else(|| "picture".to_string());
    let alt = alt.replace(['[', ']', '\n'], " ");
    let src = src.replace('(', "%28").replace(')', "%29").replace(' ', "%20");
    Some(format!("[{alt}]({src})").into())
}

/// WordPress text (wpautop's shape allowed) as Markdown.
pub fn from_wordpress(html: &str, kind: Kind) -> String {
    to_markdown(&autop(html), kind)
}

/// Blogger text (`<br />` line breaks) as Markdown.
pub fn from_blogger(html: &str, kind: Kind) -> String {
    to_markdown(&breaks_to_paragraphs(html), kind)
}

/// HTML as Markdown: trimmed, no runs of blank lines, one final newline (empty stays empty).
pub fn to_markdown(html: &str, kind: Kind) -> String {
    let converted = match kind {
        Kind::Reading => READING.with(|c| c.convert(html)),
        Kind::Comment => COMMENT.with(|c| c.convert(html)),
    };
    // The converter fails only on I/O, which a string cannot have; keep the text if it ever does.
    let markdown = converted.unwrap_or_else(|_| html.to_string());
    tidy(&markdown)
}

/// Control characters removed, line ends made `\n`, spaces trimmed from blank lines, at most one blank line in a row, one final newline.
pub fn tidy(text: &str) -> String {
    // Entities such as `&#14;` decode to control characters, which the loader would refuse.
    let text = crate::text::strip_controls(text).replace("\r\n", "\n").replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line.trim_end_matches(['\t']));
        out.push('\n');
    }
    out
}

/// WordPress's stored shape made HTML: blank lines part paragraphs, single line ends are breaks.
fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    if text.to_ascii_lowercase().contains("<p") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for chunk in text.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        let lower = chunk.to_ascii_lowercase();
        if BLOCKS.iter().any(|tag| lower.starts_with(tag)) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            let lines: Vec<&str> = chunk.lines().map(str::trim).collect();
            out.push_str(&lines.join("<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// Two or more `<br>` in a row become a paragraph break.
fn breaks_to_paragraphs(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while at < html.len() {
        let mut end = at;
        let mut count = 0;
        while let Some(length) = a_break(&lower[end..]) {
            count += 1;
            end += length;
            end += lower[end..].len() - lower[end..].trim_start().len();
        }
        if count >= 2 {
            out.push_str("</p><p>");
            at = end;
        } else if count == 1 {
            out.push_str("<br>");
            at = end;
        } else {
            let next = lower[at..].find("<br").map_or(html.len(), |i| at + i.max(1));
            let next = (next..=html.len()).find(|&i| html.is_char_boundary(i)).unwrap_or(html.len());
            out.push_str(&html[at..next]);
            at = next;
        }
    }
    format!("<p>{out}</p>")
}

/// The length of a `<br>`, `<br/>` or `<br />` at the start of `lower`.
fn a_break(lower: &str) -> Option<usize> {
    let rest = lower.strip_prefix("<br")?;
    let close = rest.find('>')?;
    rest[..close].trim_end_matches('/').trim().is_empty().then_some(3 + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_blank_lines_are_paragraphs_and_single_lines_breaks() {
        let md = from_wordpress(
            "First line\nsame paragraph\n\n\tTabbed <a href=\"https://x.org/\">link</a>\n\n<ul><li>one</li></ul>",
            Kind::Comment,
        );
        assert_eq!(md, "First line  \nsame paragraph\n\nTabbed [link](https://x.org/)\n\n- one\n");
    }

    #[test]
    fn blogger_double_breaks_are_paragraphs() {
        let md =
            from_blogger("Mishka, always a pleasure.<br /><br />It's a shame<br/>really.<BR>\n<br>End", Kind::Comment);
        assert_eq!(md, "Mishka, always a pleasure.\n\nIt's a shame  \nreally.\n\nEnd\n");
    }

    #[test]
    fn emphasis_quotes_code_and_lists_survive() {
        let md = to_markdown(
            "<p><em>a</em> <strong>b</strong></p><blockquote><p>q</p></blockquote><pre><code>x &lt; 1</code></pre><ol><li>one</li></ol>",
            Kind::Reading,
        );
        assert_eq!(md, "*a* **b**\n\n> q\n\n```\nx < 1\n```\n\n1.  one\n");
    }

    #[test]
    fn pictures_stay_in_readings_and_become_links_in_comments() {
        let html = r#"<img src="https://x.org/a b.png" alt="A [cat]">"#;
        assert_eq!(to_markdown(html, Kind::Reading), "![A [cat]](<https://x.org/a b.png>)\n");
        assert_eq!(to_markdown(html, Kind::Comment), "[A  cat ](https://x.org/a%20b.png)\n");
    }

    #[test]
    fn scripts_and_styles_leave_nothing() {
        assert_eq!(to_markdown("<p>a</p><script>alert(1)</script><style>p{}</style>", Kind::Comment), "a\n");
        assert_eq!(to_markdown("", Kind::Comment), "");
    }
}
