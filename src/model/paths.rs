//! How long the paths of the built site's files may be, checked where they come from.
//!
//! Each name in a path is bounded by [`slug::MAX_LEN`], but sections nest and bundles hold files of
//! any name, so a whole path can still pass what Windows (260 characters for the whole path,
//! output folder included), zip tools and backup software accept. The path of every file below the
//! output folder is kept to [`MAX_PATH`] bytes; what makes one longer is reported at the section's
//! `_index.md` (or its folder) or at the reading, before anything is written.

use std::path::Path;

use super::slug;
use crate::diagnostics::{Diagnostic, Span};
use crate::load::raw::Asset;
use crate::routes::Route;
use crate::text::clean_line;

/// The longest path a built file may have below the output folder, in bytes: Windows refuses
/// paths past 260 characters, and this leaves 60 for the folder the site is built or unpacked in.
pub const MAX_PATH: usize = 200;

/// The last list page the bound allows for: a section's pages go to `page/9999/index.html`.
const LAST_PAGE: usize = 9998;

/// The most bytes a section's folder path (`term-1/week-2`) may take, so its pages fit.
pub fn max_section_path() -> usize {
    MAX_PATH - (Route::section_page("", LAST_PAGE).output_path().len() + 1)
}

/// The problem with section `path`, if the paths of its pages are too long; reported at `span`
/// (its `_index.md`, or its folder).
pub fn check_section(path: &str, span: Span) -> Option<Diagnostic> {
    (path.len() > max_section_path()).then(|| {
        Diagnostic::error(
            span,
            format!(
                "this section's address takes {} bytes, more than the {} that leave room for its pages \
                 (`page/2/index.html` and on) within the limit of {MAX_PATH} bytes for a path below the output folder",
                path.len(),
                max_section_path()
            ),
        )
        .with_help(format!(
            "give the folders of `content/{path}` shorter names, or nest fewer sections \
             (Windows and zip tools refuse longer paths)"
        ))
    })
}

/// The problem with a reading at `path` (in section `section`) holding the bundle files `assets`,
/// if a path of its files is too long; reported at `span` (its `slug:`, else its front matter).
///
/// A reading in a section whose own pages are too long is left to that section's problem.
pub fn check_reading(path: &str, section: &str, assets: &[Asset], span: Span) -> Option<Diagnostic> {
    if section.len() > max_section_path() {
        return None;
    }
    let page = Route::reading(path).output_path();
    let feed = Route::reading_feed(path).output_path();
    let files = assets.iter().map(|asset| (format!("{path}/{}", asset.target), Some(asset.target.as_str())));
    let (longest, asset) = [(page, None), (feed, None)]
        .into_iter()
        .chain(files)
        .max_by_key(|(file, _)| file.len())
        .expect("a page and a feed");
    if longest.len() <= MAX_PATH {
        return None;
    }
    let own = path.rsplit('/').next().unwrap_or(path);
    let help = match asset {
        Some(name) if Route::reading_feed(path).output_path().len() <= MAX_PATH => {
            format!("give the file `{}` a shorter name: at most {} bytes fit", shortened(name), name.len() - (longest.len() - MAX_PATH))
        }
        _ => format!(
            "give the reading a shorter `slug:` (`{}` takes {} bytes; the section folders `{section}` take {}), or put it \
             in a section with shorter folder names (Windows and zip tools refuse longer paths)",
            shortened(own),
            own.len(),
            section.len()
        ),
    };
    Some(
        Diagnostic::error(
            span,
            format!(
                "this reading's files would have paths of up to {} bytes below the output folder (`{}`), more than \
                 the limit of {MAX_PATH}",
                longest.len(),
                shortened(&longest)
            ),
        )
        .with_help(help),
    )
}

