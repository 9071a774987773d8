//! Every Markdown text of the site, converted and cleaned once, in parallel.
//!
//! Thread pages, author pages and feeds all print the same `Html`, so a
//! comment is sanitized exactly once per build, and not at all when the
//! build cache already holds its text.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::markdown::{self, Author};
use super::nesting::{self, MAX_NESTING};
use super::sanitize::{self, Html, Pictures, MEMBER_ID_PREFIX};
use crate::cache::{BodyCache, Cleaned, Key};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::mentions::MentionNames;
use crate::model::{Reading, ReadingId, Site};

/// The HTML of every text, indexed like the model.
#[derive(Debug)]
pub struct Bodies {
    /// By reading index.
    pub readings: Vec<ReadingBody>,
    /// By reading index, then comment index in its thread.
    pub comments: Vec<Vec<Html>>,
    /// By person index.
    pub bios: Vec<Option<Html>>,
    /// By section index: the `_index.md` introduction.
    pub sections: Vec<Option<Html>>,
    /// Every reading's converted body and thread's cleaned comments of this build, for the next build.
    pub kept: Kept,
    /// How many members' texts there are (comments and bios).
    pub texts: usize,
    /// How many of them were cleaned rather than found in the cache.
    pub cleaned: usize,
    /// By person index: comments that link them with `@Name` (reading, comment index), newest first.
    /// Their own comments are left out.
    pub mentioned_in: Vec<Vec<(ReadingId, usize)>>,
    /// Problems worth a warning: pictures without an address, of the texts cleaned this time.
    pub warnings: Vec<Diagnostic>,
}

/// A reading's HTML.
#[derive(Debug, Clone)]
pub struct ReadingBody {
    /// The whole body.
    pub content: Html,
    /// The front matter summary, else the body's first paragraph.
    pub summary: Html,
}

