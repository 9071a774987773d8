//! The only place HTML is cleaned: one ammonia policy for what members write, one for readings.
//!
//! `Html` can be made only here, and it is the only kind of string templates
//! receive unescaped. A policy change is one edit in this file.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use ammonia::{Builder, UrlRelative};
use serde::{Serialize, Serializer};

/// HTML that went through a policy: safe to print unescaped.
///
/// Shared, not copied: the build cache and every page that prints a text hold the same allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(Arc<str>);

impl Html {
    /// The HTML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// HTML this policy cleaned in an earlier build, read back from the build cache.
    ///
    /// The cache lives in the site's own `.roundtable/` folder, which is as trusted as its templates.
    pub(crate) fn from_cache(html: String) -> Html {
        Html(html.into())
    }

    /// The text a reader sees, tags dropped and entities decoded, white space made single spaces.
    ///
    /// It reads only what the policies here write: quoted attribute values and
    /// the few entities the serializer makes.
    pub fn plain_text(&self) -> String {
        let mut text = String::with_capacity(self.0.len());
        let mut rest: &str = &self.0;
        while let Some(start) = rest.find(['<', '&']) {
            text.push_str(&rest[..start]);
            rest = &rest[start..];
            if rest.starts_with('<') {
                text.push(' ');
                rest = skip_tag(rest);
            } else {
                let (decoded, used) = ENTITIES
                    .iter()
                    .find(|(entity, _)| rest.starts_with(entity))
                    .map_or(('&', 1), |(entity, c)| (*c, entity.len()));
                text.push(decoded);
                rest = &rest[used..];
            }
        }
        text.push_str(rest);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

const ENTITIES: [(&str, char); 6] =
    [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", '\u{a0}')];

/// What follows the tag that `html` starts with; a `>` inside a quoted value does not end it.
fn skip_tag(html: &str) -> &str {
    let mut quote = None;
    for (index, c) in html.char_indices().skip(1) {
        match (quote, c) {
            (None, '>') => return &html[index + 1..],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    ""
}

impl Serialize for Html {
    /// Reaches Tera as a string marked safe, so templates print it without `| safe`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        tera::Value::safe_string(&self.0).serialize(serializer)
    }
}

/// The deepest HTML nesting a text may have: parsing HTML costs time that grows with depth squared.
pub const MAX_NESTING: usize = 100;

/// Prefix of every id a member's text can produce, so it can never take a page's own ids.
pub const MEMBER_ID_PREFIX: &str = "ugc-";

/// The `rel` of every link in a member's text.
pub const MEMBER_LINK_REL: &str = "nofollow ugc noopener noreferrer";

const MEMBER_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "input",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

const READING_EXTRA_TAGS: &[&str] = &[
    "img",
    "figure",
    "figcaption",
    "section",
    "span",
    "mark",
    "details",
    "summary",
    "dl",
    "dt",
    "dd",
    "cite",
    "caption",
    "small",
    "ins",
];

/// Comments and bios: text, lists, quotes, tables, footnotes, task lists; no images or media.
static MEMBER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = common(MEMBER_TAGS);
    builder.link_rel(Some(MEMBER_LINK_REL)).id_prefix(Some(MEMBER_ID_PREFIX));
    builder
});

/// Readings: the member policy plus images, figures and heading ids.
static READING: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: Vec<&str> = MEMBER_TAGS.iter().chain(READING_EXTRA_TAGS).copied().collect();
    let mut builder = common(&tags);
    builder.link_rel(None).add_tag_attributes("img", ["src", "alt", "title", "width", "height"]);
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
});

