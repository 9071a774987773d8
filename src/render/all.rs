//! Rendering every page into the staging folder, with the files copied beside them: the step
//! `build` and `serve` share between the `Renderer` and the written site.

use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{PageJob, Renderer};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::Asset;
use crate::write::{self, cannot_write};
use crate::{load, model, progress};

/// Renders every page, in parallel, into `staging` with the `files` (or nowhere, for `check`); returns what failed.
pub fn render_all(
    renderer: &Renderer,
    jobs: &[PageJob],
    files: &[Asset],
    staging: Option<&write::Staging>,
    output: &Path,
    progress: &progress::Progress,
) -> Diagnostics {
    let failures = Mutex::new(Diagnostics::new());
    let fail = |problem: Diagnostic| failures.lock().expect("no panics while locked").push(problem);
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let total = jobs.len();
    jobs.par_iter().for_each(|&job| match renderer.render(job) {
        Ok(page) => {
            if let Some(staging) = staging {
                if let Err(error) = staging.put(&page.path, &page.bytes) {
                    fail(cannot_write(&output.join(&page.path), &error));
                }
            }
            if progress.is_heard() {
                let done = rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress.report(progress::Step::Count { what: "pages rendered", done, total });
            }
        }
        Err(problem) => fail(problem),
    });
    if let Some(staging) = staging {
        files.par_iter().for_each(|asset| {
            if let Err(error) = staging.copy(&asset.target, &asset.source) {
                fail(cannot_write(&output.join(&asset.target), &error));
            }
        });
    }
    failures.into_inner().expect("no panics while locked")
}

/// Theme static files and bundle files, each at its output path; clashes with pages are errors.
pub fn files_to_copy(
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
