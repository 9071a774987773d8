use super::*;

fn entry(n: usize, author: &str, body: &str) -> Entry {
    Entry {
        id: format!("c{n}"),
        author: author.into(),
        date: format!("2020-01-01T00:{n:02}:00Z"),
        reply_to: None,
        body: format!("{body}\n"),
        status: CommentStatus::Published,
    }
}

fn thread(comments: &[(&str, &str)]) -> Vec<Entry> {
    comments.iter().enumerate().map(|(i, (a, b))| entry(i + 1, a, b)).collect()
}

fn parents(comments: &[(&str, &str)]) -> Vec<(usize, usize)> {
    infer(&thread(comments), &[]).into_iter().map(|(i, p, _)| (i + 1, p + 1)).collect()
}

#[test]
fn the_ways_people_address_each_other() {
    for opening in [
        "@claire yes",
        "Claire, I agree.",
        "Hi Claire! Me too.",
        "Thanks, Claire.",
        "Claire's point is right.",
        "As Claire says, it is.",
        "I agree with Claire about this.",
        "True, Claire.",
        "Claire: no.",
        "Dufresne, no.",
        "Claire Dufresne - yes.",
    ] {
        let found = parents(&[("Claire Dufresne", "first"), ("Ben Okafor", "second"), ("Ana Silva", opening)]);
        let expected = if opening.starts_with("Dufresne") { vec![] } else { vec![(3, 1)] };
        assert_eq!(found, expected, "{opening}");
    }
}

#[test]
fn mentions_ambiguity_and_several_people_stay_top_level() {
    for text in [
        "I talked to Claire yesterday.",
        "claire, lower case at the start could be a word",
        "Claire and Ben both said it.",
        "@Claire @Ben both of you.",
        "Ben, which one of you?",
        "Claire, Ben Okafor and I said the same.",
        "> Claire, I agree\nA quote is not an address.",
        "```\nClaire, code\n```",
    ] {
        let found = parents(&[
            ("Claire Dufresne", "first"),
            ("Ben Okafor", "second"),
            ("Ben Tremblay", "third"),
            ("Ana Silva", text),
        ]);
        assert_eq!(found, vec![], "{text}");
    }
    let full = parents(&[("Ben Okafor", "a"), ("Ben Tremblay", "b"), ("Ana", "Thank you Ben Okafor for that")]);
    assert_eq!(full, vec![(3, 1)]);
}

#[test]
fn the_reply_goes_to_the_most_recent_earlier_comment_and_aliases_count() {
    let comments =
        [("Claire Dufresne", "one"), ("Claire Dufresne", "two"), ("Ben", "CD, yes."), ("Claire Dufresne", "three")];
    let aliases = vec![vec!["Claire Dufresne".to_string(), "CD".to_string()]];
    let found: Vec<(usize, usize)> =
        infer(&thread(&comments), &aliases).into_iter().map(|(i, p, _)| (i + 1, p + 1)).collect();
    assert_eq!(found, vec![(3, 2)]);
    // Nobody replies to themselves, or to someone who has not written yet.
    assert_eq!(parents(&[("Claire", "a"), ("Claire", "Claire, note to self."), ("Ben", "Zed, hello")]), vec![]);
}

/// Precision and recall against hand-answered threads (tests/fixtures/import/implied-replies*.yaml);
/// the second was written after the rules were settled, so it was not used to tune them.
#[test]
fn precision_and_recall_on_threads_with_known_answers() {
    #[derive(serde::Deserialize)]
    struct Known {
        author: String,
        body: String,
        answers: Option<usize>,
    }
    let threads = [
        ("implied-replies.yaml", include_str!("../../../tests/fixtures/import/implied-replies.yaml")),
        ("implied-replies-2.yaml", include_str!("../../../tests/fixtures/import/implied-replies-2.yaml")),
    ];
    for (name, text) in threads {
        let known: Vec<Known> = serde_yaml::from_str(text).unwrap();
        let entries: Vec<Entry> =
            known.iter().enumerate().map(|(i, k)| entry(i + 1, &k.author, k.body.trim_end())).collect();
        let found = infer(&entries, &[]);
        let right = found.iter().filter(|(i, p, _)| known[*i].answers == Some(p + 1)).count();
        let expected = known.iter().filter(|k| k.answers.is_some()).count();
        let precision = right as f64 / found.len() as f64;
        let recall = right as f64 / expected as f64;
        println!("{name}: {} comments, {expected} known replies, {} inferred, {right} right", known.len(), found.len());
        println!("  precision {precision:.2}, recall {recall:.2}");
        for (i, p, words) in &found {
            let verdict = if known[*i].answers == Some(p + 1) { "" } else { "  WRONG" };
            println!("  {} -> {} ({words}){verdict}", i + 1, p + 1);
        }
        assert!(precision >= 0.85, "{name}: precision {precision}");
        assert!(recall >= 0.5, "{name}: recall {recall}");
    }
}
