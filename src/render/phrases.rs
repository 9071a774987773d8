//! Words made from data for people to read: names joined, initials, avatar colours, dates in words.

use crate::language::Language;

/// The last day after its reading on which a comment's date is said in words; later (or earlier,
/// before the reading) the date itself says more than "56 months after".
pub const RELATIVE_DAYS: i64 = 27;

/// A comment's date in words, relative to its reading's day, within `RELATIVE_DAYS` after it; else
/// none, and the page shows the date. Counted at build time from the two dates, never from today,
/// so a page reads the same on every build and needs no script.
pub fn after_reading(language: &Language, days: i64) -> Option<String> {
    match days {
        0 => Some(language.say("day_of_reading", None, &[])),
        1..=13 => Some(language.say("days_after_reading", Some(days), &[])),
        14..=RELATIVE_DAYS => Some(language.say("weeks_after_reading", Some(days / 7), &[])),
        _ => None,
    }
}

/// "A", "A and B", "A, B and C", with the language's "and".
pub fn join_names(language: &Language, names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} {} {last}", rest.join(", "), language.say("and", None, &[]))),
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
    fn comment_dates_read_relative_to_the_reading_only_within_weeks() {
        let en = Language::default();
        let words = |days| after_reading(&en, days);
        assert_eq!(words(-3), None, "before the reading: the date");
        assert_eq!(words(0).unwrap(), "the day of the reading");
        assert_eq!(words(1).unwrap(), "the day after the reading");
        assert_eq!(words(13).unwrap(), "13 days after the reading");
        assert_eq!(words(20).unwrap(), "2 weeks after the reading");
        assert_eq!(words(RELATIVE_DAYS + 1), None, "long after: the date");
        let fr = Language::new("fr", None, &mut crate::diagnostics::Diagnostics::new());
        assert_eq!(after_reading(&fr, 3).unwrap(), "3 jours après la lecture");
    }

    #[test]
    fn names_join_like_a_sentence() {
        let en = Language::default();
        let names = |n: &[&str]| join_names(&en, &n.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&[]), None);
        assert_eq!(names(&["A", "B"]).unwrap(), "A and B");
        assert_eq!(names(&["A", "B", "C"]).unwrap(), "A, B and C");
    }
}