/// Problems with the names of a bundle's files (`reading_file` is its `index.md`): a name Windows
/// keeps for a device (`aux.png`, `con`) or cannot store (`:`, `?`, a final dot or space).
pub fn check_file_names<'a>(assets: &'a [Asset], reading_file: &'a Path) -> impl Iterator<Item = Diagnostic> + 'a {
    assets.iter().filter_map(move |asset| {
        let bad = asset.target.split('/').find(|name| {
            slug::is_device_name(name)
                || name.ends_with(['.', ' '])
                || name.chars().any(|c| c.is_control() || "<>:\"\\|?*".contains(c))
        })?;
        let span = Span::file(reading_file.with_file_name(&asset.target));
        Some(
            Diagnostic::error(span, format!("Windows cannot store a file or folder named `{}`", clean_line(bad)))
                .with_help(
                    "rename it with letters, digits, `-`, `_` and `.`: Windows keeps `con`, `prn`, `aux`, `nul`, \
                     `com0`-`com9` and `lpt0`-`lpt9` for devices, with any extension, and refuses `< > : \" \\ | ? *`",
                ),
        )
    })
}

/// `text` cut in the middle when it is long, so that a message stays readable.
fn shortened(text: &str) -> String {
    const KEEP: usize = 40;
    if text.chars().count() <= 2 * KEEP + 1 {
        return text.to_string();
    }
    let start: String = text.chars().take(KEEP).collect();
    let end: String = text.chars().rev().take(KEEP).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{start}…{end}")
}

/// Tags and people have a page folder of one slug under a fixed name, so their paths always fit.
const _: () = assert!("authors/".len() + slug::MAX_LEN + "/page/9999/index.html".len() <= MAX_PATH);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::raw::AssetSource;

    fn asset(name: &str) -> Asset {
        Asset { target: name.to_string(), source: AssetSource::File(name.into()) }
    }

    #[test]
    fn sections_are_bounded_with_room_for_their_pages() {
        assert_eq!(max_section_path(), MAX_PATH - "/page/9999/index.html".len());
        let fits = ["a".repeat(59), "b".repeat(59), "c".repeat(59)].join("/");
        assert!(fits.len() <= max_section_path() && check_section(&fits, Span::file("x")).is_none());
        let deep = vec!["week"; 40].join("/");
        let problem = check_section(&deep, Span::file("content/x/_index.md")).expect("too long").to_string();
        assert!(problem.contains("takes 199 bytes, more than the 179"), "{problem}");
    }

    #[test]
    fn a_reading_is_too_long_by_its_slug_or_its_files() {
        // 127 bytes of section and a 60-byte slug: `comments.xml` ends at byte 201.
        let section = ["a".repeat(60), "b".repeat(60), "c".repeat(5)].join("/");
        let path = format!("{section}/{}", "s".repeat(60));
        let problem = check_reading(&path, &section, &[], Span::file("r.md")).expect("one byte too long").to_string();
        assert!(problem.contains("up to 201 bytes") && problem.contains("shorter `slug:`"), "{problem}");
        let path = format!("{section}/{}", "s".repeat(59));
        assert!(check_reading(&path, &section, &[], Span::file("r.md")).is_none());
        // A bundle file of 40 bytes where 21 fit.
        let path = format!("{section}/{}", "s".repeat(50));
        let problem = check_reading(&path, &section, &[asset(&"p".repeat(40))], Span::file("r.md"));
        let problem = problem.expect("a long file name").to_string();
        assert!(problem.contains("give the file") && problem.contains("at most 21 bytes fit"), "{problem}");
        let names: Vec<Asset> =
            ["aux.png", "ok.png", "a:b.png", "notes/CON.txt", "end.", "con-1.png"].map(asset).into();
        let refused: Vec<String> =
            check_file_names(&names, Path::new("content/r/x/index.md")).map(|d| d.span.to_string()).collect();
        assert_eq!(
            refused,
            ["content/r/x/aux.png", "content/r/x/a:b.png", "content/r/x/notes/CON.txt", "content/r/x/end."]
        );
        // Under a section whose own pages are too long, the section is the problem.
        let deep = vec!["week"; 40].join("/");
        assert!(check_reading(&format!("{deep}/x"), &deep, &[], Span::file("r.md")).is_none());
    }
}
