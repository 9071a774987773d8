//! The weekly rhythm: which comments a report counts (`--from`, `--to`), and whether each person
//! reflected and replied by the due dates of a week's readings.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use crate::model::{PersonId, Reading, Site};

/// The days a report covers, and the moment it is made (to tell "missing" from "not due yet").
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The first day counted (inclusive), in the site's timezone.
    pub from: Option<NaiveDate>,
    /// The last day counted (inclusive).
    pub to: Option<NaiveDate>,
    /// Now.
    pub now: DateTime<Utc>,
}

impl Window {
    /// Every day, as of now.
    pub fn all() -> Window {
        Window { from: None, to: None, now: Utc::now() }
    }

    /// True when `date` falls on a day the report covers.
    pub fn covers(&self, site: &Site, date: &DateTime<FixedOffset>) -> bool {
        let day = date.with_timezone(&site.config.timezone).date_naive();
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }
}

/// Whether a person did what was due, for one week; the worst of the week's readings counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Done by the due date.
    OnTime,
    /// Not done, and not due yet.
    NotDue,
    /// Done after the due date.
    Late,
    /// Not done, and the due date has passed.
    Missing,
}

impl Status {
    /// The word the report shows.
    pub fn word(self) -> &'static str {
        match self {
            Status::OnTime => "on time",
            Status::NotDue => "not due yet",
            Status::Late => "late",
            Status::Missing => "missing",
        }
    }
}

/// A person's reflection and reply status in each week (by column), where a reading of the week has a
/// due date.
pub type Statuses = Vec<(Option<Status>, Option<Status>)>;

/// The statuses of `people`, week by week; `column` maps a week number to its place.
pub fn statuses(
    site: &Site,
    window: &Window,
    people: &[PersonId],
    column: &BTreeMap<u32, usize>,
) -> BTreeMap<PersonId, Statuses> {
    let mut all: BTreeMap<PersonId, Statuses> = people.iter().map(|&p| (p, vec![(None, None); column.len()])).collect();
    for reading in &site.readings {
        let Some(&week) = reading.week.and_then(|w| column.get(&w)) else { continue };
        for (&person, weeks) in all.iter_mut() {
            let (reflection, reply) = &mut weeks[week];
            let first = |replies: bool| first_post(site, window, reading, person, replies);
            if let Some(due) = reading.due.reflections {
                worst(reflection, status(first(false), due, window.now));
            }
            if let Some(due) = reading.due.replies {
                worst(reply, status(first(true), due, window.now));
            }
        }
    }
    all
}

fn worst(slot: &mut Option<Status>, status: Status) {
    *slot = Some(slot.map_or(status, |s| s.max(status)));
}

fn status(done: Option<DateTime<FixedOffset>>, due: DateTime<FixedOffset>, now: DateTime<Utc>) -> Status {
    match done {
        Some(date) if date <= due => Status::OnTime,
        Some(_) => Status::Late,
        None if now > due => Status::Missing,
        None => Status::NotDue,
    }
}

/// The person's first counted reflection on `reading` (or first reply to someone else).
fn first_post(
    site: &Site,
    window: &Window,
    reading: &Reading,
    person: PersonId,
    replies: bool,
) -> Option<DateTime<FixedOffset>> {
    let comments = &reading.thread.comments;
    comments
        .iter()
        .filter(|c| c.is_published() && c.author == Some(person) && window.covers(site, &c.date))
        .filter(|c| match c.parent {
            None => !replies,
            Some(parent) => replies && comments[parent].author != Some(person),
        })
        .map(|c| c.date)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_on_time_late_missing_or_open() {
        let due = DateTime::parse_from_rfc3339("2011-08-12T23:59:59-04:00").unwrap();
        let before = DateTime::parse_from_rfc3339("2011-08-12T20:00:00-04:00").unwrap();
        let after = DateTime::parse_from_rfc3339("2011-08-13T08:00:00-04:00").unwrap();
        let now = after.with_timezone(&Utc);
        assert_eq!(status(Some(before), due, now), Status::OnTime);
        assert_eq!(status(Some(after), due, now), Status::Late);
        assert_eq!(status(None, due, now), Status::Missing);
        assert_eq!(status(None, due, before.with_timezone(&Utc)), Status::NotDue);
        let mut week = Some(Status::OnTime);
        worst(&mut week, Status::Late);
        worst(&mut week, Status::NotDue);
        assert_eq!(week, Some(Status::Late), "a week is as good as its worst reading");
    }
}
