//! Stage 3, render: the `Site` becomes pages and feeds, with no file I/O.
//!
//! Markdown is converted and sanitized once per text (`bodies`), then each
//! page of the `plan` is rendered with Tera from its kind's typed context
//! (`page_context`), made of the objects of `objects` that `context` builds.

pub mod all;
pub mod bodies;
pub mod context;
pub mod deps;
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

/// Renders pages of one site with one theme; shared by the threads that render.
pub struct Renderer<'a> {
    views: context::Views<'a>,
    templates: templates::Templates,
}

impl<'a> Renderer<'a> {
    /// Compiles the theme and prepares the views of `site`.
    pub fn new(site: &'a Site, bodies: &'a Bodies, theme: &'a Theme) -> Result<Renderer<'a>, Diagnostics> {
        let templates = templates::Templates::new(theme)?;
        let views = context::Views::new(site, bodies, &theme.language);
        Ok(Renderer { views, templates })
    }

    /// Renders one page or feed.
    pub fn render(&self, job: PageJob) -> Result<Output, Diagnostic> {
        let path = job.output_path(self.views.site);
        let views = self.views.at(job.links(self.views.site));
        if job == PageJob::SearchIndex {
            return Ok(Output { path, bytes: search::index(&views) });
        }
        let mut context = job.context(&views);
        context.insert("site", &views.site());
        match self.templates.tera.render(job.template(), &context) {
            Ok(text) => Ok(Output { path, bytes: text.into_bytes() }),
            Err(error) => Err(self.templates.problem(&error, Some(&format!("/{path}")))),
        }
    }
}
