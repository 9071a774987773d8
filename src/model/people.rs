//! Who wrote what: `authors.yaml` entries, and names that match nobody.
//!
//! A name matches a key, a name or an alias without regard to case or repeated
//! spaces. A name that matches nobody still becomes a person with a page. Two
//! different names that slug the same ("Zoë Ng", "Zoe Ng") stay two people,
//! the second with a numbered slug, in the order they are first met.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::{slug, Person, PersonId};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::raw::RawPerson;
use crate::text::clean_line;

/// Everyone known so far, and how their names are matched.
#[derive(Debug, Default)]
pub struct Directory {
    /// Everyone, directory entries first, in the order met.
    pub people: Vec<Person>,
    by_name: HashMap<String, PersonId>,
    by_email: HashMap<String, PersonId>,
    slugs: HashSet<String>,
    /// Names exactly as written, with whom each named: people are only added, so a name names the
    /// same person every time, and the thousands of comments by a few people are folded once.
    met: HashMap<String, Option<PersonId>>,
}

impl Directory {
    /// Builds the directory from `authors.yaml`, reporting bad entries.
    pub fn new(raw: Vec<RawPerson>, problems: &mut Diagnostics) -> Directory {
        let mut directory = Directory::default();
        for entry in raw {
            let key = entry.key.trim().to_string();
            if !slug::is_valid(&key) {
                problems.push(
                    Diagnostic::error(entry.span.clone(), format!("`{key}` cannot be used as a page address"))
                        .with_help(slug::fix(&key)),
                );
                continue;
            }
            let fields = entry.fields;
            let name = fields.name.as_deref().map(clean_line).filter(|n| !n.is_empty()).unwrap_or_else(|| key.clone());
            let website = fields.website.map(|w| w.trim().to_string());
            if let Some(site) = &website {
                if !is_web_address(site) {
                    problems.push(
                        Diagnostic::error(
                            entry.keys.of("website"),
                            format!("website `{site}` is not an http or https address"),
                        )
                        .with_help("write the full address, starting with https://"),
                    );
                }
            }
            let id = PersonId(directory.people.len());
            let names = [key.clone(), name.clone()].into_iter().map(|n| (n, entry.keys.of("name")));
            let aliases = fields.aliases.iter().map(|a| (clean_line(a), entry.keys.of("aliases")));
            for (spelling, span) in names.chain(aliases) {
                let folded = fold(&spelling);
                if folded.is_empty() || is_anonymous(&folded) {
                    continue;
                }
                if let Some(&other) = directory.by_name.get(&folded) {
                    if other != id {
                        let owner = &directory.people[other.0].slug;
                        problems.push(
                            Diagnostic::error(span, format!("`{spelling}` already names `{owner}`"))
                                .with_help("each name and alias may belong to one person only"),
                        );
                    }
                    continue;
                }
                directory.by_name.insert(folded, id);
            }
            let emails = directory.emails(id, &fields.email, entry.keys.of("email"), problems);
            directory.slugs.insert(key.clone());
            directory.people.push(Person {
                slug: key,
                name,
                role: fields.role.as_deref().map(clean_line).filter(|r| !r.is_empty()),
                bio: fields.bio,
                website: website.filter(|w| is_web_address(w)),
                aliases: fields.aliases.iter().map(|a| clean_line(a)).filter(|a| !a.is_empty()).collect(),
                emails,
                span: Some(entry.keys.of("bio")),
            });
        }
        directory
    }

    /// Checks one person's `email:` addresses and registers them; returns them normalised.
    fn emails(&mut self, id: PersonId, written: &[String], span: Span, problems: &mut Diagnostics) -> Vec<String> {
        let mut kept = Vec::new();
        for address in written {
            let Some(normal) = normal_address(address) else {
                problems.push(
                    Diagnostic::error(span.clone(), format!("`{}` is not an e-mail address", clean_line(address)))
                        .with_help("write the address alone, like `ana@school.example`, or a list: [a@x.org, b@y.org]"),
                );
                continue;
            };
            match self.by_email.get(&normal) {
                Some(&other) if other != id => {
                    let owner = &self.people[other.0].slug;
                    problems.push(
                        Diagnostic::error(span.clone(), format!("the address `{normal}` is also given for `{owner}`"))
                            .with_help("an address may belong to one person only, or replies could not be told apart"),
                    );
                }
                Some(_) => {}
                None => {
                    self.by_email.insert(normal.clone(), id);
                    kept.push(normal);
                }
            }
        }
        kept
    }

