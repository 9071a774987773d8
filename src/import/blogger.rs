//! Blogger: the archive export (Atom, kinds as categories) and the newer Takeout feed (`blogger:` fields).
//!
//! In the archive export a comment's `thr:in-reply-to` names its post, and a
//! reply names its parent comment only through its `related` link, whose last
//! part is the parent's number (as Blogger's own threaded-comment script reads
//! it). The Takeout feed says it all in `blogger:type`, `blogger:parent`
//! (the post), `blogger:inReplyTo` (the comment), `blogger:status` and
//! `blogger:trashed`. Posts and pages both become readings.

use std::collections::HashMap;
use std::path::Path;

use roxmltree::{Document, Node};

use super::html::{self, Kind};
use super::xml::{self, attribute, child, child_in, children, field};
use super::{Archive, Comment, Person, Post, State};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What an entry is.
#[derive(Debug, PartialEq, Eq)]
enum What {
    Post,
    Comment,
    Other(String),
}

/// Reads a Blogger export.
pub fn read(path: &Path, document: &Document) -> Result<Archive, Diagnostics> {
    let feed = document.root_element();
    let is_blogger = feed.tag_name().name() == "feed"
        && (field(feed, "id").contains("blogger.com")
            || children(feed, "entry").any(|e| field(e, "id").contains("blogger.com")));
    if !is_blogger {
        return Err(Diagnostic::error(xml::span(path, document, feed), "this is not a Blogger export")
            .with_help("in Blogger, use Settings > Back up content (or Google Takeout), and give the .xml or .atom file it saves")
            .into());
    }
    let mut archive = Archive { title: Some(field(feed, "title")).filter(|t| !t.is_empty()), ..Archive::default() };
    let blog_author = child(feed, "author").map(person);
    let mut posts: HashMap<String, usize> = HashMap::new();
    let mut comments = Vec::new();
    for entry in children(feed, "entry") {
        match what(entry) {
            What::Post => {
                let post = post(path, document, entry, blog_author.clone(), &mut archive);
                if let Some(post) = post {
                    posts.insert(field(entry, "id"), archive.posts.len());
                    archive.posts.push(post);
                }
            }
            What::Comment => comments.push(entry),
            What::Other(kind) => archive.tally.skip(&format!("Blogger {kind} entries (not posts)")),
        }
    }
    for entry in comments {
        let owner = child_in(entry, "blogger", "parent")
            .map(|p| xml::text(p).trim().to_string())
            .or_else(|| child(entry, "in-reply-to").and_then(|r| attribute(r, "ref")).map(str::to_string));
        let Some(&index) = owner.as_ref().and_then(|o| posts.get(o)) else {
            archive.tally.skip("comments on posts that are not in the export");
            continue;
        };
        if let Some(comment) = comment(entry, &mut archive) {
            archive.posts[index].comments.push(comment);
        }
    }
    Ok(archive)
}

fn what(entry: Node) -> What {
    if let Some(kind) = child_in(entry, "blogger", "type") {
        return match xml::text(kind).trim() {
            "POST" | "PAGE" => What::Post,
            "COMMENT" => What::Comment,
            other => What::Other(other.to_lowercase()),
        };
    }
    let term = children(entry, "category")
        .filter(|c| attribute(*c, "scheme").is_some_and(|s| s.ends_with("#kind")))
        .find_map(|c| attribute(c, "term"))
        .unwrap_or_default();
    match term.rsplit('#').next().unwrap_or_default() {
        "post" | "page" => What::Post,
        "comment" => What::Comment,
        other => What::Other(other.to_string()),
    }
}

/// The name and website of an `<author>`; Blogger's `noreply` e-mail is never read.
fn person(author: Node) -> Person {
    let website = Some(field(author, "uri")).filter(|u| crate::model::people::is_web_address(u));
    Person { name: field(author, "name"), website }
}

