//! Rebuilds for `serve`: the same build as `roundtable build`, with the last build's state kept in memory.
//!
//! A session holds a [`BuildState`] between rebuilds: parsed readings and cleaned
//! texts by the hash of their text, and the key of every page in the output. A
//! rebuild runs [`crate::build_then_index`], so only pages whose context changed are
//! rendered. The first rebuild of a site never served before makes the folder anew
//! and swaps it in whole; later ones, and the first one of a session that finds the
//! last session's page keys (`incremental::SERVE_PAGES_FILE`), write in place
//! (`write::Staging::in_place`): the changed files are renamed
//! into place once all are rendered, and files no longer made are removed, so a
//! failed rebuild leaves the last good site as it was. The search index follows
//! the pages, written in place the same way, so that browsers need not wait for it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::incremental::BuildState;
use crate::load::Changes;
use crate::BuildOptions;

/// What one rebuild did, for the line `serve` prints.
#[derive(Debug)]
pub struct Rebuilt {
    /// Pages and feeds rendered again.
    pub rendered: usize,
    /// Pages and feeds the site has.
    pub pages: usize,
    /// Files written or copied; the others were linked from the last output.
    pub written: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// How long it took, to the pages' swap.
    pub elapsed: Duration,
    /// How long the search index took after that (made again, or found unchanged); zero when
    /// another edit came first.
    pub indexing: Duration,
}

impl Rebuilt {
    fn of(report: &crate::BuildReport, earlier: &[Diagnostic]) -> Rebuilt {
        Rebuilt {
            rendered: report.rendered,
            pages: report.pages,
            written: report.written,
            warnings: earlier.iter().chain(&report.warnings).cloned().collect(),
            elapsed: report.elapsed,
            indexing: report.indexing,
        }
    }
}

/// The state `serve` keeps between rebuilds of one site.
pub struct Session {
    options: BuildOptions,
    /// None until the first rebuild reads the build cache.
    state: Option<BuildState>,
    /// The part keys are still to be saved, after the first rebuild that succeeds.
    save_parts: bool,
}

impl Session {
    /// A session that builds `options.root` into `options.output`; nothing is read until the first rebuild.
    pub fn new(options: BuildOptions) -> Session {
        Session { options, state: None, save_parts: false }
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// Tells the next rebuild what a file watcher saw change since the last one began, so that it
    /// need not look at every file again; without it, every file is looked at.
    pub fn changed_since_last_rebuild(&mut self, changes: Changes) {
        if let Some(state) = &mut self.state {
            state.parsed.changed_since(changes);
        }
    }

    /// Rebuilds after an edit (the files that changed need not be named: unchanged ones are found by
    /// their hash); on error the output stays as it was.
    pub fn rebuild(&mut self) -> Result<Rebuilt, Diagnostics> {
        self.rebuild_then_index(&mut |_| {}, &|| false)
    }

    /// As [`Session::rebuild`], telling `pages_in` as soon as the pages are in, before the search
    /// index is made again; the index is left to the next rebuild when `stop` says another edit came.
    pub fn rebuild_then_index(
        &mut self,
        pages_in: &mut dyn FnMut(&Rebuilt),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Rebuilt, Diagnostics> {
        let mut warnings = Vec::new();
        let state = self.state.get_or_insert_with(|| {
            let mut state = match self.options.cache {
                true => {
                    let (mut state, damaged) = BuildState::load(&self.options.root);
                    warnings = damaged;
                    // Its own folder's keys, from the last session: only what changed since is made.
                    warnings.extend(state.keep_serve_keys(&self.options.root));
                    self.save_parts = true;
                    // Its own old outputs are removed as it goes: only what builds left is trashed.
                    state.empty_trash(&self.options.root, &self.options.output, false);
                    state
                }
                false => BuildState::default(),
            };
            // The folder is serve's own: after the first rebuild, only the changed files are written.
            state.in_place = true;
            state.bodies.keep_in_memory_only();
            state.resolved = Some(Default::default());
            state
        });
        let report = crate::build_then_index(
            &self.options,
            state,
            &mut |report| pages_in(&Rebuilt::of(report, &warnings)),
            stop,
        )?;
        if std::mem::take(&mut self.save_parts) {
            warnings.extend(state.save_serve_parts());
        }
        Ok(Rebuilt::of(&report, &warnings))
    }
}

/// The output folder `serve` writes to: inside the site's own `.roundtable/`, never `public/`.
pub fn output_folder(root: &Path) -> PathBuf {
    root.join(".roundtable/serve")
}