    /// The person `name` refers to, if anyone is known by it.
    pub fn find(&self, name: &str) -> Option<PersonId> {
        self.by_name.get(&fold(&clean_line(name))).copied()
    }

    /// The roster (`cohort.members`): each name as a person, once; a name no one has is added, with a warning.
    pub fn roster(&mut self, names: &[String], span: &Span, problems: &mut Diagnostics) -> Vec<PersonId> {
        let mut members = Vec::new();
        for name in names {
            if self.find(name).is_none() {
                problems.push(
                    Diagnostic::warning(
                        span.clone(),
                        format!("cohort member `{name}` is not in authors.yaml and has written nothing"),
                    )
                    .with_help(
                        "check the spelling, or add them to authors.yaml; they are counted as not having written yet",
                    ),
                );
            }
            if let Some(id) = self.find_or_add(name) {
                if !members.contains(&id) {
                    members.push(id);
                }
            }
        }
        members
    }

    /// The person `name` refers to, created when unknown; `None` for anonymous.
    pub fn find_or_add(&mut self, written: &str) -> Option<PersonId> {
        if let Some(known) = self.met(written) {
            return known;
        }
        let found = self.add(written);
        self.met.insert(written.to_string(), found);
        found
    }

    /// Whom `name`, exactly as written, named when it was looked up before.
    pub fn met(&self, name: &str) -> Option<Option<PersonId>> {
        self.met.get(name).copied()
    }

    /// As [`Directory::find_or_add`], the name folded.
    fn add(&mut self, name: &str) -> Option<PersonId> {
        let name = clean_line(name);
        let folded = fold(&name);
        if folded.is_empty() || is_anonymous(&folded) {
            return None;
        }
        if let Some(&id) = self.by_name.get(&folded) {
            return Some(id);
        }
        let base = match slug::of(&name) {
            s if s.is_empty() => "person".to_string(),
            s => s,
        };
        let slug = (1..)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
            .find(|s| !self.slugs.contains(s))
            .expect("some numbered slug is free");
        let id = PersonId(self.people.len());
        self.slugs.insert(slug.clone());
        self.by_name.insert(folded, id);
        self.people.push(Person {
            slug,
            name: name.split_whitespace().collect::<Vec<_>>().join(" "),
            role: None,
            bio: None,
            website: None,
            aliases: Vec::new(),
            emails: Vec::new(),
            span: None,
        });
        Some(id)
    }
}

/// The person whose `email:` is `address` (any case), if anyone's.
pub fn by_email(people: &[Person], address: &str) -> Option<PersonId> {
    let address = normal_address(address)?;
    people.iter().position(|p| p.emails.contains(&address)).map(PersonId)
}

/// `address` trimmed and lowercased, when it has the shape of an e-mail address: one `@` with text on
/// both sides, a dot-free local part allowed, a domain with no spaces or brackets.
pub fn normal_address(address: &str) -> Option<String> {
    let address = address.trim().nfc().collect::<String>().to_lowercase();
    let (local, domain) = address.split_once('@')?;
    let plain = |part: &str| {
        !part.is_empty() && !part.chars().any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"@".contains(c))
    };
    (plain(local) && plain(domain) && !domain.starts_with('.') && !domain.ends_with('.') && address.len() <= 254)
        .then_some(address)
}

