//! roundtable: weekly readings and their threaded discussions, as a static site.
//!
//! A build is a one-way pipeline, one module per stage:
//!
//! 1. [`load`] reads the site folder into a `SourceSite` (YAML, front matter, positions);
//! 2. [`model`] resolves it into an immutable [`model::Site`] (authors, threads, tags, weeks), checking everything;
//! 3. [`render`] turns Markdown into sanitized HTML once per text, then renders every page with Tera;
//! 4. [`write`](mod@write) puts the pages in a staging folder and swaps it in only when all succeeded.
//!
//! Each stage returns its problems as [`Diagnostics`], so one run reports them all.
//! `check` runs the same stages and stops before writing.

#![warn(missing_docs)]

pub mod cache;
pub mod clean;
pub mod config;
pub mod diagnostics;
pub mod digest;
pub mod fresh;
pub mod import;
pub mod incremental;
pub mod ingest;
pub mod language;
pub mod load;
pub mod model;
pub mod moderate;
pub mod progress;
pub mod render;
pub mod report;
pub mod routes;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod terminal;
pub mod text;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::{relative, Diagnostic, Diagnostics, Severity, Span};
use crate::incremental::{BuildState, LastOutput};
use crate::render::Renderer;

pub use diagnostics::Diagnostics as Problems;

// The front door: each command's library function with its own options.
pub use clean::{clean, CleanOptions};
pub use import::{import, ImportOptions};
pub use ingest::{run as ingest, IngestOptions, Ingested};
pub use moderate::{change as moderate, waiting, Action as ModerateAction, ModerateOptions, WaitingComment};
pub use report::{run as report, ReportOptions};
pub use scaffold::{init, new_reading, reply, require_site, InitOptions, NewReadingOptions, ReplyOptions};
pub use serve::{serve, ServeOptions};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `content/`).
    pub root: PathBuf,
    /// Where the site is written (replaced whole).
    pub output: PathBuf,
    /// Overrides `base_url` of `site.yaml`.
    pub base_url: Option<String>,
    /// Include readings marked `draft: true`.
    pub drafts: bool,
    /// Reuse cleaned texts from earlier builds (`.roundtable/cache/`) and keep this build's.
    pub cache: bool,
    /// Include readings dated in the future.
    pub future: bool,
    /// Show comments waiting for approval, marked as waiting (`serve` only: never on a published site).
    pub pending: bool,
    /// Who hears what each stage did, and how far rendering has got.
    pub progress: progress::Progress,
}

/// What a successful run made, for the summary line.
#[derive(Debug)]
pub struct BuildReport {
    /// Readings published.
    pub readings: usize,
    /// Comments in their threads.
    pub comments: usize,
    /// People with a page.
    pub people: usize,
    /// Tags.
    pub tags: usize,
    /// Pages and feeds the site has.
    pub pages: usize,
    /// Of those, how many were rendered; the others were unchanged since the last build.
    pub rendered: usize,
    /// Files written or copied; the others were taken unchanged from the last output.
    pub written: usize,
    /// Files copied (theme and bundle files).
    pub files: usize,
    /// Members' texts (comments and bios).
    pub texts: usize,
    /// Of those, how many were converted and cleaned; the others came from the build cache.
    pub cleaned: usize,
    /// Dates of readings not published yet (scheduled), earliest first.
    pub scheduled: Vec<chrono::DateTime<chrono::FixedOffset>>,
    /// Problems that did not stop the run.
    pub warnings: Vec<Diagnostic>,
    /// How long it took.
    pub elapsed: Duration,
    /// How long the search index took: its texts read, then made again or found unchanged (zero
    /// for `check`, and in `serve` when another edit came first). Part of `elapsed`, except in
    /// `serve`, where it comes after.
    pub indexing: Duration,
    /// Nothing changed since the last build, so nothing was built.
    pub up_to_date: bool,
}

