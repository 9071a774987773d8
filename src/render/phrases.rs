//! Words made from data for people to read: names joined, initials, avatar colours, dates in words.

/// A comment's date in words, relative to its reading's day. Counted at build time from the two
/// dates, never from today, so a page reads the same on every build and needs no script.
pub fn after_reading(days: i64) -> String {
    match days {
        ..=-2 => format!("{} days before the reading", -days),
        -1 => "the day before the reading".to_string(),
        0 => "the day of the reading".to_string(),
        1 => "the day after the reading".to_string(),
        2..=13 => format!("{days} days after the reading"),
        14..=59 => format!("{} weeks after the reading", days / 7),
        _ => format!("{} months after the reading", days / 30),
    }
}

/// "A", "A and B", "A, B and C".
pub fn join_names(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// How many avatar colours `tint` chooses from.
const TINTS: u32 = 6;

/// A colour index from a person's slug: a sum of its bytes, so it never changes between builds.
pub fn tint(slug: &str) -> u32 {
    slug.bytes().map(u32::from).sum::<u32>() % TINTS
}

/// The first letters of the first and last words of a name, uppercased.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> =
        name.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphanumeric)).collect();
    let first = |w: &&str| w.chars().next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    match words.as_slice() {
        [] => "?".to_string(),
        [only] => first(only),
        [a, .., b] => format!("{}{}", first(a), first(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_use_first_and_last_words() {
        assert_eq!(initials("Athena Loopstra"), "AL");
        assert_eq!(initials("benjamin"), "B");
        assert_eq!(initials("Guest Principal Rao"), "GR");
        assert_eq!(initials("¿?"), "?");
        assert_eq!(initials("élodie (Montréal) roy"), "ÉR");
    }

    #[test]
    fn comment_dates_read_relative_to_the_reading() {
        assert_eq!(after_reading(-3), "3 days before the reading");
        assert_eq!(after_reading(-1), "the day before the reading");
        assert_eq!(after_reading(0), "the day of the reading");
        assert_eq!(after_reading(1), "the day after the reading");
        assert_eq!(after_reading(13), "13 days after the reading");
        assert_eq!(after_reading(20), "2 weeks after the reading");
        assert_eq!(after_reading(95), "3 months after the reading");
    }

    #[test]
    fn names_join_like_a_sentence() {
        let names = |n: &[&str]| join_names(&n.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&[]), None);
        assert_eq!(names(&["A", "B"]).unwrap(), "A and B");
        assert_eq!(names(&["A", "B", "C"]).unwrap(), "A, B and C");
    }
}
