//! The words the theme and the report write, in the site's language.
//!
//! Each language has a translation file (`themes/default/i18n/<code>.yaml`, `en`
//! and `fr` built in); `language: fr-CA` in `site.yaml` picks `fr`. A site may
//! add or override strings in its own `i18n/<code>.yaml`. A string missing from
//! the language is written in English, and `check` lists it. Counts choose their
//! form by the language's plural rule; month and weekday names come from the
//! same file, so dates read in the language too.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// The built-in translation files, by language code.
const BUILTIN: &[(&str, &str)] =
    &[("en", include_str!("../themes/default/i18n/en.yaml")), ("fr", include_str!("../themes/default/i18n/fr.yaml"))];

/// The language every other falls back to.
const FALLBACK: &str = "en";

/// A translation file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct File {
    dates: RawDates,
    strings: BTreeMap<String, Text>,
}

/// The `dates:` block: each list optional, so a site's file may override one.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawDates {
    months: Option<Vec<String>>,
    months_short: Option<Vec<String>>,
    weekdays: Option<Vec<String>>,
    weekdays_short: Option<Vec<String>>,
}

/// One string: plain, or with a form for each count.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Counted {
        #[serde(default)]
        zero: Option<String>,
        one: String,
        other: String,
    },
}

/// Month and weekday names, Monday first.
#[derive(Debug, Clone)]
struct Names {
    months: Vec<String>,
    months_short: Vec<String>,
    weekdays: Vec<String>,
    weekdays_short: Vec<String>,
}

/// The strings of one language, with English under them.
#[derive(Debug, Clone)]
pub struct Language {
    /// The base language code (`fr` for `fr-CA`).
    code: String,
    strings: BTreeMap<String, Text>,
    english: BTreeMap<String, Text>,
    names: Names,
    /// Whether any translation file (built in or the site's) exists for it.
    has_file: bool,
    /// The lists of `dates:` it lacks, written in English (`dates.months`).
    untranslated_dates: Vec<&'static str>,
    /// Strings the site's file adds that English does not have, with that file and their line.
    added: Vec<(String, Span)>,
}

impl Default for Language {
    fn default() -> Language {
        Language::new("en", None, &mut Diagnostics::new())
    }
}

impl Language {
    /// The language of tag `tag` (`fr-CA` reads `fr`), with the site's own file (origin, text) over it.
    pub fn new(tag: &str, site_file: Option<(&str, &str)>, problems: &mut Diagnostics) -> Language {
        let code = base_code(tag);
        let builtin = |code: &str| {
            BUILTIN.iter().find(|(c, _)| *c == code).map(|(_, text)| {
                crate::load::yaml::parse::<File>(Path::new("i18n"), text, 1).expect("built-in translations parse")
            })
        };
        let english = builtin(FALLBACK).expect("English is built in");
        let builtin_own = builtin(&code);
        let has_file = builtin_own.is_some() || site_file.is_some();
        let mut own = builtin_own.unwrap_or_default();
        let mut added = Vec::new();
        if let Some((origin, text)) = site_file {
            match crate::load::yaml::parse::<File>(Path::new(origin), text, 1) {
                Ok(site) => {
                    let new = site.strings.keys().filter(|key| !english.strings.contains_key(*key));
                    added = new.map(|key| (key.clone(), key_span(origin, text, key))).collect();
                    own.strings.extend(site.strings);
                    let dates = &mut own.dates;
                    for (mine, theirs) in [
                        (&mut dates.months, site.dates.months),
                        (&mut dates.months_short, site.dates.months_short),
                        (&mut dates.weekdays, site.dates.weekdays),
                        (&mut dates.weekdays_short, site.dates.weekdays_short),
                    ] {
                        if theirs.is_some() {
                            *mine = theirs;
                        }
                    }
                }
                Err(problem) => problems.push(problem),
            }
        }
        let dates = &own.dates;
        let untranslated_dates = [
            ("dates.months", dates.months.is_none()),
            ("dates.months_short", dates.months_short.is_none()),
            ("dates.weekdays", dates.weekdays.is_none()),
            ("dates.weekdays_short", dates.weekdays_short.is_none()),
        ]
        .into_iter()
        .filter_map(|(key, missing)| missing.then_some(key))
        .collect();
        let names = Names {
            months: pick(own.dates.months, &english.dates.months, 12, "months", site_file, problems),
            months_short: pick(
                own.dates.months_short,
                &english.dates.months_short,
                12,
                "months_short",
                site_file,
                problems,
            ),
            weekdays: pick(own.dates.weekdays, &english.dates.weekdays, 7, "weekdays", site_file, problems),
            weekdays_short: pick(
                own.dates.weekdays_short,
                &english.dates.weekdays_short,
                7,
                "weekdays_short",
                site_file,
                problems,
            ),
        };
        Language { code, strings: own.strings, english: english.strings, names, has_file, untranslated_dates, added }
    }

