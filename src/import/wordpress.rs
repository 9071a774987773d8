//! WordPress's WXR export (1.0 to 1.2): `<item>`s with their `<wp:comment>`s.

use std::collections::HashMap;
use std::path::Path;

use roxmltree::{Document, Node};

use super::html::{self, Kind};
use super::xml::{self, child, child_in, children, field};
use super::{Archive, Comment, Person, Post, State, Tally};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The part of the `wp:` namespace URI every WXR version shares.
const WP: &str = "wordpress.org/export/";

/// Item fields that are read; any other field with content is counted as dropped.
const READ: [&str; 17] = [
    "title",
    "link",
    "pubDate",
    "creator",
    "encoded",
    "post_id",
    "post_date",
    "post_date_gmt",
    "comment_status",
    "post_name",
    "status",
    "post_type",
    "post_password",
    "category",
    "comment",
    "guid",
    "description",
];

/// Reads a WXR file.
pub fn read(path: &Path, document: &Document) -> Result<Archive, Diagnostics> {
    let root = document.root_element();
    let channel = child(root, "channel").filter(|_| root.tag_name().name() == "rss");
    let Some(channel) = channel.filter(|c| child_in(*c, WP, "wxr_version").is_some() || has_wp_items(*c)) else {
        return Err(Diagnostic::error(xml::span(path, document, root), "this is not a WordPress export (WXR)")
            .with_help("in WordPress, use Tools > Export > All content, and give the file it saves")
            .into());
    };
    let names: HashMap<String, String> = children(channel, "author")
        .map(|a| (field(a, "author_login"), field(a, "author_display_name")))
        .filter(|(login, name)| !login.is_empty() && !name.is_empty())
        .collect();
    let mut archive = Archive { title: Some(field(channel, "title")).filter(|t| !t.is_empty()), ..Archive::default() };
    for item in children(channel, "item") {
        if let Some(post) = post(path, document, item, &names, &mut archive) {
            archive.posts.push(post);
        }
    }
    Ok(archive)
}

fn has_wp_items(channel: Node) -> bool {
    children(channel, "item").any(|i| child_in(i, WP, "post_type").is_some())
}

/// One `<item>` as a post, or `None` when it is not one (counted in the tally).
fn post(
    path: &Path,
    document: &Document,
    item: Node,
    names: &HashMap<String, String>,
    archive: &mut Archive,
) -> Option<Post> {
    let span = xml::span(path, document, item);
    let kind = field(item, "post_type");
    let status = field(item, "status");
    if !matches!(kind.as_str(), "post" | "page" | "") {
        archive.tally.skip(&format!("WordPress `{kind}` items (not posts)"));
        return None;
    }
    if matches!(status.as_str(), "trash" | "auto-draft" | "inherit") {
        archive.tally.skip(&format!("posts with status `{status}`"));
        return None;
    }
    let title = field(item, "title");
    let protected = !field(item, "post_password").is_empty();
    if protected {
        archive.notes.push(
            Diagnostic::warning(
                span.clone(),
                format!("`{title}` was protected by a password, so it comes in as a draft"),
            )
            .with_help("read it, and remove `draft: true` from its front matter if everyone may see it"),
        );
    }
    count_dropped(item, &mut archive.tally);
    let creator = field(item, "creator");
    let author = Some(names.get(&creator).cloned().unwrap_or(creator)).filter(|n| !n.is_empty());
    let body = child_in(item, "purl.org/rss/1.0/modules/content", "encoded").map(xml::text).unwrap_or_default();
    let excerpt = child_in(item, "excerpt", "encoded").map(xml::text).unwrap_or_default();
    let summary = html::from_wordpress(&excerpt, Kind::Reading).split_whitespace().collect::<Vec<_>>().join(" ");
    let name = field(item, "post_name");
    let name = percent_encoding::percent_decode_str(&name).decode_utf8_lossy().into_owned();
    let slug = [name.as_str(), title.as_str()]
        .iter()
        .map(|s| crate::model::slug::of(s))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| format!("post-{}", field(item, "post_id")));
    let tags = children(item, "category")
        .filter(|c| matches!(xml::attribute(*c, "domain"), Some("category" | "post_tag")))
        .filter(|c| xml::attribute(*c, "nicename") != Some("uncategorized"))
        .map(|c| xml::text(c).trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let comments = children(item, "comment")
        .filter_map(|c| comment(path, document, c, &mut archive.tally, &mut archive.notes))
        .collect();
    Some(Post {
        span,
        slug,
        title,
        date: date(&field(item, "post_date_gmt"), &field(item, "post_date"), &field(item, "pubDate")),
        author: author.map(|name| Person { name, website: None }),
        tags,
        summary: Some(summary).filter(|s| !s.is_empty()),
        body: html::from_wordpress(&body, Kind::Reading),
        closed: field(item, "comment_status") == "closed",
        draft: protected || !matches!(status.as_str(), "publish" | ""),
        comments,
    })
}

