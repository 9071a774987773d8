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
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod fresh;
pub mod incremental;
pub mod load;
pub mod model;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod text;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::{relative, Diagnostic, Diagnostics, Severity, Span};
use crate::incremental::{BuildState, LastOutput};
use crate::load::raw::Asset;
use crate::render::{PageJob, Renderer};

pub use diagnostics::Diagnostics as Problems;

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
/// Pages whose context is unchanged and whose file is still in the output are linked, not rendered.
/// On any error the old output and the state of the last good build stay.
pub fn build_with(options: &BuildOptions, state: &mut BuildState) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let staging = write::Staging::new(&options.output).map_err(|e| io_problem(&options.output, &e))?;
    let (report, written) = run(options, state, Some(&staging), started)?;
    staging.commit().map_err(|e| io_problem(&options.output, &e))?;
    state.output = Some(written);
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
    let (source, theme, mut problems) = load::load_cached(&options.root, &mut state.parsed);
    let site = resolve_site(options, source, &mut problems)?;
    // Only a site that resolves leaves parsed readings behind; they are right whatever happens next.
    problems.extend(state.release_parsed().map(Diagnostics::from).unwrap_or_default());
    let mut bodies = render::bodies::render(&site, &state.bodies).map_err(|found| merged(&problems, found))?;
    // Cleaned texts are found by their hash, so this build's are right for the next whatever happens now.
    state.bodies = std::mem::take(&mut bodies.cache);
    let renderer = Renderer::new(&site, &bodies, &theme).map_err(|found| merged(&problems, found))?;
    let jobs = render::plan(&site);
    let files = files_to_copy(&site, &theme, &jobs, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    let folder = std::path::absolute(&options.output).unwrap_or_else(|_| options.output.clone());
    let last = staging.and_then(|_| state.last_output(&folder));
    let made = make_all(&renderer, &jobs, &files, staging, &options.output, last);
    problems.extend(made.failures);
    if problems.has_errors() {
        return Err(problems);
    }
    let report = BuildReport {
        readings: site.readings.len(),
        comments: site.readings.iter().map(|r| r.thread.comments.len()).sum(),
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
        up_to_date: false,
    };
    Ok((report, LastOutput { folder, files: made.files }))
}

/// Loads and resolves the site: stages 1 and 2, shared by `build`, `check` and `report`.
/// On success the problems hold only warnings.
pub fn load_and_resolve(options: &BuildOptions) -> Result<(model::Site, load::Theme, Diagnostics), Diagnostics> {
    let (source, theme, mut problems) = load::load(&options.root);
    let site = resolve_site(options, source, &mut problems)?;
    Ok((site, theme, problems))
}

/// What [`make_all`] did.
struct Made {
    /// Every file of the output, with what it was made from and its size.
    files: std::collections::HashMap<String, (render::PageKey, u64)>,
    rendered: usize,
    written: usize,
    failures: Diagnostics,
}

