//! What a build says while it runs: each stage as it ends (for `-v`) and how far rendering has got
//! (for a progress line). The library only calls a listener; the command decides what to show.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One thing a running build reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A stage is starting (`loading the site`).
    Begin(&'static str),
    /// A stage ended: what it did and how long it took.
    Done {
        /// The stage (`load`, `resolve`, `clean texts`, `render and write`).
        stage: &'static str,
        /// What it did, in a few words (`5 readings, 77 comments`).
        did: String,
        /// How long it took.
        took: Duration,
    },
    /// `done` of `total` things are finished (`pages rendered`).
    Count {
        /// What is counted.
        what: &'static str,
        /// How many are done.
        done: usize,
        /// How many there are.
        total: usize,
    },
}

/// Where a build reports its steps; the default tells no one.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(Step) + Send + Sync>>);

impl Progress {
    /// Hands every step to `listener` (called from several threads while pages render).
    pub fn new(listener: impl Fn(Step) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(listener)))
    }

    /// Reports `step`.
    pub fn report(&self, step: Step) {
        if let Some(listener) = &self.0 {
            listener(step);
        }
    }

    /// True when someone listens, so a caller can skip work done only to report.
    pub fn is_heard(&self) -> bool {
        self.0.is_some()
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Progress(listened)" } else { "Progress(none)" })
    }
}

/// The stage running now, reported to `progress` when the next begins.
pub(crate) struct Stage<'p> {
    progress: &'p Progress,
    name: &'static str,
    started: Instant,
}

impl<'p> Stage<'p> {
    pub(crate) fn begin(progress: &'p Progress, name: &'static str) -> Stage<'p> {
        progress.report(Step::Begin(name));
        Stage { progress, name, started: Instant::now() }
    }

    /// Ends this stage, having done `did`, and begins `next`.
    pub(crate) fn next(&mut self, next: &'static str, did: String) {
        self.end(did);
        *self = Stage::begin(self.progress, next);
    }

    pub(crate) fn end(&self, did: String) {
        self.progress.report(Step::Done { stage: self.name, did, took: self.started.elapsed() });
    }
}
