//! Stage 1, load: reads the site folder into a `SourceSite`, with no meaning given yet.
//!
//! Everything that touches the disk to read content happens here: walking
//! `content/`, decoding files, splitting front matter, parsing YAML (only in
//! `yaml.rs`) and reading the theme. Positions are kept for every value, so the
//! next stage can point at the line that is wrong.

pub mod front_matter;
pub mod last_walk;
pub mod parse_cache;
pub mod raw;
pub mod theme;
pub mod walk;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{RawConfig, SiteConfig};
use crate::diagnostics::{relative, Diagnostic, Diagnostics, Span};
pub use last_walk::Changes;
use last_walk::LastWalk;
pub use parse_cache::ParseCache;
use parse_cache::{reading_key, with_files, Parsed};
use raw::{Asset, AssetSource, FrontMatter, RawComment, RawPerson, RawReading, RawSection, RawSectionIndex};
pub use theme::Theme;

/// The largest file roundtable reads: far above any real thread, small enough to stay safe.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Everything the files of a site say.
#[derive(Debug, Clone)]
pub struct SourceSite {
    /// `site.yaml`, checked.
    pub config: SiteConfig,
    /// `authors.yaml`, in file order.
    pub people: Vec<RawPerson>,
    /// Folders of `content/` that hold readings or an `_index.md`, by path.
    pub sections: Vec<RawSection>,
    /// Every reading with its thread and assets, by path.
    pub readings: Vec<RawReading>,
}

/// Reads the site and its theme at `root`; problems are collected, not returned early.
pub fn load(root: &Path) -> (SourceSite, Theme, Diagnostics) {
    let (site, theme, problems, _) = load_with(root, None);
    (site, theme, problems)
}

/// Like [`load`], but takes readings whose files hold the same bytes as in an earlier load from
/// `cache` instead of parsing them again, and leaves this load's readings in it.
pub fn load_cached(root: &Path, cache: &mut ParseCache) -> (SourceSite, Theme, Diagnostics) {
    if cache.keeps_nothing() {
        let (site, theme, problems, after) = load_with(root, None);
        cache.parsed = after.parsed;
        return (site, theme, problems);
    }
    let (site, theme, problems, next) = load_with(root, Some(cache));
    *cache = next;
    (site, theme, problems)
}

/// Loads the site at `root`, with readings from `cache` where their files are unchanged; returns
/// the cache that follows (only its count of readings parsed when there is none).
fn load_with(root: &Path, cache: Option<&ParseCache>) -> (SourceSite, Theme, Diagnostics, ParseCache) {
    let mut problems = Diagnostics::new();
    let config = load_config(root, &mut problems);
    let people = load_people(root, &mut problems);
    let content = root.join("content");
    // `serve` may know that a walk would find the same files: then only the edited readings' files
    // are looked at again.
    let reused = cache.and_then(|cache| cache.walk_to_reuse(&content));
    let mut walked = Diagnostics::new();
    // Shared with the next cache when it keeps readings, not copied.
    let files = if let Some((last, _)) = &reused {
        walked = last.problems.clone();
        Arc::clone(&last.files)
    } else if content.is_dir() {
        Arc::new(walk::walk(root, &content, &mut walked))
    } else {
        problems.push(
            Diagnostic::error(Span::file("content"), "this site has no content/ folder")
                .with_help("run roundtable in the site's folder, or point to it with --root"),
        );
        Arc::default()
    };
    let keeps = cache.is_some_and(ParseCache::keeps_readings);
    problems.extend(walked.clone());
    let sections = files
        .sections
        .iter()
        .map(|(path, index)| RawSection {
            index: index.as_ref().and_then(|file| load_section_index(root, file, &mut problems)),
            path: path.clone(),
        })
        .collect();
    let parsed = AtomicUsize::new(0);
    let parse = |files: &walk::ReadingFiles| {
        parsed.fetch_add(1, Ordering::Relaxed);
        let mut found = Diagnostics::new();
        let reading = load_reading(root, files, &mut found);
        Parsed { reading, problems: found }
    };
    // With a cache, each reading comes with its key and the stamps of its files. A cache that keeps
    // readings (`serve`) shares each with the next cache and the site gets a copy; a one-off build's
    // site gets the only one.
    let now = std::time::SystemTime::now();
    let results: Vec<_> = files
        .readings
        .par_iter()
        .enumerate()
        .map(|(index, files)| {
            let Some(cache) = cache else { return (parse(files), None) };
            let unchanged = match &reused {
                Some((last, edited)) if !edited.contains(&index) => last.keys[index].clone(),
                _ => None,
            };
            let Some(keyed) = unchanged.or_else(|| reading_key(cache, root, files, now)) else {
                return (parse(files), None);
            };
            let shared = cache.get(&keyed.0).unwrap_or_else(|| Arc::new(parse(files)));
            let (parsed, kept) = match keeps {
                true => (Parsed::clone(&shared), Some(shared)),
                false => (Arc::unwrap_or_clone(shared), None),
            };
            let clean = parsed.problems.is_empty();
            (with_files(parsed, files, keyed.0), Some((keyed, clean, kept)))
        })
        .collect();
    let read = results.len();
    let mut readings = Vec::new();
    let mut kept = HashMap::new();
    let mut saved = HashMap::new();
    let mut stamps = HashMap::new();
    let mut keys = Vec::new();
    for (parsed, keyed) in results {
        if keeps {
            keys.push(keyed.as_ref().map(|(keyed, _, _)| keyed.clone()));
        }
        if let Some(((key, files), clean, shared)) = keyed {
            match shared {
                Some(shared) => drop(kept.insert(key, shared)),
                None if clean && parsed.reading.is_some() => drop(saved.insert(key, readings.len())),
                None => {}
            }
            stamps.extend(files.into_iter().filter(|(_, (stamp, _))| stamp.settled));
        }
        problems.extend(parsed.problems);
        readings.extend(parsed.reading);
    }
    let mut next = match cache {
        None => ParseCache::default(),
        Some(cache) if keeps => cache.next(kept, stamps, LastWalk { content, files, problems: walked, keys }),
        Some(cache) => {
            let (next, warning) =
                cache.save_loaded(saved.into_iter().map(|(key, i)| (key, &readings[i])).collect(), stamps);
            problems.extend(warning.map(Diagnostics::from).unwrap_or_default());
            next
        }
    };
    next.parsed = (parsed.into_inner(), read);
    let theme = theme::load(root, &config.theme, &config.language, &mut problems);
    let site = SourceSite { config, people, sections, readings };
    (site, theme, problems, next)
}

