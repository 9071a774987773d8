//! `roundtable report`: exact counts on a fixture cohort, its three forms, and where it is written.
//!
//! The cohort (`fixtures/cohort-report/`): Fay facilitates; Ana and Ben write;
//! Cy is on the list and never writes; Zed is on the list but in no file; Dee,
//! a guest not on the list, writes for the first time in week 2; Eve's name is
//! a spreadsheet formula; one reply is anonymous.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, fixture, roundtable, select};
use serde_json::{json, Value};

fn report(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["report", "--root", root.to_str().unwrap()];
    args.extend(extra);
    let output = roundtable(args);
    assert!(output.status.success(), "report failed:\n{}", String::from_utf8_lossy(&output.stderr));
    output
}

fn json_report() -> Value {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("cohort-report"), &["--out", out.path().to_str().unwrap(), "--format", "json"]);
    serde_json::from_slice(&fs::read(out.path().join("participation.json")).unwrap()).unwrap()
}

/// comments, reflections, replies given, replies received.
fn counts(c: [u64; 4]) -> Value {
    json!({"comments": c[0], "reflections": c[1], "replies_given": c[2], "replies_received": c[3]})
}

/// The four counts of each week of a row's `weeks` (or of one `Counts`), without the rest.
fn only_counts(value: &Value) -> Value {
    match value {
        Value::Array(all) => Value::Array(all.iter().map(only_counts).collect()),
        one => {
            counts(["comments", "reflections", "replies_given", "replies_received"].map(|k| one[k].as_u64().unwrap()))
        }
    }
}

fn row<'a>(rows: &'a Value, name: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("no row for {name}"))
}

#[test]
fn counts_each_member_week_by_week() {
    let report = json_report();
    assert_eq!(report["weeks"], json!([1, 2]));
    assert_eq!(report["this_week"], 2);
    let members = &report["members"];
    let names: Vec<&str> = members.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["=Eve, \"the\" Sly", "Ana Silva", "Ben Ode", "Cy Never", "Zed Unknown"]);
    let ana = row(members, "Ana Silva");
    assert_eq!(only_counts(&ana["weeks"]), json!([counts([2, 1, 1, 2]), counts([2, 1, 1, 1])]));
    assert_eq!(only_counts(&ana["total"]), counts([4, 2, 2, 3]));
    let ben = row(members, "Ben Ode");
    // A reply to one's own comment is written but neither given nor received; the week-less reading counts in the total.
    assert_eq!(only_counts(&ben["weeks"]), json!([counts([3, 1, 1, 1]), counts([0, 0, 0, 0])]));
    assert_eq!(only_counts(&ben["total"]), counts([4, 2, 1, 1]));
    // A guest is counted in a group of her own, not among the members who have not written.
    let dee = row(&report["guests"], "Dee <b>Guest</b>");
    assert_eq!(
        only_counts(&dee["weeks"]),
        json!([counts([0, 0, 0, 0]), counts([1, 1, 0, 1])]),
        "an anonymous reply is received"
    );
    assert_eq!(dee["expected"], false, "Dee wrote but is not on the list");
}

#[test]
fn members_who_never_wrote_appear_as_gaps() {
    let report = json_report();
    for name in ["Cy Never", "Zed Unknown"] {
        let member = row(&report["members"], name);
        assert_eq!(member["expected"], true);
        assert_eq!(only_counts(&member["total"]), counts([0, 0, 0, 0]));
        assert_eq!(member["first_comment"], Value::Null);
    }
    assert_eq!(
        report["not_written_this_week"],
        json!(["=Eve, \"the\" Sly", "Ben Ode", "Cy Never", "Zed Unknown"]),
        "Ana and Dee wrote in week 2"
    );
}

#[test]
fn facilitators_are_counted_apart() {
    let report = json_report();
    let facilitators = report["facilitators"].as_array().unwrap();
    assert_eq!(facilitators.len(), 1);
    assert_eq!(facilitators[0]["name"], "Fay Lead");
    assert_eq!(only_counts(&facilitators[0]["total"]), counts([2, 0, 2, 0]));
    assert!(report["members"].as_array().unwrap().iter().all(|r| r["name"] != "Fay Lead"));
}

