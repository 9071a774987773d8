//! A Jekyll site: posts in `_posts/` (and `_drafts/`), Staticman comments in `_data/comments/<slug>/`.
//!
//! Staticman writes one file per comment. Themes link replies in two ways: by
//! the parent's `_id`, or by the parent's position (from 1) in the folder's
//! file-name order; both are read, through `_parent`, `replying_to` or
//! `replying_to_uid`. Liquid tags cannot work in roundtable, so each one is
//! listed with its file, line and column.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use super::html::{self, Kind};
use super::{Archive, Comment, Person, Post};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::people::is_web_address;

/// Front matter keys that have a place in a reading.
const READ: [&str; 12] = [
    "title",
    "date",
    "author",
    "categories",
    "category",
    "tags",
    "excerpt",
    "description",
    "comments",
    "published",
    "slug",
    "permalink",
];

/// Reads a Jekyll site folder.
pub fn read(root: &Path) -> Result<Archive, Diagnostics> {
    let posts_folder = root.join("_posts");
    if !posts_folder.is_dir() {
        return Err(Diagnostic::error(Span::file(&posts_folder), "this Jekyll site has no _posts folder")
            .with_help("give the folder of the Jekyll site itself, the one holding _config.yml and _posts/")
            .into());
    }
    let mut archive = Archive { title: site_title(root), ..Archive::default() };
    let mut problems = Diagnostics::new();
    for (folder, draft) in [("_posts", false), ("_drafts", true)] {
        for path in files(&root.join(folder), &["md", "markdown", "html", "htm"]) {
            if let Some(post) = post(root, &path, draft, &mut archive, &mut problems) {
                archive.posts.push(post);
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(archive)
}

fn site_title(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("_config.yml")).ok()?;
    let config: Value = serde_yaml::from_str(&text).ok()?;
    config.get("title")?.as_str().map(str::to_string)
}

/// The files under `folder` with one of `extensions`, in name order.
fn files(folder: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| extensions.iter().any(|e| x.eq_ignore_ascii_case(e))))
        .collect();
    found.sort();
    found
}

fn post(root: &Path, path: &Path, draft: bool, archive: &mut Archive, problems: &mut Diagnostics) -> Option<Post> {
    let shown = path.to_path_buf();
    let text = super::xml::read_text(path).map_err(|e| problems.extend(e)).ok()?;
    let (front, body, body_line) = match crate::load::front_matter::split(&shown, &text) {
        Ok(split) => {
            let front: Mapping =
                crate::load::yaml::parse(&shown, split.yaml, split.yaml_line).map_err(|p| problems.push(p)).ok()?;
            (front, split.body.to_string(), split.body_line)
        }
        Err(_) => (Mapping::new(), text.clone(), 1),
    };
    let get = |key: &str| front.get(key).filter(|v| !v.is_null());
    let string = |key: &str| get(key).and_then(scalar);
    for key in front.keys().filter_map(Value::as_str).filter(|k| !READ.contains(k)) {
        archive.tally.drop_field(&format!("Jekyll front matter `{key}`"));
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
    let name_slug = crate::model::slug::from_file_name(&stem);
    let slug =
        string("slug").map(|s| crate::model::slug::of(&s)).filter(|s| !s.is_empty()).unwrap_or(name_slug.clone());
    let date =
        string("date").and_then(|d| rfc3339(&d)).or_else(|| stem.get(..10).and_then(rfc3339)).unwrap_or_default();
    let mut tags = Vec::new();
    for key in ["categories", "category", "tags"] {
        tags.extend(list(get(key)));
    }
    tags.dedup();
    for (line, column, tag) in liquid(&body) {
        archive.notes.push(
            Diagnostic::warning(
                Span::new(&shown, body_line + line - 1, column),
                format!("`{tag}` is a Liquid tag, which roundtable does not run"),
            )
            .with_help(
                "it is imported as written: replace it by hand with what it showed (a link, a picture, a quote)",
            ),
        );
    }
    let is_html = path.extension().is_some_and(|x| x.to_string_lossy().to_lowercase().starts_with("htm"));
    let body = if is_html { html::to_markdown(&body, Kind::Reading) } else { html::tidy(&body) };
    // Staticman names the folder after the post's slug, as the site's configuration spells it.
    let folders = [stem.get(11..).unwrap_or(&stem), name_slug.as_str(), slug.as_str()];
    let folder = folders.iter().map(|f| root.join("_data/comments").join(f)).find(|f| f.is_dir());
    let comments = folder.map(|f| comments(&f, archive)).unwrap_or_default();
    Some(Post {
        span: Span::new(&shown, 1, 1),
        slug,
        title: string("title").unwrap_or_else(|| stem[stem.len().min(11)..].replace('-', " ")),
        date,
        author: string("author").map(|name| Person { name, website: None }),
        tags,
        summary: string("excerpt")
            .or_else(|| string("description"))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")),
        body,
        closed: get("comments").and_then(Value::as_bool) == Some(false),
        draft: draft || get("published").and_then(Value::as_bool) == Some(false),
        comments,
    })
}

/// A scalar as text.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// A list written as a YAML list or as words separated by spaces.
fn list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar).collect(),
        Some(other) => scalar(other).map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default(),
        None => Vec::new(),
    }
}