/// Reads a text file: size limit, UTF-8, no byte-order mark, no control characters.
pub fn read_source(root: &Path, path: &Path, problems: &mut Diagnostics) -> Option<String> {
    let shown = relative(root, path);
    let fail = |problems: &mut Diagnostics, message: String, help: &str| {
        problems.push(Diagnostic::error(Span::file(shown.clone()), message).with_help(help));
        None
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return fail(
                problems,
                format!("this file is {} bytes, over the limit of {} MiB", meta.len(), MAX_FILE_BYTES >> 20),
                "split the thread into a comments/ folder of one file per comment",
            )
        }
        Err(error) => {
            return fail(problems, format!("cannot read this file: {error}"), "check that it exists and is readable")
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return fail(problems, format!("cannot read this file: {error}"), "check that it is readable"),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            problems.push(
                Diagnostic::error(Span::new(shown, line, column), "this file is not valid UTF-8 text").with_help(
                    "save the file as UTF-8 in your editor (it may have been saved as Windows-1252 or Latin-1)",
                ),
            );
            return None;
        }
    };
    Some(cleaned(&text))
}

/// A file's text as the parsers see it: without a byte-order mark or control characters.
pub fn cleaned(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::text::strip_controls(text).into_owned()
}

fn find_yaml(root: &Path, stem: &str) -> Option<PathBuf> {
    ["yaml", "yml"].iter().map(|ext| root.join(format!("{stem}.{ext}"))).find(|p| p.is_file())
}

fn load_config(root: &Path, problems: &mut Diagnostics) -> SiteConfig {
    let Some(path) = find_yaml(root, "site") else {
        return SiteConfig::default();
    };
    let Some(text) = read_source(root, &path, problems) else {
        return SiteConfig::default();
    };
    let shown = relative(root, &path);
    if yaml::is_empty(&text) {
        return SiteConfig::default();
    }
    let parsed = yaml::parse_mapping::<RawConfig>(&shown, &text, 1);
    parsed.problems.into_iter().for_each(|p| problems.push(p));
    match parsed.value {
        Some(raw) => SiteConfig::resolve(raw, &parsed.keys, problems),
        None => SiteConfig::default(),
    }
}