/// Converts and cleans every text not in `cache`; texts nested too deeply are reported, not parsed.
///
/// Each comment's Markdown is let go of as soon as it is converted (its `body` is left empty): nothing
/// after this stage reads it, and holding every comment's Markdown beside its HTML doubled the
/// memory of large sites.
///
/// A reading whose files are as in a build that made `kept` is taken from there, its pictures' warnings
/// with it; so is a thread whose reading's files, comments and cleaning context are the same, whole,
/// without a look at each of its texts.
///
/// `cache` is then made the cache of this build's texts (see [`BodyCache::update`]).
pub fn render(site: &mut Site, cache: &mut BodyCache, kept: &Kept) -> Result<Bodies, Diagnostics> {
    let pictures = Pictures { hosts: site.config.picture_hosts.clone(), site: site.config.pictures_from_site };
    let members = Members {
        cache: &*cache,
        // Hashed once here: the names of every person are far longer than a comment.
        mention_names: blake3::hash(&site.mention_names.fingerprint()).as_bytes().to_vec(),
        pictures_key: pictures.fingerprint(),
        pictures,
        warnings: Mutex::default(),
        seen: Mutex::default(),
        cleaned: AtomicUsize::new(0),
    };
    let readings: Vec<Result<Arc<ConvertedReading>, Diagnostic>> = site
        .readings
        .par_iter()
        .map(|reading| match reading.files_key.and_then(|key| kept.readings.get(&key)) {
            Some(converted) => Ok(Arc::clone(converted)),
            None => convert_reading(reading).map(Arc::new),
        })
        .collect();
    let names = Some(&site.mention_names);
    let context = members.context(true);
    let comments: Vec<Result<KeyedThread, Diagnostics>> = site
        .readings
        .par_iter_mut()
        .map(|reading| {
            let key = thread_key(reading, &context);
            let cleaned = match key.and_then(|key| kept.thread(&key, members.cache, reading.thread.comments.len())) {
                Some(kept) => Ok((kept, false)),
                None => clean_thread(&members, reading, names).map(|cleaned| (cleaned, true)),
            };
            // Nothing after this stage reads the Markdown.
            // (Unless `serve` keeps the resolved thread for its next rebuild.)
            if let Some(thread) = Arc::get_mut(&mut reading.thread) {
                thread.comments.iter_mut().for_each(|comment| comment.body = "".into());
            }
            cleaned.map(|(cleaned, fresh)| (key, cleaned, fresh))
        })
        .collect();
    let bios: Vec<Option<Result<Html, Diagnostic>>> = site
        .people
        .par_iter()
        .map(|person| {
            let span = person.span.clone().unwrap_or_else(|| Span::file("authors.yaml"));
            let prefix = format!("{MEMBER_ID_PREFIX}bio-");
            person.bio.as_ref().map(|bio| {
                let (key, cleaned) = members.render(bio, &prefix, None, &span)?;
                members.seen.lock().expect("no panics while locked").push((key, cleaned.clone()));
                Ok(cleaned.html)
            })
        })
        .collect();
    let sections: Vec<Option<Result<Html, Diagnostic>>> = site
        .sections
        .iter()
        .map(|section| {
            let span = Span::file(format!("content/{}/_index.md", section.path));
            section.intro.as_ref().map(|intro| {
                checked(intro, Author::Facilitator, &span).map(|c| {
                    let cleaned = sanitize::reading(&c.html);
                    members.picture_warning(cleaned.pictures_without_address, &span);
                    cleaned.html
                })
            })
        })
        .collect();
    let mut problems = Diagnostics::new();
    let mut mentioned_in = vec![Vec::new(); site.people.len()];
    let mut comment_html = Vec::with_capacity(comments.len());
    let mut next_threads = HashMap::new();
    let mut threads = Vec::new();
    for (r, result) in comments.into_iter().enumerate() {
        let Ok((key, thread, fresh)) = result.map_err(|found| problems.extend(found)) else {
            comment_html.push(Vec::new());
            continue;
        };
        let mut htmls = Vec::with_capacity(thread.len());
        for (c, (_, Cleaned { html, mentions })) in thread.iter().enumerate() {
            let comment = &site.readings[r].thread.comments[c];
            let listed = mentions.iter().filter(|&&p| comment.is_published() && Some(p) != comment.author);
            for person in listed {
                mentioned_in[person.0].push((ReadingId(r), c));
            }
            htmls.push(html.clone());
        }
        comment_html.push(htmls);
        if let Some(key) = key {
            next_threads.insert(key, Arc::clone(&thread));
        }
        threads.push((thread, fresh));
    }
    mentioned_in.par_iter_mut().for_each(|list| crate::model::newest_first(&site.readings, list));
    let mut keep = |result: Result<Html, Diagnostic>| result.map_err(|p| problems.push(p)).unwrap_or_default();
    let bios = bios.into_iter().map(|bio| bio.map(&mut keep)).collect();
    let sections = sections.into_iter().map(|intro| intro.map(&mut keep)).collect();
    let mut next_readings = HashMap::new();
    let mut reading_warnings = Vec::new();
    let mut reading_bodies = Vec::with_capacity(readings.len());
    for (reading, converted) in site.readings.iter().zip(readings) {
        let Ok(converted) = converted.map_err(|p| problems.push(p)) else {
            reading_bodies.push(ReadingBody { content: Html::default(), summary: Html::default() });
            continue;
        };
        reading_warnings.extend(converted.warnings.iter().cloned());
        reading_bodies.push(converted.body.clone());
        if let Some(key) = reading.files_key {
            next_readings.insert(key, converted);
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let cleaned = members.cleaned.into_inner();
    let mut warnings = members.warnings.into_inner().expect("no panics while locked");
    warnings.extend(reading_warnings);
    warnings.sort_by(|a, b| a.span.cmp(&b.span));
    let seen = members.seen.into_inner().expect("no panics while locked");
    let texts = seen.len() + threads.iter().map(|(thread, _)| thread.len()).sum::<usize>();
    let fresh = threads.iter().filter(|(_, fresh)| *fresh).flat_map(|(thread, _)| thread.iter().cloned());
    let reused = threads.iter().filter(|(_, fresh)| !*fresh).flat_map(|(thread, _)| thread.iter().cloned());
    cache.update(seen.into_iter().chain(fresh), reused);
    let kept = Kept {
        readings: next_readings,
        threads: next_threads,
        on_disk: kept.on_disk.clone(),
        readings_on_disk: kept.readings_on_disk.clone(),
        ..Kept::default()
    };
    Ok(Bodies {
        readings: reading_bodies,
        comments: comment_html,
        bios,
        sections,
        mentioned_in,
        kept,
        texts,
        cleaned,
        warnings,
    })
}

/// The cleaned comments of one thread, in its order, each with its key in the body cache.
type CleanedThread = Arc<[(Key, Cleaned)]>;

/// A thread's cleaned comments with its [`thread_key`], when it has one, and whether any of them was
/// looked at (false when the whole thread was taken from [`Kept`]).
type KeyedThread = (Option<[u8; 32]>, CleanedThread, bool);

/// What a build converted and cleaned, for the next one (`serve` keeps it in memory): each reading's
/// body by the hash of its files, each thread's comments by `thread_key`. `build` keeps each thread's
/// texts' keys in the body cache, by its thread key, in [`THREADS_FILE`]: a warm build finds an
/// unchanged thread's texts without hashing each text again. It keeps the readings' bodies in
/// [`READINGS_FILE`] (those with no warning): converting a thousand readings again was a tenth of a
/// build after one thread changed.
#[derive(Debug, Default)]
pub struct Kept {
    readings: HashMap<[u8; 32], Arc<ConvertedReading>>,
    threads: HashMap<[u8; 32], CleanedThread>,
    /// Each thread's texts' keys, by thread key, as the last `build` saved them.
    saved: HashMap<[u8; 32], Box<[Key]>>,
    /// The thread keys [`THREADS_FILE`] holds, so that an unchanged file is not written again.
    on_disk: HashSet<[u8; 32]>,
    /// The readings [`READINGS_FILE`] holds, likewise.
    readings_on_disk: HashSet<[u8; 32]>,
}

/// Where `build` keeps each thread's texts' keys, relative to the site folder.
pub const THREADS_FILE: &str = ".roundtable/cache/threads.bin";

const THREADS_MAGIC: &[u8] = b"roundtable thread keys 1\n";

/// Where `build` keeps the readings' converted bodies, relative to the site folder.
pub const READINGS_FILE: &str = ".roundtable/cache/readings.bin";

const READINGS_MAGIC: &[u8] = b"roundtable readings 1\n";

impl Kept {
    /// The cleaned comments of the thread of key `key` with `count` comments: kept whole in memory, or
    /// each found in `cache` by the keys the last build saved.
    fn thread(&self, key: &[u8; 32], cache: &BodyCache, count: usize) -> Option<CleanedThread> {
        if let Some(kept) = self.threads.get(key) {
            return Some(Arc::clone(kept));
        }
        let keys = self.saved.get(key).filter(|keys| keys.len() == count)?;
        keys.iter().map(|key| Some((*key, cache.get(key)?))).collect()
    }

    /// The thread keys and readings the last `build` of the site at `root` saved; missing or from
    /// other code is none, damaged is a warning.
    pub fn load(root: &Path) -> (Kept, Vec<Diagnostic>) {
        let fingerprint = kept_fingerprint();
        let (saved, damaged) =
            crate::cache::read_checked(root, THREADS_FILE, THREADS_MAGIC, fingerprint, decode_threads);
        let (readings, damaged_readings) =
            crate::cache::read_checked(root, READINGS_FILE, READINGS_MAGIC, fingerprint, decode_readings);
        let saved: HashMap<[u8; 32], Box<[Key]>> = saved.unwrap_or_default();
        let readings: HashMap<[u8; 32], Arc<ConvertedReading>> = readings.unwrap_or_default();
        let kept = Kept {
            on_disk: saved.keys().copied().collect(),
            saved,
            readings_on_disk: readings.keys().copied().collect(),
            readings,
            ..Kept::default()
        };
        (kept, damaged.into_iter().chain(damaged_readings).collect())
    }

    /// Saves this build's thread keys and readings for the next `build` of the site at `root`, each
    /// file unless it already holds them.
    pub fn save(&mut self, root: &Path) -> std::io::Result<()> {
        if !same_keys(self.threads.keys(), &self.on_disk) {
            let mut file =
                crate::cache::CheckedFile::create(&root.join(THREADS_FILE), THREADS_MAGIC, kept_fingerprint())?;
            for (key, thread) in &self.threads {
                file.put(key)?;
                file.put_number(thread.len())?;
                thread.iter().try_for_each(|(text, _)| file.put(text.as_bytes()))?;
            }
            file.finish()?;
            self.on_disk = self.threads.keys().copied().collect();
        }
        // A reading with warnings is converted again, and warns again: they are not saved.
        let plain = || self.readings.iter().filter(|(_, reading)| reading.warnings.is_empty());
        if !same_keys(plain().map(|(key, _)| key), &self.readings_on_disk) {
            let mut file =
                crate::cache::CheckedFile::create(&root.join(READINGS_FILE), READINGS_MAGIC, kept_fingerprint())?;
            for (key, reading) in plain() {
                file.put(key)?;
                for html in [&reading.body.content, &reading.body.summary] {
                    file.put_number(html.as_str().len())?;
                    file.put(html.as_str().as_bytes())?;
                }
            }
            file.finish()?;
            self.readings_on_disk = plain().map(|(key, _)| *key).collect();
        }
        Ok(())
    }
}

/// Whether `keys` are those of `on_disk`, no more, no fewer.
fn same_keys<'a>(keys: impl Iterator<Item = &'a [u8; 32]>, on_disk: &HashSet<[u8; 32]>) -> bool {
    let mut count = 0;
    keys.inspect(|_| count += 1).all(|key| on_disk.contains(key)) && count == on_disk.len()
}

/// What decides what a thread key or a reading's files' key stands for: the loading code (which
/// texts a reading's files hold) and the cleaning code (how each text's key and HTML are made).
fn kept_fingerprint() -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&crate::load::parse_cache::fingerprint());
    hasher.update(&crate::cache::policy_fingerprint());
    *hasher.finalize().as_bytes()
}