/// Composed (NFC), lowercase, with runs of white space made one space, for matching: `Zoë` typed
/// as one character or as `e` and a combining mark is one name.
pub(crate) fn fold(name: &str) -> String {
    name.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub(crate) fn is_anonymous(folded: &str) -> bool {
    folded == "anonymous"
}

/// True for absolute http and https addresses.
pub fn is_web_address(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Span;
    use crate::load::raw::PersonFields;

    fn person(key: &str, name: &str, aliases: &[&str]) -> RawPerson {
        RawPerson {
            key: key.into(),
            span: Span::new("authors.yaml", 1, 1),
            keys: Default::default(),
            fields: PersonFields {
                name: Some(name.into()),
                aliases: aliases.iter().map(|a| a.to_string()).collect(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn matches_key_name_and_alias_without_regard_to_case() {
        let mut problems = Diagnostics::new();
        let mut dir = Directory::new(vec![person("athena-loopstra", "Athena Loopstra", &["Athena"])], &mut problems);
        assert!(problems.is_empty());
        let id = dir.find_or_add("athena-loopstra");
        assert_eq!(dir.find_or_add("ATHENA  loopstra"), id);
        assert_eq!(dir.find_or_add("athena"), id);
        assert_eq!(dir.people.len(), 1);
    }

    #[test]
    fn e_mail_addresses_are_checked_normalised_and_belong_to_one_person() {
        let mut ana = person("ana", "Ana", &[]);
        ana.fields.email = vec![" Ana@School.Example ".into(), "ana@home.example".into(), "not an address".into()];
        let mut ben = person("ben", "Ben", &[]);
        ben.fields.email = vec!["ana@school.example".into()];
        let mut problems = Diagnostics::new();
        let dir = Directory::new(vec![ana, ben], &mut problems);
        let messages: Vec<String> = problems.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("`not an address` is not an e-mail address")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("`ana@school.example` is also given for `ana`")), "{messages:?}");
        assert_eq!(dir.people[0].emails, ["ana@school.example", "ana@home.example"]);
        assert_eq!(by_email(&dir.people, "ANA@home.example"), Some(PersonId(0)));
        assert_eq!(by_email(&dir.people, "ben@school.example"), None);
    }

    #[test]
    fn address_shapes() {
        assert_eq!(normal_address("a.b+c@x.org").as_deref(), Some("a.b+c@x.org"));
        for bad in ["", "a@", "@x.org", "a b@x.org", "a@x@y.org", "<a@x.org>", "a@x.org.", "a@[1.2.3.4]"] {
            assert_eq!(normal_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn anonymous_and_empty_names_have_no_person() {
        let mut dir = Directory::default();
        assert_eq!(dir.find_or_add("Anonymous"), None);
        assert_eq!(dir.find_or_add("  "), None);
    }

    #[test]
    fn different_names_with_the_same_slug_stay_apart() {
        let mut dir = Directory::default();
        let zoe = dir.find_or_add("Zoë Ng").unwrap();
        let zoe_plain = dir.find_or_add("Zoe Ng").unwrap();
        assert_ne!(zoe, zoe_plain);
        assert_eq!(dir.people[zoe.0].slug, "zoe-ng");
        assert_eq!(dir.people[zoe_plain.0].slug, "zoe-ng-2");
        assert_eq!(dir.find_or_add("zoë ng"), Some(zoe));
        assert_eq!(dir.find_or_add("ZOE\u{308} NG"), Some(zoe), "decomposed is the same name");
    }

    #[test]
    fn long_and_device_names_get_safe_slugs() {
        let mut dir = Directory::default();
        let long = dir.find_or_add(&"Bartholomew ".repeat(30)).unwrap();
        let con = dir.find_or_add("Con").unwrap();
        assert!(dir.people[long.0].slug.len() <= slug::MAX_LEN);
        assert_eq!(dir.people[con.0].slug, "con-1");
    }

    #[test]
    fn an_alias_claimed_twice_is_an_error() {
        let mut problems = Diagnostics::new();
        Directory::new(vec![person("ben-a", "Ben A", &["Ben"]), person("ben-b", "Ben B", &["ben"])], &mut problems);
        assert_eq!(problems.error_count(), 1);
    }
}
