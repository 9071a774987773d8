//! `roundtable init DIR`: a ready site in a new or empty folder.
//!
//! The starter files are compiled in (from `starter/`). The theme is not
//! copied: a site uses the built-in one, which improves with roundtable, and
//! overrides any template by putting its own copy in `templates/`.
//! `--with-theme` copies them all at once for those who want to edit freely.

use std::fs;
use std::path::Path;

use super::{cannot_write, now_in, Done};
use crate::cli::InitArgs;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::theme::{BUILTIN_STATIC, BUILTIN_TEMPLATES};

/// The starter site: path (with `TODAY` for today's date) and text (with `TODAY` and `NOW`).
const STARTER: &[(&str, &str)] = &[
    ("site.yaml", include_str!("../../starter/site.yaml")),
    ("authors.yaml", include_str!("../../starter/authors.yaml")),
    (".gitignore", include_str!("../../starter/gitignore")),
    ("content/readings/_index.md", include_str!("../../starter/content/readings/_index.md")),
    ("content/readings/TODAY-welcome.md", include_str!("../../starter/content/readings/TODAY-welcome.md")),
    (
        "content/readings/TODAY-welcome.comments.yaml",
        include_str!("../../starter/content/readings/TODAY-welcome.comments.yaml"),
    ),
];

/// Writes the starter site into `args.dir`, refusing a folder that holds anything.
pub fn init(args: &InitArgs) -> Result<Done, Diagnostics> {
    let dir = &args.dir;
    refuse_used_folder(dir)?;
    // The starter's timezone is UTC, so its dates are taken on the UTC clock.
    let now = now_in(chrono_tz::UTC);
    let today = now.format("%Y-%m-%d").to_string();
    let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut files: Vec<(String, Vec<u8>)> = STARTER
        .iter()
        .map(|(path, text)| (path.replace("TODAY", &today), text.replace("NOW", &stamp).replace("TODAY", &today)))
        .map(|(path, text)| (path, text.into_bytes()))
        .collect();
    if args.with_theme {
        files.extend(
            BUILTIN_TEMPLATES.iter().map(|(name, text)| (format!("templates/{name}"), text.as_bytes().to_vec())),
        );
        files.extend(BUILTIN_STATIC.iter().map(|(name, bytes)| (format!("static/{name}"), bytes.to_vec())));
    }
    for (relative, bytes) in &files {
        let path = dir.join(relative);
        let written = path.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| {
            use std::io::Write;
            fs::OpenOptions::new().write(true).create_new(true).open(&path)?.write_all(bytes)
        });
        written.map_err(|error| cannot_write(&path, &error))?;
    }
    let theme = if args.with_theme { ", with the theme in templates/ and static/" } else { "" };
    Ok(Done {
        summary: format!(
            "Created a new site in {}{theme}.\nNext: cd {} && roundtable serve   (or: roundtable build)",
            dir.display(),
            dir.display()
        ),
        notes: Vec::new(),
    })
}

fn refuse_used_folder(dir: &Path) -> Result<(), Diagnostics> {
    let problem = |message: String| {
        Err(Diagnostic::error(Span::file(dir), message)
            .with_help("name a new folder, like `roundtable init my-cohort`, or empty this one first")
            .into())
    };
    match fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) => problem("this folder is not empty, and init never writes over files".to_string()),
        Ok(false) => Ok(()),
        Err(_) if dir.exists() => problem("this is not a folder roundtable can write in".to_string()),
        Err(_) => Ok(()),
    }
}
