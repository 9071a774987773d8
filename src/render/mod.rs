//! Stage 3, render: the `Site` becomes pages and feeds, with no file I/O.
//!
//! Markdown is converted and sanitized once per text (`bodies`), then each
//! page of the `plan` is rendered with Tera from its kind's typed context
//! (`page_context`), made of the objects of `objects` that `context` builds.

pub mod all;
pub mod bodies;
pub mod context;
pub mod key;
pub mod markdown;
pub mod nesting;
pub mod objects;
pub mod page_context;
pub mod pages;
pub mod parts;
pub mod phrases;
pub mod sanitize;
mod tallies;
pub mod templates;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Theme;
use crate::model::Site;
use crate::routes;
pub use bodies::Bodies;
pub use key::PageKey;
pub use pages::{plan, PageJob};

/// A finished page or feed.
#[derive(Debug)]
pub struct Output {
    /// Where it goes, relative to the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

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
    /// The hash of every template, of the theme's words and of `site`, the start of every page's key.
    theme_key: blake3::Hasher,
}

impl<'a> Renderer<'a> {
    /// Compiles the theme and prepares the views of `site`, with what the last build's views made
    /// (`earlier`) where it still holds.
    pub fn new(
        site: &'a Site,
        bodies: &'a Bodies,
        theme: &'a Theme,
        earlier: &'a context::ViewsKept,
    ) -> Result<Renderer<'a>, Diagnostics> {
        let templates = templates::Templates::new(theme)?;
        let views = context::Views::new(site, bodies, &theme.language, earlier);
        let mut theme_key = key::KeyHasher::from_hasher(blake3::Hasher::new());
        for (name, template) in &theme.templates {
            theme_key.bytes(name.as_bytes());
            theme_key.bytes(template.text.as_bytes());
        }
        // The words of the theme's `t` function are read by templates, not given in a context; their
        // `Debug` form lists them in order (they are in sorted maps).
        theme_key.bytes(format!("{:?}", theme.language).as_bytes());
        // `site` differs from page to page only in its links, made from the same routes, and each page's
        // key holds where its links start from: so it is hashed once, with absolute links.
        theme_key.value(&views.at(routes::Links::absolute(&site.config.base_url)).site());
        let theme_key = theme_key.into_hasher();
        Ok(Renderer { views, templates, theme_key })
    }

    /// The views the pages are made from.
    pub fn views(&self) -> &context::Views<'a> {
        &self.views
    }

    /// Makes one page or feed, but renders it only when `at_hand` says no page of its key is kept already.
    ///
    /// The key hashes the page's typed context (`key`), which is built once: the parts it shows as their
    /// keys (`parts::Keyed`) are made only when Tera's context is made from it, for a page that is rendered.
    pub fn make(&self, job: PageJob, at_hand: impl Fn(&str, &PageKey) -> bool) -> Result<Made, Diagnostic> {
        let path = job.output_path(self.views.site);
        let links = job.links(self.views.site);
        let mut hasher = key::KeyHasher::from_hasher(self.theme_key.clone());
        hasher.bytes(job.template().as_bytes());
        // Where links start from: parts given by their keys were made with links from elsewhere, and
        // `site` is in `theme_key` with absolute links.
        hasher.bytes(format!("{links:?}").as_bytes());
        let views = self.views.at(links);
        let typed = job.typed_context(&views);
        hasher.value(&typed);
        let key = hasher.finish();
        if at_hand(&path, &key) {
            return Ok(Made { path, key, bytes: None });
        }
        let mut context = typed.to_tera();
        // Links start from the page's own place, so `site` (its way back to the root) is the page's too.
        context.insert("site", &views.site());
        match self.templates.tera.render(job.template(), &context) {
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
