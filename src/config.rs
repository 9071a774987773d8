//! `site.yaml`: every key optional, each default documented here and in the README.

use std::str::FromStr;

use chrono::format::{Item, StrftimeItems};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::load::yaml::KeySpans;

/// The deepest nesting `thread.max_depth` may ask for; deeper would make unreadable pages.
pub const MAX_THREAD_DEPTH: u32 = 12;

/// The range `page_size` may take: fewer makes a walk through pages, more makes pages slow on phones.
pub const PAGE_SIZES: std::ops::RangeInclusive<usize> = 5..=500;

/// `site.yaml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    timezone: Option<String>,
    date_format: Option<String>,
    thread: RawThread,
    cohort: RawCohort,
    page_size: Option<usize>,
    pictures: RawPictures,
    replies: Option<RawReplies>,
    smtp: Option<crate::digest::smtp::RawSmtp>,
}

/// The `pictures:` block of `site.yaml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawPictures {
    hosts: Vec<String>,
    site: bool,
}

/// `replies:` of `site.yaml`, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawReplies {
    to: Option<String>,
    moderation: Option<bool>,
}

/// Replies by e-mail: where members send them, and whether they wait for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replies {
    /// The facilitator's mailbox that reply links write to.
    pub to: String,
    /// Ingested replies arrive pending (the default) instead of published.
    pub moderation: bool,
}

/// The `cohort:` block of `site.yaml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawCohort {
    members: Vec<String>,
}

/// The `thread:` block of `site.yaml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawThread {
    max_depth: Option<u32>,
}

/// The site's settings, checked and with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    /// Shown in every page's title. Default: "Our cohort".
    pub title: String,
    /// One line about the site. Default: none.
    pub description: Option<String>,
    /// Where the site is hosted. Default: `/` (links work at a host's root; feeds get relative links).
    pub base_url: BaseUrl,
    /// The `lang` of every page. Default: `en`.
    pub language: String,
    /// The theme folder under `themes/`. Default: `default` (built in).
    pub theme: String,
    /// How dates without an offset are read and how all dates are shown. Default: `UTC`.
    pub timezone: Tz,
    /// strftime format for dates shown to people. Default: `%-d %B %Y`.
    pub date_format: String,
    /// Replies deeper than this are shown flat. Default: 5; 1 to 12.
    pub max_depth: u32,
    /// How many readings (or people) the home page, a section, a tag and the list of people show on
    /// one page; more go on `page/2/` and on. Default: 30; 5 to 500.
    pub page_size: usize,
    /// `pictures.hosts`: hosts whose pictures members' comments show (lowercased). Default: none, so
    /// a picture in a comment is a link with its alt text and a page asks no other host for anything.
    pub picture_hosts: Vec<String>,
    /// `pictures.site`: whether members' comments show pictures at the site's own addresses. Default: false.
    pub pictures_from_site: bool,
    /// `cohort.members`: the people the participation report expects to hear from. Default: none
    /// (then everyone in `authors.yaml`).
    pub members: Vec<String>,
    /// Where `cohort:` is written, for messages about its members.
    pub members_span: Span,
    /// Replies by e-mail, when `replies.to` is set.
    pub replies: Option<Replies>,
    /// The mail server `roundtable digest --send` uses.
    pub smtp: Option<crate::digest::smtp::Smtp>,
}

/// `base_url` split into the absolute form (for feeds) and the path prefix (for links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Scheme, host and path, ending in `/`; just the path when no host was given.
    pub absolute: String,
    /// The path part, starting and ending with `/`: `/cohort/`.
    pub root: String,
}

impl BaseUrl {
    /// Reads `https://host/path/` or `/path/`; `None` when it is neither.
    pub fn parse(text: &str) -> Option<BaseUrl> {
        let text = text.trim();
        if text.starts_with('/') && !text.starts_with("//") {
            let root = with_slashes(text);
            return Some(BaseUrl { absolute: root.clone(), root });
        }
        let url = url::Url::parse(text).ok()?;
        let usable = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.query().is_none()
            && url.fragment().is_none();
        usable.then(|| {
            let root = with_slashes(url.path());
            let origin = url.origin().ascii_serialization();
            BaseUrl { absolute: format!("{origin}{root}"), root }
        })
    }
}

