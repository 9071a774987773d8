//! A reading's summary shown on another page (a list of readings, a feed): the addresses in it
//! that are relative to the reading's own page (a picture beside it, `#a-heading`) are made to
//! work from the page showing it.

use super::plain::skip_tag;
use super::Html;

/// The attributes that hold an address, as the serializer writes them (a space before each).
const ADDRESSES: [&str; 2] = [" href=\"", " src=\""];

impl Html {
    /// This HTML as seen from a page from which the reading it belongs to is at `reading`
    /// (`../readings/trust/index.html`): a relative path is put after `reading`'s folder, a
    /// fragment after `reading` itself; an address with a scheme or from the host's root stays.
    /// `None` when there is nothing to change: the text is shared, not copied.
    pub fn rebased(&self, reading: &str) -> Option<Html> {
        let folder = &reading[..reading.rfind('/').map_or(0, |slash| slash + 1)];
        self.with_prefixes(|value| prefix_for(value, reading, folder))
    }

    /// This HTML read away from the site (a mail): each address from the site's `root` (`/cohort/...`)
    /// is given the scheme and host of `absolute`, the site's whole address (`https://host/cohort/`);
    /// `//host/...` is another site's and stays. `None` when there is nothing to change.
    pub fn made_whole(&self, root: &str, absolute: &str) -> Option<Html> {
        let origin = absolute.strip_suffix(root).filter(|origin| !origin.is_empty())?;
        self.with_prefixes(|value| (value.starts_with(root) && !value.starts_with("//")).then_some(origin))
    }

    /// This HTML with `prefix_for`'s answer put before each address in its tags; `None` when it
    /// answers none.
    ///
    /// Only tags are looked into: the serializer escapes `<` in text, and `"` in attribute values,
    /// so neither text nor a value can fake an attribute.
    fn with_prefixes<'p>(&self, prefix_for: impl Fn(&str) -> Option<&'p str>) -> Option<Html> {
        let html: &str = &self.0;
        let mut inserts: Vec<(usize, &str)> = Vec::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            let tag = &rest[open..];
            let after = skip_tag(tag);
            let start = html.len() - tag.len();
            for (at, value) in addresses(&tag[..tag.len() - after.len()]) {
                if let Some(prefix) = prefix_for(value) {
                    inserts.push((start + at, prefix));
                }
            }
            rest = after;
        }
        if inserts.is_empty() {
            return None;
        }
        let longest = inserts.iter().map(|(_, prefix)| prefix.len()).max().unwrap_or(0);
        let mut out = String::with_capacity(html.len() + inserts.len() * longest);
        let mut from = 0;
        for (at, prefix) in inserts {
            out.push_str(&html[from..at]);
            out.push_str(&prefix.replace('&', "&amp;").replace('"', "&quot;"));
            from = at;
        }
        out.push_str(&html[from..]);
        Some(Html::from_text(out))
    }
}

/// Where each address value of one tag starts (from the tag's start), with the value.
fn addresses(tag: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut quoted = false;
    for (index, c) in tag.char_indices() {
        if c == '"' {
            quoted = !quoted;
            continue;
        }
        if quoted || c != ' ' {
            continue;
        }
        if let Some(name) = ADDRESSES.iter().find(|name| tag[index..].starts_with(*name)) {
            let start = index + name.len();
            let end = tag[start..].find('"').map_or(tag.len(), |e| start + e);
            found.push((start, &tag[start..end]));
        }
    }
    found
}

/// What goes before `value` to make it work from the other page, if anything.
fn prefix_for<'a>(value: &str, reading: &'a str, folder: &'a str) -> Option<&'a str> {
    let scheme = value.find([':', '/', '?', '#']).is_some_and(|at| value[at..].starts_with(':'));
    match value.as_bytes().first() {
        None | Some(b'/') => None,
        Some(b'#') => Some(reading),
        Some(_) if scheme => None,
        Some(_) => (!folder.is_empty()).then_some(folder),
    }
}

#[cfg(test)]
mod tests {
    use super::super::reading;

    fn rebased(markdown_html: &str) -> Option<String> {
        let html = reading(markdown_html).html;
        html.rebased("../readings/trust/index.html").map(|h| h.as_str().to_string())
    }

    #[test]
    fn relative_pictures_and_links_follow_the_reading_and_fragments_name_its_page() {
        assert_eq!(
            rebased(r#"<p><img src="chart.png" alt="c"> and <a href="notes/one.pdf">notes</a></p>"#).as_deref(),
            Some(
                r#"<p><img src="../readings/trust/chart.png" alt="c"> and <a href="../readings/trust/notes/one.pdf">notes</a></p>"#
            )
        );
        assert_eq!(
            rebased(r##"<p><a href="#the-questions" title="a > b">below</a></p>"##).as_deref(),
            Some(r##"<p><a href="../readings/trust/index.html#the-questions" title="a &gt; b">below</a></p>"##)
        );
    }

    #[test]
    fn other_addresses_and_text_stay_and_the_text_is_shared() {
        for html in [
            r#"<p><a href="https://example.org/a">a</a> <a href="mailto:a@example.org">m</a></p>"#,
            r#"<p><a href="/root/page/">r</a> <img src="//cdn.example.org/x.png" alt=""></p>"#,
            r#"<p>Write src="x.png" or href="y" in text: it is text.</p>"#,
            r#"<p><abbr title=' src="z"'>z</abbr></p>"#,
        ] {
            assert_eq!(rebased(html), None, "{html}");
        }
    }

    #[test]
    fn addresses_from_the_root_are_made_whole_and_other_sites_and_text_stay() {
        let whole = |markdown_html: &str, root: &str, absolute: &str| {
            reading(markdown_html).html.made_whole(root, absolute).map(|h| h.as_str().to_string())
        };
        let links = r#"<p><a href="/c/a/">a</a> <a href="/b/">b</a> <a href="https://y.org/">y</a> href="/c/t"</p>"#;
        assert_eq!(
            whole(links, "/c/", "https://x.org/c/").as_deref(),
            Some(
                r#"<p><a href="https://x.org/c/a/">a</a> <a href="/b/">b</a> <a href="https://y.org/">y</a> href="/c/t"</p>"#
            )
        );
        let at_top = r#"<p><a href="/a/">a</a> <a href="//y.org/z">y</a></p>"#;
        assert_eq!(
            whole(at_top, "/", "https://x.org/").as_deref(),
            Some(r#"<p><a href="https://x.org/a/">a</a> <a href="//y.org/z">y</a></p>"#)
        );
        assert_eq!(whole(at_top, "/", "/"), None, "a site with no host has no whole address to give");
    }
}
