//! The only place Markdown is parsed: pulldown-cmark options and the event loop.
//!
//! Extensions are named one by one (never "all"): some have had inputs that
//! take exponential time. Heading attributes and heading ids are for readings
//! only. The HTML made here is not safe yet: `sanitize` cleans it.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::model::mentions::MentionNames;
use crate::model::PersonId;

/// Whose Markdown this is, which decides the extensions and the ids it gets.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    /// A reading or section introduction written by the facilitator.
    Facilitator,
    /// A comment or bio: footnote ids start with this prefix so two comments never collide.
    Member {
        /// Unique on the page, like `ugc-c7-`.
        id_prefix: &'a str,
        /// For comments: the names `@Name` may link to (bios link no one).
        mentions: Option<&'a MentionNames>,
    },
}

/// Markdown turned into HTML (not yet sanitized).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Converted {
    /// The whole text.
    pub html: String,
    /// The first top-level paragraph, for summaries.
    pub first_paragraph: Option<String>,
    /// The people linked by `@Name`, in order of first mention.
    pub mentions: Vec<PersonId>,
}

fn options(author: Author) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    if let Author::Facilitator = author {
        options |= Options::ENABLE_HEADING_ATTRIBUTES;
    }
    options
}

/// Converts `markdown` to HTML, with ids for headings (readings) and footnotes.
pub fn to_html(markdown: &str, author: Author) -> Converted {
    let mut events: Vec<Event> = Parser::new_ext(markdown, options(author)).collect();
    let mut mentions = Vec::new();
    match author {
        Author::Facilitator => {
            add_heading_ids(&mut events);
            rename_footnotes(&mut events, "");
        }
        Author::Member { id_prefix, mentions: names } => {
            rename_footnotes(&mut events, id_prefix);
            if let Some(names) = names {
                events = link_mentions(events, names, &mut mentions);
            }
        }
    }
    let first_paragraph = first_paragraph(&events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Converted { html, first_paragraph, mentions }
}

/// Links each `@Name` of plain text to the person's page, and records who was named.
///
/// Text inside code, links and images is left alone. Adjacent text events are
/// joined first, since the parser may split a line at punctuation.
fn link_mentions<'e>(events: Vec<Event<'e>>, names: &MentionNames, found: &mut Vec<PersonId>) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(events.len());
    let mut pending = String::new();
    let mut inside = 0usize;
    for event in events {
        if let Event::Text(text) = &event {
            if inside == 0 {
                pending.push_str(text);
                continue;
            }
        }
        mention_text(&std::mem::take(&mut pending), names, found, &mut out);
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. }) => inside += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image) => inside = inside.saturating_sub(1),
            _ => {}
        }
        out.push(event);
    }
    mention_text(&pending, names, found, &mut out);
    out
}

/// Pushes `text` as text events, with a link around each `@Name` it holds.
fn mention_text(text: &str, names: &MentionNames, found: &mut Vec<PersonId>, out: &mut Vec<Event>) {
    let mut plain_from = 0;
    let mut search_from = 0;
    while let Some(offset) = text[search_from..].find('@') {
        let at = search_from + offset;
        search_from = at + 1;
        // `a@b.org` and `x@Name` are not mentions: an `@` must start a word.
        let starts_word =
            text[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || "_.+-@/&=%".contains(c)));
        let Some((person, length)) = starts_word.then(|| names.find(&text[at + 1..])).flatten() else {
            continue;
        };
        let end = at + 1 + length;
        if plain_from < at {
            out.push(Event::Text(CowStr::from(text[plain_from..at].to_string())));
        }
        let href = names.href(person).replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
        out.push(Event::InlineHtml(CowStr::from(format!("<a class=\"mention\" href=\"{href}\">"))));
        out.push(Event::Text(CowStr::from(text[at..end].to_string())));
        out.push(Event::InlineHtml(CowStr::from("</a>")));
        if !found.contains(&person) {
            found.push(person);
        }
        plain_from = end;
        search_from = end;
    }
    if plain_from < text.len() {
        out.push(Event::Text(CowStr::from(text[plain_from..].to_string())));
    }
}

/// Ids the page itself uses: headings never take them, nor any `comment-…` id.
pub const PAGE_IDS: &[&str] = &["main", "discussion", "discussion-heading"];

/// Gives every heading without an `{#id}` one made from its text, unique on the page.
fn add_heading_ids(events: &mut [Event]) {
    let mut used: HashMap<String, usize> = PAGE_IDS.iter().map(|id| (id.to_string(), 1)).collect();
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string(), 1);
        }
    }
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[index] {
            let mut text = String::new();
            for event in &events[index + 1..] {
                match event {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let base = match slug::slugify(&text) {
                s if s.is_empty() => "section".to_string(),
                s if s.starts_with("comment-") => format!("about-{s}"),
                s => s,
            };
            let count = used.entry(base.clone()).or_insert(0);
            *count += 1;
            let id = if *count == 1 { base } else { format!("{base}-{}", *count - 1) };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[index] {
                *slot = Some(CowStr::from(id));
            }
        }
        index += 1;
    }
}

