//! The export's people added to `authors.yaml`: one entry a person, none for someone already there.
//!
//! People are told apart as the loader tells them apart: by name without
//! regard to case or repeated spaces, against every key, name and alias
//! already listed. The file's old bytes are kept as they are and new entries
//! appended, like `roundtable reply` appends to a thread. Only a name, a role
//! and an http(s) website are ever written.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Archive, State};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::{PersonFields, RawPerson};
use crate::model::people::{fold, is_anonymous, is_web_address};
use crate::scaffold::yaml_out::quoted;

/// A person the import adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewPerson {
    /// Their `authors.yaml` key.
    pub key: String,
    /// Their display name.
    pub name: String,
    /// `facilitator` for those who wrote posts, `member` otherwise.
    pub role: &'static str,
    /// An http(s) address.
    pub website: Option<String>,
}

/// The people of the archive who are not in `existing`, in the order first met.
pub fn new_people(archive: &Archive, existing: &[RawPerson]) -> Vec<NewPerson> {
    let mut known: HashSet<String> = HashSet::new();
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for person in existing {
        keys.insert(person.key.clone());
        let spellings =
            [person.key.clone()].into_iter().chain(person.fields.name.clone()).chain(person.fields.aliases.clone());
        for spelling in spellings {
            known.insert(fold(&spelling));
        }
    }
    let mut found: Vec<NewPerson> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let writers = archive.posts.iter().filter_map(|p| p.author.as_ref()).map(|a| (a, "facilitator"));
    let commenters = archive
        .posts
        .iter()
        .flat_map(|p| p.comments.iter().filter(|c| c.state != State::Deleted).map(|c| (&c.author, "member")));
    for (person, role) in writers.chain(commenters) {
        let name = person.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let folded = fold(&name);
        if folded.is_empty() || is_anonymous(&folded) || known.contains(&folded) {
            continue;
        }
        let website = person.website.clone().filter(|w| is_web_address(w));
        if let Some(&i) = at.get(&folded) {
            found[i].website = found[i].website.take().or(website);
            continue;
        }
        let base = Some(crate::model::slug::of(&name)).filter(|s| !s.is_empty()).unwrap_or_else(|| "person".into());
        let key = super::first_free(&base, |k| keys.contains(k));
        keys.insert(key.clone());
        // The loader takes a key as a spelling too: a later name that is this key is this person.
        at.insert(fold(&key), found.len());
        at.insert(folded, found.len());
        found.push(NewPerson { key, name, role, website });
    }
    found
}

/// `authors.yaml`'s path (relative to the site) and its bytes with the new people at the end.
pub fn authors_file(root: &Path, people: &[NewPerson]) -> Result<Option<(PathBuf, Vec<u8>)>, Diagnostics> {
    if people.is_empty() {
        return Ok(None);
    }
    let shown = [PathBuf::from("authors.yaml"), PathBuf::from("authors.yml")]
        .into_iter()
        .find(|p| root.join(p).is_file())
        .unwrap_or_else(|| PathBuf::from("authors.yaml"));
    let old = match std::fs::read(root.join(&shown)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(Diagnostic::error(Span::file(&shown), format!("cannot read this file: {e}"))
                .with_help("check that it is readable")
                .into())
        }
    };
    let newline = if old.windows(2).any(|w| w == b"\r\n") { "\r\n" } else { "\n" };
    let mut bytes = old;
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.extend_from_slice(newline.as_bytes());
    }
    if bytes.is_empty() {
        bytes.extend_from_slice(
            format!("# People: key -> name, role, website (see docs/format.md){newline}").as_bytes(),
        );
    }
    for person in people {
        bytes.extend_from_slice(newline.as_bytes());
        for line in entry(person).lines() {
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(newline.as_bytes());
        }
    }
    check(&shown, &bytes, people)?;
    Ok(Some((shown, bytes)))
}

fn entry(person: &NewPerson) -> String {
    let mut text = format!("{}:\n  name: {}\n  role: {}\n", person.key, quoted(&person.name), person.role);
    if let Some(website) = &person.website {
        text.push_str(&format!("  website: {}\n", quoted(website)));
    }
    text
}

/// Reads the new file back with the loader's parser: every new person must come out as written.
fn check(shown: &Path, bytes: &[u8], people: &[NewPerson]) -> Result<(), Diagnostics> {
    let text = String::from_utf8_lossy(bytes);
    let entries = crate::load::yaml::parse_map::<PersonFields>(shown, &text).map_err(Diagnostics::from)?;
    let read: HashMap<String, PersonFields> =
        entries.into_iter().filter(|e| e.problems.is_empty()).filter_map(|e| e.value).collect();
    for person in people {
        let back = read.get(&person.key);
        let same = back.is_some_and(|b| {
            b.name.as_deref() == Some(person.name.as_str())
                && b.role.as_deref() == Some(person.role)
                && b.website == person.website
        });
        if !same {
            return Err(Diagnostic::error(
                Span::file(shown),
                format!("`{}` would not read back as written", person.name),
            )
            .with_help("nothing was written; please report this as a bug of roundtable import")
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Comment, Person, Post};

    #[test]
    fn one_entry_a_person_whatever_the_case_or_spacing() {
        let commenter = |name: &str, website: Option<&str>| Comment {
            author: Person { name: name.into(), website: website.map(str::to_string) },
            ..Comment::default()
        };
        let archive = Archive {
            posts: vec![Post {
                author: Some(Person { name: "Athena  Loopstra".into(), website: None }),
                comments: vec![
                    commenter("claire dufresne", None),
                    commenter("Claire  Dufresne", Some("https://claire.example/")),
                    commenter("Anonymous", None),
                    commenter("Zoë Ng", Some("javascript:alert(1)")),
                    commenter("Zoe Ng", None),
                    commenter("Ben", None),
                ],
                ..Post::default()
            }],
            ..Archive::default()
        };
        let existing = vec![RawPerson {
            key: "ben-okafor".into(),
            span: Span::file("authors.yaml"),
            keys: Default::default(),
            fields: PersonFields { aliases: vec!["BEN".into()], ..PersonFields::default() },
        }];
        let people = new_people(&archive, &existing);
        let shown: Vec<(&str, &str, &str, Option<&str>)> =
            people.iter().map(|p| (p.key.as_str(), p.name.as_str(), p.role, p.website.as_deref())).collect();
        assert_eq!(
            shown,
            [
                ("athena-loopstra", "Athena Loopstra", "facilitator", None),
                ("claire-dufresne", "claire dufresne", "member", Some("https://claire.example/")),
                ("zoe-ng", "Zoë Ng", "member", None),
                ("zoe-ng-2", "Zoe Ng", "member", None),
            ]
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("authors.yaml"), "ben-okafor:\r\n  aliases: [BEN]").unwrap();
        let (path, bytes) = authors_file(dir.path(), &people).unwrap().unwrap();
        assert_eq!(path, PathBuf::from("authors.yaml"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("ben-okafor:\r\n  aliases: [BEN]\r\n\r\nathena-loopstra:\r\n"), "{text}");
    }
}
