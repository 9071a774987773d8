//! Due dates and the weekly rhythm: the due line on a reading's page, on time / late / missing in the
//! report, who answers whom, one voice carrying a thread, `--from`/`--to`, and bad due dates.
//!
//! The cohort (`fixtures/cohort-rhythm/`): week 1's reflections are due two days after the reading
//! and replies four days after (the section's `due_after`); week 2's reading sets its own; week 3's
//! are not due before 2099. Ana is on time but for a late reply in week 2; Ben reflects late in week
//! 1; Cy never writes (his one comment waits for approval); Dee answers only herself and writes most
//! of week 2's thread.

mod common;

use std::fs;
use std::path::Path;

use common::{build, copy_fixture, fixture, roundtable};
use serde_json::{json, Value};

fn report(root: &Path, extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["report", "--root", root.to_str().unwrap(), "--out", out.path().to_str().unwrap()];
    args.extend(extra);
    let output = roundtable(args);
    (out, output)
}

fn json_report(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    let (out, output) = report(&fixture("cohort-rhythm"), &args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&fs::read(out.path().join("participation.json")).unwrap()).unwrap()
}

fn person<'a>(report: &'a Value, name: &str) -> &'a Value {
    let rows = report["members"].as_array().unwrap().iter().chain(report["facilitators"].as_array().unwrap());
    rows.into_iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("no row for {name}"))
}

/// (reflection, reply) week by week.
fn statuses(row: &Value) -> Vec<(Value, Value)> {
    row["weeks"].as_array().unwrap().iter().map(|w| (w["reflection"].clone(), w["reply"].clone())).collect()
}

#[test]
fn each_person_is_on_time_late_or_missing_week_by_week() {
    let report = json_report(&[]);
    assert_eq!(report["weeks"], json!([1, 2, 3]));
    let s = |a: &str, b: Option<&str>| (json!(a), b.map_or(Value::Null, |b| json!(b)));
    assert_eq!(
        statuses(person(&report, "Ana Silva")),
        [s("on_time", Some("on_time")), s("on_time", Some("late")), s("not_due", Some("not_due"))]
    );
    assert_eq!(
        statuses(person(&report, "Ben Ode")),
        [s("late", Some("late")), s("on_time", Some("on_time")), s("not_due", Some("not_due"))]
    );
    assert_eq!(
        statuses(person(&report, "Cy Quiet")),
        [s("missing", Some("missing")), s("missing", Some("missing")), s("not_due", Some("not_due"))],
        "a comment waiting for approval does not count"
    );
    assert_eq!(
        statuses(person(&report, "Dee Long")),
        [s("on_time", Some("missing")), s("on_time", Some("missing")), s("not_due", Some("not_due"))],
        "answering oneself is no reply to a colleague"
    );
}

#[test]
fn words_and_earliest_and_latest_posts_are_counted() {
    let report = json_report(&[]);
    let ana = person(&report, "Ana Silva");
    assert_eq!(ana["total"]["words"], 17);
    assert_eq!(ana["total"]["earliest"], "2024-01-02T09:00:00Z");
    assert_eq!(ana["total"]["latest"], "2024-01-12T09:00:00Z");
    assert_eq!(ana["weeks"][0]["latest"], "2024-01-05T10:00:00Z");
    assert_eq!(person(&report, "Cy Quiet")["total"]["words"], 0);
}

#[test]
fn the_grid_shows_who_answers_whom() {
    let report = json_report(&[]);
    assert_eq!(report["conversation_names"], json!(["Ana Silva", "Ben Ode", "Cy Quiet", "Dee Long", "Fay Lead"]));
    assert_eq!(
        report["answers"],
        json!([
            [0, 1, 0, 1, 0], // Ana answered Ben and Dee
            [1, 0, 0, 1, 0], // Ben answered Ana and Dee
            [0, 0, 0, 0, 0], // Cy answered no one
            [0, 0, 0, 0, 0], // Dee answered only herself
            [1, 0, 0, 0, 0], // Fay answered Ana
        ])
    );
}

#[test]
fn one_voice_over_forty_percent_of_a_thread_is_noted() {
    let report = json_report(&[]);
    let notes = report["dominant_voices"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["reading"], "Two");
    assert_eq!(notes[0]["author"], "Dee Long");
    assert_eq!(notes[0]["writers"], 3);
    assert!(notes[0]["percent"].as_u64().unwrap() > 40);
}

