//! Writes a synthetic district site in the format of docs/format.md: cohorts of weekly readings,
//! each with a thread of member comments, byte-identical for one seed.
//!
//! Shared by the `gen_cohort` example, `benches/stages.rs` and `tests/bench_gen.rs` (through `#[path]`),
//! so that the benchmark, its test and the script all measure the same sites.

#[path = "words.rs"]
mod words;

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use words::Rng;

/// How big a site to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Readings in the whole site.
    pub readings: usize,
    /// Comments in each reading's thread.
    pub comments: usize,
}

impl Size {
    /// `tiny` (5 x 10), `S` (100 x 30), `M` (1,000 x 100), `L` (2,000 x 250), or `<readings>x<comments>`.
    pub fn parse(name: &str) -> Option<Size> {
        let (readings, comments) = match name.to_ascii_lowercase().as_str() {
            "tiny" => (5, 10),
            "s" => (100, 30),
            "m" => (1_000, 100),
            "l" => (2_000, 250),
            other => {
                let (r, c) = other.split_once('x')?;
                (r.parse().ok()?, c.parse().ok()?)
            }
        };
        (readings > 0).then_some(Size { readings, comments })
    }
}

/// What was generated, to print and to test against.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Readings written.
    pub readings: usize,
    /// Comments written.
    pub comments: usize,
    /// Comments with `reply_to`.
    pub replies: usize,
    /// The deepest reply (a top-level comment is 0).
    pub max_depth: usize,
    /// Comments carrying hostile HTML.
    pub hostile: usize,
    /// Bytes of every file written.
    pub bytes: u64,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{} readings, {} comments ({:.1}% replies, deepest reply {}, {} hostile), {:.1} MB",
            self.readings,
            self.comments,
            100.0 * self.replies as f64 / self.comments.max(1) as f64,
            self.max_depth,
            self.hostile,
            self.bytes as f64 / 1e6
        )
    }
}

/// Readings per cohort section.
const COHORT_READINGS: usize = 50;
/// Share of comments that are replies, across a thread.
const REPLY_SHARE: f64 = 0.40;
/// Share of comments that carry hostile HTML.
const HOSTILE_SHARE: f64 = 0.02;
/// People in `authors.yaml`; the first four facilitate.
const PEOPLE: usize = 60;
const FACILITATORS: usize = 4;
const TIMEZONE: chrono_tz::Tz = chrono_tz::America::Toronto;

/// Random streams, so that one part of the site does not shift the numbers of another.
const STREAM_PEOPLE: u64 = 1;
const STREAM_READING: u64 = 2;

struct Person {
    key: String,
    first: &'static str,
    name: String,
}

/// Writes the site into `out`, which must be empty or missing.
pub fn generate(out: &Path, size: Size, seed: u64) -> io::Result<Stats> {
    if out.exists() && out.read_dir()?.next().is_some() {
        return Err(io::Error::other(format!("{} is not empty; choose a new folder", out.display())));
    }
    let mut stats = Stats::default();
    let people = people();
    let mut files = Writer { root: out, stats: &mut stats };
    files.put("site.yaml", SITE_YAML)?;
    files.put("authors.yaml", &authors_yaml(&people, seed))?;
    let weights = zipf_weights(PEOPLE);
    for cohort in 0..size.readings.div_ceil(COHORT_READINGS) {
        let section = format!("content/cohort-{:02}", cohort + 1);
        let start = NaiveDate::from_ymd_opt(2011, 8, 8).expect("a real date") + Duration::weeks(26 * cohort as i64);
        files.put(&format!("{section}/_index.md"), &section_index(cohort, start))?;
        let mut slugs = Vec::new();
        let first = cohort * COHORT_READINGS;
        for index in first..size.readings.min(first + COHORT_READINGS) {
            let mut rng = Rng::derive(seed, STREAM_READING, index as u64);
            let date = start + Duration::weeks((index - first) as i64);
            let reading = Reading::new(&mut rng, index, index - first, date, &mut slugs);
            let thread = thread(&mut rng, size.comments, index == 0, &people, &weights, date);
            reading.write(&mut rng, &mut files, &section, &thread)?;
            files.stats.readings += 1;
            files.stats.comments += thread.len();
            files.stats.replies += thread.iter().filter(|c| c.parent.is_some()).count();
            files.stats.max_depth = files.stats.max_depth.max(thread.iter().map(|c| c.depth).max().unwrap_or(0));
            files.stats.hostile += thread.iter().filter(|c| c.hostile).count();
        }
    }
    Ok(stats)
}

/// Writes files under the site folder and counts their bytes.
struct Writer<'a> {
    root: &'a Path,
    stats: &'a mut Stats,
}

impl Writer<'_> {
    fn put(&mut self, path: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().expect("files lie in a folder"))?;
        std::fs::write(&path, text)?;
        self.stats.bytes += text.len() as u64;
        Ok(())
    }
}

