//! Due dates: reflections by `due:`, replies by `replies_due:` on a reading, or relative to each
//! reading's date from its section's `due_after:` / `replies_due_after:`.
//!
//! A due day without a time means the end of that day (a reflection posted on the Friday it is due is
//! on time), and so does a duration in days or weeks; a duration in hours counts from the reading's
//! exact time.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use chrono_tz::Tz;

use super::dates;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::language::Language;
use crate::load::raw::{FrontMatter, RawSection};
use crate::load::yaml::KeySpans;

/// The help shown under a duration that could not be read.
pub const DURATION_HELP: &str = "write a number and a unit, like `4 days`, `1 week` or `36 hours`";

/// When a reading's reflections and replies are due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Due {
    /// Reflections (top-level comments) by then.
    pub reflections: Option<DateTime<FixedOffset>>,
    /// Replies to a colleague by then.
    pub replies: Option<DateTime<FixedOffset>>,
}

/// A time after a reading's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Whole days: due at the end of the reading's day plus these.
    Days(i64),
    /// Hours from the reading's exact time.
    Hours(i64),
}

/// A section's `due_after` and `replies_due_after`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relative {
    /// `due_after`.
    pub reflections: Option<After>,
    /// `replies_due_after`.
    pub replies: Option<After>,
}

/// Reads `4 days`, `1 week`, `2 weeks`, `36 hours` (singular or plural, any case).
pub fn parse_after(text: &str) -> Option<After> {
    let mut words = text.split_whitespace();
    let count: i64 = words.next()?.parse().ok().filter(|n| (0..=3660).contains(n))?;
    let unit = words.next()?.to_lowercase();
    if words.next().is_some() {
        return None;
    }
    match unit.trim_end_matches('s') {
        "day" => Some(After::Days(count)),
        "week" => Some(After::Days(count * 7)),
        "hour" => Some(After::Hours(count)),
        _ => None,
    }
}

/// The rules of each section that sets any, by section path; bad durations are reported.
pub fn section_rules(sections: &[RawSection], problems: &mut Diagnostics) -> HashMap<String, Relative> {
    let mut rules = HashMap::new();
    for section in sections {
        let Some(index) = &section.index else { continue };
        let mut read = |key: &str, text: &Option<String>| {
            let text = text.as_deref()?;
            let after = parse_after(text);
            if after.is_none() {
                problems.push(
                    Diagnostic::error(index.keys.of(key), format!("{key} `{text}` is not a duration"))
                        .with_help(DURATION_HELP),
                );
            }
            after
        };
        let relative = Relative {
            reflections: read("due_after", &index.front.due_after),
            replies: read("replies_due_after", &index.front.replies_due_after),
        };
        if relative != Relative::default() {
            rules.insert(section.path.clone(), relative);
        }
    }
    rules
}

/// The rule of `section` or of the nearest section above it that sets one.
pub fn rule_for(section: &str, rules: &HashMap<String, Relative>) -> Relative {
    let mut path = section;
    loop {
        if let Some(rule) = rules.get(path) {
            return *rule;
        }
        match path.rsplit_once('/') {
            Some((up, _)) => path = up,
            None => return Relative::default(),
        }
    }
}

/// A reading's due dates: its own `due:` / `replies_due:` first, else its section's rule.
pub fn resolve(
    front: &FrontMatter,
    keys: &KeySpans,
    date: DateTime<FixedOffset>,
    rule: Relative,
    zone: Tz,
    problems: &mut Diagnostics,
) -> Due {
    let mut own = |key: &str, text: &Option<String>| -> Option<(DateTime<FixedOffset>, Span)> {
        let text = text.as_deref()?;
        let span = keys.of(key);
        match parse_due(text, zone) {
            Some(due) => Some((due, span)),
            None => {
                problems.push(Diagnostic::error(span, format!("{key} `{text}` is not a date")).with_help(dates::HELP));
                None
            }
        }
    };
    let reflections = own("due", &front.due);
    let replies = own("replies_due", &front.replies_due);
    let relative = |after: Option<After>| after.map(|a| add(date, a, zone));
    let mut check = |found: Option<(DateTime<FixedOffset>, Span)>, what: &str, fallback| match found {
        Some((due, span)) if due < date => {
            problems.push(
                Diagnostic::error(span, format!("{what} are due before the reading is published"))
                    .with_help("give a due date on or after the reading's `date:`"),
            );
            None
        }
        Some((due, _)) => Some(due),
        None => fallback,
    };
    let due = Due {
        reflections: check(reflections, "reflections", relative(rule.reflections)),
        replies: check(replies.clone(), "replies", relative(rule.replies)),
    };
    if let (Some(first), Some(then), Some((_, span))) = (due.reflections, due.replies, replies) {
        if then < first {
            problems.push(
                Diagnostic::warning(span, "replies are due before the reflections they answer")
                    .with_help("set `replies_due:` on or after `due:`"),
            );
        }
    }
    due
}

