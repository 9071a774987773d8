//! Implied replies: a flat comment that plainly addresses one earlier commenter becomes a reply to them.
//!
//! Precision over recall. A comment counts as addressing someone only in the
//! ways people address each other: `@Claire` anywhere; the name opening the
//! comment and followed by a comma, colon, dash or `!` ("Claire, I agree"),
//! or after a greeting ("Hi Claire!", "Well said, Claire"); or a phrase such
//! as "as Claire says", "I agree with Claire", "Claire's point", "thanks
//! Claire", or a closing ", Claire." A name merely mentioned is not enough.
//! A spelling that fits two people in the thread, a comment that
//! addresses several people, or one that names others in the same sentence
//! ("Hope, Rich and Oren all say...") leaves the comment where it was. Quoted lines
//! (`> `) and code are not read. The reply goes to that person's most recent
//! earlier published comment (a reply to a pending one would wait with it),
//! or to an earlier one of theirs that shares more of its words, since people
//! answer a point, not a time.

use std::collections::{BTreeMap, BTreeSet};

use super::threads::{Entry, Thread};
use crate::load::raw::CommentStatus;
use crate::model::people::{fold, is_anonymous};

/// One reply found, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inferred {
    /// The post, by index in the archive.
    pub post: usize,
    /// The comment made a reply.
    pub id: String,
    /// Its author.
    pub author: String,
    /// The comment it now answers.
    pub parent: String,
    /// That comment's author.
    pub parent_author: String,
    /// The words that made it a reply.
    pub words: String,
}

/// What may come before a name that opens a comment ("Hi Claire!", "Well said, Claire").
const GREETINGS: [&str; 20] = [
    "hi",
    "hey",
    "hello",
    "dear",
    "thanks",
    "thank you",
    "yes",
    "well said",
    "great point",
    "good point",
    "agreed",
    "so true",
    "true",
    "exactly",
    "absolutely",
    "wow",
    "oh",
    "hi there",
    "hey there",
    "i agree",
];

/// Verbs that follow "as NAME" or "like NAME".
const SAYS: [&str; 16] = [
    "says",
    "said",
    "mentioned",
    "mentions",
    "noted",
    "notes",
    "wrote",
    "writes",
    "pointed",
    "points",
    "suggested",
    "suggests",
    "put",
    "puts",
    "shared",
    "observed",
];

/// Nouns after "NAME's" that make it a reference to their comment.
const REMARKS: [&str; 14] = [
    "point",
    "comment",
    "idea",
    "question",
    "reflection",
    "post",
    "remark",
    "story",
    "example",
    "observation",
    "insight",
    "thought",
    "thoughts",
    "words",
];

/// Turns addressed comments into replies, in every thread; returns what it did.
///
/// `aliases` lists, for people already in `authors.yaml`, their name and other spellings.
pub fn apply(threads: &mut [Thread], aliases: &[Vec<String>]) -> Vec<Inferred> {
    let mut found = Vec::new();
    for (post, thread) in threads.iter_mut().enumerate() {
        for (i, parent, words) in infer(&thread.entries, aliases) {
            let entry = &thread.entries[i];
            found.push(Inferred {
                post,
                id: entry.id.clone(),
                author: entry.author.clone(),
                parent: thread.entries[parent].id.clone(),
                parent_author: thread.entries[parent].author.clone(),
                words,
            });
            thread.entries[i].reply_to = Some(thread.entries[parent].id.clone());
        }
    }
    found
}

