//! Reading XML exports: the file as text, the parsed tree, and children found by local name.
//!
//! Exporters disagree about namespace URIs (WordPress writes `http://` or
//! `https://`, and `1.0`, `1.1` or `1.2`), so elements are matched by their
//! local name and, where two vocabularies share a name, by a piece of the URI.

use std::path::Path;

use roxmltree::{Document, Node, ParsingOptions};

use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// The file's text, or a clear refusal (too large, unreadable, not UTF-8).
pub fn read_text(path: &Path) -> Result<String, Diagnostics> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    // Exports of years of comments are large; far past any real one is a mistake.
    const LIMIT: u64 = 512 * 1024 * 1024;
    if size > LIMIT {
        return Err(Diagnostic::error(Span::file(path), format!("this file is {size} bytes, too large to import"))
            .with_help("split the export, or check that this is the right file")
            .into());
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics::from(
            Diagnostic::error(Span::file(path), format!("cannot read this file: {e}"))
                .with_help("check the file's name and that you may read it"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = position(&e.as_bytes()[..e.utf8_error().valid_up_to()]);
        Diagnostics::from(
            Diagnostic::error(Span::new(path, line, column), "this export is not UTF-8 text")
                .with_help("exports from Blogger, WordPress and Disqus are UTF-8; download it again, unchanged"),
        )
    })?;
    Ok(crate::load::cleaned(&text))
}

/// The line and column just after `bytes`.
fn position(bytes: &[u8]) -> (usize, usize) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = bytes.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// The XML tree, or where and why it is not XML.
pub fn parse<'a>(path: &Path, text: &'a str) -> Result<Document<'a>, Diagnostics> {
    // A DTD is how "billion laughs" files blow up; no real export has one.
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    Document::parse_with_options(text, options).map_err(|error| {
        let at = error.pos();
        Diagnostic::error(Span::new(path, at.row as usize, at.col as usize), format!("this is not valid XML: {error}"))
            .with_help("give the export file exactly as the old site saved it")
            .into()
    })
}

/// Where `node` starts, for messages.
pub fn span(path: &Path, document: &Document, node: Node) -> Span {
    let at = document.text_pos_at(node.range().start);
    Span::new(path, at.row as usize, at.col as usize)
}

/// The element children of `node` called `name`.
pub fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The first element child of `node` called `name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The first child called `name` whose namespace URI contains `namespace`.
pub fn child_in<'a, 'i>(node: Node<'a, 'i>, namespace: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace().is_some_and(|n| n.contains(namespace))
    })
}

/// All the text inside `node` (CDATA included), untrimmed.
pub fn text(node: Node) -> String {
    node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect()
}

/// The trimmed text of the first child called `name`; empty when there is none.
pub fn field(node: Node, name: &str) -> String {
    child(node, name).map(|c| text(c).trim().to_string()).unwrap_or_default()
}

/// An attribute by local name, whatever its namespace.
pub fn attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes().find(|a| a.name() == name).map(|a| a.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dtd_is_refused_before_it_can_expand() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><x>&b;</x>";
        let problem = parse(Path::new("x.xml"), bomb).unwrap_err().sorted();
        assert!(problem[0].to_string().starts_with("x.xml:1:"), "{}", problem[0]);
    }

    #[test]
    fn children_are_found_by_local_name_in_any_namespace() {
        let doc = Document::parse(r#"<r xmlns:wp="http://wordpress.org/export/1.1/"><wp:a> x </wp:a></r>"#).unwrap();
        let root = doc.root_element();
        assert_eq!(field(root, "a"), "x");
        assert!(child_in(root, "wordpress.org/export", "a").is_some());
        assert!(child_in(root, "blogger", "a").is_none());
    }
}
