//! Which reading a person means: a slug, an address, a file name or a file path.

use std::path::{Path, PathBuf};

use super::new::{join, slug_of};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::raw::RawReading;
use crate::load::SourceSite;

/// The index in `source.readings` of the one reading `wanted` names.
///
/// Tried in turn: an existing file or folder of a reading (its Markdown file,
/// bundle folder or thread file), its address (`/readings/trust/`, with or
/// without the site's base_url), a link that ends with its address (copied from
/// pages opened from the disk, or relative), its slug or its file name. Several readings
/// with one slug, or none, is an error listing the candidates.
pub fn reading(source: &SourceSite, root: &Path, wanted: &str) -> Result<usize, Diagnostics> {
    let wanted = wanted.trim();
    if let Some(index) = by_file(source, root, wanted) {
        return Ok(index);
    }
    let address = address_of(wanted, &source.config.base_url.root);
    let addresses: Vec<String> = source.readings.iter().map(|r| join(&r.section, &slug_of(r))).collect();
    let found: Vec<usize> = (0..addresses.len()).filter(|&i| address.iter().any(|a| *a == addresses[i])).collect();
    // A link copied from the built site opened from the disk, or a relative one, ends with the address:
    // `file:///home/ana/site/public/readings/trust/index.html`, `../../readings/trust/index.html`.
    let found = if found.is_empty() {
        let path = address.first().map(String::as_str).unwrap_or_default();
        (0..addresses.len()).filter(|&i| path.ends_with(&format!("/{}", addresses[i]))).collect()
    } else {
        found
    };
    let found = if found.is_empty() {
        let last = address.first().map(String::as_str).unwrap_or_default();
        (0..addresses.len())
            .filter(|&i| slug_of(&source.readings[i]) == last || source.readings[i].name == last)
            .collect()
    } else {
        found
    };
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(unknown(wanted, address.first().map(String::as_str).unwrap_or_default(), &addresses)),
        many => {
            let files: Vec<String> = many
                .iter()
                .map(|&i| format!("/{}/ ({})", addresses[i], source.readings[i].span.path.display()))
                .collect();
            Err(Diagnostic::command("reply", format!("`{wanted}` names more than one reading"))
                .with_help(format!("name one by its address: {}", files.join(", ")))
                .into())
        }
    }
}

/// The reading whose Markdown file, bundle folder or thread file is at `wanted`.
fn by_file(source: &SourceSite, root: &Path, wanted: &str) -> Option<usize> {
    let given = [PathBuf::from(wanted), root.join(wanted)].into_iter().find_map(|p| p.canonicalize().ok())?;
    source.readings.iter().position(|reading| files_of(root, reading).contains(&given))
}

/// The paths a person may give for `reading`, in canonical form.
fn files_of(root: &Path, reading: &RawReading) -> Vec<PathBuf> {
    let Ok(markdown) = root.join(&reading.span.path).canonicalize() else {
        return Vec::new();
    };
    let mut files = Vec::new();
    let bundle = markdown.file_name().is_some_and(|name| name == "index.md");
    match markdown.parent() {
        Some(folder) if bundle => files.push(folder.to_path_buf()),
        _ => {
            let stem = markdown.with_extension("");
            files.extend(["yaml", "yml"].map(|ext| PathBuf::from(format!("{}.comments.{ext}", stem.display()))));
        }
    }
    files.push(markdown);
    files
}

/// `wanted` as a reading address without slashes at the ends; a second form without the base path.
fn address_of(wanted: &str, base_root: &str) -> Vec<String> {
    let mut path = wanted;
    for scheme in ["https://", "http://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            path = rest.find('/').map_or("", |at| &rest[at..]);
        }
    }
    let path = path.split(['#', '?']).next().unwrap_or_default();
    let path = path.strip_suffix("index.html").unwrap_or(path).trim_matches('/');
    let mut forms = vec![path.to_string()];
    let base = base_root.trim_matches('/');
    if let Some(rest) = path.strip_prefix(base).filter(|r| !base.is_empty() && r.starts_with('/')) {
        forms.push(rest.trim_matches('/').to_string());
    }
    forms
}

fn unknown(wanted: &str, address: &str, addresses: &[String]) -> Diagnostics {
    let slug = |a: &str| a.rsplit('/').next().unwrap_or_default().to_string();
    let mut close: Vec<(usize, &String)> = addresses
        .iter()
        .map(|a| (strsim::levenshtein(address, a).min(strsim::levenshtein(address, &slug(a))), a))
        .filter(|(distance, _)| *distance <= (address.len() / 3).max(2))
        .collect();
    close.sort();
    let help = if close.is_empty() {
        let mut all: Vec<String> = addresses.iter().map(|a| slug(a)).collect();
        all.sort();
        let shown: Vec<String> = all.iter().take(8).map(|s| format!("`{s}`")).collect();
        let more = if all.len() > 8 { format!(" and {} more", all.len() - 8) } else { String::new() };
        format!("name a reading by its slug, address or file; this site's readings are {}{more}", shown.join(", "))
    } else {
        let names: Vec<String> = close.iter().take(3).map(|(_, a)| format!("`{}`", slug(a))).collect();
        format!("did you mean {}?", names.join(" or "))
    };
    Diagnostic::command("reply", format!("no reading is called `{wanted}`")).with_help(help).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lose_host_base_path_and_page_name() {
        assert_eq!(address_of("/readings/trust/", "/"), ["readings/trust"]);
        assert_eq!(
            address_of("https://example.org/cohort/readings/trust/index.html#comment-c1", "/cohort/"),
            ["cohort/readings/trust", "readings/trust"]
        );
        assert_eq!(address_of("trust", "/cohort/"), ["trust"]);
    }
}