/// Builds the site and replaces the output folder; on any error the old output stays.
///
/// With `options.cache`, what the last build left in `.roundtable/cache/` is used and replaced.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    check_output_folder(options)?;
    let inputs = options.cache.then(|| fresh::inputs(options));
    if let Some(inputs) = &inputs {
        if let Some(report) = fresh::Record::read(options).and_then(|last| last.still_fresh(options, inputs)) {
            return Ok(BuildReport { elapsed: started.elapsed(), ..report });
        }
    }
    let (mut state, damaged) = match options.cache {
        true => BuildState::load(&options.root),
        false => Default::default(),
    };
    match options.cache {
        true => {
            state.parsed.save_when_loaded(&options.root);
            state.empty_trash(&options.root, &options.output, true);
        }
        false => state.parsed.keep_nothing(),
    }
    let mut report = build_with(options, &mut state)?;
    report.warnings.extend(damaged);
    if options.cache {
        report.warnings.extend(state.save(&options.root));
    }
    report.warnings.extend(state.finish_removing());
    if let Some(inputs) = inputs {
        // With warnings, building again is how they are shown again.
        let record = report.warnings.is_empty().then(|| fresh::Record::of(options, inputs, &report));
        fresh::Record::save(options, record.as_ref());
    }
    Ok(BuildReport { elapsed: started.elapsed(), ..report })
}

/// Builds the site into `options.output` with what `state` kept from the last build, and leaves this
/// build's state there; `build` and every rebuild of `serve` go through here.
///
/// Pages whose context is unchanged and whose file is still in the output are linked, not rendered
/// (or, for `serve`'s own folder, left where they are, the changed files renamed into place).
/// On any error the old output and the state of the last good build stay.
pub fn build_with(options: &BuildOptions, state: &mut BuildState) -> Result<BuildReport, Diagnostics> {
    write_site(options, state, None)
}

/// `serve`'s rebuild: as [`build_with`], but the pages are swapped in (with the last search index)
/// and `pages_in` is told, so that browsers reload, before the search index is made again; the
/// index is then made again in place, unless `stop` says another edit came (then the next rebuild
/// makes it). The report's `elapsed` runs to the pages' swap, its `indexing` after it.
pub fn build_then_index(
    options: &BuildOptions,
    state: &mut BuildState,
    pages_in: &mut dyn FnMut(&BuildReport),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<BuildReport, Diagnostics> {
    write_site(options, state, Some(After { pages_in, stop }))
}

fn write_site(
    options: &BuildOptions,
    state: &mut BuildState,
    after: Option<After>,
) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let folder = std::path::absolute(&options.output).unwrap_or_else(|_| options.output.clone());
    let staging = state.staging(&options.output, &folder).map_err(|e| write::cannot_write(&options.output, &e))?;
    run(options, state, Some(Writing { staging, folder, after }), started)
}

/// Runs every stage but writing and reports every problem.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let mut state = BuildState::default();
    state.parsed.keep_nothing();
    run(options, &mut state, None, Instant::now())
}

/// Where a build writes, and, for `serve`, what comes after its pages.
struct Writing<'a> {
    staging: write::Staging,
    /// The output folder, absolute: what the last build's files are known by.
    folder: PathBuf,
    after: Option<After<'a>>,
}

/// Whom a rebuild tells when its pages are in, before indexing, and what says to leave the index
/// to the next rebuild.
struct After<'a> {
    pages_in: &'a mut dyn FnMut(&BuildReport),
    stop: &'a (dyn Fn() -> bool + Sync),
}

