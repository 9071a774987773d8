//! The report as CSV, for a spreadsheet: one row per person and week, then one for all weeks.
//!
//! Fields are quoted when they hold a comma, a quote or a line break. A field
//! that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return) gets a leading `'`, since names are typed by members.

use chrono::{DateTime, FixedOffset};

use super::{Counts, Participation, Row, Status};

/// The columns, in order.
const HEADER: [&str; 14] = [
    "name",
    "role",
    "group",
    "expected",
    "week",
    "comments",
    "reflections",
    "replies_given",
    "replies_received",
    "words",
    "earliest",
    "latest",
    "reflection_due",
    "reply_due",
];

/// The whole table, lines ending in CRLF as RFC 4180 says.
pub fn render(participation: &Participation) -> String {
    let mut out = String::new();
    line(&mut out, HEADER.iter().map(|h| h.to_string()));
    let groups = [
        ("member", &participation.members),
        ("guest", &participation.guests),
        ("facilitator", &participation.facilitators),
    ];
    for (group, rows) in groups {
        for row in rows.iter() {
            for (week, counts) in participation.weeks.iter().zip(&row.weeks) {
                person_line(&mut out, row, group, &week.to_string(), counts);
            }
            person_line(&mut out, row, group, "all", &row.total);
        }
    }
    out
}

fn person_line(out: &mut String, row: &Row, group: &str, week: &str, counts: &Counts) {
    let fields = [
        row.name.clone(),
        row.role.clone().unwrap_or_default(),
        group.to_string(),
        if row.expected { "yes" } else { "no" }.to_string(),
        week.to_string(),
        counts.comments.to_string(),
        counts.reflections.to_string(),
        counts.replies_given.to_string(),
        counts.replies_received.to_string(),
        counts.words.to_string(),
        time(counts.earliest),
        time(counts.latest),
        counts.reflection.map(Status::word).unwrap_or_default().to_string(),
        counts.reply.map(Status::word).unwrap_or_default().to_string(),
    ];
    line(out, fields.into_iter());
}

/// A post's time as a spreadsheet reads it, in the site's timezone.
fn time(date: Option<DateTime<FixedOffset>>) -> String {
    date.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    let cells: Vec<String> = fields.map(|f| field(&f)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// One cell: defused against formulas, then quoted if needed.
fn field(text: &str) -> String {
    let defused =
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Ana"), "Ana");
        assert_eq!(field("Okafor, Ben"), "\"Okafor, Ben\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-1"), "'-1");
    }
}
