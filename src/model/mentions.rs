//! `@Name` in a comment: which spellings name which person.
//!
//! A person is named by their full name or an alias from `authors.yaml`, or by
//! their first name when no one else has it, without regard to case. The
//! longest spelling that fits wins (`@Ben Okafor` before `@Ben`); a spelling
//! two people share names no one, and stays plain text. Names and text are
//! compared after Unicode normalisation, as `authors.yaml` names are. Finding the `@` (and
//! leaving code, links and e-mail addresses alone) is the Markdown pass's work,
//! in `render/markdown.rs`, which links and records mentions in one go.

use std::collections::HashMap;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use super::{people, Person, PersonId};
use crate::routes::{Links, Route};

/// Who a spelling names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    One(PersonId),
    Several,
}

/// The spellings of every person's name, longest first, and the placeholder address of each person's page.
#[derive(Debug, Default)]
pub struct MentionNames {
    /// Spellings folded as names are (see [`fold`]), longest first.
    spellings: Vec<(Vec<char>, Named)>,
    /// By person: their page's address as if the site were at `/`, what a cleaned text's mention link
    /// holds until the page (or mail) it is shown in gives it the address that works there.
    hrefs: Vec<String>,
    /// Who each of `hrefs` names.
    by_href: HashMap<String, PersonId>,
}

impl MentionNames {
    /// Gathers the spellings of `people`.
    pub fn new(people: &[Person]) -> MentionNames {
        let mut named: HashMap<Vec<char>, Named> = HashMap::new();
        let claim = |map: &mut HashMap<Vec<char>, Named>, spelling: Vec<char>, id: PersonId| {
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
        let mut first_names: HashMap<Vec<char>, Named> = HashMap::new();
        for (index, person) in people.iter().enumerate() {
            let words: Vec<&str> = person.name.split_whitespace().collect();
            if words.len() > 1 {
                claim(&mut first_names, fold(words[0]), PersonId(index));
            }
        }
        for (first, who) in first_names {
            named.entry(first).or_insert(who);
        }
        let mut spellings: Vec<(Vec<char>, Named)> = named.into_iter().collect();
        spellings.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        // Whatever the base URL: a text cleaned for `build` is the same text in `serve`, so the
        // build cache serves both, and each page or mail makes the address work where it is shown.
        let placeholder = Links::Rooted("/".into());
        let hrefs: Vec<String> = people.iter().map(|p| Route::person(&p.slug, 0).link(&placeholder)).collect();
        let by_href = hrefs.iter().enumerate().map(|(index, href)| (href.clone(), PersonId(index))).collect();
        MentionNames { spellings, hrefs, by_href }
    }

    /// Everything that decides how a text's mentions are linked, as bytes for the build cache's key.
    pub fn fingerprint(&self) -> Vec<u8> {
        format!("{:?}", (&self.spellings, &self.hrefs)).into_bytes()
    }

    /// Whether mentions could be found in `markdown`: not without an `@`, typed or as a character
    /// reference (`&#64;`, `&commat;`), so such a text's cleaning does not depend on who is named how.
    pub fn could_be_in(markdown: &str) -> bool {
        markdown.contains(['@', '&'])
    }

    /// The person named at the start of `text` (what follows an `@`) and how many bytes name them.
    ///
    /// The name must end where a word ends; the longest spelling that fits decides,
    /// and a spelling two people share gives `None`. `text` is compared as names are, so
    /// `Zoë` typed as one character or as `e` and a combining mark names the same person.
    pub fn find(&self, text: &str) -> Option<(PersonId, usize)> {
        let mut folded = Folded::new(text);
        self.spellings.iter().find_map(|(spelling, who)| Some((*who, folded.starts_with(spelling)?))).and_then(
            |(who, length)| match who {
                Named::One(id) => Some((id, length)),
                Named::Several => None,
            },
        )
    }

    /// The placeholder address of `person`'s page, as a mention link holds it.
    pub fn href(&self, person: PersonId) -> &str {
        &self.hrefs[person.0]
    }

    /// Whom a mention link's placeholder address `href` names.
    pub fn named_by(&self, href: &str) -> Option<PersonId> {
        self.by_href.get(href).copied()
    }
}

/// A name as people's names are compared ([`people::fold`]: composed, lowercase, single spaces),
/// then decomposed, so that a text can be compared with it one character (and its marks) at a time.
fn fold(name: &str) -> Vec<char> {
    people::fold(name).nfd().collect()
}

/// The text after an `@`, folded as [`fold`] folds names, read only as far as a comparison needs.
///
/// It is read in units: a run of white space (one space), or a character with the combining marks
/// that follow it (lowercased, then decomposed), so a name matches only whole letters: `@Zoe`
/// followed by a combining diaeresis is not `Zoe`.
struct Folded<'t> {
    /// What is not read yet.
    rest: &'t str,
    /// How many bytes of the text are read.
    read: usize,
    /// The folded characters read so far.
    chars: Vec<char>,
    /// Where each unit ends: in `chars`, and in the text's bytes.
    ends: Vec<(usize, usize)>,
}