const SITE_YAML: &str = "\
# A synthetic district site made by `cargo run --example gen_cohort`, for benchmarks.
title: \"District Leadership Cohorts\"
description: Weekly readings on school leadership, with each cohort's reflections and replies.
base_url: https://example.org/cohort/
language: en-CA
timezone: America/Toronto
date_format: \"%-d %B %Y\"
thread:
  max_depth: 5
";

fn people() -> Vec<Person> {
    (0..PEOPLE)
        .map(|i| {
            let first = words::FIRST_NAMES[i];
            let last = words::LAST_NAMES[i * 7 % PEOPLE];
            Person { key: format!("{first}-{last}").to_lowercase(), first, name: format!("{first} {last}") }
        })
        .collect()
}

fn authors_yaml(people: &[Person], seed: u64) -> String {
    let mut rng = Rng::derive(seed, STREAM_PEOPLE, 0);
    let mut out = String::from("# The people of every cohort (key -> person).\n");
    for (i, person) in people.iter().enumerate() {
        let role = match i {
            i if i < FACILITATORS => "facilitator",
            i if i >= PEOPLE - 4 => "guest",
            _ => "member",
        };
        let initial = &person.first[..1];
        let last = person.name.split_once(' ').expect("first and last name").1;
        let _ = write!(
            out,
            "\n{}:\n  name: {}\n  role: {role}\n  bio: \"{} Works with *{}* colleagues.\"\n",
            person.key,
            person.name,
            words::line(&mut rng),
            10 + rng.below(90),
        );
        if rng.chance(0.3) {
            let _ = writeln!(out, "  website: https://example.org/people/{}", person.key);
        }
        let _ = writeln!(out, "  aliases: [{}, {initial}. {last}]", person.first);
    }
    out
}

fn section_index(cohort: usize, start: NaiveDate) -> String {
    let year = start.format("%Y");
    let next = (start + Duration::weeks(52)).format("%y");
    format!(
        "---\ntitle: \"Cohort {n} ({year}-{next})\"\ndescription: The readings and reflections of cohort {n}.\n\
         weeks_start: {start}\n---\n\nWelcome to cohort {n}. A reading is posted every Monday, with a question \
         to think\nabout over the week.\n\n- Read the week's text, then add a reflection of your own.\n\
         - Reply to each other: agreeing is fine, disagreeing kindly is better.\n",
        n = cohort + 1
    )
}

/// 1/rank^1.07 over everyone: a few people write most of the comments.
fn zipf_weights(n: usize) -> Vec<f64> {
    let mut total = 0.0;
    let mut cumulative: Vec<f64> = (1..=n)
        .map(|rank| {
            total += 1.0 / (rank as f64).powf(1.07);
            total
        })
        .collect();
    cumulative.iter_mut().for_each(|w| *w /= total);
    cumulative
}

struct Comment {
    parent: Option<usize>,
    depth: usize,
    date: NaiveDateTime,
    /// The `author:` line as written (name, alias or key).
    author: String,
    /// The first name others use to mention them.
    mention: Option<String>,
    hostile: bool,
    body: String,
}

/// A thread of `n` comments: dates increase, 40% are replies, some threads hold a chain 6+ deep.
fn thread(
    rng: &mut Rng,
    n: usize,
    chain_always: bool,
    people: &[Person],
    weights: &[f64],
    day: NaiveDate,
) -> Vec<Comment> {
    let chain = if n >= 8 && (chain_always || rng.chance(0.5)) { rng.between(6, 9.min(n - 2)) } else { 0 };
    let chain_start = if chain > 0 { rng.between(1, n - chain) } else { n };
    let random_replies = (REPLY_SHARE * n as f64 - chain as f64).max(0.0);
    let reply_chance = random_replies / (n - chain).saturating_sub(1).max(1) as f64;
    let mut date = day.and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("a real time"));
    let mut comments: Vec<Comment> = Vec::with_capacity(n);
    for j in 0..n {
        let parent = if (chain_start..chain_start + chain).contains(&j) {
            Some(j - 1)
        } else if j > 0 && rng.chance(reply_chance) {
            Some(j - 1 - rng.below(j.min(12)))
        } else {
            None
        };
        date += Duration::minutes(rng.between(5, 600) as i64);
        let (author, mention) = author(rng, people, weights);
        let hostile = rng.chance(HOSTILE_SHARE);
        let parent_name = parent.and_then(|p| comments[p].mention.clone()).filter(|_| rng.chance(0.4));
        let target = rng.between(420, 1220);
        let body = words::comment(rng, target, parent_name.as_deref(), hostile);
        let depth = parent.map_or(0, |p| comments[p].depth + 1);
        comments.push(Comment { parent, depth, date, author, mention, hostile, body });
    }
    comments
}

/// Someone to write a comment, as they would sign it.
fn author(rng: &mut Rng, people: &[Person], weights: &[f64]) -> (String, Option<String>) {
    match rng.below(100) {
        0 => return ("Anonymous".to_string(), None),
        1 => return (rng.pick(&words::GUESTS).to_string(), None),
        _ => {}
    }
    let draw = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let person = &people[weights.iter().position(|&w| draw <= w).unwrap_or(PEOPLE - 1)];
    let signed = match rng.below(20) {
        0..=11 => person.name.clone(),
        12..=16 => person.first.to_string(),
        17 | 18 => person.key.clone(),
        _ => format!("{}. {}", &person.first[..1], person.name.split_once(' ').expect("two names").1),
    };
    (signed, Some(person.first.to_string()))
}

