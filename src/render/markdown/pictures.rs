//! Pictures without an address: found in the Markdown so the warning names the line they are on.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

/// Where the pictures without an address that `event` makes start in the Markdown (`range` is
/// where the event came from): an `![alt]()`, or each `<img>` of raw HTML with an empty or
/// missing `src`.
pub(super) fn without_address(event: &Event, range: Range<usize>) -> Vec<usize> {
    match event {
        Event::Start(Tag::Image { dest_url, .. }) if dest_url.trim().is_empty() => vec![range.start],
        Event::Html(html) | Event::InlineHtml(html) => {
            let within = range.len().saturating_sub(1);
            raw_without_address(html).into_iter().map(|at| range.start + at.min(within)).collect()
        }
        _ => Vec::new(),
    }
}

/// Where each `<img>` of raw HTML with an empty or missing `src` starts in `html`.
///
/// A plain reading of the tag, not an HTML parser's: the count is checked against what the
/// sanitizer dropped, and a text where the two differ is warned of as a whole.
fn raw_without_address(html: &str) -> Vec<usize> {
    let lower = html.to_ascii_lowercase();
    lower
        .match_indices("<img")
        .map(|(at, _)| at)
        .filter(|&at| lower[at + 4..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>'))
        .filter(|&at| {
            let tag = &lower[at..lower[at..].find('>').map_or(lower.len(), |end| at + end)];
            source_attribute(tag).is_none_or(|value| value.trim().is_empty())
        })
        .collect()
}

/// The value of the `src` attribute of the start tag `tag` (lowercased, without its `>`), if it has one.
fn source_attribute(tag: &str) -> Option<&str> {
    let mut rest = tag;
    while let Some(at) = rest.find("src") {
        let before = rest[..at].chars().next_back();
        let after = rest[at + 3..].trim_start();
        rest = &rest[at + 3..];
        if !before.is_some_and(|c| c.is_ascii_whitespace() || c == '/') {
            continue;
        }
        // `src` without `=` is part of another attribute's value, or empty: read on.
        let Some(value) = after.strip_prefix('=') else { continue };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_ascii_whitespace() || c == '/').next().unwrap_or(""),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::render::markdown::{to_html, Author};

    #[test]
    fn pictures_without_an_address_are_found_where_they_start() {
        let text = "![a]() <img src=x> <img alt=b> <img src = '' > <image src=''> ![c](d.png) <img alt='src=y'>";
        let found = to_html(text, Author::Facilitator).unwrap().pictures_without_address;
        assert_eq!(found, [0, 19, 31, 74]);
    }
}
