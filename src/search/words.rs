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
    // Word boundaries always fall at spaces, so each run between them is cut on its own: by hand
    // when it is ASCII (most of any text, and several times faster), else by the Unicode rules.
    // Each byte is classed by one look-up: the index reads every word of a site this way.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if CLASS[bytes[i] as usize] == SPACE {
            i += 1;
            continue;
        }
        let start = i;
        let mut seen = 0;
        while i < bytes.len() && CLASS[bytes[i] as usize] != SPACE {
            seen |= CLASS[bytes[i] as usize];
            i += 1;
        }
        let run = &text[start..i];
        if seen & HIGH != 0 {
            unicode_words(run, folded, &mut each);
        } else if let Some(word) = lone_word(run, seen) {
            emit(word, seen & UPPER != 0, folded, &mut each);
        } else {
            ascii_words(run, folded, &mut each);
        }
    }
}

/// A capital letter, in [`CLASS`] (a small letter or a digit is 0).
const UPPER: u8 = 1;
/// ASCII other than letters, digits and white space; `_` too, which joins words but makes none.
const OTHER: u8 = 2;
/// A byte of a non-ASCII character.
const HIGH: u8 = 4;
/// ASCII white space, as `u8::is_ascii_whitespace` says.
const SPACE: u8 = 8;

/// What each byte is to [`each_word`].
const CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = match byte {
            b'a'..=b'z' | b'0'..=b'9' => 0,
            b'A'..=b'Z' => UPPER,
            0x80..=0xff => HIGH,
            _ if byte.is_ascii_whitespace() => SPACE,
            _ => OTHER,
        };
        b += 1;
    }
    table
};

/// The one word of an ASCII run whose bytes' classes together are `seen`, when the run is letters
/// and digits alone, or with other bytes only before and after them (`team`, `(team),`): most runs
/// of prose. No byte at either end joins the letters, as only more of the same stands beyond it.
fn lone_word(run: &str, seen: u8) -> Option<&str> {
    let word = match seen & OTHER {
        0 => run,
        _ => {
            let edge = |b: u8| b != b'_' && CLASS[b as usize] == OTHER;
            let start = run.bytes().position(|b| !edge(b))?;
            let end = run.bytes().rposition(|b| !edge(b))? + 1;
            Some(&run[start..end]).filter(|w| w.bytes().all(|b| CLASS[b as usize] & OTHER == 0))?
        }
    };
    Some(word).filter(|w| !w.is_empty() && w.len() <= LONGEST)
}

/// Passes `word` on, lower-cased into `folded` when it holds a capital, else as it is, uncopied
/// (most words).
fn emit(word: &str, upper: bool, folded: &mut String, each: &mut impl FnMut(&str)) {
    match upper {
        true => {
            folded.clear();
            folded.push_str(word);
            folded.make_ascii_lowercase();
            each(folded);
        }
        false => each(word),
    }
}

/// The words of a run holding a non-ASCII character, by the Unicode rules, split at apostrophes.
fn unicode_words(run: &str, folded: &mut String, each: &mut impl FnMut(&str)) {
    run.unicode_words().flat_map(|word| word.split(['\'', '’', 'ʼ'])).for_each(|part| {
        fold_into(part, folded);
        // Bytes are never fewer than characters: most words need no count.
        if !folded.is_empty() && (folded.len() <= LONGEST || folded.chars().count() <= LONGEST) {
            each(folded);
        }
    });
}

/// The words of a run of ASCII text without white space, lower-cased into `folded`, by the rules
/// of Unicode's word boundaries (UAX #29) as they apply to ASCII, then split at apostrophes:
/// letters, digits and `_` join; `:` joins two letters, `,` and `;` two digits, `.` either; a
/// word must hold a letter or digit. (`'` joins as `.` does, and the word is split there: the
/// same as a word ending there.) In one pass, as the index reads every word of a site this way;
/// the property tests below hold it to `unicode_words`.
fn ascii_words(run: &str, folded: &mut String, each: &mut impl FnMut(&str)) {
    let bytes = run.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let (mut alphanumeric, mut upper) = (false, false);
        loop {
            let b = bytes[i];
            alphanumeric |= b != b'_';
            upper |= b.is_ascii_uppercase();
            i += 1;
            let (Some(&next), after) = (bytes.get(i), bytes.get(i + 1).copied().unwrap_or(b' ')) else { break };
            if word(next) {
                continue;
            }
            let joined = match next {
                b':' => b.is_ascii_alphabetic() && after.is_ascii_alphabetic(),
                b'.' => {
                    (b.is_ascii_alphabetic() && after.is_ascii_alphabetic())
                        || (b.is_ascii_digit() && after.is_ascii_digit())
                }
                b',' | b';' => b.is_ascii_digit() && after.is_ascii_digit(),
                _ => false,
            };
            if !joined {
                break;
            }
            i += 1;
        }
        let found = &run[start..i];
        if !alphanumeric || found.len() > LONGEST {
            continue;
        }
        emit(found, upper, folded, each);
    }
}

/// `word` lower-cased with its accents dropped (`Équipe` to `equipe`), into `out`.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
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
        assert_eq!(
            words("U.S. 3.5 a:b 1,000 __init__ e-mail x_"),
            ["u.s", "3.5", "a:b", "1,000", "__init__", "e", "mail", "x_"]
        );
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_path_folds_as_the_unicode_path_does(text in "[aB1_.:,;'() \t!é-]{0,24}") {
            let mut slow = Vec::new();
            for word in text.unicode_words().flat_map(|word| word.split('\'')) {
                let mut folded = String::new();
                fold_into(word, &mut folded);
                if !folded.is_empty() {
                    slow.push(folded);
                }
            }
            proptest::prop_assert_eq!(words(&text), slow);
        }

        #[test]
        fn ascii_words_are_unicode_words(text in "[a-cB1-2_.:,;' \t!x-]{0,24}") {
            let mut fast = Vec::new();
            for run in text.split_ascii_whitespace() {
                ascii_words(run, &mut String::new(), &mut |w| fast.push(w.to_string()));
            }
            let slow: Vec<String> = text
                .unicode_words()
                .flat_map(|word| word.split('\''))
                .filter(|part| !part.is_empty() && part.len() <= LONGEST)
                .map(str::to_ascii_lowercase)
                .collect();
            proptest::prop_assert_eq!(fast, slow);
        }
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