/// Entries: (thread key, count, the texts' keys).
fn decode_threads(mut rest: &[u8]) -> Option<HashMap<[u8; 32], Box<[Key]>>> {
    let mut threads = HashMap::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<32>()?;
        let (count, mut after) = crate::cache::take_number(after)?;
        let mut keys = Vec::with_capacity(count.min(after.len() / 32));
        for _ in 0..count {
            let (text, next) = after.split_first_chunk::<32>()?;
            keys.push(Key::from_bytes(*text));
            after = next;
        }
        threads.insert(*key, keys.into());
        rest = after;
    }
    Some(threads)
}

/// Entries: (files' key, then the body and the summary, each its length and its HTML).
fn decode_readings(mut rest: &[u8]) -> Option<HashMap<[u8; 32], Arc<ConvertedReading>>> {
    let mut readings = HashMap::new();
    while !rest.is_empty() {
        let (key, mut after) = rest.split_first_chunk::<32>()?;
        let mut html = || {
            let (length, tail) = crate::cache::take_number(after)?;
            let (text, tail) = tail.split_at_checked(length)?;
            after = tail;
            Some(Html::from_text(std::str::from_utf8(text).ok()?.to_owned()))
        };
        let body = ReadingBody { content: html()?, summary: html()? };
        readings.insert(*key, Arc::new(ConvertedReading { body, warnings: Vec::new() }));
        rest = after;
    }
    Some(readings)
}

