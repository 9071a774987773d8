//! `docs/templates.md` cannot drift from what templates receive: its reference part is made from
//! the doc comments of the page contexts and of the objects in them, and must equal what they say now.
//!
//! After changing a page context or an object, run `ROUNDTABLE_BLESS=1 cargo test --test templates_doc`
//! and review `git diff docs/templates.md`.

mod common;

use std::fs;
use std::path::Path;

/// The sources the reference is made from, in the order it lists them.
const SOURCES: [(&str, &str); 2] = [("Pages", "src/render/page_context.rs"), ("The objects", "src/render/objects.rs")];

/// Where the made part of the document starts; everything after it is made.
const MARKER: &str = "<!-- Made from the doc comments of src/render/page_context.rs and src/render/objects.rs";

/// One field of a struct that templates see.
struct Field {
    name: String,
    ty: String,
    doc: String,
    flattened: bool,
}

/// One struct that templates see.
struct Struct {
    name: String,
    doc: String,
    fields: Vec<Field>,
}

/// The `#[derive(Serialize)]` structs of `source`, with their doc comments.
///
/// The files are rustfmt-formatted, so a struct is doc lines, attributes, `pub struct Name {`,
/// documented `pub field: Type,` lines and `}`. Anything else inside a struct stops the test, so a
/// shape this reader does not know is noticed rather than left out of the document.
fn structs(path: &str, source: &str) -> Vec<Struct> {
    let mut found = Vec::new();
    let mut doc: Vec<String> = Vec::new();
    let mut serializable = false;
    let mut current: Option<Struct> = None;
    let mut flattened = false;
    for (number, line) in source.lines().enumerate() {
        let line = line.trim();
        let place = format!("{path}:{}", number + 1);
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim().to_string());
        } else if line.starts_with("#[derive(") {
            serializable = line.contains("Serialize");
        } else if line == "#[serde(flatten)]" {
            flattened = true;
        } else if let Some(rest) = line.strip_prefix("pub struct ").filter(|_| serializable) {
            let name = rest.split(['<', ' ', '{']).next().unwrap().to_string();
            assert!(rest.ends_with('{'), "{place}: a struct with fields is expected");
            assert!(!doc.is_empty(), "{place}: {name} has no doc comment");
            current = Some(Struct { name, doc: doc.join(" "), fields: Vec::new() });
            doc.clear();
            serializable = false;
        } else if let Some(open) = current.as_mut() {
            if line == "}" {
                found.push(current.take().unwrap());
            } else {
                let (name, ty) = line
                    .strip_prefix("pub ")
                    .and_then(|f| f.strip_suffix(','))
                    .and_then(|f| f.split_once(": "))
                    .unwrap_or_else(|| panic!("{place}: `{line}` is not a `pub name: Type,` field"));
                assert!(!doc.is_empty(), "{place}: the field {name} has no doc comment");
                open.fields.push(Field { name: name.into(), ty: ty.into(), doc: doc.join(" "), flattened });
                doc.clear();
                flattened = false;
            }
        } else if !line.starts_with("#[") {
            doc.clear();
            serializable = false;
        }
    }
    assert!(current.is_none(), "{path}: a struct is not closed");
    found
}

/// What a field's Rust type is, in a theme author's words.
fn describe(ty: &str, known: &[String]) -> String {
    let ty = ty.trim().trim_start_matches('&').trim_start_matches("'static ").trim_start_matches("'a ");
    let inner = |prefix: &str, suffix: &str| ty.strip_prefix(prefix).and_then(|t| t.strip_suffix(suffix));
    if let Some(inner) = inner("Option<", ">") {
        return format!("{} or none", describe(inner, known));
    }
    if let Some(inner) = inner("Keyed<'a, ", ">") {
        return describe(inner, known);
    }
    if let Some(inner) = inner("Cow<'a, ", ">") {
        return describe(inner, known);
    }
    if let Some(inner) = inner("Vec<", ">").or_else(|| inner("[", "]")) {
        return format!("list of {}", describe(inner, known));
    }
    match ty.split('<').next().unwrap() {
        "str" | "String" => "text".into(),
        "Html" => "HTML".into(),
        "usize" | "u32" => "number".into(),
        "bool" => "true or false".into(),
        name if known.iter().any(|k| k == name) => link(name),
        other => panic!("describe the type `{other}` for theme authors"),
    }
}

fn link(name: &str) -> String {
    format!("[{name}](#{})", name.to_lowercase())
}

/// The reference part of `docs/templates.md`, from the sources as they are now.
fn reference(root: &Path) -> String {
    let parts: Vec<(&str, Vec<Struct>)> = SOURCES
        .iter()
        .map(|(title, path)| (*title, structs(path, &fs::read_to_string(root.join(path)).unwrap())))
        .collect();
    let known: Vec<String> = parts.iter().flat_map(|(_, s)| s.iter().map(|s| s.name.clone())).collect();
    let mut text = format!(
        "{MARKER}: edit those and run\n`ROUNDTABLE_BLESS=1 cargo test --test templates_doc`, not this part. -->\n"
    );
    for (title, structs) in &parts {
        text += &format!("\n## {title}\n");
        for item in structs {
            text += &format!("\n### {}\n\n{}\n\n", item.name, item.doc);
            for field in &item.fields {
                text += &if field.flattened {
                    format!("- every field of {}: {}\n", describe(&field.ty, &known), field.doc)
                } else {
                    format!("- `{}` ({}): {}\n", field.name, describe(&field.ty, &known), field.doc)
                };
            }
        }
    }
    text
}

#[test]
fn the_template_reference_is_made_from_the_page_contexts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc_path = root.join("docs/templates.md");
    let doc = fs::read_to_string(&doc_path).unwrap();
    let written = doc.find(MARKER).map_or("", |at| &doc[at..]);
    let made = reference(root);
    if std::env::var_os(common::BLESS).is_some() {
        let before = doc.find(MARKER).map_or(doc.as_str(), |at| &doc[..at]);
        fs::write(&doc_path, format!("{before}{made}")).unwrap();
        return;
    }
    assert!(
        written == made,
        "docs/templates.md does not say what templates receive; run `ROUNDTABLE_BLESS=1 cargo test --test templates_doc` and review the difference"
    );
}

#[test]
fn the_reader_sees_every_field_and_refuses_what_it_does_not_know() {
    let source = "/// A.\n#[derive(Debug, Serialize)]\npub struct A<'a> {\n    /// One.\n    pub one: Option<&'a str>,\n    /// Two.\n    #[serde(flatten)]\n    pub two: B,\n}\n\nstruct Hidden {\n    x: u8,\n}\n";
    let found = structs("a.rs", source);
    assert_eq!(found.len(), 1, "only Serialize structs");
    let names: Vec<(&str, bool)> = found[0].fields.iter().map(|f| (f.name.as_str(), f.flattened)).collect();
    assert_eq!(names, [("one", false), ("two", true)]);
    assert_eq!(describe(&found[0].fields[0].ty, &[]), "text or none");
    assert_eq!(describe("Vec<CommentView<'a>>", &["CommentView".into()]), "list of [CommentView](#commentview)");
    let odd = "/// A.\n#[derive(Serialize)]\npub struct A {\n    /// One.\n    pub one:\n        u8,\n}\n";
    assert!(std::panic::catch_unwind(|| structs("a.rs", odd)).is_err(), "a field on two lines is refused");
    let undocumented = "/// A.\n#[derive(Serialize)]\npub struct A {\n    pub one: u8,\n}\n";
    assert!(std::panic::catch_unwind(|| structs("a.rs", undocumented)).is_err());
}