    /// The string `key`, its `{n}` the count `n` (which also picks its form) and each `{name}` of `args`
    /// filled in; English when the language lacks it, `None` when no language has it.
    pub fn text(&self, key: &str, n: Option<i64>, args: &[(&str, &str)]) -> Option<String> {
        let text = self.strings.get(key).or_else(|| self.english.get(key))?;
        let chosen = match (text, n) {
            (Text::Plain(s), _) => s,
            (Text::Counted { zero: Some(zero), .. }, Some(0)) => zero,
            (Text::Counted { one, other, .. }, Some(n)) => {
                if self.is_one(n) {
                    one
                } else {
                    other
                }
            }
            (Text::Counted { other, .. }, None) => other,
        };
        let count = n.map(|n| n.to_string());
        let value = |name: &str| match (name, &count) {
            ("n", Some(count)) => Some(count.as_str()),
            _ => args.iter().find(|(key, _)| *key == name).map(|(_, value)| *value),
        };
        Some(fill(chosen, value))
    }

    /// One form (`zero`, `one`, `other`) of a string with counts, its `{n}` left for a script to fill
    /// in: a missing `zero` is `other`. A plain string is its only form.
    pub fn form(&self, key: &str, form: &str) -> Option<&str> {
        match self.strings.get(key).or_else(|| self.english.get(key))? {
            Text::Plain(text) => Some(text),
            Text::Counted { zero, one, other } => match form {
                "zero" => Some(zero.as_deref().unwrap_or(other)),
                "one" => Some(one),
                "other" => Some(other),
                _ => None,
            },
        }
    }

    /// The string `key` as written, when it has no count and nothing to fill in.
    pub fn plain(&self, key: &str) -> Option<&str> {
        match self.strings.get(key).or_else(|| self.english.get(key))? {
            Text::Plain(text) => Some(text),
            Text::Counted { .. } => None,
        }
    }

    /// `text` for a key the built-in theme is known to have.
    pub fn say(&self, key: &str, n: Option<i64>, args: &[(&str, &str)]) -> String {
        self.text(key, n, args).unwrap_or_else(|| key.to_string())
    }

    /// The string `key`, read for the blanks of `names`: [`Template::fill`] then writes what
    /// [`Language::say`] writes with those names and no count.
    pub fn template(&self, key: &str, names: &[&str]) -> Template {
        let Some(text) = self.strings.get(key).or_else(|| self.english.get(key)) else {
            return Template { pieces: vec![(key.to_string(), None)] };
        };
        let chosen = match text {
            Text::Plain(s) | Text::Counted { other: s, .. } => s,
        };
        let mut pieces = vec![(String::new(), None)];
        blanks(
            chosen,
            |name| names.iter().position(|n| *n == name),
            |piece, blank| {
                let last = pieces.last_mut().expect("one at least");
                last.0.push_str(piece);
                if blank.is_some() {
                    last.1 = blank;
                    pieces.push((String::new(), None));
                }
            },
        );
        Template { pieces }
    }