fn post(
    path: &Path,
    document: &Document,
    entry: Node,
    blog_author: Option<Person>,
    archive: &mut Archive,
) -> Option<Post> {
    let status = child_in(entry, "blogger", "status").map(|s| xml::text(s).trim().to_uppercase()).unwrap_or_default();
    if matches!(status.as_str(), "DELETED" | "SOFT_TRASHED") || is_trashed(entry) {
        archive.tally.skip("deleted posts");
        return None;
    }
    let draft = matches!(status.as_str(), "DRAFT" | "SCHEDULED")
        || child(entry, "control").and_then(|c| child(c, "draft")).is_some_and(|d| xml::text(d).trim() == "yes");
    let title = field(entry, "title");
    let address = child_in(entry, "blogger", "filename")
        .map(|f| xml::text(f).trim().to_string())
        .or_else(|| link(entry, "alternate"))
        .unwrap_or_default();
    let name = address.rsplit('/').next().unwrap_or_default().trim_end_matches(".html");
    let slug = [name, title.as_str()]
        .iter()
        .map(|s| crate::model::slug::of(s))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| format!("post-{}", number(&field(entry, "id"))));
    let tags = children(entry, "category")
        .filter(|c| !attribute(*c, "scheme").is_some_and(|s| s.ends_with("#kind")))
        .filter_map(|c| attribute(c, "term"))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let author = child(entry, "author").map(person).filter(|p| !p.name.is_empty()).or(blog_author);
    if child_in(entry, "blogger", "location").is_some() || child(entry, "point").is_some() {
        archive.tally.drop_field("post locations");
    }
    let summary = child_in(entry, "blogger", "metaDescription")
        .map(|d| xml::text(d).split_whitespace().collect::<Vec<_>>().join(" "));
    Some(Post {
        span: xml::span(path, document, entry),
        slug,
        title,
        date: date(entry),
        author,
        tags,
        summary: summary.filter(|s| !s.is_empty()),
        body: html::from_blogger(&field(entry, "content"), Kind::Reading),
        closed: false,
        draft,
        comments: Vec::new(),
    })
}

fn comment(entry: Node, archive: &mut Archive) -> Option<Comment> {
    let status = child_in(entry, "blogger", "status").map(|s| xml::text(s).trim().to_uppercase()).unwrap_or_default();
    let removed = children(entry, "extendedProperty")
        .any(|p| attribute(p, "name") == Some("blogger.contentRemoved") && attribute(p, "value") == Some("true"));
    let state = match status.as_str() {
        "SPAM" => {
            archive.tally.skip("spam");
            return None;
        }
        "PENDING" | "DRAFT" => State::Pending,
        "DELETED" | "SOFT_TRASHED" => State::Deleted,
        _ if removed || is_trashed(entry) => State::Deleted,
        _ => State::Published,
    };
    let parent = child_in(entry, "blogger", "inReplyTo")
        .map(|p| number(xml::text(p).trim()))
        .or_else(|| link(entry, "related").and_then(|href| href.split("/comments/default/").nth(1).map(number)))
        .filter(|p| !p.is_empty());
    Some(Comment {
        key: number(&field(entry, "id")),
        author: child(entry, "author").map(person).unwrap_or_default(),
        date: date(entry),
        parent,
        body: html::from_blogger(&field(entry, "content"), Kind::Comment),
        state,
    })
}

fn is_trashed(entry: Node) -> bool {
    child_in(entry, "blogger", "trashed").is_some_and(|t| !xml::text(t).trim().is_empty())
}

/// The `href` of the entry's link of this `rel`.
fn link(entry: Node, rel: &str) -> Option<String> {
    children(entry, "link")
        .find(|l| attribute(*l, "rel") == Some(rel))
        .and_then(|l| attribute(l, "href"))
        .map(str::to_string)
}

/// The number that ends a Blogger id (`...post-6283692263349070572`) or address.
fn number(id: &str) -> String {
    let digits: String = id.chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect()
}

/// `published`, else Takeout's `blogger:created`, else `updated`.
fn date(entry: Node) -> String {
    [
        field(entry, "published"),
        child_in(entry, "blogger", "created").map(|c| xml::text(c).trim().to_string()).unwrap_or_default(),
        field(entry, "updated"),
    ]
    .into_iter()
    .find(|d| chrono::DateTime::parse_from_rfc3339(d).is_ok())
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_end_in_their_number() {
        assert_eq!(
            number("tag:blogger.com,1999:blog-6103943824397639239.post-6283692263349070572"),
            "6283692263349070572"
        );
        assert_eq!(number("http://www.blogger.com/feeds/1/2/comments/default/77"), "77");
    }
}