/// For each top-level comment that addresses exactly one earlier commenter: its index, its new parent's, the words.
pub fn infer(entries: &[Entry], aliases: &[Vec<String>]) -> Vec<(usize, usize, String)> {
    let people: Vec<String> = {
        let mut seen = BTreeSet::new();
        entries
            .iter()
            .map(|e| fold(&e.author))
            .filter(|a| !a.is_empty() && !is_anonymous(a) && seen.insert(a.clone()))
            .collect()
    };
    // Every spelling and the people it may name.
    let mut spellings: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (n, person) in people.iter().enumerate() {
        for spelling in spellings_of(person, aliases) {
            spellings.entry(spelling).or_default().insert(n);
        }
    }
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.reply_to.is_some() || entry.status == CommentStatus::Removed {
            continue;
        }
        let author = fold(&entry.author);
        let mut places: Vec<(usize, usize, &BTreeSet<usize>, String)> = Vec::new();
        // Only spellings whose first word is in the text are looked for: a thread may have thousands of people.
        let body_words: BTreeSet<String> =
            entry.body.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect();
        let present: Vec<(&String, &BTreeSet<usize>)> = spellings
            .iter()
            .filter(|(s, _)| body_words.contains(s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or_default()))
            .collect();
        for &(spelling, owners) in &present {
            for (start, end, words) in triggers(&entry.body, spelling) {
                places.push((start, end, owners, words));
            }
        }
        // "Ben Tremblay" names one person even when "Ben" names two: a place inside a longer one is not counted.
        let inside = |a: &(usize, usize, &BTreeSet<usize>, String)| {
            places.iter().any(|b| b.0 <= a.0 && a.1 <= b.1 && b.1 - b.0 > a.1 - a.0)
        };
        let counted: Vec<_> = places.iter().filter(|p| !inside(p)).collect();
        let ambiguous = counted.iter().any(|p| p.2.len() > 1);
        let addressed: BTreeSet<usize> =
            counted.iter().flat_map(|p| p.2.iter().copied()).filter(|&owner| people[owner] != author).collect();
        let words = counted.iter().min_by_key(|p| p.0).map(|p| p.3.clone()).unwrap_or_default();
        if ambiguous || addressed.len() != 1 {
            continue;
        }
        let one = *addressed.first().expect("one");
        // "Hope, Rich and Oren all say...": other people named in the same sentence make it a remark to several.
        let at = counted.iter().map(|p| p.0).min().unwrap_or_default();
        let others = present.iter().filter(|(_, owners)| owners.iter().all(|&o| o != one && people[o] != author));
        if others.clone().any(|(spelling, _)| named_near(&entry.body, spelling, at)) {
            continue;
        }
        let person = &people[one];
        let theirs: Vec<usize> = (0..i)
            .rev()
            .filter(|&j| fold(&entries[j].author) == *person && entries[j].status == CommentStatus::Published)
            .collect();
        if let Some(parent) = echoed(&entry.body, &theirs, entries) {
            out.push((i, parent, words));
        }
    }
    out
}

/// Whether `spelling` is written as a name (capitalized, a word of its own) in the sentence holding `at`.
fn named_near(body: &str, spelling: &str, at: usize) -> bool {
    let lower = body.to_lowercase();
    if lower.len() != body.len() {
        return false;
    }
    lower.match_indices(spelling).any(|(k, _)| {
        let end = k + spelling.len();
        let word = !body[..k].ends_with(char::is_alphanumeric) && !body[end..].starts_with(char::is_alphanumeric);
        let (from, to) = (k.min(at), k.max(at));
        word && body[k..].starts_with(char::is_uppercase) && !body[from..to].contains(['.', '!', '?', '\n'])
    })
}

/// Of a person's earlier comments (latest first), the one a reply answers: the latest, unless an
/// earlier one shares more of the reply's words ("which part did you find hard going?").
fn echoed(reply: &str, theirs: &[usize], entries: &[Entry]) -> Option<usize> {
    let words = content_words(reply);
    let shared = |j: usize| content_words(&entries[j].body).intersection(&words).count();
    let latest = *theirs.first()?;
    let best = theirs.iter().copied().max_by_key(|&j| (shared(j), j))?;
    Some(if shared(best) > shared(latest) { best } else { latest })
}

/// Words common enough to say nothing about which comment is answered.
const COMMON: [&str; 48] = [
    "this", "that", "with", "have", "from", "what", "your", "about", "they", "them", "their", "there", "were", "been",
    "would", "could", "should", "which", "when", "just", "also", "more", "than", "then", "like", "into", "very",
    "much", "some", "here", "will", "yes", "agree", "think", "thanks", "thank", "said", "says", "point", "comment",
    "really", "same", "both", "know", "does", "only", "even", "well",
];

/// The distinct words of four letters or more, lowercased, without the common ones.
fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !COMMON.contains(&w.as_str()))
        .collect()
}

