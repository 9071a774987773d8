//! Rebuilds for `serve`: after an edit, only what changed is read, cleaned, rendered and written.
//!
//! A session keeps three things from its last good build: the parsed readings
//! (`load::Memo`, by file size and time), the cleaned texts (`BodyCache`, by
//! content hash) and the `Site` itself, which `render::deps` compares with the
//! new one to find the pages that show something different. A change to
//! anything site-wide (settings, people, theme) rebuilds the whole folder
//! through the same atomic staging as `roundtable build`.
//!
//! The search index is left for [`Session::index_search`], called once the open pages have
//! reloaded: a rebuild keeps the last index, and indexing (skipped when no indexed text changed)
//! finishes just after.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::cache::BodyCache;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::language::Language;
use crate::load::raw::{Asset, AssetSource};
use crate::model::prepare::resolve_site;
use crate::model::Site;
use crate::render::all::{files_to_copy, render_all};
use crate::render::bodies::Bodies;
use crate::render::context::Views;
use crate::render::deps::{self, Change};
use crate::render::{self, Output, Renderer};
use crate::search::{self, SearchIndex};
use crate::write::cannot_write;
use crate::{load, write, BuildOptions};

/// What one rebuild did, for the line `serve` prints.
#[derive(Debug)]
pub struct Rebuilt {
    /// Pages and feeds rendered again.
    pub rendered: usize,
    /// Pages and feeds the site has.
    pub pages: usize,
    /// Files whose bytes changed on disk (pages, feeds, copies and removals).
    pub written: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// How long it took.
    pub elapsed: Duration,
}

/// The state `serve` keeps between rebuilds of one site.
pub struct Session {
    options: BuildOptions,
    memo: load::Memo,
    last: Option<LastBuild>,
    /// The texts of the last good rebuild and its language, until its search index is in the output
    /// folder: the index is made after the pages are swapped in, so it never delays a reload.
    search: Option<(Bodies, Language)>,
}

/// What the output folder holds now, and the model it was made from.
struct LastBuild {
    site: Site,
    cache: BodyCache,
    pages: Vec<String>,
    assets: HashMap<String, Option<SystemTime>>,
}

impl Session {
    /// A session that builds `options.root` into `options.output`; nothing is read until the first rebuild.
    pub fn new(options: BuildOptions) -> Session {
        Session { options, memo: load::Memo::default(), last: None, search: None }
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// Rebuilds after `changed` files (empty for the first build); on error the output stays as it was.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Diagnostics> {
        let started = Instant::now();
        let root = &self.options.root;
        self.memo.forget(changed);
        let (source, theme, mut problems, memo) = load::reload(root, &self.memo);
        self.memo = memo;
        let site = resolve_site(&self.options, source, &mut problems)?;
        let loaded;
        let cache = match &self.last {
            Some(last) => &last.cache,
            None if self.options.cache => {
                let (cache, damaged) = BodyCache::load(root);
                problems.extend(damaged.map(Diagnostics::from).unwrap_or_default());
                loaded = cache;
                &loaded
            }
            None => {
                loaded = BodyCache::default();
                &loaded
            }
        };
        let bodies = render::bodies::render(&site, cache).map_err(|found| problems.merged(found))?;
        let renderer = Renderer::new(&site, &bodies, &theme).map_err(|found| problems.merged(found))?;
        let plan = render::plan(&site);
        let assets = files_to_copy(&site, &theme, &plan, &mut problems);
        if problems.has_errors() {
            return Err(problems);
        }
        let content = root.join("content");
        let site_wide = changed.iter().any(|path| !path.starts_with(&content));
        let change = match &self.last {
            Some(last) if !site_wide => deps::change(&last.site, &site),
            _ => Change::Everything,
        };
        let pages: Vec<String> = plan.iter().map(|job| job.output_path(&site)).collect();
        let asset_stamps = stamps(&assets);
        let (rendered, written) = match (&change, &self.last) {
            (Change::Readings(_), Some(last)) => {
                let jobs = deps::pages(&last.site, &site, &change);
                let now = Now { pages: &pages, assets: &assets, stamps: &asset_stamps };
                let written = self.patch(last, &renderer, &jobs, now)?;
                (jobs.len(), written)
            }
            _ => {
                self.replace(&renderer, &plan, &assets)?;
                (plan.len(), plan.len() + assets.len())
            }
        };
        drop(renderer);
        let mut bodies = bodies;
        let cache = std::mem::take(&mut bodies.cache);
        self.last = Some(LastBuild { cache, site, pages, assets: asset_stamps });
        self.search = Some((bodies, theme.language.clone()));
        Ok(Rebuilt {
            rendered,
            pages: plan.len(),
            written,
            warnings: problems.sorted().into_iter().filter(|d| d.severity == Severity::Warning).collect(),
            elapsed: started.elapsed(),
        })
    }

