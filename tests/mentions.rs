//! `@Name` in comments: linked to the person's page and listed there under "Mentioned in".

mod common;

use common::{build, page, select, site};

const AUTHORS: &str = "\
ana-silva:
  name: Ana Silva
  aliases: [Annie]
  bio: Ask @Ben anything.
ben-ode:
  name: Ben Ode
claire-one:
  name: Claire One
claire-two:
  name: Claire Two
zoe-ng:
  name: \"Zo\\u00EB Ng\"
renee-blanc:
  name: \"Rene\\u0301e Blanc\"
";

/// Builds a site whose one reading has the comments `(id, author, body)`, and returns the output folder.
fn built(comments: &[(&str, &str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let mut thread = String::new();
    for (n, (id, author, body)) in comments.iter().enumerate() {
        let body = body.replace('\n', "\n    ");
        thread
            .push_str(&format!("- id: {id}\n  author: {author}\n  date: 2024-01-0{}\n  body: |\n    {body}\n", n + 1));
    }
    let dir = site(&[
        ("site.yaml", "base_url: https://example.org/c/\n"),
        ("authors.yaml", AUTHORS),
        ("content/r/2024-01-01-a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n"),
        ("content/r/2024-01-01-a.comments.yaml", &thread),
    ]);
    let output = dir.path().join("public");
    build(dir.path(), &output, &[]);
    (dir, output)
}

/// The `href` of every mention link in comment `id` on the reading page.
fn mentions(output: &std::path::Path, id: &str) -> Vec<String> {
    let html = page(output, "r/a/index.html");
    select(&html, &format!("#comment-{id} > .comment-body a.mention"))
        .iter()
        .map(|a| a.attr("href").unwrap().to_string())
        .collect()
}

#[test]
fn names_aliases_and_unique_first_names_link_in_any_case() {
    let (_dir, output) = built(&[
        ("c1", "Ben Ode", "Thanks @ana silva and @ANNIE."),
        ("c2", "Ben Ode", "@Ana, what about @ben?"),
        ("c3", "Ana Silva", "Agreed, @Ben Ode."),
    ]);
    assert_eq!(mentions(&output, "c1"), ["../../authors/ana-silva/index.html", "../../authors/ana-silva/index.html"]);
    assert_eq!(mentions(&output, "c2"), ["../../authors/ana-silva/index.html", "../../authors/ben-ode/index.html"]);
    assert_eq!(mentions(&output, "c3"), ["../../authors/ben-ode/index.html"]);
    let html = page(&output, "r/a/index.html");
    let link = select(&html, "#comment-c3 a.mention")[0];
    assert_eq!(link.text().collect::<String>(), "@Ben Ode", "the longest name that fits, as written");
}

#[test]
fn names_typed_composed_or_decomposed_link_alike() {
    // authors.yaml has `Zoë` as one character and `Renée` as `e` and a combining accent;
    // the comments type them the other way, in other cases.
    let (_dir, output) = built(&[
        ("c1", "Ben Ode", "Thanks @Zoe\u{308} and @RENÉE BLANC."),
        ("c2", "Ben Ode", "@zoë ng, @Rene\u{301}e: not @Zoe Ng."),
    ]);
    assert_eq!(mentions(&output, "c1"), ["../../authors/zoe-ng/index.html", "../../authors/renee-blanc/index.html"]);
    assert_eq!(mentions(&output, "c2"), ["../../authors/zoe-ng/index.html", "../../authors/renee-blanc/index.html"]);
    let zoe = page(&output, "authors/zoe-ng/index.html");
    let listed: Vec<&str> = select(&zoe, "[aria-labelledby=mentioned-heading] a.comment-link")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert_eq!(listed, ["../../r/a/index.html#comment-c2", "../../r/a/index.html#comment-c1"]);
}

#[test]
fn ambiguous_unknown_and_mid_word_names_stay_text() {
    let (_dir, output) = built(&[
        ("c1", "Ben Ode", "Hi @Claire, @Nobody and @Anastasia."),
        ("c2", "Ben Ode", "Mail ana@example.org or x@Ana; @Claire Two is clear."),
    ]);
    assert!(mentions(&output, "c1").is_empty());
    assert_eq!(mentions(&output, "c2"), ["../../authors/claire-two/index.html"]);
    let html = page(&output, "r/a/index.html");
    let text = select(&html, "#comment-c2 .comment-body")[0].text().collect::<String>();
    assert!(text.contains("ana@example.org or x@Ana"), "{text}");
}

#[test]
fn code_and_links_are_left_alone() {
    let (_dir, output) = built(&[
        ("c1", "Ben Ode", "Run `@Ana` or:\n\n```\nping @Ana\n```\n\nSee [@Ana's notes](https://example.org/n) and <https://example.org/@Ana>."),
    ]);
    assert!(mentions(&output, "c1").is_empty());
    let html = page(&output, "r/a/index.html");
    assert_eq!(select(&html, "#comment-c1 code").len(), 2);
    assert_eq!(select(&html, "#comment-c1 a a").len(), 0, "no link inside a link");
}

#[test]
fn a_persons_page_lists_the_comments_that_mention_them() {
    let (_dir, output) = built(&[
        ("c1", "Ben Ode", "Over to @Ana."),
        ("c2", "Ana Silva", "Me, @Ana? And @Ben."),
        ("c3", "Claire One", "@annie again."),
    ]);
    let ana = page(&output, "authors/ana-silva/index.html");
    let listed: Vec<&str> = select(&ana, "[aria-labelledby=mentioned-heading] a.comment-link")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert_eq!(
        listed,
        ["../../r/a/index.html#comment-c3", "../../r/a/index.html#comment-c1"],
        "newest first; her own comment is not listed"
    );
    let ben = page(&output, "authors/ben-ode/index.html");
    assert_eq!(select(&ben, "[aria-labelledby=mentioned-heading] a.comment-link").len(), 1);
    assert!(select(&ana, ".bio a.mention").is_empty(), "bios mention no one");
    let claire = page(&output, "authors/claire-two/index.html");
    assert!(select(&claire, "#mentioned-heading").is_empty(), "no section when no one mentions them");
    // A mention links from wherever its comment is shown: her own page, and absolutely in feeds.
    let on_ben = select(&ben, "a.mention").iter().map(|a| a.attr("href").unwrap().to_string()).collect::<Vec<_>>();
    let ana_link = "../../authors/ana-silva/index.html";
    assert!(on_ben.iter().any(|h| h == "index.html"), "@Ben in c2, on Ben's own page: {on_ben:?}");
    assert!(on_ben.iter().all(|h| h == "index.html" || h == ana_link), "{on_ben:?}");
    let feed = std::fs::read_to_string(output.join("comments.xml")).unwrap();
    assert!(feed.contains("href=&quot;https://example.org/c/authors/ana-silva/&quot;"), "{feed}");
    assert!(!feed.contains("&quot;/c/"), "{feed}");
}
