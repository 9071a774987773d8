//! The only place HTML is cleaned: one ammonia policy for what members write, one for readings.
//!
//! `Html` can be made only here, and it is the only kind of string templates
//! receive unescaped. A policy change is one edit in this file.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use ammonia::{Builder, UrlRelative};

use super::markdown::{PAGE_IDS, PAGE_ID_PREFIXES};

mod plain;
mod rebase;

use plain::skip_tag;
use serde::{Serialize, Serializer};

/// HTML that went through a policy: safe to print unescaped.
///
/// Shared, not copied: the build cache and every page that prints a text hold the same allocation.
/// It carries the BLAKE3 digest of its text, which stands for it in page keys (`render::key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Html(Arc<str>, [u8; 32]);

impl Html {
    /// The HTML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The BLAKE3 hash of the text.
    pub fn digest(&self) -> &[u8; 32] {
        &self.1
    }

    /// HTML a policy here made.
    pub(crate) fn from_text(html: String) -> Html {
        let digest = *blake3::hash(html.as_bytes()).as_bytes();
        Html(html.into(), digest)
    }

    /// HTML this policy cleaned in an earlier build, read back from the build cache with its digest.
    ///
    /// The cache lives in the site's own `.roundtable/` folder, which is as trusted as its templates.
    pub(crate) fn from_cache(html: &str, digest: [u8; 32]) -> Html {
        // Straight from the cache file's bytes: one copy, not a String made and then copied again.
        Html(html.into(), digest)
    }

    /// This HTML with the address of each mention link (`<a class="mention" href="...">`, as the
    /// Markdown pass writes it) replaced by `relink`'s answer; links it has no answer for stay as
    /// written. `None` when there is no mention: the text is shared, not copied.
    ///
    /// A mention is cleaned once with a placeholder address; each page (or mail) gives it the address
    /// that works where it is shown. A member may write such a link by hand (the class is allowed on
    /// links): `relink` answers only a person's placeholder, so it can only become a link to that
    /// person's page.
    pub fn relink_mentions(&self, relink: impl Fn(&str) -> Option<String>) -> Option<Html> {
        const MENTION: &str = "<a class=\"mention\" href=\"";
        if !self.0.contains(MENTION) {
            return None;
        }
        let mut out = String::with_capacity(self.0.len() + 64);
        let mut rest: &str = &self.0;
        while let Some(at) = rest.find(MENTION) {
            let start = at + MENTION.len();
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            let end = rest.find('"').unwrap_or(rest.len());
            match relink(&rest[..end]) {
                Some(address) => out.push_str(&address.replace('&', "&amp;").replace('"', "&quot;")),
                None => out.push_str(&rest[..end]),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        Some(Html::from_text(out))
    }
}

impl Default for Html {
    fn default() -> Html {
        Html::from_text(String::new())
    }
}

impl Serialize for Html {
    /// Reaches Tera as a string marked safe, so templates print it without `| safe`; a page key
    /// takes its digest.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if super::key::hashing() {
            return serializer.serialize_bytes(&self.1);
        }
        tera::Value::safe_string(&self.0).serialize(serializer)
    }
}

/// How every id a member's text can produce begins (then the text's own part, `c7-`), so it can
/// never take a page's own ids.
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

/// Comments and bios: text, lists, quotes, tables, footnotes, task lists; pictures only as
/// `Pictures` allows (`finish_tags` turns the rest into links); no other media.
static MEMBER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: Vec<&str> = MEMBER_TAGS.iter().chain(["img"].iter()).copied().collect();
    let mut builder = common(&tags);
    builder.link_rel(Some(MEMBER_LINK_REL)).add_tag_attributes("img", ["src", "alt", "title", "width", "height"]);
    builder
});

/// The largest `width` or `height` a member's picture keeps; a larger one is left to the style sheet.
pub const MAX_PICTURE_SIDE: u32 = 1600;

/// Where pictures in members' texts may be loaded from (`pictures:` in `site.yaml`). By default
/// nowhere: a picture becomes a link with its alt text, so reading a page asks no other host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pictures {
    /// Hosts whose pictures are shown, lowercased (`images.example.org`).
    pub hosts: Vec<String>,
    /// Whether pictures at the site's own relative addresses are shown.
    pub site: bool,
}