/// A reading's body and summary as HTML, with the warnings about its pictures.
#[derive(Debug)]
struct ConvertedReading {
    body: ReadingBody,
    warnings: Vec<Diagnostic>,
}

/// Converts and cleans a reading's body and summary (the facilitator's text: no mentions).
fn convert_reading(reading: &Reading) -> Result<ConvertedReading, Diagnostic> {
    let converted = checked(&reading.body, Author::Facilitator, &reading.body_span)?;
    let content = sanitize::reading(&converted.html);
    let mut warnings =
        pictures_in_reading(reading, &converted.pictures_without_address, content.pictures_without_address);
    let summary = match &reading.summary {
        Some(summary) => {
            let summary = sanitize::reading(&checked(summary, Author::Facilitator, &reading.summary_span)?.html);
            warnings.extend(picture_warning(summary.pictures_without_address, &reading.summary_span));
            summary.html
        }
        // Its pictures are the body's, warned of already.
        None => sanitize::reading(&converted.first_paragraph.unwrap_or_default()).html,
    };
    Ok(ConvertedReading { body: ReadingBody { content: content.html, summary }, warnings })
}

/// What a thread's cleaned comments are made from: its reading's files (which fix each comment's text
/// by its id), the ids and statuses of the comments shown, and `context` (mentions' targets, where
/// pictures may come from). None when the load did not hash the reading's files.
fn thread_key(reading: &Reading, context: &[u8]) -> Option<[u8; 32]> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&reading.files_key?);
    hasher.update(&(context.len() as u64).to_le_bytes());
    hasher.update(context);
    for comment in &reading.thread.comments {
        hasher.update(&(comment.id.len() as u64).to_le_bytes());
        hasher.update(comment.id.as_bytes());
        hasher.update(&[comment.status as u8]);
    }
    Some(*hasher.finalize().as_bytes())
}

