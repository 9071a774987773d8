//! Names not in `authors.yaml` that are probably someone's who is: a typo (`Alex Chn` for
//! `Alex Chen`) or a first name that only one listed person has (`Claire`). Such a name still
//! gets a page of its own, as any new name does, but it is a warning: most often a facilitator
//! meant the listed person and should add the spelling to their `aliases:`.

use super::people::{fold, Directory};
use super::{Person, PersonId};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// The listed spelling `name` most likely stands for, when it is not a listed spelling itself.
pub fn nearest<'p>(listed: impl IntoIterator<Item = (&'p str, &'p [String])>, name: &str) -> Option<&'p str> {
    let folded = fold(name);
    if folded.is_empty() || super::people::is_anonymous(&folded) {
        return None;
    }
    let people: Vec<(&str, Vec<&str>)> = listed
        .into_iter()
        .map(|(shown, others)| (shown, [shown].into_iter().chain(others.iter().map(String::as_str)).collect()))
        .collect();
    if people.iter().any(|(_, spellings)| spellings.iter().any(|s| fold(s) == folded)) {
        return None;
    }
    // A typo: the closest spelling, within one edit for short names and two for longer ones.
    let allowed = if folded.chars().count() < 6 { 1 } else { 2 };
    let folded = folded.as_str();
    let typo = people
        .iter()
        .flat_map(|(shown, spellings)| spellings.iter().map(move |s| (strsim::levenshtein(&fold(s), folded), *shown)))
        .filter(|(distance, _)| *distance <= allowed)
        .min();
    if let Some((_, shown)) = typo {
        return Some(shown);
    }
    // A first name alone, when exactly one listed person's name starts with it.
    if folded.contains(' ') {
        return None;
    }
    let mut firsts = people.iter().filter(|(shown, _)| fold(shown).split(' ').next() == Some(folded));
    match (firsts.next(), firsts.next()) {
        (Some((shown, _)), None) => Some(shown),
        _ => None,
    }
}

/// The person `name` names, added when new; a new name that looks like a listed person's is a warning at `span`.
pub fn find_or_add(
    directory: &mut Directory,
    name: &str,
    span: impl FnOnce() -> Span,
    problems: &mut Diagnostics,
) -> Option<PersonId> {
    if let Some(known) = directory.met(name) {
        return known;
    }
    if directory.find(name).is_none() {
        let listed = directory.people.iter().filter(|p| p.span.is_some());
        if let Some(meant) = nearest(listed.map(|p: &Person| (p.name.as_str(), p.aliases.as_slice())), name) {
            problems.push(warning(name, meant, span()));
        }
    }
    directory.find_or_add(name)
}

/// `Claire` is not in authors.yaml ... did you mean `Claire Dufresne`?
pub fn warning(name: &str, meant: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(span, format!("`{name}` is not in authors.yaml, so they get a page of their own")).with_help(
        format!("did you mean `{meant}`? if it is the same person, add `{name}` to their `aliases:` in authors.yaml"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(name: &str) -> Option<&'static str> {
        static ALIASES: [String; 0] = [];
        let listed = [("Claire Dufresne", &ALIASES[..]), ("Alex Chen", &ALIASES[..]), ("Alex Moreau", &ALIASES[..])];
        nearest(listed, name)
    }

    #[test]
    fn a_typo_or_a_unique_first_name_points_to_the_listed_person() {
        assert_eq!(near("Alex Chn"), Some("Alex Chen"));
        assert_eq!(near("claire dufrene"), Some("Claire Dufresne"));
        assert_eq!(near("Claire"), Some("Claire Dufresne"));
    }

    #[test]
    fn listed_names_ambiguous_first_names_and_strangers_are_left_alone() {
        assert_eq!(near("alex chen"), None, "a listed name, in another case");
        assert_eq!(near("Alex"), None, "two people are called Alex");
        assert_eq!(near("Dana Whitfield"), None);
        assert_eq!(near("Anonymous"), None);
    }
}
