//! Stage 3, render: the `Site` becomes pages and feeds, with no file I/O.
//!
//! Markdown is converted and sanitized once per text (`bodies`), then each
//! page of the `plan` is rendered with Tera from its kind's typed context
//! (`page_context`), made of the objects of `objects` that `context` builds.

pub mod all;
pub mod bodies;
pub mod context;
pub mod markdown;
pub mod nesting;
pub mod objects;
pub mod page_context;
pub mod pages;
pub mod phrases;
pub mod sanitize;
pub mod search;
pub mod templates;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Theme;
use crate::model::Site;
pub use bodies::Bodies;
pub use pages::{plan, PageJob};

/// A finished page or feed.
#[derive(Debug)]
pub struct Output {
    /// Where it goes, relative to the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What a page or feed is made from, hashed: its template, the theme, `site` and its own context.
///
/// Two builds that give a page the same key write the same bytes, so the later one need not render it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey(pub [u8; 32]);

/// A page or feed of this build: where it goes, its key, and its bytes unless they were not needed.
#[derive(Debug)]
pub struct Made {
    /// Where it goes, relative to the output folder, `/`-separated.
    pub path: String,
    /// What it is made from.
    pub key: PageKey,
    /// Its bytes; `None` when the caller said a page of this key is already at hand.
    pub bytes: Option<Vec<u8>>,
}

/// Renders pages of one site with one theme; shared by the threads that render.
pub struct Renderer<'a> {
    views: context::Views<'a>,
    templates: templates::Templates,
    /// The hash of every template and of the `site` context, the start of every page's key.
    theme_key: blake3::Hasher,
}

impl<'a> Renderer<'a> {
    /// Compiles the theme and prepares the views of `site`.
    pub fn new(site: &'a Site, bodies: &'a Bodies, theme: &'a Theme) -> Result<Renderer<'a>, Diagnostics> {
        let mut templates = templates::Templates::new(theme)?;
        let views = context::Views::new(site, bodies, &theme.language);
        let site_view = views.site();
        templates.tera.global_context().insert("site", &site_view);
        let mut theme_key = blake3::Hasher::new();
        for (name, template) in &theme.templates {
            hash_bytes(&mut theme_key, name.as_bytes());
            hash_bytes(&mut theme_key, template.text.as_bytes());
        }
        // The words of the theme's `t` function are read by templates, not given in a context.
        hash_debug(&mut theme_key, &theme.language);
        hash_json(&mut theme_key, &site_view);
        Ok(Renderer { views, templates, theme_key })
    }

    /// Makes one page or feed, but renders it only when `at_hand` says no page of its key is kept already.
    ///
    /// The key hashes the page's typed context as JSON, written straight into the hasher; Tera's context
    /// is made from it only for a page that is rendered.
    pub fn make(&self, job: PageJob, at_hand: impl Fn(&str, &PageKey) -> bool) -> Result<Made, Diagnostic> {
        let path = job.output_path(self.views.site);
        let mut hasher = self.theme_key.clone();
        hash_bytes(&mut hasher, job.template().as_bytes());
        if job == PageJob::SearchIndex {
            let index = search::entries(&self.views);
            hash_debug(&mut hasher, &index);
            let key = PageKey(*hasher.finalize().as_bytes());
            let bytes = (!at_hand(&path, &key)).then(|| search::to_json(&index));
            return Ok(Made { path, key, bytes });
        }
        let page = job.typed_context(&self.views);
        hash_json(&mut hasher, &page);
        let key = PageKey(*hasher.finalize().as_bytes());
        if at_hand(&path, &key) {
            return Ok(Made { path, key, bytes: None });
        }
        match self.templates.tera.render(job.template(), &page.to_tera()) {
            Ok(text) => Ok(Made { path, key, bytes: Some(text.into_bytes()) }),
            Err(error) => Err(self.templates.problem(&error, Some(&format!("/{path}")))),
        }
    }

    /// Renders one page or feed, whatever an earlier build made.
    pub fn render(&self, job: PageJob) -> Result<Output, Diagnostic> {
        let made = self.make(job, |_, _| false)?;
        Ok(Output { path: made.path, bytes: made.bytes.expect("rendered when nothing is at hand") })
    }
}

/// Feeds `bytes` into `hasher` after their length, so that two in a row cannot be read another way.
fn hash_bytes(hasher: &mut blake3::Hasher, bytes: &[u8]) {
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// Feeds `value` as JSON into `hasher`, without building it as a string or as a value tree.
///
/// Page contexts hold structs, lists and strings only (no maps), so the JSON is the same from build
/// to build, and it holds exactly what Tera's context is made from.
fn hash_json(hasher: &mut blake3::Hasher, value: &impl serde::Serialize) {
    {
        // serde_json writes many short pieces; BLAKE3 is fastest fed whole chunks, so they are gathered first.
        let mut feed = std::io::BufWriter::with_capacity(64 * 1024, &mut *hasher);
        serde_json::to_writer(&mut feed, value).expect("a page context is plain data");
        std::io::Write::flush(&mut feed).expect("hashing cannot fail");
    }
    // A separator, so that two values in a row hash differently from one that ends where the other starts.
    hasher.update(&[0xff]);
}

/// Feeds `value`'s `Debug` form into `hasher` without building it as a string.
///
/// Every map in a context keeps its insertion order (Tera's `preserve_order`), so the form is the
/// same from build to build.
fn hash_debug(hasher: &mut blake3::Hasher, value: &impl std::fmt::Debug) {
    /// Debug writes many short pieces; BLAKE3 is fastest fed whole chunks, so they are gathered first.
    struct Feed<'h> {
        hasher: &'h mut blake3::Hasher,
        buffer: Vec<u8>,
    }
    impl Feed<'_> {
        fn flush(&mut self) {
            self.hasher.update(&self.buffer);
            self.buffer.clear();
        }
    }
    impl std::fmt::Write for Feed<'_> {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            if self.buffer.len() + text.len() > self.buffer.capacity() {
                self.flush();
            }
            if text.len() >= self.buffer.capacity() {
                self.hasher.update(text.as_bytes());
            } else {
                self.buffer.extend_from_slice(text.as_bytes());
            }
            Ok(())
        }
    }
    use std::fmt::Write;
    let mut feed = Feed { hasher, buffer: Vec::with_capacity(64 * 1024) };
    write!(feed, "{value:?}").expect("hashing cannot fail");
    feed.flush();
    // A separator, so that two values in a row hash differently from one that ends where the other starts.
    hasher.update(&[0xff]);
}