/// Cleans each comment of `reading`'s thread, or finds it in the body cache; every problem is returned.
fn clean_thread(
    members: &Members,
    reading: &Reading,
    names: Option<&MentionNames>,
) -> Result<CleanedThread, Diagnostics> {
    let results: Vec<Result<(Key, Cleaned), Diagnostic>> = reading
        .thread
        .comments
        .par_iter()
        .map(|comment| {
            let prefix = format!("{MEMBER_ID_PREFIX}{}-", comment.id);
            members.render(&comment.body, &prefix, names, &comment.span)
        })
        .collect();
    let mut problems = Diagnostics::new();
    let cleaned: Vec<(Key, Cleaned)> =
        results.into_iter().filter_map(|r| r.map_err(|p| problems.push(p)).ok()).collect();
    match problems.is_empty() {
        true => Ok(cleaned.into()),
        false => Err(problems),
    }
}

/// What to do about a picture without an address.
const PICTURE_HELP: &str = "give the picture its address, like ![a chart](chart.png), or remove it";

/// Members' texts, looked up in the cache before they are converted and cleaned.
struct Members<'a> {
    cache: &'a BodyCache,
    /// What decides how mentions are linked, hashed into each comment's key.
    mention_names: Vec<u8>,
    /// Where members' pictures may come from.
    pictures: Pictures,
    /// The same, hashed into every member text's key.
    pictures_key: Vec<u8>,
    /// Pictures dropped for want of an address, at their text's file and line.
    warnings: Mutex<Vec<Diagnostic>>,
    /// The bios' texts, for the next body cache.
    seen: Mutex<Vec<(Key, Cleaned)>>,
    cleaned: AtomicUsize,
}

impl Members<'_> {
    /// A member's text as clean HTML, with the people it mentions (none when `mentions` is `None`).
    fn render(
        &self,
        markdown: &str,
        id_prefix: &str,
        mentions: Option<&MentionNames>,
        span: &Span,
    ) -> Result<(Key, Cleaned), Diagnostic> {
        // A text that cannot mention anyone is keyed without the names: adding a person to
        // `authors.yaml` has only the texts with an `@` (or an `&`, see `could_be_in`) cleaned again.
        let names_matter = mentions.is_some() && MentionNames::could_be_in(markdown);
        let key = Key::of(id_prefix, &self.context(names_matter), markdown);
        let cleaned = match self.cache.get(&key) {
            Some(cleaned) => cleaned,
            None => {
                let converted = checked(markdown, Author::Member { id_prefix, mentions }, span)?;
                self.cleaned.fetch_add(1, Ordering::Relaxed);
                let cleaned = sanitize::member(&converted.html, id_prefix, &self.pictures);
                self.picture_warning(cleaned.pictures_without_address, span);
                Cleaned { html: cleaned.html, mentions: converted.mentions }
            }
        };
        Ok((key, cleaned))
    }
}

impl Members<'_> {
    /// What cleaning a member's text depends on besides the text and its id: whom mentions link to
    /// (comments, not bios) and where pictures may come from.
    fn context(&self, mentions: bool) -> Vec<u8> {
        let mentions_key = if mentions { self.mention_names.as_slice() } else { b"" };
        [mentions_key, self.pictures_key.as_slice()].concat()
    }

    /// Warns that `count` pictures of the text at `span` had no address.
    fn picture_warning(&self, count: usize, span: &Span) {
        if let Some(warning) = picture_warning(count, span) {
            self.warnings.lock().expect("no panics while locked").push(warning);
        }
    }
}

/// The warning that `count` pictures of the text at `span` had no address (their alt text is shown).
fn picture_warning(count: usize, span: &Span) -> Option<Diagnostic> {
    // Asked of every text: the message is written only for one that has such pictures.
    (count > 0).then(|| {
        let message =
            format!("{count} picture(s) here have no address (an empty or missing src); only their alt text is shown");
        Diagnostic::warning(span.clone(), message).with_help(PICTURE_HELP)
    })
}

/// A warning for each picture of `reading`'s body without an address at its own line and column, when
/// the Markdown's count (`found`, byte offsets) agrees with the sanitizer's (`dropped`); else one for
/// all of them at the body's first line.
fn pictures_in_reading(reading: &Reading, found: &[usize], dropped: usize) -> Vec<Diagnostic> {
    if found.len() != dropped {
        return picture_warning(dropped, &reading.body_span).into_iter().collect();
    }
    let located = found.iter().map(|&offset| {
        let (line, column) = crate::load::yaml::line_column(&reading.body, offset);
        let span = Span::at(&reading.body_span.path, reading.body_span.line + line - 1, column);
        let message = "this picture has no address (an empty or missing src); only its alt text is shown";
        Diagnostic::warning(span, message).with_help(PICTURE_HELP)
    });
    located.collect()
}

