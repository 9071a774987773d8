//! Words as the index and the search page's script both see them: Unicode word boundaries, split
//! at apostrophes, lower-case, accents dropped; then stemmed for the site's language.
//!
//! The script (`search.js`) repeats the first part (`Intl.Segmenter`, `normalize("NFD")`); it needs
//! no stemmer, because the index's vocabulary maps every word it saw to its stem.

use std::borrow::Cow;

use pagefind_stem::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Longer "words" (a pasted address, a run of letters) are not indexed: no one searches for them,
/// and each would cost a vocabulary entry.
pub const LONGEST: usize = 40;

/// Calls `each` with every word of `text`, folded; `folded` is the buffer it reuses, so that a text
/// of any length allocates nothing per word.
pub fn each_word(text: &str, folded: &mut String, mut each: impl FnMut(&str)) {
    for word in text.unicode_words() {
        for part in word.split(['\'', '’', 'ʼ']) {
            fold_into(part, folded);
            if !folded.is_empty() && folded.chars().count() <= LONGEST {
                each(folded);
            }
        }
    }
}

/// `word` lower-cased with its accents dropped (`Équipe` to `equipe`), into `out`.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.nfd().filter(|&c| !is_combining_mark(c)) {
        out.extend(c.to_lowercase());
    }
}

/// The stemmer for a language tag (`en`, `fr-CA`), or none when roundtable has none for it: then a
/// word is its own stem, and only exact words (and prefixes) are found.
pub struct Stems(Option<Stemmer>);

impl Stems {
    /// The stemmer for `language`.
    pub fn for_language(language: &str) -> Stems {
        let code = language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        let algorithm = match code.as_str() {
            "en" => Algorithm::English,
            "fr" => Algorithm::French,
            "de" => Algorithm::German,
            "es" => Algorithm::Spanish,
            "it" => Algorithm::Italian,
            "pt" => Algorithm::Portuguese,
            "nl" => Algorithm::Dutch,
            "sv" => Algorithm::Swedish,
            "da" => Algorithm::Danish,
            "no" | "nb" | "nn" => Algorithm::Norwegian,
            "fi" => Algorithm::Finnish,
            _ => return Stems(None),
        };
        Stems(Some(Stemmer::create(algorithm)))
    }

    /// The stem of a folded word (`teams` and `team's` to `team`).
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match &self.0 {
            Some(stemmer) => stemmer.stem(word),
            None => Cow::Borrowed(word),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut all = Vec::new();
        each_word(text, &mut String::new(), |w| all.push(w.to_string()));
        all
    }

    #[test]
    fn words_are_split_lowered_and_folded() {
        assert_eq!(
            words("L’Équipe's «naïve» co-teaching, 2024!"),
            ["l", "equipe", "s", "naive", "co", "teaching", "2024"]
        );
        assert_eq!(words("x < y &amp; <b>"), ["x", "y", "amp", "b"]);
        assert_eq!(words("Straße ÅNGSTRÖM"), ["straße", "angstrom"]);
        assert_eq!(words(&"a".repeat(LONGEST + 1)), Vec::<String>::new(), "too long to be a word");
        assert_eq!(words(""), Vec::<String>::new());
    }

    #[test]
    fn stems_follow_the_language() {
        let english = Stems::for_language("en-GB");
        assert_eq!(english.stem("teams"), "team");
        assert_eq!(english.stem("teaching"), "teach");
        let french = Stems::for_language("fr-CA");
        assert_eq!(french.stem("equipes"), french.stem("equipe"));
        let unknown = Stems::for_language("tlh");
        assert_eq!(unknown.stem("teams"), "teams", "no stemmer: the word itself");
    }

    #[test]
    fn folding_drops_accents_and_case() {
        let mut out = String::new();
        fold_into("ÉricÇa", &mut out);
        assert_eq!(out, "ericca");
    }
}
