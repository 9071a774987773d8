//! `roundtable new reading "Title"`: this week's reading, with its front matter filled in.

use super::yaml_out::quoted;
use super::{now_in, Done};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, SourceSite};
use crate::model::{dates, slug};
use crate::routes::Route;
use crate::text::clean_line;
use crate::write::cannot_write;

/// What `new reading` makes.
#[derive(Debug, Clone, Default)]
pub struct NewReadingOptions {
    /// The reading's title (its file name and address are made from it).
    pub title: String,
    /// The site folder.
    pub root: std::path::PathBuf,
    /// The section folder under `content/`; needed when the site has more than one.
    pub section: Option<String>,
    /// The cohort week; default: the section's latest week plus one.
    pub week: Option<u32>,
    /// Topic tags.
    pub tags: Vec<String>,
    /// The publication date as typed (YYYY-MM-DD); default: today.
    pub date: Option<String>,
}

/// Creates `content/<section>/<date>-<slug>.md` and says where it is published.
pub fn new_reading(args: &NewReadingOptions) -> Result<Done, Diagnostics> {
    let root = &args.root;
    super::require_site(root)?;
    let (source, _theme, _problems) = load::load(root);
    let zone = source.config.timezone;
    let base = source.config.base_url.clone();
    let usage = |flag: &str, message: String, help: &str| Err(super::usage(flag, message, help));
    let title = clean_line(&args.title);
    let slug = slug::of(&title);
    if slug.is_empty() {
        return usage(
            "TITLE",
            format!("the title `{title}` has no letters or digits to make an address from"),
            "give the reading a title with words, like \"Trust in teams\"",
        );
    }
    let tags: Vec<String> = args.tags.iter().map(|t| clean_line(t)).filter(|t| !t.is_empty()).collect();
    if let Some(tag) = tags.iter().find(|t| slug::of(t).is_empty()) {
        return usage(
            "--tags",
            format!("the tag `{tag}` has no letters or digits"),
            "give each tag a word, like --tags trust,teams",
        );
    }
    if args.week == Some(0) {
        return usage("--week", "weeks are counted from 1".into(), "write --week 1 for the first week");
    }
    let (day, date_text, scheduled) = match &args.date {
        Some(text) => match dates::parse(text, zone) {
            Some(date) => (date.date_naive(), text.trim().to_string(), date > chrono::Utc::now()),
            None => return usage("--date", format!("--date `{text}` is not a date"), dates::HELP),
        },
        None => {
            let today = now_in(zone).date_naive();
            (today, today.to_string(), false)
        }
    };
    let section = choose_section(&source, args.section.as_deref())?;
    let folder = if section.is_empty() { root.join("content") } else { root.join("content").join(&section) };
    let name = format!("{day}-{slug}");
    let file = folder.join(format!("{name}.md"));
    let shown = crate::diagnostics::relative(root, &file);
    if file.exists() || folder.join(&name).exists() {
        return Err(Diagnostic::command(&shown, "this reading already exists")
            .with_help("open it in your editor, or give the new reading another title")
            .into());
    }
    if let Some(other) = source.readings.iter().find(|r| r.section == section && slug_of(r) == slug) {
        return Err(Diagnostic::command(
            &shown,
            format!(
                "the address {} is already used by {}",
                Route::reading(&join(&section, &slug)).permalink(&base),
                other.span.path.display()
            ),
        )
        .with_help("give the new reading another title")
        .into());
    }
    let week = args.week.or_else(|| next_week(&source, &section));
    let text = front_matter(&title, &date_text, week, &tags);
    std::fs::create_dir_all(&folder).map_err(|e| cannot_write(&folder, &e))?;
    crate::write::write_atomically(&file, text.as_bytes()).map_err(|e| cannot_write(&shown, &e))?;
    let week_note = week.map(|w| format!(", week {w}")).unwrap_or_default();
    let mut summary = format!(
        "Created {}{week_note}: it will be published at {}",
        shown.display(),
        Route::reading(&join(&section, &slug)).permalink(&base)
    );
    if scheduled {
        summary.push_str(&format!("\nIt is scheduled: it stays off the site until {day} (preview it with --future)"));
    }
    Ok(Done { summary, notes: Vec::new() })
}

/// The reading's slug as `resolve` will make it.
pub(crate) fn slug_of(reading: &load::raw::RawReading) -> String {
    reading.front.slug.clone().unwrap_or_else(|| slug::from_file_name(&reading.name))
}

/// `section/slug`, or `slug` at the top.
pub(crate) fn join(section: &str, slug: &str) -> String {
    if section.is_empty() {
        slug.to_string()
    } else {
        format!("{section}/{slug}")
    }
}

/// The section named, or the site's only one; a new site's first is `readings`.
fn choose_section(source: &SourceSite, wanted: Option<&str>) -> Result<String, Diagnostics> {
    let known: Vec<&str> = source.sections.iter().map(|s| s.path.as_str()).filter(|p| !p.is_empty()).collect();
    match wanted.map(|w| w.trim_matches('/')) {
        Some(path) if path.split('/').all(slug::is_valid) => Ok(path.to_string()),
        Some(path) => Err(Diagnostic::command(
            format!("content/{path}"),
            format!("the section `{path}` cannot be used in a page address"),
        )
        .with_help("name the section folder with lowercase letters, digits and dashes, like `readings`")
        .into()),
        None => match known.as_slice() {
            [] => Ok("readings".to_string()),
            [only] => Ok(only.to_string()),
            many => Err(Diagnostic::command("--section", "this site has more than one section")
                .with_help(format!("say which with --section, one of: {}", many.join(", ")))
                .into()),
        },
    }
}

/// One more than the section's latest week; none when the section numbers weeks from `weeks_start`.
fn next_week(source: &SourceSite, section: &str) -> Option<u32> {
    let latest = source.readings.iter().filter(|r| r.section == section).filter_map(|r| r.front.week).max();
    let counts_from_start = source.sections.iter().any(|s| {
        let above = section == s.path || section.starts_with(&format!("{}/", s.path));
        above && s.index.as_ref().is_some_and(|i| i.front.weeks_start.is_some())
    });
    match latest {
        Some(week) => Some(week + 1),
        None if counts_from_start => None,
        None => Some(1),
    }
}

fn front_matter(title: &str, date: &str, week: Option<u32>, tags: &[String]) -> String {
    // The date was read by `dates::parse`, so it is a plain date or date-time and needs no quotes.
    let mut text = format!("---\ntitle: {}\ndate: {date}\n", quoted(title));
    if let Some(week) = week {
        text.push_str(&format!("week: {week}\n"));
    }
    if !tags.is_empty() {
        let tags: Vec<String> = tags.iter().map(|t| quoted(t)).collect();
        text.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    }
    text.push_str(concat!(
        "# author: your name, as in authors.yaml\n",
        "# summary: One line for lists and feeds.\n",
        "# source:                  # where an excerpt comes from\n",
        "#   title: The book or article\n",
        "#   authors: [Its Author]\n",
        "#   year: 2011\n",
        "---\n\n",
    ));
    text.push_str(crate::model::PLACEHOLDER);
    text.push('\n');
    text
}
