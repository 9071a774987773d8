//! Sections: the folders of `content/`, each with its title, description and `weeks_start`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::{dates, slug, Section};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::RawSection;
use crate::text::clean_line;

/// The `weeks_start` of `section` or of the nearest section above it.
pub(super) fn find_weeks_start(section: &str, starts: &HashMap<&str, NaiveDate>) -> Option<NaiveDate> {
    let mut path = section;
    loop {
        if let Some(start) = starts.get(path) {
            return Some(*start);
        }
        path = path.rsplit_once('/')?.0;
    }
}

/// Every section, with its `weeks_start`; folders above a section are sections too.
pub(super) fn resolve_sections(
    raw: Vec<RawSection>,
    config: &SiteConfig,
    problems: &mut Diagnostics,
) -> Vec<(Section, Option<NaiveDate>)> {
    let mut paths: BTreeMap<String, Option<crate::load::raw::RawSectionIndex>> = BTreeMap::new();
    for section in raw {
        let mut parent = section.path.as_str();
        while let Some((up, _)) = parent.rsplit_once('/') {
            paths.entry(up.to_string()).or_insert(None);
            parent = up;
        }
        paths.insert(section.path, section.index);
    }
    let mut sections = Vec::new();
    for (path, index) in paths {
        if path.is_empty() {
            if let Some(index) = index {
                problems.push(Diagnostic::warning(index.span, "content/_index.md is not used").with_help(
                    "describe the site with `description:` in site.yaml; _index.md belongs in a section folder",
                ));
            }
            continue;
        }
        let bad_segment = path.split('/').find(|segment| !slug::is_valid(segment));
        if let Some(segment) = bad_segment {
            problems.push(
                Diagnostic::error(
                    Span::file(format!("content/{path}")),
                    format!("the folder name `{segment}` cannot be used in a page address"),
                )
                .with_help(format!("rename it: {}", slug::fix(segment))),
            );
            continue;
        }
        if crate::routes::RESERVED.contains(&path.as_str()) {
            problems.push(
                Diagnostic::error(
                    Span::file(format!("content/{path}")),
                    format!("the section `{path}` would replace the site's own /{path}/ page"),
                )
                .with_help("rename the folder"),
            );
            continue;
        }
        let span = match &index {
            Some(index) => Some(index.keys.of("title")).filter(|s| s.line > 0).unwrap_or_else(|| index.span.clone()),
            None => Span::file(format!("content/{path}")),
        };
        if let Some(problem) = super::paths::check_section(&path, span) {
            problems.push(problem);
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(&path);
        let mut section = Section {
            title: title_case(name),
            description: None,
            intro: None,
            top_level: !path.contains('/'),
            path: path.clone(),
        };
        let mut start = None;
        if let Some(index) = index {
            if let Some(title) = index.front.title {
                section.title = clean_line(&title);
            }
            section.description = index.front.description.map(|d| clean_line(&d));
            section.intro = Some(index.body).filter(|b| !b.trim().is_empty());
            if let Some(text) = index.front.weeks_start {
                match dates::parse(&text, config.timezone) {
                    Some(date) => start = Some(date.date_naive()),
                    None => problems.push(
                        Diagnostic::error(index.keys.of("weeks_start"), format!("weeks_start `{text}` is not a date"))
                            .with_help(dates::HELP),
                    ),
                }
            }
        }
        sections.push((section, start));
    }
    sections
}

/// `leader-rounding` becomes `Leader rounding`.
fn title_case(name: &str) -> String {
    let spaced = name.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
