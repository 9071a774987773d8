//! The only place Markdown is parsed: pulldown-cmark options and the event loop.
//!
//! Extensions are named one by one (never "all"): some have had inputs that
//! take exponential time. Heading attributes and heading ids are for readings
//! only. The HTML made here is not safe yet: `sanitize` cleans it.

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{CowStr, Event, OffsetIter, Options, Parser, Tag, TagEnd};

use crate::model::mentions::MentionNames;
use crate::model::PersonId;

mod limits;
mod pictures;

pub use limits::TooLarge;
use limits::{Bounded, Limits};

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
    /// A reading's first top-level paragraph, for its summary (`None` for members' texts).
    pub first_paragraph: Option<String>,
    /// The people linked by `@Name`, in order of first mention.
    pub mentions: Vec<PersonId>,
    /// How deep the elements Markdown made nest; raw HTML in the text is not counted.
    pub depth: usize,
    /// Whether the text holds raw HTML, whose nesting only an HTML tokenizer can measure.
    pub raw_html: bool,
    /// Where each picture without an address starts, as byte offsets into the Markdown: `![alt]()` or
    /// a raw `<img>` with an empty or missing `src`, which the sanitizer drops, for a warning there.
    pub pictures_without_address: Vec<usize>,
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
/// Refuses, before any HTML is written, a text longer than 1 MiB (`limits::MAX_TEXT`), or that
/// would make too many table cells or more than its share of HTML. The parser's events flow
/// straight into the HTML writer, each counted, renamed and linked on the way, so no list of a
/// text's events is ever kept: memory beyond the parser's own is the HTML, and a refused text
/// costs no more than its limit.
pub fn to_html(markdown: &str, author: Author) -> Result<Converted, TooLarge> {
    limits::check_length(markdown)?;
    let mut events = Events::new(markdown, author);
    let mut html = Bounded::for_text(markdown);
    let written = pulldown_cmark::html::write_html_fmt(&mut html, &mut events);
    if let Some(refused) = events.refused {
        return Err(refused);
    }
    if written.is_err() {
        return Err(html.refused(markdown));
    }
    let html = html.html;
    let first_paragraph = events.first_paragraph.map(|paragraph| {
        let mut html = String::from("<p>");
        pulldown_cmark::html::push_html(&mut html, paragraph.events.into_iter());
        html.push_str("</p>");
        html
    });
    // A mention adds one `<a>` around text.
    Ok(Converted {
        html,
        first_paragraph,
        mentions: events.mentions,
        depth: events.limits.deepest + 1,
        raw_html: events.limits.raw_html,
        pictures_without_address: events.pictures_without_address,
    })
}

/// The parser's events on their way to the HTML writer: counted against the limits, footnotes
/// renamed, headings given ids (readings), `@Name` linked and footnote references pointed at the
/// text's own ids (members' texts). Only what one step needs to see at once is held: a heading,
/// a run of text, the first paragraph of a reading.
struct Events<'m, 'a> {
    parser: OffsetIter<'m>,
    author: Author<'a>,
    limits: Limits,
    /// Set when the text went past a limit; the events stop there.
    refused: Option<TooLarge>,
    /// Footnote labels and their `fn-<n>` names.
    footnotes: HashMap<String, String>,
    /// Heading ids given so far (the page's own first), and the next number to try for each base.
    heading_ids: (HashSet<String>, HashMap<String, usize>),
    /// The events of the heading being read, until its end.
    heading: Option<Vec<Event<'m>>>,
    /// Text not yet scanned for mentions, and how deep inside code, links and images it is.
    text: String,
    inside: usize,
    /// The text being scanned for mentions, passed on one mention at a time.
    scan: Option<Scan<'m>>,
    /// The people linked, in order of first mention.
    mentions: Vec<PersonId>,
    /// A reading's first top-level paragraph, as it is read.
    first_paragraph: Option<Paragraph<'m>>,
    /// How deep the events seen by the paragraph step nest.
    depth: usize,
    /// Where the pictures without an address start.
    pictures_without_address: Vec<usize>,
    /// Events ready for the writer.
    ready: VecDeque<Event<'m>>,
    done: bool,
}

/// Text being scanned for mentions: how far it is passed on, and the event that comes after it.
struct Scan<'m> {
    text: String,
    from: usize,
    then: Option<Event<'m>>,
}

