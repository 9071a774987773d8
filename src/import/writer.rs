//! Readings, threads and people as files: planned whole, read back with the real loader, then written.
//!
//! Nothing in a site is overwritten: a reading whose address or file is
//! already taken is left alone and reported, and `authors.yaml` only grows.
//! Every file is checked before the first is written, and each is written
//! atomically, so a refused import writes nothing and an import run twice
//! adds nothing the second time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::people::{self, NewPerson};
use super::threads::{Entry, Thread};
use super::{Archive, ImportOptions, Post};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::{CommentStatus, CommentsMode, FrontMatter, RawPerson};
use crate::load::{self, front_matter, yaml};
use crate::scaffold::yaml_out::{block, quoted};

/// Everything an import would write.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Files relative to the site folder, with their bytes.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// How many of `files`, from the start, are written before the others (people and settings).
    pub first: usize,
    /// Posts written as readings: index in the archive, and the reading's file.
    pub readings: Vec<(usize, PathBuf)>,
    /// Posts left alone because the site has them: title and the reading in the way.
    pub left_alone: Vec<(String, PathBuf)>,
    /// People added to `authors.yaml`.
    pub people: Vec<NewPerson>,
    /// Warnings for the user.
    pub notes: Vec<Diagnostic>,
}

/// What is in the site folder already.
pub(crate) struct Existing {
    /// `section/slug` of every reading.
    addresses: HashSet<String>,
    /// `authors.yaml`.
    people: Vec<RawPerson>,
    /// Whether a `site.yaml` exists.
    has_config: bool,
}

impl Existing {
    /// The names and aliases of people already in `authors.yaml`, for recognizing them in comments.
    pub fn aliases(&self) -> Vec<Vec<String>> {
        self.people.iter().map(|p| p.fields.name.iter().chain(p.fields.aliases.iter()).cloned().collect()).collect()
    }
}

/// Plans the import into `options.into`, checking every file it would write.
pub fn plan(
    options: &ImportOptions,
    existing: &Existing,
    archive: &Archive,
    threads: &[Thread],
) -> Result<Plan, Diagnostics> {
    let root = &options.into;
    let mut plan = Plan::default();
    let mut taken = existing.addresses.clone();
    for (index, (post, thread)) in archive.posts.iter().zip(threads).enumerate() {
        let Some(day) = post.date.get(..10).filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()) else {
            plan.notes.push(
                Diagnostic::warning(post.span.clone(), format!("`{}` has no date, so it was left out", post.title))
                    .with_help("add it by hand with `roundtable new reading --date YYYY-MM-DD`"),
            );
            continue;
        };
        let address = format!("{}/{}", options.section, post.slug);
        let stem = PathBuf::from("content").join(&options.section).join(format!("{day}-{}", post.slug));
        let markdown = stem.with_extension("md");
        let comments = PathBuf::from(format!("{}.comments.yaml", stem.display()));
        if taken.contains(&address) || root.join(&markdown).exists() || root.join(&comments).exists() {
            plan.left_alone.push((post.title.clone(), markdown));
            continue;
        }
        taken.insert(address);
        plan.files.push((markdown.clone(), reading_file(&markdown, post)?));
        if !thread.entries.is_empty() {
            plan.files.push((comments.clone(), thread_file(&comments, thread)?));
        }
        plan.readings.push((index, markdown));
    }
    let written: Vec<usize> = plan.readings.iter().map(|(i, _)| *i).collect();
    let kept = Archive { posts: written.iter().map(|&i| archive.posts[i].clone()).collect(), ..Archive::default() };
    plan.people = people::new_people(&kept, &existing.people);
    // People and settings go first: if the disk fills part-way, running the import again adds the
    // readings that are missing, and their people are already there.
    let mut first = Vec::new();
    first.extend(people::authors_file(root, &plan.people)?);
    if !existing.has_config && !plan.readings.is_empty() {
        let title = archive.title.as_deref().unwrap_or("Our cohort");
        let text = format!("# Settings: every key is described in docs/format.md\ntitle: {}\n", quoted(title));
        first.push((PathBuf::from("site.yaml"), text.into_bytes()));
    }
    plan.first = first.len();
    plan.files.splice(0..0, first);
    Ok(plan)
}

/// Files written at once.
const WRITERS: usize = 16;

/// Writes the plan's files, each atomically: people and settings first, then the readings side by side.
pub fn write(root: &Path, plan: &Plan) -> Result<(), Diagnostics> {
    use rayon::prelude::*;
    let (first, rest) = plan.files.split_at(plan.first);
    first.iter().try_for_each(|(path, bytes)| write_one(root, path, bytes))?;
    // Each file is synced to the disk before it is renamed: the time goes in waiting for the disk, not
    // in work, so more threads than cores let those waits overlap.
    let write_all = || rest.par_iter().filter_map(|(path, bytes)| write_one(root, path, bytes).err()).collect();
    let failed: Vec<Diagnostic> = match rayon::ThreadPoolBuilder::new().num_threads(WRITERS).build() {
        Ok(pool) => pool.install(write_all),
        Err(_) => write_all(),
    };
    match failed.is_empty() {
        true => Ok(()),
        false => {
            let mut problems = Diagnostics::new();
            failed.into_iter().for_each(|d| problems.push(d));
            Err(problems)
        }
    }
}

fn write_one(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let full = root.join(path);
    let done = full
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| crate::write::write_atomically(&full, bytes));
    done.map_err(|e| {
        Diagnostic::error(Span::file(path), format!("cannot write here: {e}")).with_help(
            "check that the disk has space and that you may write to this folder; every other file is whole, \
             and running the import again adds only what is missing",
        )
    })
}

