//! Rendering every page into the staging folder, with the files copied beside them: the step
//! `build` and `serve` share between the `Renderer` and the written site.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{Output, PageJob, PageKey, Renderer};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::incremental::{self, LastOutput};
use crate::load::raw::Asset;
use crate::write::{self, cannot_write};
use crate::{load, model, progress};

/// What [`render_all`] did.
pub struct Made {
    /// Every file of the output, with what it was made from and its size.
    pub files: HashMap<String, (PageKey, u64)>,
    /// Pages rendered; the others were linked from the last output.
    pub rendered: usize,
    /// Files written or copied; the others were linked from the last output.
    pub written: usize,
    /// What failed.
    pub failures: Diagnostics,
}

/// Makes every page, in parallel, into `staging` with the `files` (or nowhere, for `check`).
///
/// A page or file whose key the `last` output holds is linked from there; every other is rendered
/// (or copied) and written.
pub fn render_all(
    renderer: &Renderer,
    jobs: &[PageJob],
    files: &[Asset],
    staging: Option<&write::Staging>,
    output: &Path,
    last: Option<&LastOutput>,
    progress: &progress::Progress,
) -> Made {
    let failures = Mutex::new(Diagnostics::new());
    let fail = |problem: Diagnostic| failures.lock().expect("no panics while locked").push(problem);
    let at_hand = |path: &str, key: &PageKey| last.is_some_and(|last| last.has(path, key));
    // Takes the file from the last output; false when that failed and it must be made again.
    let keep = |path: &str| match (staging, last) {
        (Some(staging), Some(last)) => staging.keep(path, &last.folder.join(path)).is_ok(),
        _ => false,
    };
    let write = |path: &str, bytes: &[u8]| {
        if let Some(staging) = staging {
            if let Err(error) = staging.put(path, bytes) {
                fail(cannot_write(&output.join(path), &error));
            }
        }
    };
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let pages: Vec<Option<(String, PageKey, u64, bool)>> = jobs
        .par_iter()
        .map(|&job| {
            // The page's path, key, size, whether it was rendered, and its bytes when they must be written.
            let made = match renderer.make(job, at_hand) {
                Ok(super::Made { path, key, bytes: None }) if keep(&path) => {
                    let len = last.and_then(|l| l.files.get(&path)).map_or(0, |f| f.1);
                    Ok((path, key, len, false, None))
                }
                // The file went missing since it was checked: render it after all.
                Ok(super::Made { key, bytes: None, .. }) => renderer
                    .render(job)
                    .map(|Output { path, bytes }| (path, key, bytes.len() as u64, true, Some(bytes))),
                Ok(super::Made { path, key, bytes: Some(bytes) }) => {
                    Ok((path, key, bytes.len() as u64, true, Some(bytes)))
                }
                Err(problem) => Err(problem),
            };
            if progress.is_heard() {
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress.report(progress::Step::Count { what: "pages rendered", done, total });
            }
            match made {
                Ok((path, key, len, fresh, bytes)) => {
                    if let Some(bytes) = bytes {
                        write(&path, &bytes);
                    }
                    Some((path, key, len, fresh))
                }
                Err(problem) => {
                    fail(problem);
                    None
                }
            }
        })
        .collect();
    let copies: Vec<Option<(String, PageKey, u64, bool)>> = files
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
                    fail(cannot_write(&output.join(&asset.target), &error));
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