fn load_people(root: &Path, problems: &mut Diagnostics) -> Vec<RawPerson> {
    let Some(path) = find_yaml(root, "authors") else {
        return Vec::new();
    };
    let Some(text) = read_source(root, &path, problems) else {
        return Vec::new();
    };
    let shown = relative(root, &path);
    let entries = match yaml::parse_map(&shown, &text) {
        Ok(entries) => entries,
        Err(problem) => {
            problems.push(problem);
            return Vec::new();
        }
    };
    let mut people = Vec::new();
    for entry in entries {
        match entry.value {
            Some((key, fields)) if entry.problems.is_empty() => {
                people.push(RawPerson { key, span: entry.span, keys: entry.keys, fields })
            }
            _ => entry.problems.into_iter().for_each(|p| problems.push(p)),
        }
    }
    people
}

fn load_section_index(root: &Path, path: &Path, problems: &mut Diagnostics) -> Option<RawSectionIndex> {
    let text = read_source(root, path, problems)?;
    let shown = relative(root, path);
    let split = front_matter::split(&shown, &text).map_err(|p| problems.push(p)).ok()?;
    let parsed = yaml::parse_mapping(&shown, split.yaml, split.yaml_line);
    parsed.problems.into_iter().for_each(|p| problems.push(p));
    let front = parsed.value?;
    Some(RawSectionIndex { span: Span::file(shown), keys: parsed.keys, front, body: split.body.to_string() })
}

fn load_reading(root: &Path, files: &walk::ReadingFiles, problems: &mut Diagnostics) -> Option<RawReading> {
    let shown = relative(root, &files.markdown);
    let comments = load_thread(root, files, problems);
    let text = read_source(root, &files.markdown, problems)?;
    let split = front_matter::split(&shown, &text).map_err(|p| problems.push(p)).ok()?;
    let (front, keys) = if yaml::is_empty(split.yaml) {
        (FrontMatter::default(), Default::default())
    } else {
        // Every bad key is reported; the reading itself is left out, since a typo in
        // one key would otherwise also be reported as that key missing.
        let parsed = yaml::parse_mapping::<FrontMatter>(&shown, split.yaml, split.yaml_line);
        let failed = !parsed.problems.is_empty();
        parsed.problems.into_iter().for_each(|p| problems.push(p));
        match parsed.value {
            Some(front) if !failed => (front, parsed.keys),
            Some(_) | None => return None,
        }
    };
    let assets = files
        .assets
        .iter()
        .map(|(target, path)| Asset { target: target.clone(), source: AssetSource::File(path.clone()) });
    let assets = assets.collect();
    Some(RawReading {
        span: Span::file(shown),
        section: files.section.clone(),
        name: files.name.clone(),
        keys,
        front,
        body: split.body.to_string(),
        body_line: split.body_line,
        comments: comments.into(),
        assets,
        files_key: None,
    })
}

/// Reads every thread file of a reading: lists first, then the `comments/` folder, in name order.
fn load_thread(root: &Path, files: &walk::ReadingFiles, problems: &mut Diagnostics) -> Vec<RawComment> {
    let mut comments = Vec::new();
    for path in &files.thread_lists {
        let Some(text) = read_source(root, path, problems) else {
            continue;
        };
        comments.extend(thread_list(&relative(root, path), &text, problems));
    }
    for path in &files.thread_singles {
        let Some(text) = read_source(root, path, problems) else {
            continue;
        };
        comments.extend(thread_single(&relative(root, path), &text, problems));
    }
    comments
}

/// The comments of a thread file's text (a list), shown as `shown` in messages.
pub fn thread_list(shown: &Path, text: &str, problems: &mut Diagnostics) -> Vec<RawComment> {
    if yaml::is_empty(text) {
        return Vec::new();
    }
    let mut comments = Vec::new();
    match yaml::parse_list(shown, text) {
        Ok(entries) => {
            for entry in entries {
                entry.problems.into_iter().for_each(|p| problems.push(p));
                // A comment with a refused key still comes: the model counts its id, and no more.
                if let Some(fields) = entry.value {
                    comments.push(RawComment { span: entry.span, keys: entry.keys, fields });
                }
            }
        }
        Err(problem) => problems.push(problem),
    }
    comments
}

/// The comment of a `comments/` file's text (one mapping), shown as `shown` in messages.
pub fn thread_single(shown: &Path, text: &str, problems: &mut Diagnostics) -> Option<RawComment> {
    let parsed = yaml::parse_mapping(shown, text, 1);
    parsed.problems.into_iter().for_each(|p| problems.push(p));
    // As in a thread file, a comment with a refused key comes for its id only.
    parsed.value.map(|fields| RawComment { span: Span::new(shown, 1, 1), keys: parsed.keys, fields })
}