/// One `<wp:comment>`, or `None` for pingbacks, trackbacks and spam (counted).
fn comment(
    path: &Path,
    document: &Document,
    node: Node,
    tally: &mut Tally,
    notes: &mut Vec<Diagnostic>,
) -> Option<Comment> {
    if matches!(field(node, "comment_type").as_str(), "pingback" | "trackback") {
        tally.skip("pingbacks and trackbacks");
        return None;
    }
    for private in ["comment_author_email", "comment_author_IP"] {
        if !field(node, private).is_empty() {
            tally.drop_field(super::private_field(private));
        }
    }
    if child(node, "commentmeta").is_some() {
        tally.drop_field("wp:commentmeta (spam-filter data)");
    }
    let state = match field(node, "comment_approved").as_str() {
        "1" | "approve" => State::Published,
        "spam" => {
            tally.skip("spam");
            return None;
        }
        "trash" | "post-trashed" => State::Deleted,
        _ => State::Pending,
    };
    let key = field(node, "comment_id");
    if key.is_empty() {
        notes.push(
            Diagnostic::warning(xml::span(path, document, node), "a comment with no `wp:comment_id` was left out")
                .with_help("its replies, if any, come in as comments of their own"),
        );
        return None;
    }
    let website = Some(field(node, "comment_author_url")).filter(|u| crate::model::people::is_web_address(u));
    Some(Comment {
        key,
        author: Person { name: field(node, "comment_author"), website },
        date: date(&field(node, "comment_date_gmt"), &field(node, "comment_date"), ""),
        parent: Some(field(node, "comment_parent")).filter(|p| !p.is_empty() && p != "0"),
        body: html::from_wordpress(&field(node, "comment_content"), Kind::Comment),
        state,
    })
}

fn count_dropped(item: Node, tally: &mut Tally) {
    for node in item.children().filter(|c| c.is_element()) {
        let name = node.tag_name().name();
        // `0` is WordPress's "none" (no parent post, no menu order, not sticky).
        if READ.contains(&name) || matches!(xml::text(node).trim(), "" | "0") {
            continue;
        }
        match node.tag_name().namespace() {
            Some(ns) if ns.contains(WP) => tally.drop_field(&format!("wp:{name}")),
            _ => tally.drop_field(name),
        }
    }
}

/// A WordPress date: the GMT one with `Z`, else the local one (read in the site's zone), else the RSS date.
fn date(gmt: &str, local: &str, rss: &str) -> String {
    let iso = |text: &str| {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .ok()
            .filter(|d| d.and_utc().timestamp() > 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string())
    };
    if let Some(day) = iso(gmt) {
        return format!("{day}Z");
    }
    if let Some(day) = iso(local) {
        return day;
    }
    chrono::DateTime::parse_from_rfc2822(rss)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_prefer_gmt_and_skip_the_zero_date() {
        assert_eq!(date("2013-03-14 15:01:21", "2013-03-14 08:01:21", ""), "2013-03-14T15:01:21Z");
        assert_eq!(date("0000-00-00 00:00:00", "2013-03-14 08:01:21", ""), "2013-03-14T08:01:21");
        assert_eq!(date("", "", "Tue, 27 Jan 2015 14:56:57 +0000"), "2015-01-27T14:56:57Z");
    }
}