/// A due date: a day alone means the end of that day.
fn parse_due(text: &str, zone: Tz) -> Option<DateTime<FixedOffset>> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(day) => Some(end_of(day, zone)),
        Err(_) => dates::parse(text, zone),
    }
}

fn add(date: DateTime<FixedOffset>, after: After, zone: Tz) -> DateTime<FixedOffset> {
    match after {
        After::Days(days) => end_of(date.with_timezone(&zone).date_naive() + Duration::days(days), zone),
        After::Hours(hours) => date + Duration::hours(hours),
    }
}

/// The last second of `day` in `zone`.
fn end_of(day: NaiveDate, zone: Tz) -> DateTime<FixedOffset> {
    let text = format!("{}T23:59:59", day.format("%Y-%m-%d"));
    dates::parse(&text, zone).expect("the end of a day is a valid time")
}

/// A due date of a reading dated `reading`, in words, in the site's zone and `language`: `Friday 12
/// August`, with the time when it is not the end of the day (`Friday 12 August, 17:00`) and the year
/// when it is not the reading's; the forms are the language's `due_day`, `due_day_time`,
/// `due_day_year` and `due_day_year_time`.
pub fn in_words(due: &DateTime<FixedOffset>, reading: &DateTime<FixedOffset>, zone: Tz, language: &Language) -> String {
    let local = due.with_timezone(&zone);
    let year = if local.year() == reading.with_timezone(&zone).year() { "" } else { "_year" };
    let time = if local.format("%H:%M:%S").to_string() == "23:59:59" { "" } else { "_time" };
    let format = language.say(&format!("due_day{year}{time}"), None, &[]);
    language.format_date(local, &format, |format| local.format(format).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_in_days_weeks_and_hours() {
        assert_eq!(parse_after("4 days"), Some(After::Days(4)));
        assert_eq!(parse_after("1 Week"), Some(After::Days(7)));
        assert_eq!(parse_after("36 hours"), Some(After::Hours(36)));
        assert_eq!(parse_after(" 0 day "), Some(After::Days(0)));
        for bad in ["four days", "4", "4 fortnights", "-1 days", "4 days later", ""] {
            assert_eq!(parse_after(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_due_day_ends_at_midnight_and_reads_in_words() {
        let zone: Tz = "America/Toronto".parse().unwrap();
        let reading = dates::parse("2011-08-08", zone).unwrap();
        let friday = add(reading, After::Days(4), zone);
        assert_eq!(friday.to_rfc3339(), "2011-08-12T23:59:59-04:00");
        let (en, fr) = (Language::default(), Language::new("fr", None, &mut Diagnostics::new()));
        assert_eq!(in_words(&friday, &reading, zone, &en), "Friday 12 August");
        assert_eq!(in_words(&friday, &reading, zone, &fr), "vendredi 12 août");
        assert_eq!(parse_due("2011-08-12", zone), Some(friday));
        let later = add(reading, After::Hours(17), zone);
        assert_eq!(in_words(&later, &reading, zone, &en), "Monday 8 August, 17:00");
        assert_eq!(in_words(&later, &reading, zone, &fr), "lundi 8 août à 17 h 00");
        let next_year = add(reading, After::Days(150), zone);
        assert_eq!(in_words(&next_year, &reading, zone, &en), "Thursday 5 January 2012");
        let at_noon = add(reading, After::Hours(150 * 24 + 4), zone);
        assert_eq!(in_words(&at_noon, &reading, zone, &fr), "jeudi 5 janvier 2012 à 3 h 00");
    }

    #[test]
    fn a_section_rule_applies_below_it() {
        let mut rules = HashMap::new();
        let rule = Relative { reflections: Some(After::Days(4)), replies: None };
        rules.insert("summer".to_string(), rule);
        assert_eq!(rule_for("summer/week-1", &rules), rule);
        assert_eq!(rule_for("autumn", &rules), Relative::default());
    }
}
