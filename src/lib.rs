//! roundtable: weekly readings and their threaded discussions, as a static site.
//!
//! A build is a one-way pipeline, one module per stage:
//!
//! 1. [`load`] reads the site folder into a `SourceSite` (YAML, front matter, positions);
//! 2. [`model`] resolves it into an immutable [`model::Site`] (authors, threads, tags, weeks), checking everything;
//! 3. [`render`] turns Markdown into sanitized HTML once per text, then renders every page with Tera;
//! 4. [`write`] puts the pages in a staging folder and swaps it in only when all succeeded.
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
    /// Of that, how long making the search index took (zero when the last one was kept).
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
    if options.cache {
        state.release_parsed_to = Some(options.root.clone());
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
    let started = Instant::now();
    let cannot_write = |e: std::io::Error| write::cannot_write(&options.output, &e);
    let folder = std::path::absolute(&options.output).unwrap_or_else(|_| options.output.clone());
    let staging = state.staging(&options.output, &folder).map_err(cannot_write)?;
    let (mut report, mut written) = run(options, state, Some(&staging), started)?;
    let swapped = staging.swap().map_err(|e| {
        // Written in place part way: what the last build left there is no longer known.
        state.output = None;
        cannot_write(e)
    })?;
    written.paths = swapped.paths;
    state.output = Some(written);
    report.warnings.extend(swapped.old.and_then(|old| state.remove_old_output(old)));
    Ok(BuildReport { elapsed: started.elapsed(), ..report })
}

/// Runs every stage but writing and reports every problem.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    run(options, &mut BuildState::default(), None, Instant::now()).map(|(report, _)| report)
}

/// Runs the stages, keeping parsed readings and cleaned texts in `state`; returns what was written where.
fn run(
    options: &BuildOptions,
    state: &mut BuildState,
    staging: Option<&write::Staging>,
    started: Instant,
) -> Result<(BuildReport, LastOutput), Diagnostics> {
    let progress = &options.progress;
    let mut stage = progress::Stage::begin(progress, "load");
    let (source, theme, mut problems) = load::load_cached(&options.root, &mut state.parsed);
    stage.next("resolve", format!("{} reading files", source.readings.len()));
    let mut site = model::prepare::resolve_site(options, source, &mut problems)?;
    // Only a site that resolves leaves parsed readings behind; they are right whatever happens next.
    problems.extend(state.release_parsed().map(Diagnostics::from).unwrap_or_default());
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
    let mut bodies = render::bodies::render(&mut site, &state.bodies).map_err(|found| problems.merged(found))?;
    for warning in &bodies.warnings {
        problems.push(warning.clone());
    }
    // Cleaned texts are found by their hash, so this build's are right for the next whatever happens now.
    state.bodies = std::mem::take(&mut bodies.cache);
    stage.next("render", format!("{} of {} texts converted and cleaned", bodies.cleaned, bodies.texts));
    let renderer = Renderer::new(&site, &bodies, &theme).map_err(|found| problems.merged(found))?;
    let jobs = render::plan(&site);
    let files = render::all::files_to_copy(&site, &theme, &jobs, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    let folder = std::path::absolute(&options.output).unwrap_or_else(|_| options.output.clone());
    let last = staging.and_then(|_| state.last_output(&folder));
    let made = render::all::render_all(&renderer, &jobs, &files, staging, &options.output, last, progress);
    problems.extend(made.failures);
    if problems.has_errors() {
        return Err(problems);
    }
    let written = if staging.is_some() { "rendered and written" } else { "rendered" };
    let rendered = format!("{} pages and feeds {written}, {} files copied", jobs.len(), files.len());
    let indexing = match staging {
        Some(staging) => {
            stage.next("search index", rendered);
            let index = search::SearchIndex::of(renderer.views());
            let took = search::stage(&index, staging, &options.output)?;
            let how = if took.is_zero() { "kept from the last build" } else { "indexed" };
            stage.end(format!("{} texts {how}", index.len()));
            took
        }
        None => {
            stage.end(rendered);
            Duration::ZERO
        }
    };
    let report = BuildReport {
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
        elapsed: started.elapsed(),
        indexing,
        up_to_date: false,
    };
    Ok((report, LastOutput { folder, files: made.files, paths: Default::default() }))
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