/// Converts, then refuses HTML nested deeper than the limit before any HTML parser sees it.
///
/// A text too large to convert or too deep to parse is reported at its comment's (or bio's,
/// or reading's) file and line.
fn checked(markdown: &str, author: Author, span: &Span) -> Result<markdown::Converted, Diagnostic> {
    let converted = markdown::to_html(markdown, author)
        .map_err(|too_large| Diagnostic::error(span.clone(), too_large.message).with_help(too_large.help))?;
    // What Markdown made nests as its events say; only raw HTML needs the tokenizer.
    let depth =
        if converted.raw_html { converted.depth.max(nesting::nesting_depth(&converted.html)) } else { converted.depth };
    if depth > MAX_NESTING {
        return Err(Diagnostic::error(
            span.clone(),
            format!("this text nests {depth} levels deep, more than the limit of {MAX_NESTING}"),
        )
        .with_help("remove the deeply nested quotes, lists or HTML tags"));
    }
    Ok(converted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_thread_keys_load_back_are_written_only_when_changed_and_damage_is_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let text = |s: &str| (Key::of("ugc-c1-", b"", s), Cleaned::default());
        let mut kept = Kept::default();
        kept.threads.insert([1; 32], vec![text("a"), text("b")].into());
        kept.threads.insert([2; 32], Vec::new().into());
        kept.save(root.path()).unwrap();
        let (mut loaded, warnings) = Kept::load(root.path());
        assert!(warnings.is_empty());
        assert_eq!(loaded.saved[&[1; 32]].as_ref(), [text("a").0, text("b").0]);
        assert!(loaded.saved[&[2; 32]].is_empty());

        // The same threads: the file is left alone.
        let path = root.path().join(THREADS_FILE);
        std::fs::write(&path, b"left alone").unwrap();
        loaded.threads = kept.threads.clone();
        loaded.save(root.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"left alone");
        let (empty, warnings) = Kept::load(root.path());
        assert!(empty.saved.is_empty() && warnings[0].message.contains("damaged"));

        // A thread is found in the body cache by its saved keys, only with all its texts there.
        let mut cache = BodyCache::default();
        cache.update([text("a")], []);
        loaded.threads.clear();
        assert!(loaded.thread(&[1; 32], &cache, 2).is_none(), "`b` is not in the cache");
        cache.update([text("a"), text("b")], []);
        assert_eq!(loaded.thread(&[1; 32], &cache, 2).unwrap().len(), 2);
        assert!(loaded.thread(&[1; 32], &cache, 3).is_none(), "another count of comments");
    }

    #[test]
    fn readings_without_warnings_are_saved_and_load_back_whole() {
        let root = tempfile::tempdir().unwrap();
        let html = |s: &str| Html::from_text(s.to_string());
        let reading = |content: &str, warnings: Vec<Diagnostic>| {
            Arc::new(ConvertedReading {
                body: ReadingBody { content: html(content), summary: html("<p>é</p>") },
                warnings,
            })
        };
        let mut kept = Kept::default();
        kept.readings.insert([1; 32], reading("<p>Trust</p>", Vec::new()));
        kept.readings.insert([2; 32], reading("<p>Mistakes</p>", vec![Diagnostic::warning(Span::file("r.md"), "x")]));
        kept.save(root.path()).unwrap();
        let (mut loaded, warnings) = Kept::load(root.path());
        assert!(warnings.is_empty());
        assert_eq!(loaded.readings.len(), 1, "a reading with warnings converts again, and warns again");
        let back = &loaded.readings[&[1; 32]];
        assert_eq!((&back.body.content, &back.body.summary), (&html("<p>Trust</p>"), &html("<p>é</p>")));
        assert!(back.warnings.is_empty());

        // The same readings: the file is left alone; damaged, a warning and none.
        let path = root.path().join(READINGS_FILE);
        std::fs::write(&path, b"left alone").unwrap();
        loaded.save(root.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"left alone");
        let (empty, warnings) = Kept::load(root.path());
        assert!(empty.readings.is_empty() && warnings[0].message.contains("damaged"));
    }
}