impl Pictures {
    /// Whether a picture at `src` (as ammonia left it) is shown.
    fn allows(&self, src: &str) -> bool {
        let decoded = src.replace("&amp;", "&");
        if !decoded.contains(':') && !decoded.starts_with("//") {
            return self.site;
        }
        let absolute = if decoded.starts_with("//") { format!("https:{decoded}") } else { decoded };
        url::Url::parse(&absolute).ok().is_some_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|host| self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
        })
    }

    /// What goes into a cleaned text's cache key: a policy change cleans every text again.
    pub fn fingerprint(&self) -> Vec<u8> {
        format!("{}|{}", self.site, self.hosts.join(",")).into_bytes()
    }
}

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
        .add_tag_attributes("input", ["checked"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("sup", ["id"])
        .add_tag_attributes("li", ["id"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .allowed_classes(HashMap::from([
            ("sup", HashSet::from(["footnote-reference", "footnote-definition-label"])),
            ("div", HashSet::from(["footnote-definition"])),
            ("a", HashSet::from(["mention"])),
        ]))
        // Every input is a checkbox, the only kind task lists make: no text box comes through. Only one
        // value is forced: ammonia adds forced attributes in hash order, so two would come out in a
        // different order from one run to the next. Members' checkboxes are disabled after cleaning.
        .set_tag_attribute_value("input", "type", "checkbox");
    builder
}

/// Cleans HTML made from a member's Markdown (a comment or a bio); every id gets `id_prefix`,
/// which is unique per text on a page (`ugc-c7-`), so no text can take another's ids or the page's.
pub fn member(html: &str, id_prefix: &str, pictures: &Pictures) -> Cleaned {
    let cleaned = MEMBER.clean(html).to_string();
    let (html, dropped) = finish_tags(&cleaned, Some((id_prefix, pictures)));
    Cleaned { html: Html::from_text(xml_safe(html)), pictures_without_address: dropped }
}

/// A text after cleaning, and how many of its pictures had no address (and were replaced by their
/// alt text), for a warning.
#[derive(Debug)]
pub struct Cleaned {
    /// The HTML.
    pub html: Html,
    /// Pictures dropped for an empty or missing `src`.
    pub pictures_without_address: usize,
}

/// What ammonia cannot do per text, done on what it wrote.
///
/// For a member's text (`id_prefix` given): prefix every id with the text's own prefix, drop the
/// `rel` of a link whose unsafe `href` was removed (HTML allows `rel` only on links), and disable
/// every checkbox (ammonia can force one attribute per element in a stable order, and that is
/// `type`). For a reading: move an id that the theme or members' texts use (`main`, `comment-c1`,
/// `ugc-…`) out of their way with `about-`.
///
/// It reads only what ammonia's serializer writes: `<name attr="value" …>`, with `"`, `<` and `>`
/// inside a value and `<` in text escaped, so every `<` starts a tag and every `"` ends a value.
///
/// Pictures: one without an address becomes its alt text (counted, for a warning); a member's
/// picture from a place `Pictures` does not allow becomes a link to it with its alt text (or just
/// the alt text inside a link), and an allowed one loads lazily and sends no referrer.
fn finish_tags(html: &str, member: Option<(&str, &Pictures)>) -> (String, usize) {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    let mut dropped = 0;
    let mut open_links = 0usize;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let tag_len = rest.len() - skip_tag(rest).len();
        let tag = &rest[..tag_len];
        match tag.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            Some(inner) if inner.starts_with("img") && matches!(inner.as_bytes().get(3), None | Some(b' ' | b'/')) => {
                dropped += usize::from(!picture(&attributes(inner).1, member.map(|m| m.1), open_links > 0, &mut out))
            }
            Some(inner) if !inner.starts_with(['/', '!']) => {
                open_links += usize::from(inner == "a" || inner.starts_with("a "));
                rewrite_tag(inner, member.map(|m| m.0), &mut out)
            }
            _ => {
                open_links = open_links.saturating_sub(usize::from(tag == "</a>"));
                out.push_str(tag)
            }
        }
        rest = &rest[tag_len..];
    }
    out.push_str(rest);
    (out, dropped)
}

/// A tag's name and its `key="value"` attributes, as ammonia's serializer writes them.
fn attributes(inner: &str) -> (&str, Vec<(&str, &str)>) {
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
    let mut list = Vec::new();
    while let Some((key, after)) = attrs.split_once("=\"") {
        let Some((value, next)) = after.split_once('"') else { break };
        list.push((key, value));
        attrs = next.strip_prefix(' ').unwrap_or(next);
    }
    (name, list)
}

/// Writes a picture as `finish_tags` says; false when it had no address. `pictures` is `None` for a
/// reading, whose pictures are the facilitator's and always shown.
fn picture(attrs: &[(&str, &str)], pictures: Option<&Pictures>, in_link: bool, out: &mut String) -> bool {
    let get = |key: &str| attrs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let alt = get("alt").unwrap_or("");
    let Some(src) = get("src").filter(|s| !s.trim().is_empty()) else {
        // Attribute escaping is also valid text escaping: the alt text goes in as it is.
        out.push_str(alt);
        return false;
    };
    match pictures {
        Some(policy) if !policy.allows(src) => {
            if in_link {
                out.push_str(alt);
            } else {
                let text = if alt.trim().is_empty() { src } else { alt };
                out.push_str(&format!("<a href=\"{src}\" rel=\"{MEMBER_LINK_REL}\" class=\"picture-link\">{text}</a>"));
            }
        }
        _ => {
            out.push_str("<img");
            for (key, value) in attrs {
                let too_big = matches!(*key, "width" | "height")
                    && value.parse::<u32>().map_or(true, |side| side > MAX_PICTURE_SIDE);
                if !(pictures.is_some() && too_big) {
                    out.push_str(&format!(" {key}=\"{value}\""));
                }
            }
            if pictures.is_some() {
                out.push_str(" loading=\"lazy\" referrerpolicy=\"no-referrer\"");
            }
            out.push('>');
        }
    }
    true
}

/// Writes one start tag (`inner` is what lies between `<` and `>`) with its attributes fixed.
fn rewrite_tag(inner: &str, id_prefix: Option<&str>, out: &mut String) {
    let (name, list) = attributes(inner);
    let member = id_prefix.is_some();
    out.push('<');
    out.push_str(name);
    if member && name == "input" {
        out.push_str(" disabled=\"\"");
    }
    let has_href = list.iter().any(|(key, _)| *key == "href");
    for (key, value) in list {
        match (key, id_prefix) {
            ("rel", Some(_)) if name == "a" && !has_href => continue,
            ("id", Some(prefix)) => out.push_str(&format!(" id=\"{prefix}{value}\"")),
            ("id", None) if is_page_id(value) => out.push_str(&format!(" id=\"about-{value}\"")),
            _ => out.push_str(&format!(" {key}=\"{value}\"")),
        }
    }
    out.push('>');
}

/// Whether the theme's pages or members' texts use `id` (a reading's own footnotes, `fn-…`, do not).
fn is_page_id(id: &str) -> bool {
    PAGE_IDS.contains(&id) || PAGE_ID_PREFIXES.iter().any(|prefix| *prefix != "fn-" && id.starts_with(prefix))
}

/// Drops the characters XML 1.0 forbids (controls but tab and line ends, U+FFFE, U+FFFF), which a
/// character reference such as `&#1;` can still make after decoding: feeds carry this HTML.
fn xml_safe(html: String) -> String {
    if html.chars().all(crate::text::allowed_in_xml) {
        return html;
    }
    html.chars().filter(|&c| crate::text::allowed_in_xml(c)).collect()
}

/// Cleans HTML made from a reading's Markdown.
pub fn reading(html: &str) -> Cleaned {
    let (html, dropped) = finish_tags(&READING.clean(html).to_string(), None);
    Cleaned { html: Html::from_text(xml_safe(html)), pictures_without_address: dropped }
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
            "ugc-c1-",
            &Pictures::default(),
        )
        .html;
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
        let out = member(
            "<p><a href=\"javascript:x()\">a</a> <a href=\"https://e.org/\">b</a> <a title=\"t\">c</a></p>",
            "ugc-c1-",
            &Pictures::default(),
        )
        .html;
        assert_eq!(
            out.as_str(),
            "<p><a>a</a> <a href=\"https://e.org/\" rel=\"nofollow ugc noopener noreferrer\">b</a> <a title=\"t\">c</a></p>"
        );
    }

    #[test]
    fn member_ids_cannot_take_the_page_ids_or_another_texts() {
        let out = member("<div id=\"comment-c1\">x</div>", "ugc-c1-", &Pictures::default()).html;
        assert_eq!(out.as_str(), "<div id=\"ugc-c1-comment-c1\">x</div>");
        // Comment c2 cannot take the id of c1's first footnote, even spelled out.
        let out =
            member("<div id=\"ugc-c1-fn-1\" title=\"a &quot;id=&quot; b>c\">x</div>", "ugc-c2-", &Pictures::default())
                .html;
        assert_eq!(out.as_str(), "<div id=\"ugc-c2-ugc-c1-fn-1\" title=\"a &quot;id=&quot; b&gt;c\">x</div>");
    }

    #[test]
    fn reading_ids_keep_clear_of_the_theme_and_members() {
        let out = reading(
            "<div id=\"comment-c1\">a</div><h2 id=\"main\">b</h2><li id=\"fn-1\">c</li><div id=\"ugc-c1-x\"></div>",
        )
        .html;
        assert_eq!(
            out.as_str(),
            "<div id=\"about-comment-c1\">a</div><h2 id=\"about-main\">b</h2><li id=\"fn-1\">c</li><div id=\"about-ugc-c1-x\"></div>"
        );
    }

    #[test]
    fn every_member_checkbox_is_disabled() {
        for input in ["<input type=checkbox>", "<input checked>", "<input type=checkbox disabled=no checked>"] {
            let out = member(input, "ugc-c1-", &Pictures::default()).html;
            assert!(out.as_str().starts_with("<input disabled=\"\" "), "{input}: {}", out.as_str());
            assert_eq!(out.as_str().matches("disabled").count(), 1, "{}", out.as_str());
        }
        // A tag's text inside an attribute value is not a tag.
        let out = member("<p title=\"<input x>\">t</p>", "ugc-c1-", &Pictures::default()).html;
        assert_eq!(out.as_str(), "<p title=\"&lt;input x&gt;\">t</p>");
    }

    #[test]
    fn characters_xml_forbids_are_dropped_after_decoding() {
        let out = member("<p>a&#1;b&#xFFFF;c&#xfffe;d\u{fffe}e&#x1F600;</p>", "ugc-c1-", &Pictures::default()).html;
        assert_eq!(out.as_str(), "<p>abcde\u{1f600}</p>");
        assert_eq!(reading("<p>&#8;x</p>").html.as_str(), "<p>x</p>");
    }

    #[test]
    fn task_lists_alignment_and_footnotes_survive() {
        let out = member(
            "<ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>done</li></ul>\
             <table><tr><td style=\"text-align: right\">1</td></tr></table>\
             <sup class=\"footnote-reference\"><a href=\"#ugc-c1-fn-1\">1</a></sup>\
             <div class=\"footnote-definition\" id=\"ugc-c1-fn-1\"><sup class=\"footnote-definition-label\">1</sup></div>\
             <input type=\"text\">",
            "ugc-c1-",
            &Pictures::default(),
        )
        .html;
        let out = out.as_str();
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("checked"), "{out}");
        assert!(!out.contains("type=\"text\""), "{out}");
        assert_eq!(
            member("<input autofocus disabled>", "ugc-c1-", &Pictures::default()).html.as_str(),
            "<input disabled=\"\" type=\"checkbox\">"
        );
        assert!(out.contains("style=\"text-align:right\""), "{out}");
        assert!(out.contains("href=\"#ugc-c1-fn-1\""), "{out}");
        assert!(out.contains("id=\"ugc-c1-ugc-c1-fn-1\""), "{out}");
    }

    #[test]
    fn readings_keep_images_and_heading_ids() {
        let out = reading("<h2 id=\"trust\">Trust</h2><img src=\"chart.png\" alt=\"a\" onload=\"x()\">").html;
        assert_eq!(out.as_str(), "<h2 id=\"trust\">Trust</h2><img src=\"chart.png\" alt=\"a\">");
    }

    #[test]
    fn members_pictures_are_links_unless_their_host_is_allowed() {
        let none = Pictures::default();
        let out = member("<p>Like this: <img src=\"https://img.example/a.png\" alt=\"a chart\"></p>", "ugc-c1-", &none);
        assert_eq!(
            out.html.as_str(),
            "<p>Like this: <a href=\"https://img.example/a.png\" rel=\"nofollow ugc noopener noreferrer\" class=\"picture-link\">a chart</a></p>"
        );
        // Inside a link, the alt text alone: no link in a link.
        let out =
            member("<a href=\"https://e.org/\"><img src=\"https://img.example/a.png\" alt=\"logo\"></a>", "p-", &none);
        assert_eq!(out.html.as_str(), "<a href=\"https://e.org/\" rel=\"nofollow ugc noopener noreferrer\">logo</a>");
        let allowed = Pictures { hosts: vec!["img.example".into()], site: true };
        let out = member(
            "<img src=\"https://IMG.example/a.png\" alt=\"a\" width=\"99999\" height=\"40\" onload=\"x()\">",
            "p-",
            &allowed,
        );
        assert_eq!(
            out.html.as_str(),
            "<img src=\"https://IMG.example/a.png\" alt=\"a\" height=\"40\" loading=\"lazy\" referrerpolicy=\"no-referrer\">"
        );
        assert!(member("<img src=\"/cohort/x.png\">", "p-", &allowed).html.as_str().starts_with("<img"));
        assert!(member("<img src=\"//other.example/x.png\">", "p-", &allowed).html.as_str().starts_with("<a "));
        assert!(member("<img src=\"javascript:alert(1)\" alt=\"x\">", "p-", &allowed).html.as_str() == "x");
    }

    #[test]
    fn a_picture_without_an_address_leaves_its_alt_text_and_is_counted() {
        let out = reading("<p>See <img src=\"\" alt=\"the {{ chart }} &amp; more\"> here</p><img alt=\"b\">");
        assert_eq!(out.html.as_str(), "<p>See the {{ chart }} &amp; more here</p>b");
        assert_eq!(out.pictures_without_address, 2);
        let out = member("<img src=\"  \" alt=\"c\">", "p-", &Pictures::default());
        assert_eq!((out.html.as_str(), out.pictures_without_address), ("c", 1));
    }

    #[test]
    fn only_mention_links_are_relinked() {
        let pictures = Pictures::default();
        let written = "<p><a class=\"mention\" href=\"/c/authors/ana/\">@Ana</a> \
                       <a href=\"/c/authors/ana/\">as written</a> <a class=\"mention\" href=\"/elsewhere/\">forged</a> \
                       &lt;a class=\"mention\" href=\"/c/authors/ana/\"&gt;</p>";
        let html = member(written, "ugc-c1-", &pictures).html;
        let relink = |href: &str| (href == "/c/authors/ana/").then(|| "../../authors/ana/index.html?a&\"b".to_string());
        let relinked = html.relink_mentions(relink).expect("a mention");
        let text = relinked.as_str();
        assert_eq!(text.matches("href=\"../../authors/ana/index.html?a&amp;&quot;b\"").count(), 1, "{text}");
        assert_eq!(text.matches("href=\"/c/authors/ana/\"").count(), 2, "a plain link and text stay: {text}");
        assert!(text.contains("href=\"/elsewhere/\""), "an unknown address stays: {text}");
        assert!(member("<p>no mention</p>", "ugc-c1-", &pictures).html.relink_mentions(relink).is_none());
    }
}