impl<'t> Folded<'t> {
    fn new(text: &'t str) -> Folded<'t> {
        Folded { rest: text, read: 0, chars: Vec::new(), ends: Vec::new() }
    }

    /// Reads one more unit; false at the end of the text.
    fn read_unit(&mut self) -> bool {
        let mut chars = self.rest.char_indices();
        let Some((_, first)) = chars.next() else { return false };
        let length = if first.is_whitespace() {
            self.chars.push(' ');
            self.rest.len() - self.rest.trim_start().len()
        } else {
            let end = chars.find(|(_, c)| canonical_combining_class(*c) == 0).map_or(self.rest.len(), |(at, _)| at);
            self.chars.extend(self.rest[..end].chars().flat_map(char::to_lowercase).nfd());
            end
        };
        self.rest = &self.rest[length..];
        self.read += length;
        self.ends.push((self.chars.len(), self.read));
        true
    }

    /// How many bytes of the text spell `spelling` (folded), if it starts with it and a word ends there.
    fn starts_with(&mut self, spelling: &[char]) -> Option<usize> {
        for (index, wanted) in spelling.iter().enumerate() {
            while self.chars.len() <= index {
                if !self.read_unit() {
                    return None;
                }
            }
            if self.chars[index] != *wanted {
                return None;
            }
        }
        let unit = self.ends.binary_search_by_key(&spelling.len(), |(chars, _)| *chars).ok()?;
        if unit + 1 == self.ends.len() {
            self.read_unit();
        }
        let next = self.chars.get(spelling.len());
        let ends_word = next.is_none_or(|c| !(c.is_alphanumeric() || *c == '_'));
        ends_word.then_some(self.ends[unit].1)
    }
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
        MentionNames::new(&people)
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
    fn only_a_text_with_an_at_sign_or_a_character_reference_could_mention_anyone() {
        assert!(MentionNames::could_be_in("thanks, @Ben") && MentionNames::could_be_in("thanks, &#64;Ben"));
        assert!(MentionNames::could_be_in("Q&A") && !MentionNames::could_be_in("thanks, Ben (at) school"));
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

    #[test]
    fn names_match_whether_typed_composed_or_decomposed_in_any_case() {
        let people = [person("Zoë Ng", &[]), person("Zoe Park", &[]), person("İlker Öz", &["Çağla"])];
        let names = MentionNames::new(&people);
        let decomposed = "Zoe\u{308} Ng, hi";
        assert_eq!(names.find(decomposed), Some((PersonId(0), "Zoe\u{308} Ng".len())));
        assert_eq!(names.find("ZOË NG"), Some((PersonId(0), "ZOË NG".len())));
        assert_eq!(names.find("ZOE\u{308}"), Some((PersonId(0), "ZOE\u{308}".len())), "a unique first name");
        assert_eq!(names.find("zoe park"), Some((PersonId(1), 8)));
        // A letter with a mark is not the letter alone, either way it is typed.
        assert_eq!(names.find("Zoe\u{308}"), Some((PersonId(0), 5)));
        assert_eq!(names.find("Zoe\u{301} Park"), None);
        assert_eq!(names.find("I\u{307}lker O\u{308}z"), Some((PersonId(2), "I\u{307}lker O\u{308}z".len())));
        assert_eq!(names.find("c\u{327}ag\u{306}la!"), Some((PersonId(2), "c\u{327}ag\u{306}la".len())));
    }

    #[test]
    fn text_written_decomposed_matches_names_written_decomposed() {
        let people = [person("Rene\u{301}e Blanc", &[])];
        let names = MentionNames::new(&people);
        assert_eq!(names.find("Renée"), Some((PersonId(0), "Renée".len())));
        assert_eq!(names.find("RENE\u{301}E BLANC."), Some((PersonId(0), "RENE\u{301}E BLANC".len())));
    }
}
