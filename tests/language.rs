//! Languages: the French fixture site (`fixtures/french/`, `language: fr-CA`) is written in French
//! from its strings to its dates; a site's own `i18n/<code>.yaml` overrides strings; `check` lists
//! what would fall back to English and warns of a comment dated before its reading.

mod common;

use std::collections::BTreeMap;

use common::{build, copy_fixture, fixture, page, read_tree, roundtable, select};

/// The built-in strings of `code` without counts or blanks to fill: what a page shows as written.
fn plain_strings(code: &str) -> BTreeMap<String, String> {
    let path = format!("{}/themes/default/i18n/{code}.yaml", env!("CARGO_MANIFEST_DIR"));
    let file: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["strings"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
        .filter(|(_, v)| !v.contains('{'))
        .collect()
}

/// Every text of a page a reader meets: its words, and the labels screen readers announce.
fn readable_text(html: &scraper::Html) -> String {
    let mut text: String = html.root_element().text().collect::<Vec<_>>().join("\n");
    for element in select(html, "[aria-label], [title]") {
        for name in ["aria-label", "title"] {
            text.extend(element.attr(name).map(|v| format!("\n{v}")));
        }
    }
    text
}

#[test]
fn the_french_site_is_written_in_french() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture("french"), out.path(), &[]);
    let reading = page(out.path(), "lectures/confiance/index.html");
    assert_eq!(select(&reading, "html")[0].attr("lang"), Some("fr-CA"));
    let replies: Vec<String> = select(&reading, ".replies-count").iter().map(|e| e.text().collect()).collect();
    assert_eq!(replies, ["2 réponses", "1 réponse"], "plural rule");
    let text = readable_text(&reading);
    for expected in [
        "lundi 5 septembre 2011",
        "le jour de la lecture",
        "2 jours après la lecture",
        "2 semaines après la lecture",
        "4 commentaires de 2 personnes",
        "Personnes",
        "Commentaire de Benoît Okafor",
        "par Joyce Kaser et Susan Mundry",
        "Réflexions d'ici le",
        "vendredi 9 septembre",
        "lundi 12 septembre à 17 h 00",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    // Months after the reading, the date itself, not "6 mois après".
    let late: Vec<String> = select(&reading, "#comment-c4 time").iter().map(|e| e.text().collect()).collect();
    assert_eq!(late, ["jeudi 1 mars 2012"]);

    // No English string the theme writes is left on any page.
    let english = plain_strings("en");
    let french = plain_strings("fr");
    let different: Vec<&String> =
        english.iter().filter(|(k, v)| french.get(*k) != Some(v) && v.len() > 3).map(|(_, v)| v).collect();
    assert!(different.len() > 40, "the test compares most strings");
    for (name, bytes) in read_tree(out.path()) {
        if !name.ends_with(".html") {
            continue;
        }
        let html = scraper::Html::parse_document(std::str::from_utf8(&bytes).unwrap());
        let text = readable_text(&html);
        for word in &different {
            let found = text.lines().any(|line| line.trim() == word.as_str() || line.contains(&format!("{word} ")));
            assert!(!found, "{name} says {word:?} in English");
        }
    }
    let topic = page(out.path(), "tags/confiance/index.html");
    assert_eq!(select(&topic, "nav a[aria-current=page]")[0].text().collect::<String>(), "Thèmes");
    assert!(readable_text(&topic).contains("1 lecture sur ce thème."));
}

#[test]
fn a_site_overrides_strings_and_check_lists_what_falls_back_to_english() {
    let site = copy_fixture("french");
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(site.path().join("i18n/fr.yaml"), "strings:\n  people: Membres de la cohorte\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path(), &[]);
    let home = page(out.path(), "index.html");
    assert!(readable_text(&home).contains("Membres de la cohorte"));

    // Spanish has no built-in file: everything falls back to English, and `check` says so.
    let config = std::fs::read_to_string(site.path().join("site.yaml")).unwrap();
    std::fs::write(site.path().join("site.yaml"), config.replace("fr-CA", "es")).unwrap();
    std::fs::write(site.path().join("i18n/es.yaml"), "strings:\n  people: Personas\n").unwrap();
    let checked = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "{stderr}");
    assert!(stderr.contains("i18n/es.yaml"), "{stderr}");
    assert!(stderr.contains("will be written in English"), "{stderr}");
    assert!(!stderr.contains(" people,") && !stderr.contains(": people"), "people is translated: {stderr}");
    assert!(stderr.contains("English: dates.months, dates.months_short"), "month names too: {stderr}");
    build(site.path(), out.path(), &[]);
    let home = page(out.path(), "index.html");
    assert!(readable_text(&home).contains("Personas"));
    assert!(readable_text(&home).contains("Skip to content"));

    // Without any file for the language, `check` says so, and how to start one.
    std::fs::remove_file(site.path().join("i18n/es.yaml")).unwrap();
    let checked = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "{stderr}");
    assert!(stderr.contains("i18n/es.yaml: warning: there is no translation for `es`"), "{stderr}");
    assert!(stderr.contains("help: create i18n/es.yaml"), "{stderr}");
}

#[test]
fn check_warns_of_a_comment_dated_before_its_reading() {
    let site = copy_fixture("french");
    let thread = site.path().join("content/lectures/2011-09-05-confiance.comments.yaml");
    let text = std::fs::read_to_string(&thread).unwrap().replace("2011-09-05T09:00", "2010-09-05T09:00");
    std::fs::write(&thread, text).unwrap();
    let checked = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "a warning, not an error: {stderr}");
    assert!(stderr.contains("2011-09-05-confiance.comments.yaml:1"), "{stderr}");
    assert!(stderr.contains("comment `c1` is dated 2010-09-05, before its reading"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn a_translation_file_with_a_mistake_is_an_error_at_its_line() {
    let site = copy_fixture("french");
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(site.path().join("i18n/fr.yaml"), "strings:\n  people: [oops\n").unwrap();
    let checked = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(!checked.status.success());
    assert!(stderr.contains("i18n/fr.yaml:"), "{stderr}");
}

#[test]
fn the_report_of_a_french_site_names_roles_in_french() {
    let site = copy_fixture("french");
    let output = roundtable(["report", "--root", site.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(site.path().join("reports/participation.html")).unwrap();
    let report = scraper::Html::parse_document(&html);
    let roles: Vec<String> = select(&report, "tbody tr td:nth-child(2)").iter().map(|e| e.text().collect()).collect();
    assert_eq!(roles[..1], ["Membre"], "{html}");
    assert!(roles.contains(&"Animation".to_string()), "{roles:?}");
}

#[test]
fn check_names_a_string_no_template_writes() {
    let site = copy_fixture("french");
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(site.path().join("i18n/fr.yaml"), "strings:\n  peple: Membres\n").unwrap();
    let checked = roundtable(["check", "--root", site.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "a warning: {stderr}");
    assert!(stderr.contains("i18n/fr.yaml:2:3: warning: no template writes the string `peple`"), "{stderr}");
    assert!(stderr.contains("help: did you mean `people`?"), "{stderr}");
}
