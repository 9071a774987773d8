//! The theme: built-in templates and static files, overridden file by file by the site's.

use std::collections::BTreeMap;
use std::path::Path;

use super::raw::{Asset, AssetSource};
use super::read_source;
use crate::diagnostics::{relative, Diagnostic, Diagnostics, Span};

/// Templates and static files after every override was applied.
#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (`reading.html`) to its text and the file it came from.
    pub templates: BTreeMap<String, Template>,
    /// Static files, by their path in the output.
    pub static_files: BTreeMap<String, Asset>,
    /// The words the templates write, in the site's language.
    pub language: crate::language::Language,
}

/// One template's source.
#[derive(Debug, Clone)]
pub struct Template {
    /// The file it came from, relative to the site root (or `(built-in)/…`).
    pub origin: String,
    /// Its text.
    pub text: String,
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, compiled into the binary so a site needs no `themes/` folder.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = builtin![
    "404.html",
    "atom.xml",
    "author.html",
    "authors.html",
    "base.html",
    "comments.xml",
    "components.html",
    "index.html",
    "reading.html",
    "search.html",
    "section.html",
    "sitemap.xml",
    "tag.html",
    "tags.html",
];

/// The default theme's static files.
pub const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    ("favicon.svg", include_bytes!("../../themes/default/static/favicon.svg")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
];

/// Reads the theme: built-in files, then `themes/<name>/`, then the site's `templates/` and `static/`;
/// and the strings of the site's `language`.
pub fn load(root: &Path, theme: &str, language: &str, problems: &mut Diagnostics) -> Theme {
    let mut loaded = Theme { language: crate::language::load(root, language, problems), ..Theme::default() };
    for (name, text) in BUILTIN_TEMPLATES {
        let template = Template { origin: format!("(built-in theme)/templates/{name}"), text: text.to_string() };
        loaded.templates.insert(name.to_string(), template);
    }
    for (name, bytes) in BUILTIN_STATIC {
        let asset = Asset { target: name.to_string(), source: AssetSource::Embedded(bytes) };
        loaded.static_files.insert(name.to_string(), asset);
    }
    let theme_dir = root.join("themes").join(theme);
    if theme != "default" && !theme_dir.is_dir() {
        problems.push(
            Diagnostic::error(Span::file("site.yaml"), format!("theme `{theme}` has no folder themes/{theme}/"))
                .with_help("create the folder, or remove `theme:` to use the built-in theme"),
        );
    }
    for dir in [theme_dir, root.to_path_buf()] {
        overlay_templates(root, &dir.join("templates"), &mut loaded, problems);
        overlay_static(root, &dir.join("static"), &mut loaded, problems);
    }
    loaded
}

fn overlay_templates(root: &Path, dir: &Path, theme: &mut Theme, problems: &mut Diagnostics) {
    for (name, path) in files_under(root, dir, problems) {
        if let Some(text) = read_source(root, &path, problems) {
            let origin = relative(root, &path).display().to_string();
            theme.templates.insert(name, Template { origin, text });
        }
    }
}

fn overlay_static(root: &Path, dir: &Path, theme: &mut Theme, problems: &mut Diagnostics) {
    for (name, path) in files_under(root, dir, problems) {
        let asset = Asset { target: name.clone(), source: AssetSource::File(path) };
        theme.static_files.insert(name, asset);
    }
}

fn files_under(root: &Path, dir: &Path, problems: &mut Diagnostics) -> Vec<(String, std::path::PathBuf)> {
    if dir.is_dir() {
        super::walk::files_under(root, dir, problems)
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_default_theme_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut on_disk: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        on_disk.sort();
        let built_in: Vec<String> = BUILTIN_TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, built_in, "list every template of themes/default in BUILTIN_TEMPLATES");
    }
}