    /// A person's `role` as a label: the known roles translated, any other capitalised as written.
    pub fn role_label(&self, role: &str) -> String {
        match role.to_lowercase().as_str() {
            known @ ("facilitator" | "member" | "guest") => self.say(&format!("role_{known}"), None, &[]),
            _ => {
                let mut chars = role.chars();
                chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
        }
    }

    /// The singular form: French counts 0 as singular, English does not.
    fn is_one(&self, n: i64) -> bool {
        match self.code.as_str() {
            "fr" => n == 0 || n == 1,
            _ => n == 1,
        }
    }

    /// What this language has no translation for and writes in English: lists of `dates:` (as
    /// `dates.months`), then strings, by key.
    pub fn untranslated(&self) -> Vec<&str> {
        let strings = self.english.keys().filter(|k| !self.strings.contains_key(*k)).map(String::as_str);
        self.untranslated_dates.iter().copied().chain(strings).collect()
    }

    /// The base language code, such as `fr`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `date` written with the strftime `format`, month and weekday names in this language.
    pub fn format_date<D: chrono::Datelike + Copy>(
        &self,
        date: D,
        format: &str,
        write: impl Fn(&str) -> String,
    ) -> String {
        write(&self.spelled(format, date.month0() as usize, date.weekday().num_days_from_monday() as usize))
    }

    /// `format` ready to write many dates in timezone `zone` (see [`DateFormat`]).
    pub fn date_format(&self, format: &str, zone: chrono_tz::Tz) -> DateFormat {
        let spelled = (0..12).flat_map(|month| (0..7).map(move |weekday| (month, weekday)));
        let by_month_and_weekday: Vec<_> = spelled
            .map(|(month, weekday)| {
                let spelled = self.spelled(format, month, weekday);
                chrono::format::StrftimeItems::new(&spelled).parse_to_owned().map_err(|_| spelled)
            })
            .collect();
        let by_day = by_month_and_weekday.iter().all(|items| items.as_ref().is_ok_and(|items| writes_a_day(items)));
        DateFormat { by_month_and_weekday, zone, by_day }
    }

    /// The strftime `format` with the names of month `month` (from 0) and weekday `weekday` (from
    /// Monday, 0) in this language written in as literal text.
    fn spelled(&self, format: &str, month: usize, weekday: usize) -> String {
        let mut spelled = String::with_capacity(format.len());
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                spelled.push(c);
                continue;
            }
            let name = match chars.next() {
                Some('B') => &self.names.months[month],
                Some('b') | Some('h') => &self.names.months_short[month],
                Some('A') => &self.names.weekdays[weekday],
                Some('a') => &self.names.weekdays_short[weekday],
                Some(other) => {
                    spelled.push('%');
                    spelled.push(other);
                    continue;
                }
                None => {
                    spelled.push('%');
                    continue;
                }
            };
            // A name goes through strftime as literal text: its `%` doubled.
            spelled.push_str(&name.replace('%', "%%"));
        }
        spelled
    }
}

/// A strftime format in a language's words, made ready once for the many dates a build writes: its
/// items parsed for each month and weekday, not again for each date (the search index's 100,000
/// dates at M were each spelled and parsed from the start).
pub struct DateFormat {
    /// By month (from 0) then weekday (from Monday): the parsed format, or the spelled one when
    /// it does not parse (written as `chrono` writes it).
    by_month_and_weekday: Vec<Result<Vec<chrono::format::Item<'static>>, String>>,
    /// The timezone dates are written in.
    zone: chrono_tz::Tz,
    /// Whether what it writes depends on the day alone (no time of day, no offset).
    by_day: bool,
}

/// Whether `items` write nothing but the day: its year, month, day, week and weekday, and text.
fn writes_a_day(items: &[chrono::format::Item]) -> bool {
    use chrono::format::{Fixed, Item, Numeric};
    items.iter().all(|item| match item {
        Item::Literal(_) | Item::OwnedLiteral(_) | Item::Space(_) | Item::OwnedSpace(_) => true,
        Item::Numeric(numeric, _) => matches!(
            numeric,
            Numeric::Year
                | Numeric::YearDiv100
                | Numeric::YearMod100
                | Numeric::IsoYear
                | Numeric::IsoYearDiv100
                | Numeric::IsoYearMod100
                | Numeric::Month
                | Numeric::Day
                | Numeric::WeekFromSun
                | Numeric::WeekFromMon
                | Numeric::IsoWeek
                | Numeric::NumDaysFromSun
                | Numeric::WeekdayFromMon
                | Numeric::Ordinal
        ),
        Item::Fixed(fixed) => matches!(
            fixed,
            Fixed::ShortMonthName | Fixed::LongMonthName | Fixed::ShortWeekdayName | Fixed::LongWeekdayName
        ),
        _ => false,
    })
}

