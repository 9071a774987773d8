//! Slugs: the URL segments of readings, people, tags and sections.

/// The slug of any name: lowercase ASCII letters and digits joined by `-` (may be empty).
pub fn of(name: &str) -> String {
    slug::slugify(name)
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

/// True when `slug` can be used as one URL segment as it is.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
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
    }
}
