//! Disqus's XML export: `<thread dsq:id>`s (one per page) and `<post>`s that name their thread and parent.
//!
//! Disqus holds only the discussion, so each thread becomes a reading with
//! its title, date and a link to the page it was under; threads with no
//! comments are left out.

use std::collections::HashMap;
use std::path::Path;

use roxmltree::{Document, Node};

use super::html::{self, Kind};
use super::xml::{self, attribute, child, children, field};
use super::{Archive, Comment, Person, Post, State};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::people::is_web_address;

/// Reads a Disqus export.
pub fn read(path: &Path, document: &Document) -> Result<Archive, Diagnostics> {
    let root = document.root_element();
    if root.tag_name().name() != "disqus" {
        return Err(Diagnostic::error(xml::span(path, document, root), "this is not a Disqus export")
            .with_help("in Disqus, use Admin > Moderation > Export, and give the .xml file from the e-mail it sends")
            .into());
    }
    let mut archive = Archive::default();
    let mut threads: HashMap<String, usize> = HashMap::new();
    for node in children(root, "thread") {
        if yes(node, "isDeleted") {
            archive.tally.skip("deleted Disqus threads");
            continue;
        }
        let Some(id) = attribute(node, "id") else { continue };
        threads.insert(id.to_string(), archive.posts.len());
        archive.posts.push(thread(path, document, node));
    }
    for node in children(root, "post") {
        let owner = child(node, "thread").and_then(|t| attribute(t, "id")).and_then(|id| threads.get(id));
        let Some(&index) = owner else {
            archive.tally.skip("comments on threads that are not in the export");
            continue;
        };
        if let Some(comment) = comment(node, &mut archive) {
            archive.posts[index].comments.push(comment);
        }
    }
    let before = archive.posts.len();
    archive.posts.retain(|p| !p.comments.is_empty());
    (archive.posts.len()..before).for_each(|_| archive.tally.skip("Disqus threads with no comments"));
    Ok(archive)
}

fn yes(node: Node, name: &str) -> bool {
    field(node, name) == "true"
}

fn thread(path: &Path, document: &Document, node: Node) -> Post {
    let link = field(node, "link");
    let title = Some(field(node, "title")).filter(|t| !t.is_empty()).unwrap_or_else(|| link.clone());
    let last = link.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let last = last.split(['?', '#']).next().unwrap_or_default().trim_end_matches(".html");
    let slug = [last, title.as_str(), field(node, "id").as_str()]
        .iter()
        .map(|s| crate::model::slug::of(s))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| format!("thread-{}", attribute(node, "id").unwrap_or_default()));
    let body = match is_web_address(&link) {
        true => format!("This discussion was first held under <{link}>.\n"),
        false => String::new(),
    };
    Post {
        span: xml::span(path, document, node),
        slug,
        title,
        date: field(node, "createdAt"),
        author: None,
        tags: Vec::new(),
        summary: None,
        body,
        closed: yes(node, "isClosed"),
        draft: false,
        comments: Vec::new(),
    }
}

fn comment(node: Node, archive: &mut Archive) -> Option<Comment> {
    if yes(node, "isSpam") {
        archive.tally.skip("spam");
        return None;
    }
    let state = if yes(node, "isDeleted") {
        State::Deleted
    } else if field(node, "isApproved") == "false" {
        State::Pending
    } else {
        State::Published
    };
    let author = child(node, "author");
    if author.is_some_and(|a| !field(a, "email").is_empty()) {
        archive.tally.drop_field(super::private_field("email"));
    }
    if !field(node, "ipAddress").is_empty() {
        archive.tally.drop_field(super::private_field("ip"));
    }
    let anonymous =
        author.is_some_and(|a| yes(a, "isAnonymous")) && author.is_some_and(|a| field(a, "name").is_empty());
    let name = author.map(|a| field(a, "name")).filter(|_| !anonymous).unwrap_or_default();
    let website = author.map(|a| field(a, "link")).filter(|l| is_web_address(l));
    Some(Comment {
        key: attribute(node, "id").unwrap_or_default().to_string(),
        author: Person { name, website },
        date: field(node, "createdAt"),
        parent: child(node, "parent").and_then(|p| attribute(p, "id")).map(str::to_string),
        body: html::to_markdown(&field(node, "message"), Kind::Comment),
        state,
    })
}