impl DateFormat {
    /// `date` in this format and timezone.
    pub fn write(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> String {
        use chrono::Datelike;
        let local = date.with_timezone(&self.zone);
        let at = local.month0() as usize * 7 + local.weekday().num_days_from_monday() as usize;
        match &self.by_month_and_weekday[at] {
            Ok(items) => local.format_with_items(items.iter()).to_string(),
            Err(spelled) => local.format(spelled).to_string(),
        }
    }

    /// The day `date` falls on where it is written, when that is all [`DateFormat::write`] writes
    /// of it: dates of the same day are then written alike, and a writer of many can write each
    /// day once.
    pub fn day(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> Option<chrono::NaiveDate> {
        self.by_day.then(|| date.with_timezone(&self.zone).date_naive())
    }
}

/// `text` with each `{name}` that `value` knows replaced, in one pass: a filled-in value (a member's
/// name) is never read again for blanks.
fn fill<'v>(text: &str, value: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    blanks(text, value, |piece, filled| {
        out.push_str(piece);
        out.push_str(filled.unwrap_or_default());
    });
    out
}

/// Reads `text` as [`fill`] fills it: calls `each` with each piece of it in turn, and with what
/// `value` gives for the `{name}` right after the piece, when it knows that name.
fn blanks<'t, V>(text: &'t str, value: impl Fn(&str) -> Option<V>, mut each: impl FnMut(&'t str, Option<V>)) {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, value(&after[..close])?))) {
            Some((close, filled)) => {
                each(&rest[..open], Some(filled));
                rest = &after[close + 1..];
            }
            None => {
                each(&rest[..=open], None);
                rest = after;
            }
        }
    }
    each(rest, None);
}

/// A string of the language read once for the `{name}`s it is filled in with, then filled in as
/// [`Language::say`] fills it, as many times as needed: the search index titles each comment so.
#[derive(Debug)]
pub struct Template {
    /// Its pieces, each followed by the blank of the name of that index, if any.
    pieces: Vec<(String, Option<usize>)>,
}

impl Template {
    /// The string with the blank of each name filled in with the value at its index.
    pub fn fill(&self, values: &[&str]) -> String {
        let blanks = self.pieces.iter().filter_map(|(_, blank)| Some(values[(*blank)?].len()));
        let mut out = String::with_capacity(
            self.pieces.iter().map(|(piece, _)| piece.len()).sum::<usize>() + blanks.sum::<usize>(),
        );
        for (piece, blank) in &self.pieces {
            out.push_str(piece);
            out.push_str(blank.map_or("", |b| values[b]));
        }
        out
    }
}

/// Gives `tera` the function `t` that writes `language`'s strings.
pub fn register(tera: &mut tera::Tera, language: Language) {
    tera.register_function("t", move |kwargs: tera::Kwargs, _: &tera::State| translate(&language, &kwargs));
}

