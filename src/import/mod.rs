//! `roundtable import FORMAT SOURCE`: a cohort's history from Blogger, WordPress, Disqus or Jekyll.
//!
//! Each format has its own reader, which turns the export into one plain
//! `Archive` (posts, comments with the export's own ids and parents, what
//! was skipped and why). From there every format takes the same road:
//! `threads` settles moderation and nesting, `infer` optionally turns
//! flat "@Claire, ..." comments into replies, and `writer` writes readings,
//! threads and `authors.yaml`, read back through the real loader before any
//! byte reaches the disk. E-mail and IP addresses are never read out of an
//! export, so they cannot be written.

mod blogger;
mod disqus;
mod html;
mod infer;
mod jekyll;
mod people;
mod summary;
mod threads;
mod wordpress;
mod writer;
mod xml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::scaffold::Done;

/// The kinds of export `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Blogger's archive export (Atom) or its Takeout feed.
    Blogger,
    /// WordPress's WXR export, versions 1.0 to 1.2.
    WordPress,
    /// Disqus's XML export.
    Disqus,
    /// A Jekyll site folder, with Staticman comment files.
    Jekyll,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        match text.to_ascii_lowercase().as_str() {
            "blogger" => Ok(Format::Blogger),
            "wordpress" | "wxr" => Ok(Format::WordPress),
            "disqus" => Ok(Format::Disqus),
            "jekyll" | "staticman" => Ok(Format::Jekyll),
            _ => Err(format!("`{text}` is not a format roundtable imports: use blogger, wordpress, disqus or jekyll")),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Blogger => "blogger",
            Format::WordPress => "wordpress",
            Format::Disqus => "disqus",
            Format::Jekyll => "jekyll",
        })
    }
}

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The export's format.
    pub format: Format,
    /// The export file (a folder for Jekyll).
    pub source: PathBuf,
    /// The site folder to import into: empty, new, or an existing site.
    pub into: PathBuf,
    /// The section folder under `content/` that receives the readings.
    pub section: String,
    /// Print what would be written, and write nothing.
    pub dry_run: bool,
    /// Make comments that address one earlier commenter replies to them.
    pub infer_replies: bool,
}

/// An export, read: the same shape whatever the format.
#[derive(Debug, Default)]
pub(crate) struct Archive {
    /// The blog's title, for a new site's `site.yaml`.
    pub title: Option<String>,
    /// Posts in export order.
    pub posts: Vec<Post>,
    /// What was left out, and why.
    pub tally: Tally,
    /// Warnings met while reading.
    pub notes: Vec<Diagnostic>,
}

/// One post of an export, to become a reading.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    /// Where it is in the export, for messages.
    pub span: Span,
    /// Its slug (the last part of its old address).
    pub slug: String,
    /// Its title.
    pub title: String,
    /// An RFC 3339 date-time or a `YYYY-MM-DD` date.
    pub date: String,
    /// Who wrote it.
    pub author: Option<Person>,
    /// Labels, categories and tags.
    pub tags: Vec<String>,
    /// One line for lists (Markdown).
    pub summary: Option<String>,
    /// Its text, as Markdown.
    pub body: String,
    /// Comments were closed.
    pub closed: bool,
    /// Not published in the old site (a draft, private or protected post).
    pub draft: bool,
    /// Its comments, in export order.
    pub comments: Vec<Comment>,
}

impl Default for Post {
    fn default() -> Post {
        Post {
            span: Span::file(""),
            slug: String::new(),
            title: String::new(),
            date: String::new(),
            author: None,
            tags: Vec::new(),
            summary: None,
            body: String::new(),
            closed: false,
            draft: false,
            comments: Vec::new(),
        }
    }
}

/// Someone who wrote a post or comment: only what may be published.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    /// The display name; empty or "Anonymous" for anonymous comments.
    pub name: String,
    /// An http(s) address they gave.
    pub website: Option<String>,
}

/// Whether a comment was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum State {
    /// Shown on the old site.
    #[default]
    Published,
    /// Waiting for approval.
    Pending,
    /// Deleted; kept only as a placeholder when it has replies.
    Deleted,
}

/// One comment as the export has it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Comment {
    /// The export's id, unique in its post.
    pub key: String,
    /// Who wrote it.
    pub author: Person,
    /// An RFC 3339 date-time.
    pub date: String,
    /// The export's id of the comment it answers.
    pub parent: Option<String>,
    /// Its text, as Markdown.
    pub body: String,
    /// Published, pending or deleted.
    pub state: State,
}

/// Counts of what an import left out, by reason.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Posts and comments not imported: reason -> count.
    pub skipped: BTreeMap<String, usize>,
    /// Fields with no equivalent in roundtable: name -> count.
    pub dropped: BTreeMap<String, usize>,
}

