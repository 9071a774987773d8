//! Property tests: generated HTML and Markdown, made of the pieces attacks are made of, go through
//! the same Markdown and sanitizing path as comments, bios and readings; the result, parsed by
//! html5ever, and parsed again after being written out (as a browser might after a DOM change),
//! must hold no script, handler, dangerous URL or forbidden element, and members' links carry `rel`.

mod common;
#[path = "common/safety.rs"]
mod safety;

use proptest::prelude::*;
use roundtable::render::markdown::{to_html, Author};
use roundtable::render::sanitize::{self, Pictures};
use safety::{member_text_violations, violations, Allowed};
use scraper::Html;

const TAGS: &[&str] = &[
    "script",
    "SCRIPT",
    "ScRiPt",
    "img",
    "a",
    "A",
    "svg",
    "math",
    "mtext",
    "mglyph",
    "iframe",
    "style",
    "noscript",
    "noembed",
    "template",
    "textarea",
    "title",
    "xmp",
    "select",
    "p",
    "div",
    "table",
    "td",
    "input",
    "form",
    "button",
    "base",
    "meta",
    "link",
    "object",
    "embed",
    "details",
    "b",
    "code",
    "pre",
    "blockquote",
    "foreignObject",
    "animate",
    "body",
    "frameset",
    "plaintext",
];

const ATTRIBUTES: &[&str] = &[
    "href",
    "HREF",
    "src",
    "onerror",
    "onload",
    "OnClick",
    "ontoggle",
    "style",
    "action",
    "formaction",
    "xlink:href",
    "id",
    "class",
    "title",
    "type",
    "srcdoc",
    "data",
    "rel",
    "http-equiv",
    "content",
    "values",
    "open",
];

const VALUES: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript&colon;alert(1)",
    " \u{1}java\tscript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "https://example.org/",
    "#comment-c1",
    "main",
    "x",
    "color:red;text-align:right",
    "width:expression(alert(1))",
    "\"><script>alert(1)</script>",
    "</noscript><img src=x onerror=alert(1)>",
    "refresh",
    "0;url=javascript:alert(1)",
];

const TEXT: &[&str] = &[
    "alert(1)",
    "x",
    "\"",
    "'",
    "`",
    "&",
    "&lt;",
    "&#60;",
    "&colon;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "/",
    "\n",
    "\n\n",
    "\t",
    "    ",
    "[x](",
    "](",
    ")",
    "![",
    "<javascript:alert(1)>",
    "<data:text/html,x>",
    "<https://example.org>",
    "[r]",
    "\n\n[r]: ",
    "[^1]",
    "\n\n[^1]: ",
    "> ",
    "- ",
    "1. ",
    "- [x] ",
    "| a | b |\n|:-|-:|\n",
    "```\n",
    "## ",
    "{#main}",
    "\u{0}",
    "\u{202e}",
];

fn piece() -> impl Strategy<Value = String> {
    let tag = proptest::sample::select(TAGS);
    let attribute = (proptest::sample::select(ATTRIBUTES), proptest::sample::select(VALUES), 0..4usize).prop_map(
        |(name, value, quoting)| match quoting {
            0 => format!(" {name}=\"{value}\""),
            1 => format!(" {name}='{value}'"),
            2 => format!(" {name}={value}"),
            _ => format!("/{name}=`{value}`"),
        },
    );
    prop_oneof![
        (tag.clone(), proptest::collection::vec(attribute, 0..3), any::<bool>())
            .prop_map(|(tag, attrs, closed)| format!("<{tag}{}{}>", attrs.concat(), if closed { "/" } else { "" })),
        tag.prop_map(|tag| format!("</{tag}>")),
        proptest::sample::select(TEXT).prop_map(String::from),
        proptest::sample::select(VALUES).prop_map(String::from),
    ]
}

fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 1..40).prop_map(|pieces| pieces.concat())
}

/// Every rule broken by `html`, once as parsed and once after being written out and parsed again.
fn broken_rules(html: &str, members: bool) -> Vec<String> {
    let first = Html::parse_fragment(html);
    let again = Html::parse_fragment(&first.root_element().inner_html());
    let mut found = Vec::new();
    for parsed in [&first, &again] {
        found.extend(violations(parsed, &Allowed::default()));
        if members {
            found.extend(member_text_violations(parsed.root_element()));
            let ids = safety::elements(parsed).filter_map(|e| e.value().attr("id"));
            found.extend(ids.filter(|id| !id.starts_with("ugc-")).map(|id| format!("member id {id}")));
        }
    }
    found
}

/// What an allowed member's picture must be: from the allowed host or the site, lazy, without a referrer.
fn picture_rules(html: &str) -> Vec<String> {
    let parsed = Html::parse_fragment(html);
    let mut found: Vec<String> = violations(&parsed, &Allowed::default());
    for img in safety::elements(&parsed).filter(|e| e.value().name() == "img") {
        let attr = |name| img.value().attr(name);
        let src = attr("src").unwrap_or_default();
        let host_ok = src.starts_with("https://example.org/")
            || src.starts_with("http://example.org/")
            || !(src.contains(':') || src.starts_with("//"));
        if src.trim().is_empty()
            || !host_ok
            || attr("loading") != Some("lazy")
            || attr("referrerpolicy") != Some("no-referrer")
        {
            found.push(format!("picture {}", img.html()));
        }
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn members_markdown_comes_out_safe(text in hostile_text()) {
        let markdown = to_html(&text, Author::Member { id_prefix: "ugc-c1-", mentions: None }).unwrap().html;
        let html = sanitize::member(&markdown, "ugc-c1-", &Pictures::default()).html;
        let found = broken_rules(html.as_str(), true);
        prop_assert!(found.is_empty(), "{text:?}\n-> {}\n{found:#?}", html.as_str());
    }

    #[test]
    fn members_raw_html_comes_out_safe(text in hostile_text()) {
        let html = sanitize::member(&text, "ugc-c1-", &Pictures::default()).html;
        let found = broken_rules(html.as_str(), true);
        prop_assert!(found.is_empty(), "{text:?}\n-> {}\n{found:#?}", html.as_str());
    }

    #[test]
    fn members_allowed_pictures_come_out_safe(text in hostile_text()) {
        let policy = Pictures { hosts: vec!["example.org".to_string()], site: true };
        let html = sanitize::member(&text, "ugc-c1-", &policy).html;
        let found = picture_rules(html.as_str());
        prop_assert!(found.is_empty(), "{text:?}\n-> {}\n{found:#?}", html.as_str());
    }

    #[test]
    fn readings_come_out_safe(text in hostile_text()) {
        let html = sanitize::reading(&to_html(&text, Author::Facilitator).unwrap().html).html;
        let found = broken_rules(html.as_str(), false);
        prop_assert!(found.is_empty(), "{text:?}\n-> {}\n{found:#?}", html.as_str());
    }
}