/// A paragraph's events, and whether it has ended.
struct Paragraph<'m> {
    events: Vec<Event<'m>>,
    ended: bool,
}

impl<'m, 'a> Events<'m, 'a> {
    fn new(markdown: &'m str, author: Author<'a>) -> Events<'m, 'a> {
        Events {
            parser: Parser::new_ext(markdown, options(author)).into_offset_iter(),
            author,
            limits: Limits::default(),
            refused: None,
            footnotes: HashMap::new(),
            heading_ids: (HashSet::new(), HashMap::new()),
            heading: None,
            text: String::new(),
            inside: 0,
            scan: None,
            mentions: Vec::new(),
            first_paragraph: None,
            depth: 0,
            pictures_without_address: Vec::new(),
            ready: VecDeque::new(),
            done: false,
        }
    }

    /// Footnote labels become `fn-<n>`, numbered in order of first use as the HTML writer numbers them.
    fn rename(&mut self, label: &CowStr) -> CowStr<'static> {
        let next = self.footnotes.len() + 1;
        let name = self.footnotes.entry(label.to_string()).or_insert_with(|| format!("fn-{next}"));
        CowStr::from(name.clone())
    }

    /// First step: footnotes renamed, and a reading's headings held until their text is known.
    fn take(&mut self, mut event: Event<'m>) {
        match &mut event {
            Event::FootnoteReference(label) => *label = self.rename(label),
            Event::Start(Tag::FootnoteDefinition(label)) => *label = self.rename(label),
            _ => {}
        }
        if let Author::Facilitator = self.author {
            match (&mut self.heading, &event) {
                (None, Event::Start(Tag::Heading { .. })) => {
                    self.heading = Some(vec![event]);
                    return;
                }
                (Some(heading), Event::End(TagEnd::Heading(_))) => {
                    let mut events = std::mem::take(heading);
                    self.heading = None;
                    events.push(event);
                    self.give_heading_id(&mut events);
                    for event in events {
                        self.mention(event);
                    }
                    return;
                }
                (Some(heading), _) => {
                    heading.push(event);
                    return;
                }
                (None, _) => {}
            }
        }
        self.mention(event);
    }

    /// Gives the heading whose events are `events` an id unique on the page: its own `{#id}` or
    /// one made from its text, moved clear of the page's own ids and numbered when taken.
    fn give_heading_id(&mut self, events: &mut [Event]) {
        let Some((Event::Start(Tag::Heading { id, .. }), rest)) = events.split_first_mut() else { return };
        let wanted = match id {
            Some(id) => id.to_string(),
            // Its text: `rest` is the heading's own events.
            None => rest
                .iter()
                .filter_map(|e| if let Event::Text(t) | Event::Code(t) = e { Some(&**t) } else { None })
                .collect(),
        };
        let base = match slug::slugify(&wanted) {
            s if s.is_empty() => "section".to_string(),
            s if PAGE_ID_PREFIXES.iter().any(|prefix| s.starts_with(prefix)) => format!("about-{s}"),
            s => s,
        };
        let (used, tried) = &mut self.heading_ids;
        if used.is_empty() {
            used.extend(PAGE_IDS.iter().map(|id| id.to_string()));
        }
        // Counting on from the last number given to this base keeps a thousand equal headings linear.
        let next = tried.entry(base.clone()).or_insert(0);
        let unique = loop {
            let candidate = if *next == 0 { base.clone() } else { format!("{base}-{next}") };
            *next += 1;
            if used.insert(candidate.clone()) {
                break candidate;
            }
        };
        *id = Some(CowStr::from(unique));
    }

    /// Second step: in a comment, each `@Name` of plain text linked to the person's page.
    ///
    /// Text inside code, links and images is left alone. Adjacent text events are
    /// joined first, since the parser may split a line at punctuation; the joined text is then
    /// passed on one mention at a time ([`Events::scan_step`]), before `event`.
    fn mention(&mut self, event: Event<'m>) {
        let Author::Member { mentions: Some(_), .. } = self.author else {
            return self.emit(event);
        };
        if let Event::Text(text) = &event {
            if self.inside == 0 {
                self.text.push_str(text);
                return;
            }
        }
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. }) => self.inside += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image) => self.inside = self.inside.saturating_sub(1),
            _ => {}
        }
        self.scan = Some(Scan { text: std::mem::take(&mut self.text), from: 0, then: Some(event) });
    }

    /// Passes on the text being scanned for mentions up to and including its next `@Name` (linked
    /// to the person's page), or all of it and the event that follows it; false when none is scanned.
    ///
    /// One mention at a time, so that a text of thousands of mentions never has them all waiting at
    /// once, and the writer's limit stops it early.
    fn scan_step(&mut self) -> bool {
        let (Some(scan), Author::Member { mentions: Some(names), .. }) = (&mut self.scan, self.author) else {
            return false;
        };
        let (text, from) = (&scan.text, scan.from);
        let mut search_from = from;
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
            let href = names.href(person).replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
            let linked = [
                Event::Text(CowStr::from(text[from..at].to_string())),
                Event::InlineHtml(CowStr::from(format!("<a class=\"mention\" href=\"{href}\">"))),
                Event::Text(CowStr::from(text[at..end].to_string())),
                Event::InlineHtml(CowStr::from("</a>")),
            ];
            scan.from = end;
            if !self.mentions.contains(&person) {
                self.mentions.push(person);
            }
            for event in linked.into_iter().filter(|e| !matches!(e, Event::Text(t) if t.is_empty())) {
                self.emit(event);
            }
            return true;
        }
        let rest = (from < text.len()).then(|| Event::Text(CowStr::from(text[from..].to_string())));
        let then = scan.then.take();
        self.scan = None;
        for event in rest.into_iter().chain(then) {
            self.emit(event);
        }
        true
    }

    /// Last step: a reading's first paragraph kept for its summary, and a member's footnote
    /// references pointed at `#<prefix>fn-<n>`: the sanitizer gives every id in the text that
    /// prefix, the definitions' too, so no two texts on a page share an id.
    fn emit(&mut self, event: Event<'m>) {
        if let Author::Facilitator = self.author {
            self.keep_first_paragraph(&event);
        }
        let event = match (self.author, event) {
            (Author::Member { id_prefix, .. }, Event::FootnoteReference(label)) => {
                let number = label.strip_prefix("fn-").unwrap_or_default();
                Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{id_prefix}{label}\">{number}</a></sup>"
                )))
            }
            (_, event) => event,
        };
        self.ready.push_back(event);
    }

    /// Stops the events: the text is past a limit.
    fn refuse(&mut self, refused: TooLarge) {
        self.refused.get_or_insert(refused);
        self.done = true;
    }

    /// Keeps the events of the first paragraph outside any block (footnote references left out).
    fn keep_first_paragraph(&mut self, event: &Event<'m>) {
        match (&mut self.first_paragraph, event) {
            (None, Event::Start(Tag::Paragraph)) if self.depth == 0 => {
                self.first_paragraph = Some(Paragraph { events: Vec::new(), ended: false })
            }
            (Some(paragraph), Event::End(TagEnd::Paragraph)) if self.depth == 1 => paragraph.ended = true,
            (Some(paragraph), _) if !paragraph.ended && !matches!(event, Event::FootnoteReference(_)) => {
                paragraph.events.push(event.clone())
            }
            _ => {}
        }
        match event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

impl<'m> Iterator for Events<'m, '_> {
    type Item = Event<'m>;

    fn next(&mut self) -> Option<Event<'m>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            if self.scan_step() {
                continue;
            }
            if self.done {
                return None;
            }
            match self.parser.next() {
                Some((event, range)) => match self.limits.count(&event) {
                    Ok(()) => {
                        self.pictures_without_address.extend(pictures::without_address(&event, range));
                        self.take(event)
                    }
                    Err(refused) => self.refuse(refused),
                },
                None => {
                    self.done = true;
                    if !self.text.is_empty() {
                        self.scan = Some(Scan { text: std::mem::take(&mut self.text), from: 0, then: None });
                    }
                }
            }
        }
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
        let names = MentionNames::new(&people);
        let converted =
            to_html("\"@Ben's\" idea, `@Ben`", Author::Member { id_prefix: "ugc-c1-", mentions: Some(&names) })
                .unwrap();
        assert!(
            converted.html.contains("\u{201c}<a class=\"mention\" href=\"/authors/ben-ode/\">@Ben</a>\u{2019}s"),
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