#[test]
fn lists_what_needs_following_up() {
    let report = json_report();
    let urls = |key: &str| -> Vec<String> {
        report[key].as_array().unwrap().iter().map(|c| c["url"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(urls("unanswered_readings"), ["https://example.org/c/notes/three/"]);
    assert_eq!(
        urls("unanswered_comments"),
        ["https://example.org/c/notes/one/#comment-c5", "https://example.org/c/notes/extra/#comment-c1"],
        "oldest first; a reply to oneself does not answer"
    );
    assert_eq!(urls("first_time_contributors"), ["https://example.org/c/notes/two/#comment-c1"]);
    let most = report["most_replied"].as_array().unwrap();
    assert_eq!(most.len(), 6);
    assert_eq!(most[0]["url"], "https://example.org/c/notes/one/#comment-c1");
    assert_eq!(most[0]["replies"], 2);
    assert_eq!(report["anonymous_comments"], 1);
}

#[test]
fn a_roster_name_no_one_has_is_a_warning_at_its_line() {
    let out = tempfile::tempdir().unwrap();
    let result = report(&fixture("cohort-report"), &["--out", out.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("site.yaml:4:1: warning: cohort member `Zed Unknown` is not in authors.yaml"), "{stderr}");
}

#[test]
fn csv_has_a_row_per_person_and_week_and_defuses_formulas() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("cohort-report"), &["--out", out.path().to_str().unwrap(), "--format", "csv"]);
    let text = fs::read_to_string(out.path().join("participation.csv")).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "name,role,group,expected,week,comments,reflections,replies_given,replies_received,words,earliest,latest,reflection_due,reply_due"
    );
    // No reading of this cohort has a due date, so the last two columns stay empty.
    assert!(lines.contains(&"Ana Silva,member,member,yes,1,2,1,1,2,5,2024-01-01 10:00,2024-01-01 12:00,,"), "{text}");
    assert!(
        lines.contains(&"Ana Silva,member,member,yes,all,4,2,2,3,12,2024-01-01 10:00,2024-01-08 14:00,,"),
        "{text}"
    );
    assert!(lines.contains(&"Cy Never,member,member,yes,2,0,0,0,0,0,,,,"), "{text}");
    assert!(
        lines.contains(&"Fay Lead,facilitator,facilitator,no,all,2,0,2,0,7,2024-01-01 13:00,2024-01-08 13:00,,"),
        "{text}"
    );
    assert!(lines.contains(&"\"'=Eve, \"\"the\"\" Sly\",member,member,yes,1,0,0,0,0,0,,,,"), "{text}");
    // 7 people x (2 weeks + all), a header and the empty string after the last line break.
    assert_eq!(lines.len(), 7 * 3 + 2);
}

#[test]
fn html_is_one_escaped_self_contained_page() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("cohort-report"), &["--out", out.path().to_str().unwrap()]);
    let text = fs::read_to_string(out.path().join("participation.html")).unwrap();
    assert!(!text.contains("<b>Guest</b>"), "names are escaped");
    let page = scraper::Html::parse_document(&text);
    assert!(select(&page, "[src], link[href]").is_empty(), "no outside file is loaded");
    let tables = select(&page, "table.sortable");
    assert_eq!(tables.len(), 3, "members, guests and facilitators");
    let not_listed: Vec<String> = select(&page, "table.sortable small").iter().map(|s| s.text().collect()).collect();
    assert!(not_listed.is_empty(), "only members can be off the list, and all of them are on it: {not_listed:?}");
    let rows = select(&page, "table.sortable tbody tr");
    assert_eq!(rows.len(), 7);
    let dee = rows.iter().find(|r| r.text().collect::<String>().contains("Dee <b>Guest</b>")).unwrap();
    let cells: Vec<String> =
        dee.select(&scraper::Selector::parse("td[title]").unwrap()).map(|c| c.attr("class").unwrap().into()).collect();
    assert_eq!(cells, ["c0", "c1 current"], "coloured by count, this week marked");
    assert_eq!(select(&page, "script").len(), 1, "the sorting script is inside the page");
}

#[test]
fn the_report_is_private_unless_published() {
    let site = copy_fixture("cohort-report");
    report(site.path(), &[]);
    assert!(site.path().join("reports/participation.html").is_file());
    assert!(!site.path().join("public").exists(), "nothing goes into the site's output");
    let refused = roundtable(["report", "--root", site.path().to_str().unwrap(), "--publish"]);
    assert_eq!(refused.status.code(), Some(1), "no built site to publish into");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("run `roundtable build` first"));
    common::build(site.path(), &site.path().join("public"), &[]);
    assert!(!site.path().join("public/report").exists(), "a build never includes the report");
    let private = String::from_utf8(report(site.path(), &[]).stdout).unwrap();
    assert!(!private.contains("address"), "a private report has no address: {private}");
    let published = report(site.path(), &["--publish", "--format", "json"]);
    assert!(site.path().join("public/report/participation.json").is_file());
    let said = String::from_utf8(published.stdout).unwrap();
    assert!(said.contains("https://example.org/c/report/participation.json"), "its address is given: {said}");
    let leftovers: Vec<_> = fs::read_dir(site.path().join("public/report")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left");
}

#[test]
fn a_private_folder_and_publish_cannot_both_be_asked() {
    let result = roundtable(["report", "--out", "somewhere", "--publish"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("cannot be used with"));
}
