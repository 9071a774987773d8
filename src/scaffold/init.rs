//! `roundtable init DIR`: a ready site in a new or empty folder.
//!
//! The starter files are compiled in (from `starter/`). The theme is not
//! copied: a site uses the built-in one, which improves with roundtable, and
//! overrides any template by putting its own copy in `templates/`.
//! `--with-theme` copies them all at once for those who want to edit freely.

use std::fs;
use std::path::{Path, PathBuf};

use super::{now_in, Done};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::theme::{BUILTIN_STATIC, BUILTIN_TEMPLATES};
use crate::write::cannot_write;

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

/// What `init` makes, and where.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The folder to create the site in.
    pub dir: PathBuf,
    /// Also copy the built-in theme into `templates/` and `static/`.
    pub with_theme: bool,
    /// Write into a folder that already holds files; files already there are kept as they are.
    pub force: bool,
}

/// Writes the starter site into `args.dir`, refusing a folder that holds anything but dotfiles unless forced.
pub fn init(args: &InitOptions) -> Result<Done, Diagnostics> {
    let dir = &args.dir;
    if !args.force {
        refuse_used_folder(dir)?;
    }
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
    let mut kept = Vec::new();
    for (relative, bytes) in &files {
        let path = dir.join(relative);
        path.parent().map_or(Ok(()), fs::create_dir_all).map_err(|error| cannot_write(&path, &error))?;
        let written = match fs::read(&path) {
            // A `.gitignore` already there (a folder made by `git init`) gains the lines it lacks.
            Ok(old) if relative == ".gitignore" => crate::write::write_atomically(&path, &with_lines(&old, bytes)),
            Ok(_) => {
                kept.push(relative.clone());
                Ok(())
            }
            Err(_) => {
                use std::io::Write;
                fs::OpenOptions::new().write(true).create_new(true).open(&path).and_then(|mut f| f.write_all(bytes))
            }
        };
        written.map_err(|error| cannot_write(&path, &error))?;
    }
    let notes = match kept.as_slice() {
        [] => Vec::new(),
        kept => vec![Diagnostic::warning(Span::file(dir), format!("kept the files already here: {}", kept.join(", ")))
            .with_help("compare them with a fresh `roundtable init` in an empty folder if the site does not build")],
    };
    let theme = if args.with_theme { ", with the theme in templates/ and static/" } else { "" };
    Ok(Done {
        summary: format!(
            "Created a new site in {}{theme}.\nNext: cd {} && roundtable serve   (or: roundtable build)",
            dir.display(),
            dir.display()
        ),
        notes,
    })
}

/// `old` with every line of `new` it does not hold added at its end.
fn with_lines(old: &[u8], new: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(old);
    let have: Vec<&str> = text.lines().map(str::trim).collect();
    let mut out = old.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    for line in String::from_utf8_lossy(new).lines().filter(|l| !have.contains(&l.trim())) {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

fn refuse_used_folder(dir: &Path) -> Result<(), Diagnostics> {
    let problem = |message: String| {
        Err(Diagnostic::command(dir, message).with_help(
            "name a new folder, like `roundtable init my-cohort`, or add --force to add the starter files (keeping those here)",
        )
            .into())
    };
    // A folder holding only dotfiles (`.git`, `.editorconfig`) is as good as empty: init writes none.
    let visible = |entry: fs::DirEntry| !entry.file_name().to_string_lossy().starts_with('.');
    match fs::read_dir(dir).map(|entries| entries.flatten().any(visible)) {
        Ok(true) => problem("this folder is not empty, and init never writes over files".to_string()),
        Ok(false) => Ok(()),
        Err(_) if dir.exists() => problem("this is not a folder roundtable can write in".to_string()),
        Err(_) => Ok(()),
    }
}