/// Renames footnote labels to `<prefix>fn-<n>`, numbered in order of first use.
fn rename_footnotes(events: &mut [Event], prefix: &str) {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut rename = |label: &CowStr| -> CowStr<'static> {
        let next = names.len() + 1;
        let name = names.entry(label.to_string()).or_insert_with(|| format!("{prefix}fn-{next}"));
        CowStr::from(name.clone())
    };
    for event in events.iter_mut() {
        match event {
            Event::FootnoteReference(label) => *label = rename(label),
            Event::Start(Tag::FootnoteDefinition(label)) => *label = rename(label),
            _ => {}
        }
    }
}

/// The HTML of the first paragraph outside any block (footnote references left out).
fn first_paragraph(events: &[Event]) -> Option<String> {
    let mut depth = 0usize;
    let mut start = None;
    for (index, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => start = Some(index),
            Event::End(TagEnd::Paragraph) if depth == 1 && start.is_some() => {
                let inside =
                    events[start? + 1..index].iter().filter(|e| !matches!(e, Event::FootnoteReference(_))).cloned();
                let mut html = String::from("<p>");
                pulldown_cmark::html::push_html(&mut html, inside);
                html.push_str("</p>");
                return Some(html);
            }
            _ => {}
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: Author = Author::Member { id_prefix: "ugc-c1-", mentions: None };

    #[test]
    fn readings_get_unique_heading_ids() {
        let html = to_html("# Trust\n\n## Trust\n\n## Own {#mine}\n", Author::Facilitator).html;
        assert!(html.contains("<h1 id=\"trust\">Trust</h1>"), "{html}");
        assert!(html.contains("<h2 id=\"trust-1\">Trust</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">Own</h2>"), "{html}");
    }

    #[test]
    fn heading_ids_keep_clear_of_the_page_ids() {
        let html = to_html("## Discussion\n\n## Comment c1\n", Author::Facilitator).html;
        assert!(html.contains("<h2 id=\"discussion-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"about-comment-c1\">"), "{html}");
    }

    #[test]
    fn comments_get_no_heading_ids_or_attributes() {
        let html = to_html("## Hi {#comment-c2}\n", MEMBER).html;
        assert!(!html.contains("id="), "{html}");
    }

    #[test]
    fn reading_footnotes_get_readable_ids() {
        let html = to_html("Claim.[^source]\n\n[^source]: Book.\n", Author::Facilitator).html;
        assert!(html.contains("href=\"#fn-1\"") && html.contains("id=\"fn-1\""), "{html}");
    }

    #[test]
    fn comment_footnotes_are_prefixed_and_numbered() {
        let html = to_html("Claim.[^note]\n\n[^note]: Source.\n", MEMBER).html;
        assert!(html.contains("href=\"#ugc-c1-fn-1\""), "{html}");
        assert!(html.contains("id=\"ugc-c1-fn-1\""), "{html}");
    }

    #[test]
    fn extensions_are_on() {
        let html = to_html("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ \"quoted\"\n", MEMBER).html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("text-align: right"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("\u{201c}quoted\u{201d}"), "{html}");
    }

    #[test]
    fn mentions_survive_text_split_by_punctuation() {
        let people = [crate::model::Person {
            slug: "ben-ode".into(),
            name: "Ben Ode".into(),
            role: None,
            bio: None,
            website: None,
            aliases: Vec::new(),
            emails: Vec::new(),
            span: None,
        }];
        let names = MentionNames::new(&people, "/c/");
        let converted =
            to_html("\"@Ben's\" idea, `@Ben`", Author::Member { id_prefix: "ugc-c1-", mentions: Some(&names) });
        assert!(
            converted.html.contains("\u{201c}<a class=\"mention\" href=\"/c/authors/ben-ode/\">@Ben</a>\u{2019}s"),
            "{}",
            converted.html
        );
        assert!(converted.html.contains("<code>@Ben</code>"), "{}", converted.html);
        assert_eq!(converted.mentions, [crate::model::PersonId(0)]);
    }

    #[test]
    fn first_paragraph_skips_headings_and_quotes() {
        let converted = to_html("# Title\n\n> quoted\n\nFirst *one*.[^1]\n\nSecond.\n\n[^1]: x\n", Author::Facilitator);
        assert_eq!(converted.first_paragraph.as_deref(), Some("<p>First <em>one</em>.</p>"));
    }
}