/// `t(key="reply_count", n=3, name=...)`: the string `key` in the site's language, `n` choosing its
/// form, every other argument filled in where the string names it (`{name}`). Escaped like any value.
/// `t(key="reply_count", form="one")` is one form as written, for a script to fill in.
fn translate(language: &Language, kwargs: &tera::Kwargs) -> tera::TeraResult<String> {
    let key: String = kwargs.must_get("key")?;
    if let Some(form) = kwargs.get::<String>("form")? {
        return language.form(&key, &form).map(str::to_string).ok_or_else(|| {
            tera::Error::message(format!("no string `{key}` with the form `{form}` (zero, one or other)"))
        });
    }
    let mut n = None;
    let mut args: Vec<(String, String)> = Vec::new();
    for (name, value) in kwargs.iter() {
        match name.as_str() {
            Some("key") => {}
            Some("n") => n = value.as_i64(),
            Some(other) => {
                args.push((other.to_string(), value.as_str().map_or_else(|| value.to_string(), str::to_string)))
            }
            None => {}
        }
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    language.text(&key, n, &args).ok_or_else(|| {
        tera::Error::message(format!(
            "no string `{key}` in the translation files; add it to i18n/{}.yaml",
            language.code()
        ))
    })
}

/// Where `key:` is written in a translation file's `text`: the first line that starts with it.
fn key_span(origin: &str, text: &str, key: &str) -> Span {
    let found = text.lines().enumerate().find_map(|(number, line)| {
        let indent = line.len() - line.trim_start().len();
        let rest = line.trim_start().strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((number + 1, indent + 1))
    });
    found.map_or_else(|| Span::file(origin), |(line, column)| Span::new(origin, line, column))
}

/// The `check` warnings for strings a site's translation file adds that no template writes (most
/// often a misspelt key, which changes nothing), given the text of every template in use.
pub fn unused_strings_warnings<'t>(language: &Language, templates: impl Iterator<Item = &'t str>) -> Vec<Diagnostic> {
    let templates: Vec<&str> = templates.collect();
    let quoted = |key: &str| [format!("\"{key}\""), format!("'{key}'"), format!("`{key}`")];
    let written = |key: &str| templates.iter().any(|t| quoted(key).iter().any(|q| t.contains(q.as_str())));
    language
        .added
        .iter()
        .filter(|(key, _)| !written(key))
        .map(|(key, span)| {
            let nearest = language
                .english
                .keys()
                .map(|known| (strsim::levenshtein(known, key), known))
                .filter(|(distance, _)| *distance <= 2)
                .min()
                .map(|(_, known)| format!("did you mean `{known}`? "))
                .unwrap_or_default();
            Diagnostic::warning(span.clone(), format!("no template writes the string `{key}`, so it changes nothing"))
                .with_help(format!(
                    "{nearest}the strings roundtable writes are those of the built-in en.yaml (see docs/format.md, Languages)"
                ))
        })
        .collect()
}

/// `fr` from `fr-CA`, lowercased.
fn base_code(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or(FALLBACK).to_ascii_lowercase()
}

/// A list of names from the language, else English; a list of the wrong length is reported.
fn pick(
    own: Option<Vec<String>>,
    english: &Option<Vec<String>>,
    length: usize,
    key: &str,
    site_file: Option<(&str, &str)>,
    problems: &mut Diagnostics,
) -> Vec<String> {
    let english = english.clone().expect("English has every date name");
    match own {
        Some(names) if names.len() == length => names,
        Some(names) => {
            let origin = site_file.map_or("i18n", |(origin, _)| origin);
            problems.push(
                Diagnostic::error(Span::file(origin), format!("dates.{key} has {} names, not {length}", names.len()))
                    .with_help(format!("list all {length}, in order (months from January, weekdays from Monday)")),
            );
            english
        }
        None => english,
    }
}

/// Reads the site's `i18n/<code>.yaml` for `tag`, if it has one, and makes the language.
pub fn load(root: &Path, tag: &str, problems: &mut Diagnostics) -> Language {
    let origin = format!("i18n/{}.yaml", base_code(tag));
    let path = root.join(&origin);
    let text = path.is_file().then(|| crate::load::read_source(root, &path, problems)).flatten();
    Language::new(tag, text.as_deref().map(|t| (origin.as_str(), t)), problems)
}

