//! The only place Markdown is parsed: pulldown-cmark options and the event loop.
//!
//! Extensions are named one by one (never "all"): some have had inputs that
//! take exponential time. Heading attributes and heading ids are for readings
//! only. The HTML made here is not safe yet: `sanitize` cleans it.

use std::collections::{HashMap, HashSet};

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
    /// How deep the elements Markdown made nest; raw HTML in the text is not counted.
    pub depth: usize,
    /// Whether the text holds raw HTML, whose nesting only an HTML tokenizer can measure.
    pub raw_html: bool,
}

/// The most table cells one text may make: pulldown-cmark pads every short row to the
/// header's width, so a few bytes per row can become hundreds of cells.
pub const MAX_TABLE_CELLS: usize = 10_000;

/// HTML one text may make beyond [`OUTPUT_PER_INPUT_BYTE`] times its own length.
pub const OUTPUT_ALLOWANCE: usize = 1 << 20;

/// HTML bytes one text may make per byte of Markdown, past [`OUTPUT_ALLOWANCE`]: ordinary
/// Markdown makes two to five; a link reference or footnote repeated thousands of times makes more.
pub const OUTPUT_PER_INPUT_BYTE: usize = 16;

/// Why a text was not converted: it would expand past a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// What is too large, for the error message.
    pub message: String,
    /// What the writer can do about it.
    pub help: &'static str,
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
///
/// Refuses, before any HTML is written, a text that would expand past [`MAX_TABLE_CELLS`] or
/// past its share of output: the events are counted as they come, so a refused text costs no
/// more memory than its limit.
pub fn to_html(markdown: &str, author: Author) -> Result<Converted, TooLarge> {
    let (mut events, depth, raw_html) = bounded_events(markdown, author)?;
    let mut mentions = Vec::new();
    rename_footnotes(&mut events);
    if let Author::Facilitator = author {
        add_heading_ids(&mut events);
    }
    if let Author::Member { mentions: Some(names), .. } = author {
        events = link_mentions(events, names, &mut mentions);
    }
    let first_paragraph = first_paragraph(&events);
    if let Author::Member { id_prefix, .. } = author {
        link_footnote_references(&mut events, id_prefix);
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // A mention adds one `<a>` around text.
    Ok(Converted { html, first_paragraph, mentions, depth: depth + 1, raw_html })
}

/// The parser's events with the nesting they make and whether raw HTML is among them,
/// or why the text is refused.
fn bounded_events<'m>(markdown: &'m str, author: Author) -> Result<(Vec<Event<'m>>, usize, bool), TooLarge> {
    let allowed = OUTPUT_ALLOWANCE.saturating_add(markdown.len().saturating_mul(OUTPUT_PER_INPUT_BYTE));
    let (mut cells, mut output, mut depth, mut deepest, mut raw_html) = (0usize, 0usize, 0usize, 0usize, false);
    let mut events = Vec::new();
    for event in Parser::new_ext(markdown, options(author)) {
        // What the event writes, roughly: its text, its link's address, or a tag.
        output += match &event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => t.len(),
            Event::Html(t) | Event::InlineHtml(t) => {
                raw_html = true;
                t.len()
            }
            Event::Start(Tag::Link { dest_url, title, .. } | Tag::Image { dest_url, title, .. }) => {
                dest_url.len() + title.len() + 32
            }
            _ => 24,
        };
        match &event {
            Event::Start(tag) => {
                // A table opens `<table>` and `<thead>` or `<tbody>` at once.
                depth += if matches!(tag, Tag::Table(_)) { 2 } else { 1 };
                deepest = deepest.max(depth);
                if matches!(tag, Tag::TableCell) {
                    cells += 1;
                }
            }
            Event::End(tag) => depth = depth.saturating_sub(if matches!(tag, TagEnd::Table) { 2 } else { 1 }),
            _ => {}
        }
        if cells > MAX_TABLE_CELLS {
            return Err(TooLarge {
                message: format!("this text's tables have more than {MAX_TABLE_CELLS} cells"),
                help: "every row of a table gets as many cells as its header has columns: \
                       use fewer columns or rows, or split the table",
            });
        }
        if output > allowed {
            return Err(TooLarge {
                message: format!("this text of {} bytes would make more than {allowed} bytes of HTML", markdown.len()),
                help: "a short text makes this much only by repeating a link reference, footnote or table \
                       thousands of times: write less of it",
            });
        }
        events.push(event);
    }
    Ok((events, deepest, raw_html))
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

