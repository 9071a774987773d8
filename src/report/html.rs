//! The report as one self-contained HTML page: styles and the sorting script are inside it.
//!
//! Names and titles are typed by members, so the page is made by Tera with
//! escaping on, from a template compiled into the binary.

use super::Participation;
use crate::language::Language;

const TEMPLATE: &str = include_str!("report.html");

/// The page.
pub fn render(participation: &Participation, language: &Language) -> Vec<u8> {
    let mut tera = tera::Tera::new();
    crate::language::register(&mut tera, language.clone());
    tera.add_raw_template("report.html", TEMPLATE).expect("the report template is valid");
    let mut value = serde_json::to_value(participation).expect("the report is plain data");
    // The page shows roles in the site's language; the CSV and JSON keep them as written.
    for group in ["members", "facilitators", "guests"] {
        for row in value[group].as_array_mut().into_iter().flatten() {
            if let Some(label) = row["role"].as_str().map(|role| language.role_label(role)) {
                row["role_label"] = label.into();
            }
        }
    }
    let context = tera::Context::from_serialize(&value).expect("the report is plain data");
    tera.render("report.html", &context).expect("the report template renders any report").into_bytes()
}