/// A person's spellings: full name, first name, and aliases from `authors.yaml`.
fn spellings_of(person: &str, aliases: &[Vec<String>]) -> BTreeSet<String> {
    let mut all = BTreeSet::from([person.to_string()]);
    if let Some(first) =
        person.split(' ').next().filter(|f| f.chars().count() >= 2 && f.chars().all(char::is_alphabetic))
    {
        all.insert(first.to_string());
    }
    for known in aliases.iter().filter(|spellings| spellings.iter().any(|s| fold(s) == person)) {
        all.extend(known.iter().map(|s| fold(s)).filter(|s| s.chars().count() >= 2));
    }
    all
}

/// The words of every place where `body` addresses `spelling` (folded).
fn triggers(body: &str, spelling: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut in_code = false;
    let mut opening = true;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code || trimmed.starts_with('>') || line.starts_with("    ") || trimmed.is_empty() {
            continue;
        }
        found.extend(in_line(line, spelling, opening).into_iter().map(|(a, b, words)| (start + a, start + b, words)));
        opening = false;
    }
    found
}

fn in_line(line: &str, spelling: &str, opening: bool) -> Vec<(usize, usize, String)> {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        // Case folding changed byte lengths (rare scripts): match on the line as written instead.
        return in_text(line, line, spelling, opening);
    }
    in_text(line, &lower, spelling, opening)
}

fn in_text(line: &str, lower: &str, spelling: &str, opening: bool) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(spelling).map(|i| from + i) {
        from = at + spelling.len();
        let end = at + spelling.len();
        let before = &line[..at];
        let after = &line[end..];
        if before.chars().next_back().is_some_and(char::is_alphanumeric)
            || after.chars().next().is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        if before.ends_with('@') {
            found.push((at, end, format!("@{}", &line[at..end])));
            continue;
        }
        if !line[at..].starts_with(char::is_uppercase) {
            continue;
        }
        if let Some(words) = addressing(before, &line[at..end], after, opening) {
            found.push((at, end, words));
        }
    }
    found
}

/// The words, when the name at this place addresses its person.
fn addressing(before: &str, name: &str, after: &str, opening: bool) -> Option<String> {
    let sentence = before.rsplit(['.', '!', '?', ';']).next().unwrap_or(before);
    let previous: Vec<String> =
        sentence.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let last = |n: usize| previous[previous.len().saturating_sub(n)..].join(" ");
    let possessive = after.strip_prefix("'s ").or_else(|| after.strip_prefix("\u{2019}s "));
    let next_word = possessive.unwrap_or(after).split_whitespace().next().unwrap_or("");
    let next_word = next_word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let punctuated = after.trim_start().starts_with([',', ':', '!', '\u{2014}', '\u{2013}']) || after.starts_with(" -");
    let said = |lead: &str, words: usize| format!("{lead}{name}{}", tail(after, words)).trim().to_string();
    // The last `n` words of the sentence as written, with a space before the name.
    let lead = |n: usize| {
        let mut at = sentence.len();
        for _ in 0..n {
            let trimmed = sentence[..at].trim_end_matches(|c: char| !c.is_alphanumeric());
            at = trimmed.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |i| i + 1);
        }
        format!("{} ", sentence[at..].trim())
    };
    if opening && before == sentence {
        let greeting = GREETINGS.contains(&previous.join(" ").as_str());
        if previous.is_empty() && punctuated || greeting {
            return Some(said(&format!("{} ", sentence.trim()), 0).replace("  ", " "));
        }
    }
    if matches!(last(1).as_str(), "as" | "like") && SAYS.contains(&next_word.as_str()) {
        return Some(said(&lead(1), 1));
    }
    if last(2).ends_with("agree with") || last(2) == "agreeing with" {
        return Some(said(&lead(2), 0));
    }
    if possessive.is_some() && REMARKS.contains(&next_word.as_str()) {
        return Some(said("", 1));
    }
    if last(1) == "thanks" || last(2) == "thank you" {
        return Some(said(&lead(if last(1) == "thanks" { 1 } else { 2 }), 0));
    }
    let closing = after.trim_start().is_empty() || after.trim_start().starts_with(['.', '!', '?']);
    if before.trim_end().ends_with(',') && closing {
        return Some(format!(", {}", said("", 0)));
    }
    None
}

/// The punctuation that sticks to the name, then `words` more words.
fn tail(after: &str, words: usize) -> String {
    let attached = after.len() - after.trim_start_matches(|c: char| !c.is_whitespace()).len();
    let mut out = after[..attached].to_string();
    for word in after[attached..].split_whitespace().take(words) {
        out.push(' ');
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests;