/// What the folder holds; a folder that is neither empty nor a site is refused.
pub fn existing(root: &Path) -> Result<Existing, Diagnostics> {
    let empty = std::fs::read_dir(root).map(|mut d| d.next().is_none()).unwrap_or(true);
    if empty {
        return Ok(Existing { addresses: HashSet::new(), people: Vec::new(), has_config: false });
    }
    let is_site = root.join("content").is_dir() || root.join("site.yaml").is_file();
    if !is_site {
        return Err(Diagnostic::error(Span::file(root), "this folder holds files but is not a roundtable site")
            .with_help("import into a new or empty folder with --into DIR, or into a site's folder (one with content/)")
            .into());
    }
    let (source, _theme, problems) = load::load(root);
    let unreadable: Vec<Diagnostic> = problems
        .sorted()
        .into_iter()
        .filter(|d| d.severity == crate::diagnostics::Severity::Error)
        .filter(|d| d.span.path.file_stem().is_some_and(|s| s == "authors"))
        .collect();
    if !unreadable.is_empty() {
        let mut refused = Diagnostics::new();
        unreadable.into_iter().for_each(|d| refused.push(d));
        return Err(refused);
    }
    let addresses = source
        .readings
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r.section,
                r.front.slug.clone().unwrap_or_else(|| crate::model::slug::from_file_name(&r.name))
            )
        })
        .collect();
    Ok(Existing {
        addresses,
        people: source.people,
        has_config: root.join("site.yaml").is_file() || root.join("site.yml").is_file(),
    })
}

/// A reading's Markdown file: front matter, then the body.
fn reading_file(shown: &Path, post: &Post) -> Result<Vec<u8>, Diagnostics> {
    let mut text = format!("---\ntitle: {}\ndate: {}\n", quoted(&post.title), quoted(&post.date));
    if let Some(author) = post.author.as_ref().filter(|a| !a.name.trim().is_empty()) {
        text.push_str(&format!("author: {}\n", quoted(author.name.trim())));
    }
    if !post.tags.is_empty() {
        let tags: Vec<String> = post.tags.iter().map(|t| quoted(t)).collect();
        text.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    }
    if let Some(summary) = &post.summary {
        text.push_str(&format!("summary: {}\n", quoted(summary)));
    }
    if post.closed {
        text.push_str("comments: closed\n");
    }
    if post.draft {
        text.push_str("draft: true\n");
    }
    text.push_str("---\n\n");
    text.push_str(&post.body);
    check_reading(shown, &text, post)?;
    Ok(text.into_bytes())
}

fn check_reading(shown: &Path, text: &str, post: &Post) -> Result<(), Diagnostics> {
    let split = front_matter::split(shown, text).map_err(Diagnostics::from)?;
    let parsed = yaml::parse_mapping::<FrontMatter>(shown, split.yaml, split.yaml_line);
    let same = parsed.problems.is_empty()
        && parsed.value.is_some_and(|front| {
            front.title.as_deref() == Some(post.title.as_str())
                && front.date.as_deref() == Some(post.date.as_str())
                && front.tags == post.tags
                && front.summary == post.summary
                && front.draft == post.draft
                && (front.comments == Some(CommentsMode::Closed)) == post.closed
        })
        && split.body.trim_start_matches('\n') == post.body;
    if same {
        Ok(())
    } else {
        Err(not_as_written(shown))
    }
}

/// A thread file: every entry, in date order, read back with the loader before it is accepted.
fn thread_file(shown: &Path, thread: &Thread) -> Result<Vec<u8>, Diagnostics> {
    let text: Vec<String> = thread.entries.iter().map(entry_text).collect();
    let text = text.join("\n");
    let mut problems = Diagnostics::new();
    let back = load::thread_list(shown, &text, &mut problems);
    let same = problems.is_empty()
        && back.len() == thread.entries.len()
        && back.iter().zip(&thread.entries).all(|(b, e)| {
            let f = &b.fields;
            f.id.as_deref() == Some(e.id.as_str())
                && f.author.as_deref() == Some(e.author.as_str())
                && f.date.as_deref() == Some(e.date.as_str())
                && f.reply_to == e.reply_to
                && f.body.as_deref() == Some(e.body.as_str())
                && f.status.unwrap_or_default() == e.status
        });
    if same {
        Ok(text.into_bytes())
    } else {
        Err(not_as_written(shown))
    }
}

/// One comment as a list item: quoted strings, the body as a literal block.
fn entry_text(entry: &Entry) -> String {
    let mut text =
        format!("- id: {}\n  author: {}\n  date: {}\n", entry.id, quoted(&entry.author), quoted(&entry.date));
    if let Some(to) = &entry.reply_to {
        text.push_str(&format!("  reply_to: {}\n", quoted(to)));
    }
    match entry.status {
        CommentStatus::Pending => text.push_str("  status: pending\n"),
        CommentStatus::Removed => text.push_str("  status: removed\n"),
        CommentStatus::Published => {}
    }
    if entry.body.is_empty() {
        text.push_str("  body: \"\"\n");
    } else {
        text.push_str(&block("body", &entry.body, 2));
    }
    text
}

fn not_as_written(shown: &Path) -> Diagnostics {
    Diagnostic::error(Span::file(shown), "this file would not read back as the export had it")
        .with_help("nothing was written; please report this as a bug of roundtable import, with the export if you can")
        .into()
}
