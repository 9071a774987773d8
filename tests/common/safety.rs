//! What "safe output" means, checked on pages parsed by a real HTML5 parser (html5ever, via scraper).
//!
//! A page may hold scripts, event handlers, `<meta>` or `<link>` only where the
//! theme itself wrote them: the [`Allowed`] set is taken from a build of the same
//! site with harmless text, so a theme that adds its own `<script src>` still passes.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use scraper::{ElementRef, Html};

/// Elements content must never add; the theme may write them (its `<head>`), found by the baseline.
pub const GUARDED: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "button",
    "textarea",
    "select",
    "option",
    "base",
    "meta",
    "link",
    "svg",
    "math",
    "noscript",
    "noembed",
    "template",
    "xmp",
    "video",
    "audio",
    "source",
    "track",
    "marquee",
    "param",
    "portal",
    "dialog",
    "plaintext",
    "isindex",
    "keygen",
];

/// Elements not allowed inside members' text, beyond [`GUARDED`]: members get no images or media.
const MEMBER_FORBIDDEN: &[&str] = &["img", "picture", "map", "area", "image", "use"];

/// URL schemes a link may use; anything else (`javascript:`, `vbscript:`, `data:`) is an escape.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Where members' text is printed in the default theme: comment bodies and bios.
pub const MEMBER_TEXT: &str = ".comment-body, .bio";

/// The `rel` words every link in members' text must carry.
pub const MEMBER_REL: &[&str] = &["nofollow", "ugc", "noopener"];

/// What the theme wrote itself, so it is not mistaken for an injection.
#[derive(Debug, Default)]
pub struct Allowed {
    /// Guarded elements, by [`signature`].
    elements: BTreeSet<String>,
    /// Event-handler and URL attributes the theme wrote: `path attr=value`.
    attributes: BTreeSet<String>,
}

impl Allowed {
    /// Learns what the theme writes from every HTML page of a build of harmless content.
    pub fn from_output(output: &Path) -> Allowed {
        let mut allowed = Allowed::default();
        for (_, html) in html_pages(output) {
            allowed.learn(&html);
        }
        allowed
    }

    /// Adds what `html` holds to what is allowed.
    pub fn learn(&mut self, html: &Html) {
        for element in elements(html) {
            if GUARDED.contains(&element.value().name()) {
                self.elements.insert(signature(element));
            }
            for (name, value) in element.value().attrs() {
                if is_handler(name) || is_url_attribute(name) && !is_safe_url(value) || name == "style" {
                    self.attributes.insert(attribute_key(element, name, value));
                }
            }
        }
    }
}

/// Every `.html` file under `output`, parsed.
/// Every `id` that appears more than once on `html`: an in-page link would jump to the first.
pub fn duplicate_ids(html: &Html) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    elements(html).filter_map(|e| e.value().attr("id")).filter(|id| !seen.insert(*id)).map(str::to_string).collect()
}

/// Why `xml` is not a well-formed XML document, as a strict feed reader would refuse it.
pub fn xml_error(xml: &str) -> Option<String> {
    roxmltree::Document::parse(xml).err().map(|error| error.to_string())
}

pub fn html_pages(output: &Path) -> Vec<(String, Html)> {
    crate::common::read_tree(output)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8"));
            let html = Html::parse_document(&text);
            (path, html)
        })
        .collect()
}

/// Every way `html` breaks the rules, as readable lines (empty when safe).
pub fn violations(html: &Html, allowed: &Allowed) -> Vec<String> {
    let mut found = Vec::new();
    for element in elements(html) {
        let name = element.value().name();
        if GUARDED.contains(&name) && !allowed.elements.contains(&signature(element)) {
            found.push(format!("content added <{name}>: {}", signature(element)));
        }
        for (attr, value) in element.value().attrs() {
            let key = attribute_key(element, attr, value);
            if allowed.attributes.contains(&key) {
                continue;
            }
            if is_handler(attr) {
                found.push(format!("event handler {key}"));
            }
            if is_url_attribute(attr) && !is_safe_url(value) {
                found.push(format!("dangerous URL {key}"));
            }
            if attr == "style" && !is_plain_alignment(value) {
                found.push(format!("style attribute {key}"));
            }
        }
    }
    for container in select(html, MEMBER_TEXT) {
        found.extend(member_text_violations(container));
    }
    found
}

/// Every way a feed breaks the rules: raw markup where only escaped text belongs, or escaped HTML
/// (`<content type="html">`, `<summary type="html">`) that is unsafe once a feed reader decodes it.
pub fn feed_violations(xml: &str, members: bool) -> Vec<String> {
    let mut found = Vec::new();
    let lower = xml.to_ascii_lowercase();
    // Atom has elements of its own named `link` and `source`; every other guarded name is injected markup.
    for name in GUARDED.iter().filter(|n| !matches!(**n, "link" | "source")) {
        if lower.contains(&format!("<{name}")) {
            found.push(format!("the feed holds a raw <{name}>"));
        }
    }
    for element in ["content", "summary"] {
        let open = format!("<{element} type=\"html\">");
        for block in xml.split(open.as_str()).skip(1) {
            let escaped = block.split(&format!("</{element}>")).next().unwrap_or_default();
            let decoded = escaped
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            let html = Html::parse_fragment(&decoded);
            found.extend(violations(&html, &Allowed::default()));
            if members {
                found.extend(member_text_violations(html.root_element()));
            }
        }
    }
    found
}