#[test]
fn from_and_to_count_only_the_days_between() {
    let report = json_report(&["--from", "2024-01-04", "--to", "2024-01-08"]);
    assert_eq!(report["from"], "2024-01-04");
    assert_eq!(report["to"], "2024-01-08");
    let ana = person(&report, "Ana Silva");
    assert_eq!(ana["total"]["comments"], 1, "only Ana's reply of 5 January is in the window");
    let ben = person(&report, "Ben Ode");
    assert_eq!(ben["total"]["comments"], 3);
    assert_eq!(
        report["conversation_names"],
        json!(["Ana Silva", "Ben Ode", "Cy Quiet", "Dee Long"]),
        "Fay wrote nothing then"
    );
    assert_eq!(report["answers"][0], json!([0, 1, 0, 0]));
    let bad = report_fails(&["--from", "2024-01-09", "--to", "2024-01-08"]);
    assert!(bad.contains("--from 2024-01-09 is after --to 2024-01-08"), "{bad}");
    let bad = report_fails(&["--from", "last week"]);
    assert!(bad.contains("`last week` is not a day"), "{bad}");
}

fn report_fails(extra: &[&str]) -> String {
    let (_, output) = report(&fixture("cohort-rhythm"), extra);
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn csv_and_html_show_the_rhythm() {
    let (out, output) = report(&fixture("cohort-rhythm"), &["--format", "csv"]);
    assert!(output.status.success());
    let csv = fs::read_to_string(out.path().join("participation.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("words,earliest,latest,reflection_due,reply_due"), "{header}");
    assert!(
        csv.contains("Ben Ode,member,member,yes,1,2,1,1,1,9,2024-01-04 09:00,2024-01-06 10:00,late,late\r\n"),
        "{csv}"
    );
    let (out, output) = report(&fixture("cohort-rhythm"), &[]);
    assert!(output.status.success());
    let html = fs::read_to_string(out.path().join("participation.html")).unwrap();
    assert!(html.contains(r#"<small class="late">reflection late</small>"#));
    assert!(html.contains(r#"<small class="missing">reply missing</small>"#));
    assert!(html.contains("Who answers whom") && html.contains("@media print"));
    assert!(html.contains("Dee Long wrote"));
    for outside in ["http://", "https://", "src="] {
        let outside_requests = html.match_indices(outside).filter(|(i, _)| !html[..*i].ends_with("href=\"")).count();
        assert_eq!(outside_requests, 0, "{outside} in the report outside a link");
    }
}

#[test]
fn the_reading_page_gives_its_due_dates_in_words() {
    let site = fixture("cohort-rhythm");
    let out = tempfile::tempdir().unwrap();
    let output = build(&site, out.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let one = fs::read_to_string(out.path().join("week/one/index.html")).unwrap();
    assert!(
        one.contains(r#"Reflections by <time datetime="2024-01-03T23:59:59+00:00">Wednesday 3 January</time>"#),
        "{one}"
    );
    assert!(one.contains(r#"replies by <time datetime="2024-01-05T23:59:59+00:00">Friday 5 January</time>"#));
    let two = fs::read_to_string(out.path().join("week/two/index.html")).unwrap();
    assert!(two.contains(">Thursday 11 January, 17:00</time>"), "a due time that is not the day's end is shown");
    let three = fs::read_to_string(out.path().join("week/three/index.html")).unwrap();
    assert!(three.contains(">Thursday 1 January 2099</time>"), "a due date in another year than the reading's has it");
}

#[test]
fn a_bad_due_date_or_duration_is_named_at_its_line() {
    let site = copy_fixture("cohort-rhythm");
    let index = site.path().join("content/week/_index.md");
    fs::write(&index, fs::read_to_string(&index).unwrap().replace("due_after: 2 days", "due_after: two days")).unwrap();
    let two = site.path().join("content/week/2024-01-08-two.md");
    fs::write(&two, fs::read_to_string(&two).unwrap().replace("due: 2024-01-09", "due: 2024-01-07")).unwrap();
    let output = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("content/week/_index.md:3:"), "{stderr}");
    assert!(stderr.contains("due_after `two days` is not a duration"), "{stderr}");
    assert!(stderr.contains("help: write a number and a unit, like `4 days`"), "{stderr}");
    assert!(stderr.contains("content/week/2024-01-08-two.md:5:"), "{stderr}");
    assert!(stderr.contains("reflections are due before the reading is published"), "{stderr}");
}