/// Runs the stages, keeping parsed readings and cleaned texts in `state`, and swaps the output in
/// when `writing`, leaving in `state` what was written where.
fn run(
    options: &BuildOptions,
    state: &mut BuildState,
    writing: Option<Writing>,
    started: Instant,
) -> Result<BuildReport, Diagnostics> {
    let progress = &options.progress;
    let mut stage = progress::Stage::begin(progress, "load");
    let (source, theme, mut problems) = load::load_cached(&options.root, &mut state.parsed);
    let (parsed, read) = state.parsed.parsed();
    stage.next("resolve", format!("{parsed} of {read} readings parsed"));
    let mut site = model::prepare::resolve_site(options, source, &mut problems, state.resolved.as_mut())?;
    // Only a site that resolves leaves parsed readings behind; they are right whatever happens next.
    problems.extend(state.parsed.put_saved_in_place().map(Diagnostics::from).unwrap_or_default());
    let staging = writing.as_ref().map(|w| &w.staging);
    if staging.is_none() {
        // `check` is where a facilitator looks over the site: it also says what reads oddly.
        let templates = theme.templates.values().map(|t| t.text.as_str());
        let unused = language::unused_strings_warnings(&theme.language, templates);
        let odd = language::untranslated_warning(&theme.language).into_iter().chain(unused);
        for warning in odd.chain(model::dates::comments_before_their_reading(&site)) {
            problems.push(warning);
        }
    }
    let comments: usize = site.readings.iter().map(|r| r.thread.published_count()).sum();
    stage.next(
        "clean texts",
        format!("{} readings, {comments} comments, {} people", site.readings.len(), site.people.len()),
    );
    let mut bodies =
        render::bodies::render(&mut site, &mut state.bodies, &state.kept).map_err(|found| problems.merged(found))?;
    for warning in &bodies.warnings {
        problems.push(warning.clone());
    }
    // Cleaned texts are found by their hash, so this build's are right for the next whatever happens now.
    state.kept = std::mem::take(&mut bodies.kept);
    stage.next("render", format!("{} of {} texts converted and cleaned", bodies.cleaned, bodies.texts));
    let earlier = std::mem::take(&mut state.views);
    let renderer = Renderer::new(&site, &bodies, &theme, &earlier).map_err(|found| problems.merged(found))?;
    let jobs = render::plan(&site);
    let files = render::all::files_to_copy(&site, &theme, &jobs, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    let last = writing.as_ref().and_then(|w| state.last_output(&w.folder));
    let made = render::all::render_all(&renderer, &jobs, &files, staging, &options.output, last, progress);
    problems.extend(made.failures);
    if problems.has_errors() {
        return Err(problems);
    }
    let written = if staging.is_some() { "rendered and written" } else { "rendered" };
    // Of all: the others were taken from the last output as they were.
    let (pages, copied) = (jobs.len(), made.written - made.rendered);
    let rendered =
        format!("{} of {pages} pages and feeds {written}, {copied} of {} files copied", made.rendered, files.len());
    let mut report = BuildReport {
        readings: site.readings.len(),
        comments,
        people: site.people.len(),
        tags: site.tags.len(),
        pages: jobs.len(),
        rendered: made.rendered,
        written: made.written,
        files: files.len(),
        texts: bodies.texts,
        cleaned: bodies.cleaned,
        scheduled: site.scheduled.clone(),
        warnings: problems.sorted().into_iter().filter(|d| d.severity == Severity::Warning).collect(),
        elapsed: Duration::ZERO,
        indexing: Duration::ZERO,
        up_to_date: false,
    };
    let Some(Writing { staging, folder, after }) = writing else {
        stage.end(rendered);
        report.elapsed = started.elapsed();
        return Ok(report);
    };
    stage.next("search index", rendered);
    let written = LastOutput { folder, files: made.files, paths: Default::default() };
    // The index is made from the model and the texts' HTML, not the pages' views: those go first
    // (at L, 500,000 comments, their dates in words were about 100 MB). Only `serve` keeps what
    // they made, for its next rebuild.
    if after.is_some() {
        state.views = renderer.views().kept();
    } else if options.cache {
        // Saved now, not with the other caches at the end: kept until then, a large site's part keys
        // would be held through the search index, when memory is at its highest.
        let saved = renderer.views().new_part_keys().map(|keys| keys.save(&options.root, render::parts::PARTS_FILE));
        if let Some(Err(error)) = saved {
            report.warnings.push(cache::cannot_save(render::parts::PARTS_FILE, error));
        }
    }
    let sources = search::Sources { site: &site, bodies: &bodies, language: &theme.language };
    let Some(After { pages_in, stop }) = after else {
        drop(renderer);
        // The last build's part keys, for the same reason.
        drop(earlier);
        let indexing = Instant::now();
        let index = search::SearchIndex::of(sources);
        // The index holds what it reads (each text's cleaned HTML, shared with `state`): the
        // model goes first (at L, the peak while indexing fell by 230 MB), its readings freed on
        // both cores (on one, the other waited: 20 ms at M).
        drop((jobs, files));
        std::mem::take(&mut site.readings).into_par_iter().for_each(drop);
        drop(site);
        let texts = index.len();
        let made = search::stage(index, &mut state.search, &staging, &options.output)?;
        report.indexing = indexing.elapsed();
        report.warnings.extend(swap_in(staging, state, written, !made, &options.output)?);
        let how = if made { "indexed" } else { "kept from the last build" };
        stage.end(format!("{texts} texts {how}"));
        report.elapsed = started.elapsed();
        return Ok(report);
    };
    report.warnings.extend(swap_in(staging, state, written, true, &options.output)?);
    report.elapsed = started.elapsed();
    pages_in(&report);
    // After the reload, which need not wait for them: the views let go of, the page keys saved.
    drop(renderer);
    drop(earlier);
    report.warnings.extend(state.save_serve_keys());
    let indexing = Instant::now();
    if stop() {
        stage.end("not indexed: another edit came".to_string());
        return Ok(report);
    }
    // Checked between the index's steps: the longest an edit waits is one of them.
    let index = search::SearchIndex::of(sources);
    let texts = index.len();
    let how = match search::replace(index, &mut state.search, &options.output, stop) {
        Ok(true) => "indexed after the pages",
        Ok(false) => "unchanged, or left to the next edit's rebuild",
        Err(problem) => {
            // The pages are in and right; search keeps the last index until a rebuild makes it.
            report.warnings.push(Diagnostic { severity: Severity::Warning, ..problem });
            "not indexed"
        }
    };
    // Zero when another edit came: its rebuild says how long the index took.
    report.indexing = if stop() { Duration::ZERO } else { indexing.elapsed() };
    stage.end(format!("{texts} texts {how}"));
    Ok(report)
}

/// Swaps the staging folder in, keeps in `state` what it holds, and starts removing the old output,
/// after moving its search index into the new one when `carry` (the new one has none). Written in
/// place, there is no old output: the index stays where it is.
fn swap_in(
    staging: write::Staging,
    state: &mut BuildState,
    written: LastOutput,
    carry: bool,
    output: &Path,
) -> Result<Vec<Diagnostic>, Diagnostics> {
    let forgotten = state.forget_serve_keys();
    let swapped = staging.swap().map_err(|e| {
        // Written in place part way: what the last build left there is no longer known.
        state.output = None;
        write::cannot_write(output, &e)
    })?;
    state.output = Some(LastOutput { paths: swapped.paths, ..written });
    let mut warnings: Vec<Diagnostic> = forgotten.into_iter().collect();
    if let Some(unused) = swapped.unused {
        warnings.extend(state.remove_old_output(unused));
    }
    let Some(old) = swapped.old else {
        return Ok(warnings);
    };
    if carry {
        if let Err(error) = search::carry(&old, output) {
            // Only the index is missing: search says so, and the next build makes it again.
            warnings.push(Diagnostic { severity: Severity::Warning, ..write::cannot_write(output, &error) });
        }
    }
    warnings.extend(state.remove_old_output(old));
    Ok(warnings)
}

/// Refuses an output folder that would swallow the site or someone's files.
fn check_output_folder(options: &BuildOptions) -> Result<(), Diagnostics> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let root = absolute(&options.root);
    let output = absolute(&options.output);
    let shown = Span::file(relative(&root, &output));
    let protected = ["content", "templates", "static", "themes"];
    if root.starts_with(&output) || protected.iter().any(|p| output.starts_with(root.join(p))) {
        return Err(Diagnostic::error(shown, "the output folder would replace the site's own files")
            .with_help("choose an output folder of its own, like public/")
            .into());
    }
    if let Some(reason) = write::refuse_output(&output) {
        return Err(Diagnostic::error(shown, reason)
            .with_help("choose another --output, or empty that folder first")
            .into());
    }
    Ok(())
}