    /// Brings the output's search index up to date with the last good rebuild, if its indexed texts
    /// changed; returns how many files changed.
    pub fn index_search(&mut self) -> Result<usize, Diagnostics> {
        let output = &self.options.output;
        let (Some((bodies, language)), Some(last)) = (self.search.take(), &self.last) else { return Ok(0) };
        let index = SearchIndex::of(&Views::new(&last.site, &bodies, &language));
        if index.is_in(output) {
            return Ok(0);
        }
        search::update(&index.files(output), output).map_err(|e| cannot_write(output, &e).into())
    }

    /// Builds the whole site into a staging folder and swaps it in, as `roundtable build` does.
    fn replace(&self, renderer: &Renderer, plan: &[render::PageJob], assets: &[Asset]) -> Result<(), Diagnostics> {
        let output = &self.options.output;
        let staging = write::Staging::new(output).map_err(|e| cannot_write(output, &e))?;
        let failures = render_all(renderer, plan, assets, Some(&staging), output, &Default::default());
        if failures.has_errors() {
            return Err(failures);
        }
        search::carry_over(output, &staging).map_err(|e| cannot_write(output, &e))?;
        staging.commit().map_err(|e| cannot_write(output, &e).into())
    }

    /// Renders `jobs` in memory, and only when all succeeded updates the live folder file by file.
    fn patch(
        &self,
        last: &LastBuild,
        renderer: &Renderer,
        jobs: &[render::PageJob],
        now: Now,
    ) -> Result<usize, Diagnostics> {
        let output = &self.options.output;
        let rendered: Vec<Result<Output, Diagnostic>> = jobs.par_iter().map(|&job| renderer.render(job)).collect();
        let mut problems = Diagnostics::new();
        let pages: Vec<Output> = rendered.into_iter().filter_map(|r| r.map_err(|p| problems.push(p)).ok()).collect();
        if problems.has_errors() {
            return Err(problems);
        }
        let mut written = 0;
        let mut count = |result: std::io::Result<bool>, path: &str| match result {
            Ok(wrote) => written += usize::from(wrote),
            Err(error) => problems.push(cannot_write(&output.join(path), &error)),
        };
        for page in &pages {
            count(write::update(output, &page.path, &page.bytes), &page.path);
        }
        for asset in now.assets {
            let stamp = &now.stamps[&asset.target];
            if last.assets.get(&asset.target) != Some(stamp) || stamp.is_none() {
                count(write::update_copy(output, &asset.target, &asset.source), &asset.target);
            }
        }
        let kept: std::collections::HashSet<&String> = now.pages.iter().collect();
        let gone = last.pages.iter().filter(|path| !kept.contains(path));
        let gone_assets = last.assets.keys().filter(|path| !now.stamps.contains_key(*path));
        for path in gone.chain(gone_assets) {
            count(write::remove(output, path).map(|()| true), path);
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(written)
    }
}

/// What the new build holds: its page paths, its files to copy and when each file last changed.
struct Now<'a> {
    pages: &'a [String],
    assets: &'a [Asset],
    stamps: &'a HashMap<String, Option<SystemTime>>,
}

/// When each asset's source last changed; embedded theme files never do.
fn stamps(assets: &[Asset]) -> HashMap<String, Option<SystemTime>> {
    let stamp = |source: &AssetSource| match source {
        AssetSource::File(path) => std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        AssetSource::Embedded(_) => Some(SystemTime::UNIX_EPOCH),
    };
    assets.iter().map(|asset| (asset.target.clone(), stamp(&asset.source))).collect()
}

/// The output folder `serve` writes to: inside the site's own `.roundtable/`, never `public/`.
pub fn output_folder(root: &Path) -> PathBuf {
    root.join(".roundtable/serve")
}