/// Ids the default theme's pages use: a heading never takes one.
pub const PAGE_IDS: &[&str] = &[
    "main",
    "discussion",
    "discussion-heading",
    "mentioned-heading",
    "readings-heading",
    "reflections-heading",
    "search-input",
    "search-results",
    "search-status",
];

/// Beginnings of ids the theme numbers (`comment-c3`, `week-2`, `reflection-1`), members' texts
/// (`ugc-`) and a reading's footnotes (`fn-`) use: a heading whose id would start so gets `about-` first.
pub const PAGE_ID_PREFIXES: &[&str] = &["comment-", "ugc-", "fn-", "week-", "reflection-"];

/// Gives every heading an id unique on the page: its own `{#id}` or one made from its text,
/// moved clear of the page's own ids and numbered when taken.
fn add_heading_ids(events: &mut [Event]) {
    let mut used: HashSet<String> = PAGE_IDS.iter().map(|id| id.to_string()).collect();
    let mut tried: HashMap<String, usize> = HashMap::new();
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { id, .. }) = &events[index] {
            let wanted = match id {
                Some(id) => id.to_string(),
                None => heading_text(&events[index + 1..]),
            };
            let base = match slug::slugify(&wanted) {
                s if s.is_empty() => "section".to_string(),
                s if PAGE_ID_PREFIXES.iter().any(|prefix| s.starts_with(prefix)) => format!("about-{s}"),
                s => s,
            };
            // Counting on from the last number given to this base keeps a thousand equal headings linear.
            let next = tried.entry(base.clone()).or_insert(0);
            let unique = loop {
                let candidate = if *next == 0 { base.clone() } else { format!("{base}-{next}") };
                *next += 1;
                if used.insert(candidate.clone()) {
                    break candidate;
                }
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[index] {
                *slot = Some(CowStr::from(unique));
            }
        }
        index += 1;
    }
}