fn common<'a>(tags: &[&'a str]) -> Builder<'a> {
    let mut builder = Builder::empty();
    builder
        .tags(tags.iter().copied().collect())
        .clean_content_tags(HashSet::from(["script", "style"]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .strip_comments(true)
        .add_generic_attributes(["title", "lang"])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("abbr", ["title"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("input", ["checked", "disabled"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("sup", ["id"])
        .add_tag_attributes("li", ["id"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .allowed_classes(HashMap::from([
            ("sup", HashSet::from(["footnote-reference", "footnote-definition-label"])),
            ("div", HashSet::from(["footnote-definition"])),
            ("a", HashSet::from(["mention"])),
        ]))
        // Every input is a checkbox, the only kind task lists make (disabled, as Markdown writes them):
        // no text box comes through. Only one value is forced: ammonia adds forced attributes in hash
        // order, so two would come out in a different order from one run to the next.
        .set_tag_attribute_value("input", "type", "checkbox");
    builder
}

/// Cleans HTML made from a member's Markdown (a comment or a bio).
pub fn member(html: &str) -> Html {
    Html(drop_rel_without_href(MEMBER.clean(html).to_string()).into())
}

/// ammonia gives every `<a>` the member `rel`, even one whose unsafe `href` it removed; HTML allows
/// `rel` only on links, so a link left without an address becomes a plain `<a>` again.
fn drop_rel_without_href(html: String) -> String {
    let rel = format!(" rel=\"{MEMBER_LINK_REL}\"");
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<a ") {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        if tag.contains(" href=") {
            out.push_str(tag);
        } else {
            out.push_str(&tag.replacen(&rel, "", 1));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Cleans HTML made from a reading's Markdown.
pub fn reading(html: &str) -> Html {
    Html(READING.clean(html).to_string().into())
}

/// How deep the elements of `html` nest, counted cheaply before any parsing.
///
/// It over-counts rather than under-counts (unclosed tags count as open), so a
/// text it passes is safe to hand to the HTML parser.
pub fn nesting_depth(html: &str) -> usize {
    const VOID: &[&str] =
        &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = bytes[start..].iter().position(|b| !b.is_ascii_alphanumeric()).map_or(bytes.len(), |p| start + p);
        if end == start || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        if closing {
            depth = depth.saturating_sub(1);
        } else if !VOID.contains(&name.as_str()) {
            let self_closing =
                bytes[end..].iter().position(|&b| b == b'>').is_some_and(|p| p > 0 && bytes[end + p - 1] == b'/');
            if !self_closing {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_text_loses_scripts_handlers_and_bad_urls() {
        let html = member(
            "<p>Hi<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>\
             <a href=\"https://example.org\" onclick=\"x()\">ok</a><iframe src=\"https://e\"></iframe>\
             <span style=\"color:red\">s</span></p>",
        );
        let out = html.as_str();
        for banned in ["script", "onerror", "javascript", "onclick", "iframe", "<img", "style="] {
            assert!(!out.contains(banned), "{banned} survived in {out}");
        }
        assert!(
            out.contains("<a href=\"https://example.org\" rel=\"nofollow ugc noopener noreferrer\">ok</a>"),
            "{out}"
        );
    }

    #[test]
    fn links_that_lost_their_address_lose_their_rel() {
        let out =
            member("<p><a href=\"javascript:x()\">a</a> <a href=\"https://e.org/\">b</a> <a title=\"t\">c</a></p>");
        assert_eq!(
            out.as_str(),
            "<p><a>a</a> <a href=\"https://e.org/\" rel=\"nofollow ugc noopener noreferrer\">b</a> <a title=\"t\">c</a></p>"
        );
    }

    #[test]
    fn member_ids_cannot_take_the_page_ids() {
        let out = member("<div id=\"comment-c1\">x</div>");
        assert_eq!(out.as_str(), "<div id=\"ugc-comment-c1\">x</div>");
    }

    #[test]
    fn task_lists_alignment_and_footnotes_survive() {
        let out = member(
            "<ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>done</li></ul>\
             <table><tr><td style=\"text-align: right\">1</td></tr></table>\
             <sup class=\"footnote-reference\"><a href=\"#ugc-c1-fn-1\">1</a></sup>\
             <div class=\"footnote-definition\" id=\"ugc-c1-fn-1\"><sup class=\"footnote-definition-label\">1</sup></div>\
             <input type=\"text\">",
        );
        let out = out.as_str();
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("checked"), "{out}");
        assert!(!out.contains("type=\"text\""), "{out}");
        assert_eq!(member("<input autofocus disabled>").as_str(), "<input disabled=\"\" type=\"checkbox\">");
        assert!(out.contains("style=\"text-align:right\""), "{out}");
        assert!(out.contains("href=\"#ugc-c1-fn-1\""), "{out}");
        assert!(out.contains("id=\"ugc-c1-fn-1\""), "{out}");
    }

    #[test]
    fn readings_keep_images_and_heading_ids() {
        let out = reading("<h2 id=\"trust\">Trust</h2><img src=\"chart.png\" alt=\"a\" onload=\"x()\">");
        assert_eq!(out.as_str(), "<h2 id=\"trust\">Trust</h2><img src=\"chart.png\" alt=\"a\">");
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        let html = member("<p>Fish &amp; <em>chips</em></p><p title=\"a>b\">1 &lt; 2</p><pre><code>x</code></pre>");
        assert_eq!(html.plain_text(), "Fish & chips 1 < 2 x");
    }

    #[test]
    fn nesting_depth_counts_open_elements() {
        assert_eq!(nesting_depth("<p>a<br>b<img src=x/></p>"), 1);
        assert_eq!(nesting_depth("<div><div><p>x</p></div></div>"), 3);
        assert_eq!(nesting_depth(&"<div>".repeat(500)), 500);
        assert_eq!(nesting_depth("a < b and 1<2"), 0);
    }
}