fn with_slashes(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

impl Default for SiteConfig {
    fn default() -> SiteConfig {
        SiteConfig {
            title: "Our cohort".to_string(),
            description: None,
            base_url: BaseUrl::parse("/").expect("`/` is a base url"),
            language: "en".to_string(),
            theme: "default".to_string(),
            timezone: Tz::UTC,
            date_format: "%-d %B %Y".to_string(),
            max_depth: 5,
            page_size: 30,
            picture_hosts: Vec::new(),
            pictures_from_site: false,
            members: Vec::new(),
            members_span: Span::file("site.yaml"),
            replies: None,
            smtp: None,
        }
    }
}

impl SiteConfig {
    /// Checks `raw` and fills in defaults, reporting each bad key at its line.
    pub fn resolve(raw: RawConfig, keys: &KeySpans, problems: &mut Diagnostics) -> SiteConfig {
        let mut config = SiteConfig::default();
        let mut bad = |key: &str, message: String, help: &str| {
            problems.push(Diagnostic::error(keys.of(key), message).with_help(help));
        };
        if let Some(title) = raw.title {
            config.title = crate::text::clean_line(&title);
        }
        config.description = raw.description.map(|d| crate::text::clean_line(&d));
        if let Some(base) = raw.base_url {
            match BaseUrl::parse(&base) {
                Some(url) => config.base_url = url,
                None => bad(
                    "base_url",
                    format!("base_url `{base}` is not a web address"),
                    "write the address the site will be served from, like https://example.org/cohort/",
                ),
            }
        }
        if let Some(language) = raw.language {
            let valid = !language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if valid {
                config.language = language;
            } else {
                bad(
                    "language",
                    format!("language `{language}` is not a language tag"),
                    "use a tag like en, en-CA or fr",
                );
            }
        }
        if let Some(theme) = raw.theme {
            let valid = !theme.is_empty() && theme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
            if valid {
                config.theme = theme;
            } else {
                bad(
                    "theme",
                    format!("theme `{theme}` is not a folder name"),
                    "name a folder under themes/ (letters, digits, - and _), or leave it out for the built-in theme",
                );
            }
        }
        if let Some(zone) = raw.timezone {
            match Tz::from_str(zone.trim()) {
                Ok(tz) => config.timezone = tz,
                Err(_) => {
                    let nearest = chrono_tz::TZ_VARIANTS
                        .iter()
                        .map(|tz| (strsim::levenshtein(tz.name(), zone.trim()), tz.name()))
                        .min()
                        .filter(|(distance, _)| *distance <= 3)
                        .map(|(_, name)| format!("did you mean {name}? "))
                        .unwrap_or_default();
                    bad(
                        "timezone",
                        format!("timezone `{zone}` is not a known time zone"),
                        &format!("{nearest}use a name from the tz database, like America/Toronto or Europe/London"),
                    )
                }
            }
        }
        if let Some(format) = raw.date_format {
            if StrftimeItems::new(&format).any(|item| matches!(item, Item::Error)) {
                bad(
                    "date_format",
                    format!("date_format `{format}` is not a valid strftime format"),
                    "for example \"%-d %B %Y\" shows 8 August 2011",
                );
            } else {
                config.date_format = format;
            }
        }
        if let Some(depth) = raw.thread.max_depth {
            if (1..=MAX_THREAD_DEPTH).contains(&depth) {
                config.max_depth = depth;
            } else {
                bad(
                    "thread",
                    format!("thread.max_depth {depth} is out of range"),
                    &format!("use a number from 1 to {MAX_THREAD_DEPTH}"),
                );
            }
        }
        if let Some(size) = raw.page_size {
            if PAGE_SIZES.contains(&size) {
                config.page_size = size;
            } else {
                bad(
                    "page_size",
                    format!("page_size {size} is out of range"),
                    &format!(
                        "use a number from {} to {}: how many readings one page of a list shows",
                        PAGE_SIZES.start(),
                        PAGE_SIZES.end()
                    ),
                );
            }
        }
        for host in raw.pictures.hosts {
            let host = host.trim().to_ascii_lowercase();
            let plain = !host.is_empty()
                && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                && url::Host::parse(&host).is_ok();
            if plain {
                config.picture_hosts.push(host);
            } else {
                bad(
                    "pictures",
                    format!("pictures.hosts: `{host}` is not a host name"),
                    "write only the host, like images.example.org (no https:// and no path)",
                );
            }
        }
        config.pictures_from_site = raw.pictures.site;
        config.members =
            raw.cohort.members.iter().map(|m| crate::text::clean_line(m)).filter(|m| !m.is_empty()).collect();
        config.members_span = keys.of("cohort");
        if let Some(replies) = raw.replies {
            let to = replies.to.as_deref().map(str::trim).unwrap_or_default();
            match crate::model::people::normal_address(to) {
                Some(_) => {
                    config.replies =
                        Some(Replies { to: to.to_string(), moderation: replies.moderation.unwrap_or(true) })
                }
                None => bad(
                    "replies",
                    format!("replies.to `{to}` is not an e-mail address"),
                    "write the mailbox members reply to, like `replies: { to: cohort@school.example }`",
                ),
            }
        }
        config.smtp = raw.smtp.and_then(|smtp| crate::digest::smtp::resolve(smtp, keys.of("smtp"), problems));
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_sub_path() {
        let url = BaseUrl::parse("https://example.org/cohort").unwrap();
        assert_eq!(url.absolute, "https://example.org/cohort/");
        assert_eq!(url.root, "/cohort/");
        assert_eq!(BaseUrl::parse("/").unwrap().root, "/");
        assert_eq!(BaseUrl::parse("http://h:8080/").unwrap().absolute, "http://h:8080/");
    }

    #[test]
    fn base_url_refuses_other_schemes() {
        assert_eq!(BaseUrl::parse("javascript:alert(1)"), None);
        assert_eq!(BaseUrl::parse("ftp://host/"), None);
        assert_eq!(BaseUrl::parse("//host/"), None);
        assert_eq!(BaseUrl::parse("https://host/?q=1"), None);
    }

    #[test]
    fn bad_values_are_reported_and_defaults_kept() {
        let text = "timezone: Mars/Olympus\ndate_format: \"%Q\"\nthread:\n  max_depth: 0\npage_size: 1\n";
        let raw: RawConfig = crate::load::yaml::parse(std::path::Path::new("site.yaml"), text, 1).unwrap();
        let mut problems = Diagnostics::new();
        let config = SiteConfig::resolve(raw, &KeySpans::default(), &mut problems);
        assert_eq!(problems.error_count(), 4);
        assert_eq!(config.max_depth, 5);
        assert_eq!(config.timezone, Tz::UTC);
    }
}
