//! Slugs: the URL segments of readings, people, tags and sections.

/// The longest slug: a page's folder name stays far from every file system's limit (255 bytes on
/// Linux and macOS, 260 for a whole path on Windows), whatever the length of the name it comes from.
pub const MAX_LEN: usize = 60;

/// Names Windows keeps for devices: a folder cannot have one, whatever its case.
const DEVICE_NAMES: &[&str] = &["con", "prn", "aux", "nul"];

/// The slug of any name: lowercase ASCII letters and digits joined by `-` (may be empty), at most
/// [`MAX_LEN`] bytes, never a name Windows keeps for a device.
///
/// A longer slug is cut at a dash and ends with eight hex digits of a hash of the whole, so two long
/// names that begin alike still get two slugs; a device name gets `-1` (`con-1`).
pub fn of(name: &str) -> String {
    let slug = slug::slugify(name);
    let slug = if slug.len() > MAX_LEN { shorten(&slug) } else { slug };
    if is_device_name(&slug) {
        format!("{slug}-1")
    } else {
        slug
    }
}

/// `slug` (ASCII, longer than [`MAX_LEN`]) cut to length, keeping whole words where it can.
fn shorten(slug: &str) -> String {
    let hash = blake3::hash(slug.as_bytes()).to_hex();
    let keep = MAX_LEN - 9;
    let cut = slug[..=keep].rfind('-').filter(|&at| at >= keep / 2).unwrap_or(keep);
    format!("{}-{}", slug[..cut].trim_end_matches('-'), &hash[..8])
}

/// Whether Windows refuses a file or folder of this name: `con`, `aux`, `com1`, `lpt9` and the rest.
pub fn is_device_name(slug: &str) -> bool {
    let stem = slug.split('.').next().unwrap_or(slug).to_ascii_lowercase();
    DEVICE_NAMES.contains(&stem.as_str())
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// The help for a slug [`is_valid`] refuses: why, and a slug that would do.
pub fn fix(slug: &str) -> String {
    let suggestion = of(slug);
    if is_device_name(slug) {
        format!("Windows keeps the name `{slug}` for a device and cannot store it; use another, like `{suggestion}`")
    } else if slug.len() > MAX_LEN {
        format!("use at most {MAX_LEN} lowercase letters, digits and dashes, like `{suggestion}`")
    } else {
        format!("use lowercase letters, digits and dashes, like `{suggestion}`")
    }
}

/// The default slug of a reading: its file or bundle name without a leading `YYYY-MM-DD-`.
pub fn from_file_name(name: &str) -> String {
    of(strip_date_prefix(name))
}

fn strip_date_prefix(name: &str) -> &str {
    let bytes = name.as_bytes();
    let shaped = bytes.len() > 11
        && bytes[..10].iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
        && bytes[10] == b'-';
    if shaped {
        &name[11..]
    } else {
        name
    }
}

/// True when `slug` can be used as one URL segment, and folder name on any system, as it is.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_LEN
        && !is_device_name(slug)
        && !slug.starts_with(['-', '_'])
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_date() {
        assert_eq!(from_file_name("2011-08-08-client-centred-focus"), "client-centred-focus");
        assert_eq!(from_file_name("leader-rounding"), "leader-rounding");
        assert_eq!(from_file_name("2011-08-08"), "2011-08-08");
        assert_eq!(from_file_name("My First Reading"), "my-first-reading");
    }

    #[test]
    fn only_plain_segments_are_valid() {
        assert!(is_valid("week-1_intro"));
        for bad in ["", "../x", "a/b", "A", "a b", ".hidden", "-x", "é"] {
            assert!(!is_valid(bad), "{bad}");
        }
        assert_eq!(of("Zoë Ng"), "zoe-ng");
        for device in ["con", "aux", "com1", "lpt9", "nul"] {
            assert!(!is_valid(device), "{device}");
        }
        assert!(is_valid("com") && is_valid("console") && is_valid("com10"));
        assert!(!is_valid(&"a".repeat(MAX_LEN + 1)));
    }

    #[test]
    fn slugs_are_bounded_readable_and_never_device_names() {
        for (name, slug) in
            [("CON", "con-1"), ("Aux", "aux-1"), ("nul", "nul-1"), ("COM1", "com1-1"), ("Con O'Neill", "con-o-neill")]
        {
            assert_eq!(of(name), slug);
        }
        let long = "A name that goes on and on ".repeat(12);
        let other = format!("{long} but ends differently");
        let (a, b) = (of(&long), of(&other));
        assert!(a.len() <= MAX_LEN && b.len() <= MAX_LEN, "{a} {b}");
        assert!(a.starts_with("a-name-that-goes-on-and-on-a-name"), "{a}");
        assert_ne!(a, b);
        assert!(is_valid(&a) && is_valid(&b));
        let cjk = of(&"漢字".repeat(35));
        assert!(cjk.len() <= MAX_LEN && is_valid(&cjk), "{cjk}");
        assert!(fix("con").contains("Windows") && fix(&"a".repeat(80)).contains("at most"));
    }
}