/// Makes every page, in parallel, into `staging` with the `files` (or nowhere, for `check`).
///
/// A page or file whose key the `last` output holds is linked from there; every other is rendered
/// (or copied) and written.
fn make_all(
    renderer: &Renderer,
    jobs: &[PageJob],
    files: &[Asset],
    staging: Option<&write::Staging>,
    output: &Path,
    last: Option<&LastOutput>,
) -> Made {
    let failures = Mutex::new(Diagnostics::new());
    let fail = |problem: Diagnostic| failures.lock().expect("no panics while locked").push(problem);
    let at_hand = |path: &str, key: &render::PageKey| last.is_some_and(|last| last.has(path, key));
    // Takes the file from the last output; false when that failed and it must be made again.
    let keep = |path: &str| match (staging, last) {
        (Some(staging), Some(last)) => staging.keep(path, &last.folder.join(path)).is_ok(),
        _ => false,
    };
    let write = |path: &str, bytes: &[u8]| {
        if let Some(staging) = staging {
            if let Err(error) = staging.put(path, bytes) {
                fail(io_problem(&output.join(path), &error));
            }
        }
    };
    let pages: Vec<Option<(String, render::PageKey, u64, bool)>> = jobs
        .par_iter()
        .map(|&job| {
            let made = match renderer.make(job, at_hand) {
                Ok(render::Made { path, key, bytes: None }) if keep(&path) => {
                    let len = last.and_then(|l| l.files.get(&path)).map_or(0, |f| f.1);
                    return Some((path, key, len, false));
                }
                // The file went missing since it was checked: render it after all.
                Ok(render::Made { key, bytes: None, .. }) => renderer.render(job).map(|page| (page, key)),
                Ok(render::Made { path, key, bytes: Some(bytes) }) => Ok((render::Output { path, bytes }, key)),
                Err(problem) => Err(problem),
            };
            match made {
                Ok((render::Output { path, bytes }, key)) => {
                    write(&path, &bytes);
                    Some((path, key, bytes.len() as u64, true))
                }
                Err(problem) => {
                    fail(problem);
                    None
                }
            }
        })
        .collect();
    let copies: Vec<Option<(String, render::PageKey, u64, bool)>> = files
        .par_iter()
        .map(|asset| {
            let key = incremental::asset_key(asset);
            let staging = staging?;
            if at_hand(&asset.target, &key) && keep(&asset.target) {
                let len = last.and_then(|l| l.files.get(&asset.target)).map_or(0, |f| f.1);
                return Some((asset.target.clone(), key, len, false));
            }
            match staging.copy(&asset.target, &asset.source) {
                Ok(len) => Some((asset.target.clone(), key, len, true)),
                Err(error) => {
                    fail(io_problem(&output.join(&asset.target), &error));
                    None
                }
            }
        })
        .collect();
    let rendered = pages.iter().flatten().filter(|page| page.3).count();
    let all: Vec<_> = pages.into_iter().chain(copies).flatten().collect();
    let written = all.iter().filter(|file| file.3).count();
    let files = all.into_iter().map(|(path, key, len, _)| (path, (key, len))).collect();
    Made { files, rendered, written, failures: failures.into_inner().expect("no panics while locked") }
}

/// Applies the command line's `--base-url` and resolves the model; `problems` holds the load's findings
/// and gains the model's warnings.
pub(crate) fn resolve_site(
    options: &BuildOptions,
    mut source: load::SourceSite,
    problems: &mut Diagnostics,
) -> Result<model::Site, Diagnostics> {
    if let Some(url) = &options.base_url {
        match config::BaseUrl::parse(url) {
            Some(base) => source.config.base_url = base,
            None => problems.push(
                Diagnostic::error(Span::file("--base-url"), format!("`{url}` is not a web address"))
                    .with_help("write the address the site will be served from, like https://example.org/cohort/"),
            ),
        }
    }
    let resolve_options =
        model::ResolveOptions { drafts: options.drafts, future: options.future, now: chrono::Utc::now() };
    match model::resolve(source, resolve_options) {
        Ok(site) if !problems.has_errors() => {
            site.warnings.iter().for_each(|w| problems.push(w.clone()));
            Ok(site)
        }
        Ok(_) => Err(problems.clone()),
        Err(found) => Err(merged(problems, found)),
    }
}

pub(crate) fn merged(before: &Diagnostics, found: Diagnostics) -> Diagnostics {
    let mut all = before.clone();
    all.extend(found);
    all
}

/// Theme static files and bundle files, each at its output path; clashes with pages are errors.
pub(crate) fn files_to_copy(
    site: &model::Site,
    theme: &load::Theme,
    jobs: &[PageJob],
    problems: &mut Diagnostics,
) -> Vec<Asset> {
    let mut taken: std::collections::HashMap<String, String> =
        jobs.iter().map(|job| (job.output_path(site), "a page of the site".to_string())).collect();
    let mut files = Vec::new();
    let mut claim = |asset: Asset, owner: String, span: Span, problems: &mut Diagnostics| {
        if let Some(other) = taken.get(&asset.target) {
            problems.push(
                Diagnostic::error(span, format!("`{}` would be written where {other} goes", asset.target))
                    .with_help("rename or remove this file"),
            );
            return;
        }
        taken.insert(asset.target.clone(), owner);
        files.push(asset);
    };
    for reading in &site.readings {
        for asset in &reading.assets {
            let target = format!("{}/{}", reading.path, asset.target);
            let span = Span::file(reading.span.path.with_file_name(&asset.target));
            let owner = format!("a file of {}", reading.span.path.display());
            claim(Asset { target, source: asset.source.clone() }, owner, span, problems);
        }
    }
    for asset in theme.static_files.values() {
        let span = Span::file(format!("static/{}", asset.target));
        claim(asset.clone(), format!("static/{}", asset.target), span, problems);
    }
    files
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

pub(crate) fn io_problem(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Span::file(path), format!("cannot write here: {error}"))
        .with_help("check that the disk has space and that you may write to this folder")
}