/// RFC 3339 with the site's offset for most comments, the local `YYYY-MM-DD HH:MM` form for some.
fn date_text(rng: &mut Rng, date: NaiveDateTime) -> String {
    match TIMEZONE.from_local_datetime(&date).earliest() {
        Some(zoned) if rng.below(5) > 0 => zoned.to_rfc3339(),
        _ => date.format("%Y-%m-%d %H:%M").to_string(),
    }
}

fn comment_yaml(rng: &mut Rng, out: &mut String, j: usize, comment: &Comment, list_item: bool) {
    let (first, rest) = if list_item { ("- ", "  ") } else { ("", "") };
    let _ = writeln!(out, "{first}id: c{}", j + 1);
    let _ = writeln!(out, "{rest}author: {}", comment.author);
    let _ = writeln!(out, "{rest}date: {}", date_text(rng, comment.date));
    if let Some(parent) = comment.parent {
        let _ = writeln!(out, "{rest}reply_to: c{}", parent + 1);
    }
    let _ = writeln!(out, "{rest}body: |");
    for line in comment.body.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{rest}  {line}");
        }
    }
}

struct Reading {
    title: String,
    slug: String,
    date: NaiveDate,
    front: String,
    bundle: bool,
}

impl Reading {
    fn new(rng: &mut Rng, index: usize, in_cohort: usize, date: NaiveDate, slugs: &mut Vec<String>) -> Reading {
        let mut title = rng.pick(&words::TITLES).to_string();
        let base: String = title
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let mut slug = base.clone();
        let mut part = 1;
        while slugs.contains(&slug) {
            part += 1;
            slug = format!("{base}-part-{part}");
        }
        if part > 1 {
            title = format!("{title} (Part {part})");
        }
        slugs.push(slug.clone());
        let mut front = format!("---\ntitle: \"{title}\"\ndate: {date}\n");
        let facilitator = words::FIRST_NAMES[index % FACILITATORS];
        let _ = writeln!(front, "author: {facilitator}");
        if rng.chance(0.7) {
            let _ = writeln!(front, "week: {}", in_cohort + 1);
        }
        let mut tags: Vec<&str> = (0..rng.between(1, 3)).map(|_| *rng.pick(&words::TAGS)).collect();
        tags.sort_unstable();
        tags.dedup();
        let _ = writeln!(front, "tags: [{}]", tags.join(", "));
        if rng.chance(0.5) {
            let _ = writeln!(front, "summary: \"{}\"", words::line(rng));
        }
        if rng.chance(0.8) {
            let (book, authors, publisher) = rng.pick(&words::BOOKS);
            let _ = write!(
                front,
                "source:\n  title: \"{book}\"\n  authors: [{}]\n  publisher: {publisher}\n  year: {}\n  \
                 url: https://example.org/books/{}\n",
                authors.join(", "),
                1995 + rng.below(17),
                index % 97,
            );
        }
        if rng.chance(0.05) {
            front.push_str("comments: closed\n");
        }
        front.push_str("---\n\n");
        Reading { title, slug, date, front, bundle: rng.chance(0.1) }
    }

    /// Writes the reading and its thread: a `.md` and `.comments.yaml` pair, or a bundle folder whose
    /// last comments are one file each in `comments/`.
    fn write(&self, rng: &mut Rng, files: &mut Writer, section: &str, thread: &[Comment]) -> io::Result<()> {
        let name = format!("{}-{}", self.date, self.slug);
        let figure = self.bundle.then_some("cycle.svg");
        let target = rng.between(2000, 4000);
        let text = format!("{}{}", self.front, words::reading(rng, target, figure));
        let in_list = if self.bundle { thread.len() * 7 / 10 } else { thread.len() };
        let mut list = format!("# Thread for \"{}\".\n", self.title);
        for (j, comment) in thread[..in_list].iter().enumerate() {
            comment_yaml(rng, &mut list, j, comment, true);
        }
        if !self.bundle {
            files.put(&format!("{section}/{name}.md"), &text)?;
            return files.put(&format!("{section}/{name}.comments.yaml"), &list);
        }
        files.put(&format!("{section}/{name}/index.md"), &text)?;
        files.put(&format!("{section}/{name}/cycle.svg"), FIGURE)?;
        files.put(&format!("{section}/{name}/comments.yaml"), &list)?;
        for (j, comment) in thread.iter().enumerate().skip(in_list) {
            let mut one = String::new();
            comment_yaml(rng, &mut one, j, comment, false);
            files.put(&format!("{section}/{name}/comments/{}-c{}.yaml", comment.date.date(), j + 1), &one)?;
        }
        Ok(())
    }
}

const FIGURE: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 120\">\
<circle cx=\"60\" cy=\"60\" r=\"50\" fill=\"none\" stroke=\"#333\"/></svg>\n";
