//! `@Name` in a comment: which spellings name which person.
//!
//! A person is named by their full name or an alias from `authors.yaml`, or by
//! their first name when no one else has it, without regard to case. The
//! longest spelling that fits wins (`@Ben Okafor` before `@Ben`); a spelling
//! two people share names no one, and stays plain text. Finding the `@` (and
//! leaving code, links and e-mail addresses alone) is the Markdown pass's work,
//! in `render/markdown.rs`, which links and records mentions in one go.

use std::collections::HashMap;

use super::{Person, PersonId};
use crate::config::BaseUrl;
use crate::routes::Route;

/// Who a spelling names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    One(PersonId),
    Several,
}

/// The spellings of every person's name, longest first, and the address of each person's page.
#[derive(Debug, Default)]
pub struct MentionNames {
    /// Lowercase spellings with single spaces, longest first.
    spellings: Vec<(String, Named)>,
    /// By person: the root-relative address of their page.
    hrefs: Vec<String>,
}

impl MentionNames {
    /// Gathers the spellings of `people`, whose pages are on the site at `base`.
    pub fn new(people: &[Person], base: &BaseUrl) -> MentionNames {
        let mut named: HashMap<String, Named> = HashMap::new();
        let claim = |map: &mut HashMap<String, Named>, spelling: String, id: PersonId| {
            if spelling.is_empty() {
                return;
            }
            map.entry(spelling)
                .and_modify(|n| {
                    if *n != Named::One(id) {
                        *n = Named::Several;
                    }
                })
                .or_insert(Named::One(id));
        };
        for (index, person) in people.iter().enumerate() {
            for spelling in std::iter::once(&person.name).chain(&person.aliases) {
                claim(&mut named, fold(spelling), PersonId(index));
            }
        }
        let mut first_names: HashMap<String, Named> = HashMap::new();
        for (index, person) in people.iter().enumerate() {
            let words: Vec<&str> = person.name.split_whitespace().collect();
            if words.len() > 1 {
                claim(&mut first_names, fold(words[0]), PersonId(index));
            }
        }
        for (first, who) in first_names {
            named.entry(first).or_insert(who);
        }
        let mut spellings: Vec<(String, Named)> = named.into_iter().collect();
        spellings.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.0.cmp(&b.0)));
        let hrefs = people.iter().map(|p| Route::person(&p.slug, 0).url(base)).collect();
        MentionNames { spellings, hrefs }
    }

    /// Everything that decides how a text's mentions are linked, as bytes for the build cache's key.
    pub fn fingerprint(&self) -> Vec<u8> {
        format!("{:?}", (&self.spellings, &self.hrefs)).into_bytes()
    }

    /// The person named at the start of `text` (what follows an `@`) and how many bytes name them.
    ///
    /// The name must end where a word ends; the longest spelling that fits decides,
    /// and a spelling two people share gives `None`.
    pub fn find(&self, text: &str) -> Option<(PersonId, usize)> {
        self.spellings.iter().find_map(|(spelling, who)| Some((*who, starts_with(text, spelling)?))).and_then(
            |(who, length)| match who {
                Named::One(id) => Some((id, length)),
                Named::Several => None,
            },
        )
    }

    /// The root-relative address of `person`'s page.
    pub fn href(&self, person: PersonId) -> &str {
        &self.hrefs[person.0]
    }
}

/// Lowercase with runs of white space made one space.
fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The bytes of `text` that spell `spelling` (lowercase, single spaces), if it starts with it and a word ends there.
fn starts_with(text: &str, spelling: &str) -> Option<usize> {
    let mut rest = text;
    for wanted in spelling.chars() {
        let mut chars = rest.chars();
        let got = chars.next()?;
        if wanted == ' ' {
            if !got.is_whitespace() {
                return None;
            }
            rest = rest.trim_start();
            continue;
        }
        if !got.to_lowercase().eq(wanted.to_lowercase()) {
            return None;
        }
        rest = chars.as_str();
    }
    let ends_word = rest.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
    ends_word.then(|| text.len() - rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, aliases: &[&str]) -> Person {
        Person {
            slug: crate::model::slug::of(name),
            name: name.to_string(),
            role: None,
            bio: None,
            website: None,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            emails: Vec::new(),
            span: None,
        }
    }

    fn names() -> MentionNames {
        let people = [
            person("Benjamin Okafor", &["Ben"]),
            person("Claire Dufresne", &[]),
            person("Claire Martin", &[]),
            person("Priya Raman", &[]),
        ];
        MentionNames::new(&people, &BaseUrl::parse("/").expect("a root"))
    }

    #[test]
    fn full_names_aliases_and_unique_first_names_match_in_any_case() {
        let names = names();
        assert_eq!(names.find("claire  DUFRESNE, hi"), Some((PersonId(1), 16)));
        assert_eq!(names.find("Ben."), Some((PersonId(0), 3)));
        assert_eq!(names.find("priya's point"), Some((PersonId(3), 5)));
        assert_eq!(names.href(PersonId(3)), "/authors/priya-raman/");
    }

    #[test]
    fn shared_first_names_and_unknown_names_match_no_one() {
        let names = names();
        assert_eq!(names.find("Claire, hi"), None);
        assert_eq!(names.find("Nobody"), None);
    }

    #[test]
    fn a_name_must_end_where_a_word_ends() {
        let names = names();
        assert_eq!(names.find("Benjamin"), Some((PersonId(0), 8)));
        assert_eq!(names.find("Bent"), None);
        assert_eq!(names.find("Priya_x"), None);
    }
}