/// The text of the heading whose events begin `events`.
fn heading_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// Renames footnote labels to `fn-<n>`, numbered in order of first use as the HTML writer numbers them.
fn rename_footnotes(events: &mut [Event]) {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut rename = |label: &CowStr| -> CowStr<'static> {
        let next = names.len() + 1;
        let name = names.entry(label.to_string()).or_insert_with(|| format!("fn-{next}"));
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

/// Points a member's footnote references at `#<prefix>fn-<n>`: the sanitizer gives every id in the
/// text that prefix, the definitions' too, so no two texts on a page share an id.
fn link_footnote_references(events: &mut [Event], prefix: &str) {
    for event in events.iter_mut() {
        if let Event::FootnoteReference(label) = event {
            let number = label.strip_prefix("fn-").unwrap_or_default();
            *event = Event::InlineHtml(CowStr::from(format!(
                "<sup class=\"footnote-reference\"><a href=\"#{prefix}{label}\">{number}</a></sup>"
            )));
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
        let html = to_html("# Trust\n\n## Trust\n\n## Own {#mine}\n", Author::Facilitator).unwrap().html;
        assert!(html.contains("<h1 id=\"trust\">Trust</h1>"), "{html}");
        assert!(html.contains("<h2 id=\"trust-1\">Trust</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">Own</h2>"), "{html}");
    }

    #[test]
    fn heading_ids_keep_clear_of_the_page_ids() {
        let html = to_html("## Discussion\n\n## Comment c1\n", Author::Facilitator).unwrap().html;
        assert!(html.contains("<h2 id=\"discussion-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"about-comment-c1\">"), "{html}");
    }

    #[test]
    fn comments_get_no_heading_ids_or_attributes() {
        let html = to_html("## Hi {#comment-c2}\n", MEMBER).unwrap().html;
        assert!(!html.contains("id="), "{html}");
    }

    #[test]
    fn explicit_heading_ids_keep_clear_of_the_page_and_each_other() {
        let html = to_html(
            "## A {#comment-c1}\n\n## B {#discussion}\n\n## C {#ugc-c1-fn-1}\n\n## D {#mine}\n\n## Mine\n",
            Author::Facilitator,
        )
        .unwrap()
        .html;
        for id in ["about-comment-c1", "discussion-1", "about-ugc-c1-fn-1", "mine", "mine-1"] {
            assert!(html.contains(&format!(" id=\"{id}\"")), "{id}: {html}");
        }
    }

    #[test]
    fn padded_tables_are_refused_before_they_are_written() {
        let header = format!("|{}\n|{}\n", "a|".repeat(500), "-|".repeat(500));
        let text = format!("{header}{}", "|x\n".repeat(100));
        let refused = to_html(&text, MEMBER).unwrap_err();
        assert!(refused.message.contains("more than 10000 cells"), "{refused:?}");
        let small = format!("{header}{}", "|x\n".repeat(10));
        assert!(to_html(&small, MEMBER).is_ok());
    }

    #[test]
    fn repeated_references_stay_within_the_output_limit() {
        let long_link = format!("{}\n\n[r]: https://e.org/{}\n", "[a][r] ".repeat(20_000), "x".repeat(2_000));
        let footnotes = format!("{}\n\n[^a]: note\n", "[^a]".repeat(100_000));
        for text in [long_link, footnotes] {
            let limit = OUTPUT_ALLOWANCE + OUTPUT_PER_INPUT_BYTE * text.len();
            match to_html(&text, MEMBER) {
                Ok(converted) => assert!(converted.html.len() <= limit, "{} > {limit}", converted.html.len()),
                Err(refused) => assert!(refused.message.contains("bytes of HTML"), "{refused:?}"),
            }
        }
    }

    #[test]
    fn depth_counts_what_markdown_makes() {
        let converted = to_html("> > - a\n", MEMBER).unwrap();
        assert!(!converted.raw_html);
        assert!(converted.depth >= 4, "{converted:?}");
        assert!(to_html("a <b>b</b>", MEMBER).unwrap().raw_html);
    }

    #[test]
    fn reading_footnotes_get_readable_ids() {
        let html = to_html("Claim.[^source]\n\n[^source]: Book.\n", Author::Facilitator).unwrap().html;
        assert!(html.contains("href=\"#fn-1\"") && html.contains("id=\"fn-1\""), "{html}");
    }

    #[test]
    fn comment_footnotes_are_prefixed_and_numbered() {
        // The sanitizer prefixes every id of the text, so the definition's id is left to it.
        let html = to_html("Claim.[^note]\n\n[^note]: Source.\n", MEMBER).unwrap().html;
        assert!(html.contains("<a href=\"#ugc-c1-fn-1\">1</a>"), "{html}");
        assert!(html.contains("id=\"fn-1\""), "{html}");
        let cleaned = crate::render::sanitize::member(&html, "ugc-c1-", &Default::default()).html;
        assert!(cleaned.as_str().contains("id=\"ugc-c1-fn-1\""), "{}", cleaned.as_str());
    }

    #[test]
    fn extensions_are_on() {
        let html = to_html("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ \"quoted\"\n", MEMBER).unwrap().html;
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
        let names = MentionNames::new(&people, &crate::config::BaseUrl::parse("/c/").expect("a root"));
        let converted =
            to_html("\"@Ben's\" idea, `@Ben`", Author::Member { id_prefix: "ugc-c1-", mentions: Some(&names) })
                .unwrap();
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
        let converted =
            to_html("# Title\n\n> quoted\n\nFirst *one*.[^1]\n\nSecond.\n\n[^1]: x\n", Author::Facilitator).unwrap();
        assert_eq!(converted.first_paragraph.as_deref(), Some("<p>First <em>one</em>.</p>"));
    }
}
