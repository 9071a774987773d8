//! Dates as written in front matter and threads: a day, or an RFC 3339 date-time.

use std::sync::LazyLock;

use chrono::format::{parse as parse_with, Item, Parsed, StrftimeItems};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// The forms read after RFC 3339, in order: with an offset, then local date-times, then a day.
/// Each is parsed once, not for each of a site's 100,000 comments on every build (chrono's
/// `parse_from_str` reads its format again at every call).
static WITH_OFFSET: LazyLock<Vec<Item<'static>>> = LazyLock::new(|| items("%Y-%m-%d %H:%M:%S%:z"));
static LOCAL: LazyLock<[Vec<Item<'static>>; 4]> =
    LazyLock::new(|| ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"].map(items));
static DAY: LazyLock<Vec<Item<'static>>> = LazyLock::new(|| items("%Y-%m-%d"));

fn items(format: &str) -> Vec<Item<'static>> {
    StrftimeItems::new(format).parse_to_owned().expect("the date formats above are valid")
}

/// The fields of `text` read in the form `items`, when all of it is in that form.
fn fields(text: &str, items: &[Item<'static>]) -> Option<Parsed> {
    let mut parsed = Parsed::new();
    parse_with(&mut parsed, text, items.iter()).ok()?;
    Some(parsed)
}

/// Reads `text` as a date or date-time; times without an offset are read in `zone`.
pub fn parse(text: &str, zone: Tz) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(exact) = DateTime::parse_from_rfc3339(text) {
        return Some(exact);
    }
    if let Some(exact) = fields(text, &WITH_OFFSET).and_then(|parsed| parsed.to_datetime().ok()) {
        return Some(exact);
    }
    let naive = LOCAL
        .iter()
        .find_map(|items| fields(text, items)?.to_naive_datetime_with_offset(0).ok())
        .or_else(|| fields(text, &DAY)?.to_naive_date().ok()?.and_hms_opt(0, 0, 0))?;
    in_zone(naive, zone)
}

/// A wall-clock time in `zone`; in a daylight-saving gap, the first valid time after it.
fn in_zone(naive: NaiveDateTime, zone: Tz) -> Option<DateTime<FixedOffset>> {
    (0..=3)
        .map(|hours| naive + chrono::Duration::hours(hours))
        .find_map(|t| zone.from_local_datetime(&t).earliest())
        .map(|t| t.fixed_offset())
}

/// The help shown under a date that could not be read.
pub const HELP: &str = "write a date like 2011-08-08, or a date and time like 2011-08-08T07:35:00-04:00";

/// A warning for each comment dated on a day before its reading's: most often a typo in the year
/// or month, and the page would show it before the reading it answers.
pub fn comments_before_their_reading(site: &super::Site) -> Vec<crate::diagnostics::Diagnostic> {
    let zone = &site.config.timezone;
    let day = |date: &DateTime<FixedOffset>| date.with_timezone(zone).date_naive();
    let mut found = Vec::new();
    for reading in &site.readings {
        let published = day(&reading.date);
        for comment in reading.thread.comments.iter().filter(|c| day(&c.date) < published) {
            found.push(
                crate::diagnostics::Diagnostic::warning(
                    comment.span.clone(),
                    format!(
                        "comment `{}` is dated {}, before its reading (\"{}\", {published})",
                        comment.id,
                        day(&comment.date),
                        reading.title
                    ),
                )
                .with_help("check the comment's date (often the year or the month), or the reading's date"),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_days_and_times_in_the_site_zone() {
        let zone: Tz = "America/Toronto".parse().unwrap();
        assert_eq!(parse("2011-08-08", zone).unwrap().to_rfc3339(), "2011-08-08T00:00:00-04:00");
        assert_eq!(parse("2011-12-08 09:30", zone).unwrap().to_rfc3339(), "2011-12-08T09:30:00-05:00");
        assert_eq!(
            parse("2011-08-08T07:35:00+02:00", zone).unwrap().to_rfc3339(),
            "2011-08-08T07:35:00+02:00",
            "an explicit offset wins"
        );
        assert_eq!(parse("2011-08-08T07:35:00Z", zone).unwrap().to_rfc3339(), "2011-08-08T07:35:00+00:00");
    }

    #[test]
    fn reads_every_form_it_names_and_nothing_after_it() {
        let zone: Tz = "America/Toronto".parse().unwrap();
        let forms = [
            (" 2011-08-08 07:35:00+02:00 ", "2011-08-08T07:35:00+02:00"),
            ("2011-08-08T07:35:09", "2011-08-08T07:35:09-04:00"),
            ("2011-08-08 07:35:09", "2011-08-08T07:35:09-04:00"),
            ("2011-08-08T07:35", "2011-08-08T07:35:00-04:00"),
            ("2011-08-08 07:35", "2011-08-08T07:35:00-04:00"),
        ];
        for (text, read) in forms {
            assert_eq!(parse(text, zone).map(|d| d.to_rfc3339()).as_deref(), Some(read), "{text}");
        }
        for text in ["2011-08-08 07:35 pm", "2011-08-08T25:00", "2011-02-30", "2011-08-08 07:35:00+25:00"] {
            assert!(parse(text, zone).is_none(), "{text}");
        }
    }

    #[test]
    fn a_time_in_a_daylight_saving_gap_moves_forward() {
        let zone: Tz = "America/Toronto".parse().unwrap();
        assert_eq!(parse("2011-03-13T02:30:00", zone).unwrap().to_rfc3339(), "2011-03-13T03:30:00-04:00");
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for text in ["yesterday", "2011-13-01", "08/08/2011", ""] {
            assert!(parse(text, Tz::UTC).is_none(), "{text}");
        }
    }
}