impl Tally {
    /// Counts one thing skipped for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// Counts one field dropped.
    pub fn drop_field(&mut self, name: &str) {
        *self.dropped.entry(name.to_string()).or_default() += 1;
    }
}

/// How the summary names a private field of the export, left out: `email` or `ip` in its name.
pub(crate) fn private_field(field: &str) -> &'static str {
    if field.to_ascii_lowercase().contains("ip") {
        "IP addresses (private, never written)"
    } else {
        "e-mail addresses (private, never written)"
    }
}

/// Imports an export into a site, or explains why nothing was written.
pub fn import(options: &ImportOptions) -> Result<Done, Diagnostics> {
    if !crate::model::slug::is_valid(&options.section) {
        return Err(Diagnostic::error(Span::file("--section"), format!("`{}` cannot be a section", options.section))
            .with_help("name the section folder with lowercase letters, digits and -, like `readings`")
            .into());
    }
    let mut archive = read(options.format, &options.source)?;
    let existing = writer::existing(&options.into)?;
    archive.posts.iter_mut().for_each(|post| settle(post, &mut archive.tally));
    unique_slugs(&mut archive.posts);
    let mut notes = std::mem::take(&mut archive.notes);
    let mut threads: Vec<threads::Thread> =
        archive.posts.iter_mut().map(|post| threads::arrange(post, &mut archive.tally, &mut notes)).collect();
    let inferred = match options.infer_replies {
        true => infer::apply(&mut threads, &existing.aliases()),
        false => Vec::new(),
    };
    let plan = writer::plan(options, &existing, &archive, &threads)?;
    notes.extend(plan.notes.iter().cloned());
    if !options.dry_run {
        writer::write(&options.into, &plan)?;
    }
    let summary = summary::text(options, &archive, &threads, &inferred, &plan);
    Ok(Done { summary, notes })
}

/// Text fields made to fit roundtable's: names, titles and summaries on one line, tags with a letter or digit.
fn settle(post: &mut Post, tally: &mut Tally) {
    let line = |text: &str| crate::text::clean_line(text).split_whitespace().collect::<Vec<_>>().join(" ");
    post.title = Some(line(&post.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| post.slug.replace('-', " "));
    post.summary = post.summary.as_deref().map(line).filter(|s| !s.is_empty());
    if let Some(author) = &mut post.author {
        author.name = line(&author.name);
    }
    for comment in &mut post.comments {
        comment.author.name = line(&comment.author.name);
    }
    let mut seen = std::collections::HashSet::new();
    let tags = std::mem::take(&mut post.tags);
    for tag in tags.iter().map(|t| line(t)) {
        let slug = crate::model::slug::of(&tag);
        if slug.is_empty() {
            tally.drop_field("tags with no letter or digit");
        } else if seen.insert(slug) {
            post.tags.push(tag);
        }
    }
}

/// Two posts of one export with one slug (two "Untitled" posts, two Disqus threads of one page) get
/// `-2`, `-3`, ... in export order, so that neither is taken for a reading the site already has.
fn unique_slugs(posts: &mut [Post]) {
    let mut taken = std::collections::HashSet::new();
    for post in posts {
        post.slug = first_free(&post.slug, |s| taken.contains(s));
        taken.insert(post.slug.clone());
    }
}

/// `base`, or else `base-2`, `base-3`, ... : the first that is not `taken`.
pub(crate) fn first_free(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while taken(&candidate) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    candidate
}

/// The export read by its format's reader.
fn read(format: Format, source: &Path) -> Result<Archive, Diagnostics> {
    let shown = Span::file(source);
    let missing = |what: &str| -> Diagnostics {
        Diagnostic::error(shown.clone(), format!("there is no {what} here"))
            .with_help("give the path of the export, as saved from the old site")
            .into()
    };
    let reader: fn(&Path, &roxmltree::Document) -> Result<Archive, Diagnostics> = match format {
        Format::Blogger => blogger::read,
        Format::WordPress => wordpress::read,
        Format::Disqus => disqus::read,
        Format::Jekyll if source.is_dir() => return jekyll::read(source),
        Format::Jekyll => return Err(missing("Jekyll site folder")),
    };
    if !source.is_file() {
        return Err(missing("export file"));
    }
    let text = xml::read_text(source)?;
    reader(source, &xml::parse(source, &text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_of_one_export_never_share_a_slug() {
        let mut posts: Vec<Post> =
            ["a", "a", "a-2", "a"].iter().map(|s| Post { slug: s.to_string(), ..Post::default() }).collect();
        unique_slugs(&mut posts);
        let slugs: Vec<&str> = posts.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "a-2", "a-2-2", "a-3"]);
    }

    #[test]
    fn formats_are_named_in_any_case() {
        assert_eq!("WordPress".parse::<Format>(), Ok(Format::WordPress));
        assert!("typepad".parse::<Format>().unwrap_err().contains("blogger, wordpress, disqus or jekyll"));
    }
}