/// The `check` warning listing strings that will be written in English, if any.
pub fn untranslated_warning(language: &Language) -> Option<Diagnostic> {
    let missing = language.untranslated();
    if missing.is_empty() {
        return None;
    }
    let code = language.code();
    let file = format!("i18n/{code}.yaml");
    // The English file to start from is in the source and in docs/format.md's link.
    let english = "roundtable's themes/default/i18n/en.yaml, linked from docs/format.md under Languages";
    if !language.has_file {
        return Some(
            Diagnostic::warning(
                Span::file(&file),
                format!("there is no translation for `{code}`: every word the pages, the report and the digests write will be in English"),
            )
            .with_help(format!("create {file} with the `dates:` and `strings:` of {english}, translated")),
        );
    }
    let shown: Vec<&str> = missing.iter().take(8).copied().collect();
    let more =
        if missing.len() > shown.len() { format!(" and {} more", missing.len() - shown.len()) } else { String::new() };
    Some(
        Diagnostic::warning(
            Span::file(&file),
            format!(
                "{} strings have no translation in `{code}` and will be written in English: {}{more}",
                missing.len(),
                shown.join(", ")
            ),
        )
        .with_help(format!("add them to {file} (the English ones are in {english}), translated")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(tag: &str) -> Language {
        Language::new(tag, None, &mut Diagnostics::new())
    }

    #[test]
    fn french_and_english_are_complete() {
        assert_eq!(language("fr-CA").untranslated(), Vec::<&str>::new());
        assert_eq!(language("en").untranslated(), Vec::<&str>::new());
        assert_eq!(language("fr-CA").code(), "fr");
    }

    #[test]
    fn counts_follow_each_language_plural_rule() {
        let (en, fr) = (language("en"), language("fr"));
        assert_eq!(en.say("reply_count", Some(1), &[]), "1 reply");
        assert_eq!(en.say("reply_count", Some(0), &[]), "0 replies");
        assert_eq!(fr.say("reply_count", Some(0), &[]), "0 réponse");
        assert_eq!(fr.say("reply_count", Some(1), &[]), "1 réponse");
        assert_eq!(fr.say("reply_count", Some(2), &[]), "2 réponses");
        assert_eq!(en.say("comment_count", Some(0), &[]), "No comments yet");
        assert_eq!(fr.say("comment_by", None, &[("name", "Ana")]), "Commentaire de Ana");
        let tricky = en.say("comment_on", None, &[("name", "{reading} {n} {"), ("reading", "Trust")]);
        assert_eq!(tricky, "{reading} {n} { on Trust", "a filled-in name is not filled in again");
    }

    #[test]
    fn a_script_gets_each_form_with_its_count_left_to_fill() {
        let en = language("en");
        assert_eq!(en.form("comment_count", "zero"), Some("No comments yet"));
        assert_eq!(en.form("reply_count", "zero"), Some("{n} replies"), "no zero form: other");
        assert_eq!(en.form("reply_count", "one"), Some("{n} reply"));
        assert_eq!(en.form("search", "one"), Some("Search"), "a plain string is its only form");
        assert_eq!(en.form("reply_count", "few"), None);
    }

    #[test]
    fn dates_are_written_in_the_language() {
        let day = chrono::NaiveDate::from_ymd_opt(2011, 9, 5).unwrap();
        let write = |f: &str| day.format(f).to_string();
        assert_eq!(language("fr").format_date(day, "%A %-d %B %Y", write), "lundi 5 septembre 2011");
        assert_eq!(language("en").format_date(day, "%a %-d %b %Y, 100%%", write), "Mon 5 Sep 2011, 100%");
    }

    #[test]
    fn a_date_format_made_ready_writes_what_format_date_writes() {
        let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
        // Every month and weekday, and a format that does not parse (an unknown specifier).
        let dates = (0..400).map(|n| chrono::DateTime::from_timestamp(1_300_000_000 + n * 86_400 * 5 / 4, 0).unwrap());
        for (code, format) in [("fr", "%A %-d %B %Y à %H:%M, %b/%a 100%%"), ("en", "%e %h %y"), ("en", "%Q %B")] {
            let ready = language(code).date_format(format, zone);
            for date in dates.clone() {
                let local = date.with_timezone(&zone);
                let slow = language(code).format_date(local, format, |f| {
                    use std::fmt::Write;
                    let mut out = String::new();
                    write!(out, "{}", local.format(f)).map(|()| out).unwrap_or_else(|_| "refused".into())
                });
                let fast =
                    std::panic::catch_unwind(|| ready.write(&date.fixed_offset())).unwrap_or_else(|_| "refused".into());
                assert_eq!(fast, slow, "{code} {format} {local}");
            }
        }
    }

    #[test]
    fn a_template_fills_in_as_say_does() {
        let texts = ["By {name} on “{reading}”", "{reading}{name}{name}", "{ {name}} {nom} {n} }{", "", "{"];
        let values = ["Ana {reading}", "Trust {name}"];
        for text in texts {
            let mut problems = Diagnostics::new();
            let own = format!("strings:\n  search_reply_by: {}\n", serde_json::to_string(text).unwrap());
            let en = Language::new("en", Some(("i18n/en.yaml", &own)), &mut problems);
            assert!(problems.is_empty(), "{text}");
            let args = [("name", values[0]), ("reading", values[1])];
            let template = en.template("search_reply_by", &["name", "reading"]);
            assert_eq!(template.fill(&values), en.say("search_reply_by", None, &args), "{text}");
        }
        let missing = language("fr").template("no_such_key", &["name"]);
        assert_eq!(missing.fill(&["Ana"]), language("fr").say("no_such_key", None, &[("name", "Ana")]));
    }

    #[test]
    fn a_format_of_the_day_alone_writes_each_day_alike() {
        let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
        let morning = chrono::DateTime::parse_from_rfc3339("2024-03-10T01:30:00-05:00").unwrap();
        // Across the change to daylight time, and just before the next day.
        let evening = chrono::DateTime::parse_from_rfc3339("2024-03-10T23:59:00-04:00").unwrap();
        let by_day = language("fr").date_format("%A %-d %B %Y (%j, %V, %u)", zone);
        assert_eq!(by_day.day(&morning), chrono::NaiveDate::from_ymd_opt(2024, 3, 10));
        assert_eq!(by_day.day(&morning), by_day.day(&evening));
        assert_eq!(by_day.write(&morning), by_day.write(&evening));
        for with_time in ["%d %B %Y %H:%M", "%d %b %Z", "%d %b %z", "%Q %B", "%s"] {
            assert_eq!(language("en").date_format(with_time, zone).day(&morning), None, "{with_time}");
        }
    }

    #[test]
    fn a_site_overrides_and_a_missing_language_falls_back() {
        let mut problems = Diagnostics::new();
        let site = "strings:\n  people: Membres\ndates:\n  weekdays: [a, b]\n";
        let fr = Language::new("fr", Some(("i18n/fr.yaml", site)), &mut problems);
        assert_eq!(fr.say("people", None, &[]), "Membres");
        assert_eq!(problems.error_count(), 1, "seven weekdays are needed");
        let es = language("es");
        assert_eq!(es.say("people", None, &[]), "People");
        let warning = untranslated_warning(&es).unwrap();
        assert!(warning.message.starts_with("there is no translation for `es`"), "{}", warning.message);
        assert!(warning.help.unwrap().starts_with("create i18n/es.yaml"));
        assert!(untranslated_warning(&language("fr")).is_none());
        let partial = Language::new("es", Some(("i18n/es.yaml", "strings:\n  people: Personas\n")), &mut problems);
        let untranslated = partial.untranslated();
        assert_eq!(untranslated[..4], ["dates.months", "dates.months_short", "dates.weekdays", "dates.weekdays_short"]);
        assert!(!untranslated.contains(&"people") && untranslated.contains(&"topics"));
        let warning = untranslated_warning(&partial).unwrap();
        assert!(warning.message.contains("will be written in English: dates.months,"), "{}", warning.message);
    }

    #[test]
    fn a_string_no_template_writes_is_warned_of_at_its_line() {
        let file = "strings:\n  people: Gens\n  peple: Gens\n  motto: Ensemble\n";
        let fr = Language::new("fr", Some(("i18n/fr.yaml", file)), &mut Diagnostics::new());
        let own_template = r#"<p>{{ t(key="motto") }}</p>"#;
        let warnings = unused_strings_warnings(&fr, [own_template].into_iter());
        assert_eq!(warnings.len(), 1, "`motto` is the site's template's own");
        assert_eq!((warnings[0].span.line, warnings[0].span.column), (3, 3));
        assert!(warnings[0].message.contains("`peple`"), "{}", warnings[0].message);
        assert!(warnings[0].help.as_deref().unwrap().starts_with("did you mean `people`?"));
    }
}