/// Each Liquid tag or output in the text: line and column (from 1) and the tag.
fn liquid(text: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for open in ["{%", "{{"] {
            let close = if open == "{%" { "%}" } else { "}}" };
            let mut from = 0;
            while let Some(at) = line[from..].find(open).map(|i| from + i) {
                let end = line[at..].find(close).map_or(line.len(), |i| at + i + 2);
                found.push((n + 1, line[..at].chars().count() + 1, line[at..end].to_string()));
                from = end.max(at + 2);
            }
        }
    }
    found.sort();
    found
}

/// Dates as Jekyll writes them, as RFC 3339 (or a bare date).
fn rfc3339(text: &str) -> Option<String> {
    let text = text.trim();
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return Some(text.to_string());
    }
    for format in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(date) = chrono::DateTime::parse_from_str(text, format) {
            return Some(date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(date) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Some(date.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.to_string());
    }
    // Staticman's default: seconds since 1970.
    let seconds: i64 = text.parse().ok()?;
    chrono::DateTime::from_timestamp(seconds, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// A post's Staticman comments, parents resolved by id or by position.
fn comments(folder: &Path, archive: &mut Archive) -> Vec<Comment> {
    let mut read: Vec<(String, Mapping)> = Vec::new();
    for path in files(folder, &["yml", "yaml", "json"]) {
        let shown = path.clone();
        let Ok(text) = std::fs::read_to_string(&path) else {
            archive.notes.push(
                Diagnostic::warning(Span::file(&shown), "this comment file is not UTF-8 text, so it was left out")
                    .with_help("save it as UTF-8 and import again"),
            );
            continue;
        };
        match crate::load::yaml::parse::<Mapping>(&shown, &text, 1) {
            Ok(fields) => read.push((path.file_stem().unwrap_or_default().to_string_lossy().into_owned(), fields)),
            Err(problem) => archive.notes.push(
                Diagnostic { severity: crate::diagnostics::Severity::Warning, ..problem }
                    .with_help("this comment was left out; fix the file and import again"),
            ),
        }
    }
    let text = |fields: &Mapping, key: &str| fields.get(key).and_then(scalar).unwrap_or_default();
    let ids: Vec<String> = read
        .iter()
        .map(|(stem, f)| Some(text(f, "_id")).filter(|i| !i.is_empty()).unwrap_or_else(|| stem.clone()))
        .collect();
    let mut out = Vec::new();
    for (n, (_, fields)) in read.iter().enumerate() {
        for private in ["email", "ip"] {
            if fields.contains_key(private) {
                archive.tally.drop_field(super::private_field(private));
            }
        }
        let pointer =
            ["_parent", "replying_to", "replying_to_uid"].iter().map(|k| text(fields, k)).find(|p| !p.is_empty());
        let parent = pointer.and_then(|p| {
            if ids.contains(&p) {
                Some(p)
            } else {
                p.parse::<usize>().ok().filter(|&i| i >= 1 && i <= ids.len() && i != n + 1).map(|i| ids[i - 1].clone())
            }
        });
        let website = ["url", "website"].iter().map(|k| text(fields, k)).find(|u| is_web_address(u));
        out.push(Comment {
            key: ids[n].clone(),
            author: Person { name: text(fields, "name"), website },
            date: rfc3339(&text(fields, "date")).unwrap_or_default(),
            parent,
            body: html::tidy(&text(fields, "message")),
            state: super::State::Published,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liquid_tags_are_found_with_their_columns() {
        assert_eq!(
            liquid("a {% include x.html %} b\nnone\n  {{ site.url }}"),
            [(1, 3, "{% include x.html %}".to_string()), (3, 3, "{{ site.url }}".to_string())]
        );
    }

    #[test]
    fn jekyll_dates_become_rfc3339() {
        assert_eq!(rfc3339("2014-03-02 10:20:00 +0100").unwrap(), "2014-03-02T10:20:00+01:00");
        assert_eq!(rfc3339("1408986545").unwrap(), "2014-08-25T17:09:05Z");
        assert_eq!(rfc3339("2014-03-02").unwrap(), "2014-03-02");
        assert_eq!(rfc3339("soon"), None);
    }
}
