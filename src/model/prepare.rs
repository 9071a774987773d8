//! Stages 1 and 2 as a command asks for them: the site loaded, `--base-url` applied, and the
//! model resolved with `--drafts` and `--future`. Shared by `build`, `check`, `serve` and `report`.

use crate::config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::{load, model, BuildOptions};

/// Loads and resolves the site: stages 1 and 2, shared by `build`, `check` and `report`.
/// On success the problems hold only warnings.
pub fn load_and_resolve(options: &BuildOptions) -> Result<(model::Site, load::Theme, Diagnostics), Diagnostics> {
    let (source, theme, mut problems) = load::load(&options.root);
    let site = resolve_site(options, source, &mut problems, None)?;
    Ok((site, theme, problems))
}

/// Applies the command line's `--base-url` and resolves the model, reusing what `memo` kept of the last
/// resolve (see [`model::reuse`]); `problems` holds the load's findings and gains the model's warnings.
pub fn resolve_site(
    options: &BuildOptions,
    mut source: load::SourceSite,
    problems: &mut Diagnostics,
    memo: Option<&mut model::reuse::Resolved>,
) -> Result<model::Site, Diagnostics> {
    if let Some(url) = &options.base_url {
        match config::BaseUrl::parse(url) {
            Some(base) => source.config.base_url = base,
            None => problems.push(
                Diagnostic::command("--base-url", format!("`{url}` is not a web address"))
                    .with_help("write the address the site will be served from, like https://example.org/cohort/"),
            ),
        }
    }
    let resolve_options = model::ResolveOptions {
        drafts: options.drafts,
        future: options.future,
        now: chrono::Utc::now(),
        pending: options.pending,
    };
    match model::resolve_reusing(source, resolve_options, memo) {
        Ok(site) if !problems.has_errors() => {
            site.warnings.iter().for_each(|w| problems.push(w.clone()));
            Ok(site)
        }
        Ok(_) => Err(problems.clone()),
        Err(found) => Err(problems.merged(found)),
    }
}