/// The stricter rules for what members wrote: no images, and every link marked as theirs.
pub fn member_text_violations(container: ElementRef) -> Vec<String> {
    let mut found = Vec::new();
    for element in container.descendants().filter_map(ElementRef::wrap) {
        let name = element.value().name();
        if MEMBER_FORBIDDEN.contains(&name) || GUARDED.contains(&name) {
            found.push(format!("members' text holds <{name}>"));
        }
        if name == "input" && element.value().attr("type") != Some("checkbox") {
            found.push("members' text holds an <input> that is not a checkbox".to_string());
        }
        if name == "a" && element.value().attr("href").is_some() {
            let rel: Vec<&str> = element.value().attr("rel").unwrap_or_default().split_ascii_whitespace().collect();
            if let Some(missing) = MEMBER_REL.iter().find(|word| !rel.contains(word)) {
                found.push(format!("a link in members' text has no rel {missing}: {}", element.html()));
            }
        }
    }
    found
}

/// Every element of `html`, the document's own `<html>` included.
pub fn elements(html: &Html) -> impl Iterator<Item = ElementRef<'_>> {
    html.root_element().descendants().filter_map(ElementRef::wrap)
}

/// The elements of `html` matching a CSS `selector`.
fn select<'a>(html: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    html.select(&scraper::Selector::parse(selector).unwrap()).collect()
}

/// The names of the element's ancestors and its own, with its attributes (and a script's text):
/// an element content slipped into a page sits elsewhere or looks otherwise than the theme's.
fn signature(element: ElementRef) -> String {
    let mut path: Vec<&str> =
        element.ancestors().filter_map(ElementRef::wrap).map(|e| e.value().name()).collect::<Vec<_>>();
    path.reverse();
    path.push(element.value().name());
    let mut attrs: Vec<String> = element
        .value()
        .attrs()
        .map(
            |(name, value)| if name == "src" || name == "http-equiv" { format!("{name}={value}") } else { name.into() },
        )
        .collect();
    attrs.sort();
    let text = if element.value().name() == "script" { element.text().collect::<String>() } else { String::new() };
    format!("{} [{}] {text}", path.join(">"), attrs.join(" "))
}

fn attribute_key(element: ElementRef, name: &str, value: &str) -> String {
    format!("<{} {name}={value:?}>", element.value().name())
}

fn is_handler(name: &str) -> bool {
    name.len() > 2 && name[..2].eq_ignore_ascii_case("on")
}

fn is_url_attribute(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset", "ping", "codebase"]
        .contains(&name.as_str())
        || name.ends_with(":href")
        || name == "values"
}

/// True when the URL has no scheme or a safe one, read as a browser would: with white space and
/// control characters taken out (browsers drop tabs and newlines anywhere in a URL).
pub fn is_safe_url(value: &str) -> bool {
    let squeezed: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let squeezed = squeezed.to_ascii_lowercase();
    // A scheme is a letter then letters, digits, `+`, `-` or `.`; before anything else, a `:` is part
    // of a relative path (`0;url=javascript:x` is a file name, not a script).
    let Some((scheme, _)) = squeezed.split_once(':') else {
        return true;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !is_scheme || SAFE_SCHEMES.contains(&scheme)
}

/// The one `style` members' tables may keep: `text-align`.
fn is_plain_alignment(value: &str) -> bool {
    value.split(';').map(str::trim).filter(|d| !d.is_empty()).all(|declaration| {
        let (property, setting) = declaration.split_once(':').unwrap_or((declaration, ""));
        property.trim() == "text-align" && ["left", "right", "center"].contains(&setting.trim())
    })
}

/// Reads `tests/fixtures/hostile/vectors.txt`: `(name, text)`, escapes decoded.
pub fn vectors() -> Vec<(String, String)> {
    let file = crate::common::fixture("hostile/vectors.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    let vectors: Vec<(String, String)> = text
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, vector) = line.split_once(": ").unwrap_or_else(|| panic!("no `name: ` in {line}"));
            (name.to_string(), unescape(vector))
        })
        .collect();
    let names: BTreeSet<&String> = vectors.iter().map(|(name, _)| name).collect();
    let texts: BTreeSet<&String> = vectors.iter().map(|(_, text)| text).collect();
    assert_eq!(names.len(), vectors.len(), "vector names are unique");
    assert_eq!(texts.len(), vectors.len(), "vectors are distinct");
    vectors
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let code: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&code, 16).unwrap()).unwrap());
            }
            other => panic!("unknown escape \\{other:?} in {text}"),
        }
    }
    out
}

/// `text` as a YAML double-quoted string, every character kept.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
