//! Readings resolved by the last rebuild, taken again while what they are made of is unchanged.
//!
//! `serve` resolves the whole site after every edit, and almost every reading's files are as they
//! were. A reading is resolved from its own files, the settings, its section's rules and the
//! directory of people, which threads add to in the site's order. So a reading is kept under the
//! hash of all but the directory, with the names it looked up (the first time each) and whom they
//! named; a later resolve looks the same names up again, in the same place in the site's order,
//! which leaves the directory and its warnings exactly as resolving the reading would, and takes the
//! reading only when they name the same people. Its thread is shared, not copied.

use std::collections::HashMap;

use super::{Diagnostics, PersonId, Reading};
use crate::diagnostics::Span;

/// What one resolve leaves for the next (`serve` keeps it in memory; a one-off build keeps none).
#[derive(Debug, Default)]
pub struct Resolved {
    entries: HashMap<[u8; 32], Entry>,
}

/// One reading as it was resolved.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The reading, with its tags' names.
    pub(super) reading: (Reading, Vec<String>),
    /// What checking it and building its thread found (not what finding its people found).
    pub(super) problems: Diagnostics,
    /// The names it looked up, each the first time, in order, with where and whom each named.
    pub(super) names: Vec<Named>,
}

/// A name a reading looked up in the directory: as written, where, and whom it named.
pub(super) type Named = (String, Span, Option<PersonId>);

impl Resolved {
    /// Every reading kept, by the hash of its inputs, leaving none here.
    pub(super) fn take(&mut self) -> HashMap<[u8; 32], Entry> {
        std::mem::take(&mut self.entries)
    }

    /// The readings of this resolve, for the next.
    pub(super) fn replace(&mut self, entries: HashMap<[u8; 32], Entry>) {
        self.entries = entries;
    }
}

/// The hash of everything a reading is resolved from but the directory: its files (`files_key`),
/// the settings (`settings`, hashed once per resolve), its section's rules and whether waiting
/// comments are shown. None when the load did not hash its files.
pub(super) fn key(
    files_key: Option<[u8; 32]>,
    settings: &[u8; 32],
    rules: (Option<chrono::NaiveDate>, super::due::Relative),
    show_pending: bool,
) -> Option<[u8; 32]> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&files_key?);
    hasher.update(settings);
    hasher.update(format!("{rules:?}").as_bytes());
    hasher.update(&[u8::from(show_pending)]);
    Some(*hasher.finalize().as_bytes())
}

/// The hash of the settings, as [`key`] takes it.
pub(super) fn settings_key(config: &crate::config::SiteConfig) -> [u8; 32] {
    *blake3::hash(format!("{config:?}").as_bytes()).as_bytes()
}
