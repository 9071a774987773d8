//! The hot stages of a build, timed with criterion on a generated S site (100 readings x 30 comments).
//!
//! `cargo bench --bench stages` (add a name, e.g. `-- comment`, to run some). Whole-site timings at M and L
//! sizes, with memory, come from `bench/run.sh`.

#[path = "../examples/gen_cohort/cohort.rs"]
mod cohort;

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use roundtable::cache::BodyCache;
use roundtable::load::{self, raw::CommentFields, yaml};
use roundtable::model::{self, ResolveOptions};
use roundtable::render::{bodies, markdown, sanitize};
use roundtable::BuildOptions;

/// Comments timed one by one: enough to average over lists, links and hostile HTML.
const COMMENTS: usize = 300;

fn s_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let size = cohort::Size::parse("S").expect("S is a size");
    let stats = cohort::generate(&dir.path().join("site"), size, 1).expect("the site is written");
    eprintln!("benchmark site: {stats}");
    dir
}

/// Markdown, then the nesting check and the sanitizer, as `bodies` does for every comment.
fn comment_stages(c: &mut Criterion, root: &Path) {
    let (source, _, _) = load::load(root);
    let texts: Vec<String> = source
        .readings
        .iter()
        .flat_map(|r| r.comments.iter())
        .filter_map(|c| c.fields.body.as_deref().map(str::to_string))
        .take(COMMENTS)
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let author = markdown::Author::Member { id_prefix: "ugc-c1-", mentions: None };
    let converted: Vec<String> =
        texts.iter().map(|t| markdown::to_html(t, author).expect("within the limits").html).collect();
    let mut group = c.benchmark_group(format!("comment ({COMMENTS} of ~{} B)", bytes / COMMENTS));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("markdown", |b| {
        b.iter(|| {
            texts.iter().map(|t| markdown::to_html(t, author).expect("within the limits").html.len()).sum::<usize>()
        })
    });
    group.bench_function("nesting depth", |b| {
        b.iter(|| converted.iter().map(|h| roundtable::render::nesting::nesting_depth(h)).sum::<usize>())
    });
    group.bench_function("sanitize", |b| {
        b.iter(|| {
            converted
                .iter()
                .map(|h| sanitize::member(h, "ugc-c1-", &Default::default()).html.as_str().len())
                .sum::<usize>()
        })
    });
    group.bench_function("markdown + sanitize", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    sanitize::member(
                        &markdown::to_html(t, author).expect("within the limits").html,
                        "ugc-c1-",
                        &Default::default(),
                    )
                    .html
                    .as_str()
                    .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

/// Cutting and parsing one thread file of 30 comments.
fn thread_yaml(c: &mut Criterion, root: &Path) {
    let path = first_thread(root);
    let text = std::fs::read_to_string(&path).expect("the thread file is readable");
    let mut group = c.benchmark_group("thread file (30 comments)");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("yaml", |b| {
        b.iter(|| yaml::parse_list::<CommentFields>(&path, &text).expect("the generated thread parses").len())
    });
    group.finish();
}

fn first_thread(root: &Path) -> std::path::PathBuf {
    let section = root.join("content/cohort-01");
    let mut threads: Vec<_> = std::fs::read_dir(&section)
        .expect("the first cohort exists")
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.to_string_lossy().ends_with(".comments.yaml"))
        .collect();
    threads.sort();
    threads.into_iter().next().expect("the first cohort has a thread file")
}

/// Published readings only, as a plain build sees them.
fn published() -> ResolveOptions {
    ResolveOptions { drafts: false, future: false, now: chrono::Utc::now(), pending: false }
}

/// Each stage of a whole build of the S site, and the whole build.
fn site_stages(c: &mut Criterion, root: &Path) {
    let options = BuildOptions { root: root.to_path_buf(), output: root.join("public"), ..Default::default() };
    let mut group = c.benchmark_group("S site");
    group.sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    group.bench_function("load", |b| b.iter(|| load::load(root).0.readings.len()));
    group.bench_function("resolve", |b| {
        b.iter_batched(
            || load::load(root).0,
            |source| model::resolve(source, published()).expect("the site resolves").readings.len(),
            BatchSize::PerIteration,
        )
    });
    // `bodies` lets go of each comment's Markdown, so each run gets a site of its own.
    let site = || model::resolve(load::load(root).0, published()).expect("the site resolves");
    group.bench_function("bodies (markdown + sanitize, parallel)", |b| {
        b.iter_batched(
            || (site(), BodyCache::default()),
            |(mut site, mut cold)| {
                bodies::render(&mut site, &mut cold, &Default::default()).expect("the bodies render").comments.len()
            },
            BatchSize::PerIteration,
        )
    });
    // A cache to be saved becomes exactly the texts of the build that used it: the same texts again.
    let mut warm = BodyCache::default();
    bodies::render(&mut site(), &mut warm, &Default::default()).expect("the bodies render");
    group.bench_function("bodies from the build cache", |b| {
        b.iter_batched(
            site,
            |mut site| {
                bodies::render(&mut site, &mut warm, &Default::default()).expect("the bodies render").comments.len()
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("check", |b| b.iter(|| roundtable::check(&options).expect("no errors").pages));
    group.bench_function("build", |b| b.iter(|| roundtable::build(&options).expect("the site builds").pages));
    group.finish();
}

fn stages(c: &mut Criterion) {
    let dir = s_site();
    let root = dir.path().join("site");
    comment_stages(c, &root);
    thread_yaml(c, &root);
    site_stages(c, &root);
}

criterion_group!(benches, stages);
criterion_main!(benches);
