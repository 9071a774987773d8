//! How deep a text's HTML nests, measured before the HTML parser (whose cost grows with the
//! square of the depth) ever sees it.

use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::{LocalName, TokenizerResult};

/// The deepest HTML nesting a text may have: parsing HTML costs time that grows with depth squared.
pub const MAX_NESTING: usize = 100;

/// How deep the elements of `html` may nest once the HTML parser has built its tree, never less.
///
/// It reads `html` with html5ever's own tokenizer (so comments, quoted attributes and the raw text
/// of `<textarea>` or `<style>` are read as the parser reads them) and keeps a stack the way the tree
/// builder does, erring towards deeper: an end tag closes only the element it names when that
/// element is the innermost open one; a start tag's `/>` is ignored outside SVG and MathML; a table
/// cell counts the row and body the parser adds around it. Its cost is linear in the text, whatever
/// the nesting, so a text it refuses costs the parser nothing.
pub fn nesting_depth(html: &str) -> usize {
    let tokenizer = Tokenizer::new(DepthSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    tokenizer.sink.deepest.get()
}

/// The open elements of [`nesting_depth`], by name and the levels each one adds.
#[derive(Default)]
struct DepthSink {
    open: RefCell<Vec<(LocalName, usize)>>,
    depth: Cell<usize>,
    deepest: Cell<usize>,
    /// Open `svg` and `math` elements: inside them `/>` closes an element and `<style>` holds tags.
    foreign: Cell<usize>,
}

impl TokenSink for DepthSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        const VOID: &[&str] = &[
            "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
            "keygen", "link", "meta", "param", "source", "track", "wbr",
        ];
        let Token::TagToken(tag) = token else { return TokenSinkResult::Continue };
        let foreign = self.foreign.get() > 0;
        let name: &str = &tag.name;
        let mut open = self.open.borrow_mut();
        if tag.kind == TagKind::EndTag {
            if open.last().is_some_and(|(last, _)| *last == tag.name) {
                let (_, levels) = open.pop().expect("just looked");
                self.depth.set(self.depth.get() - levels);
                if matches!(name, "svg" | "math") {
                    self.foreign.set(self.foreign.get() - 1);
                }
            } else {
                // A stray `</p>` or `</br>` makes an empty element where it stands.
                self.deepest.set(self.deepest.get().max(self.depth.get() + 1));
            }
            return TokenSinkResult::Continue;
        }
        if VOID.contains(&name) || (foreign && tag.self_closing) {
            self.deepest.set(self.deepest.get().max(self.depth.get() + 1));
            return TokenSinkResult::Continue;
        }
        let levels = match name {
            "td" | "th" => 3,
            "tr" => 2,
            _ => 1,
        };
        open.push((tag.name.clone(), levels));
        self.depth.set(self.depth.get() + levels);
        self.deepest.set(self.deepest.get().max(self.depth.get()));
        match name {
            "svg" | "math" => self.foreign.set(self.foreign.get() + 1),
            _ if foreign => {}
            "title" | "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                return TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" => return TokenSinkResult::Plaintext,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_open_elements() {
        assert_eq!(nesting_depth("<p>a<br>b<img src=x/></p>"), 2);
        assert_eq!(nesting_depth("<div><div><p>x</p></div></div>"), 3);
        assert_eq!(nesting_depth(&"<div>".repeat(500)), 500);
        assert_eq!(nesting_depth("a < b and 1<2"), 0);
    }

    /// The depth of the tree html5ever's tree builder makes of `html`, as ammonia parses it.
    fn parsed_depth(html: &str) -> usize {
        let fragment = scraper::Html::parse_fragment(html);
        let mut stack = vec![(fragment.tree.root(), 0usize)];
        let mut deepest = 0;
        while let Some((node, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            stack.extend(node.children().map(|child| (child, depth + usize::from(child.value().is_element()))));
        }
        // `parse_fragment` wraps the text in an `<html>` element.
        deepest.saturating_sub(1)
    }

    #[test]
    fn nesting_depth_is_never_less_than_the_parsers() {
        let walks = [
            "<div/>",
            "<div></p>",
            "<div></q>",
            "<div></br>",
            "<div title=\"</div>\">",
            "<!--</div>--><div>",
            "<div><textarea></div></textarea>",
            "<table><td>",
            "<b><p></b>",
            "<p><b title=1></p>x",
            "<svg><div/>",
            "<a><div></a>",
            "<li><ul>",
            "<div><![CDATA[</div>]]>",
            "<select><div>",
        ];
        for walk in walks {
            let html = walk.repeat(200);
            let (ours, parser) = (nesting_depth(&html), parsed_depth(&html));
            assert!(ours >= parser, "{walk}: counted {ours}, the parser built {parser}");
        }
        assert!(nesting_depth(&"<div/>".repeat(200)) >= 200);
        assert!(nesting_depth(&"<div></q>".repeat(200)) >= 200);
        // Random tag soup from a fixed seed: never under the parser's depth.
        let pieces = [
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<i x=1>",
            "</i>",
            "<table>",
            "<tr>",
            "<td>",
            "</td>",
            "</table>",
            "<ul>",
            "<li>",
            "</li>",
            "<svg>",
            "</svg>",
            "<br/>",
            "</br>",
            "<!--",
            "-->",
            "<textarea>",
            "</textarea>",
            "<a>",
            "</a>",
            "<q/>",
            "x",
            "<select>",
            "<template>",
            "</template>",
            "<span>",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..100 {
            let mut html = String::new();
            for _ in 0..300 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                html.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let (ours, parser) = (nesting_depth(&html), parsed_depth(&html));
            assert!(ours >= parser, "counted {ours}, the parser built {parser}: {html}");
        }
    }
}
