//! The site's address book: every address a page, feed, anchor or report has, in one place.
//!
//! A [`Route`] is a place in the built site, named by its path from the site's
//! root (`readings/trust/`, `atom.xml`) and, for a comment, the element id it
//! points at. Everything else is computed from it: the address links use
//! ([`Route::url`]), the absolute one feeds and the sitemap use
//! ([`Route::permalink`]) and the file that holds it ([`Route::output_path`]).
//!
//! Links are root-relative today. Every link a page shows is made by
//! `render::context::Views::url` from a `Route`, so making links relative to
//! the page that holds them (a site that works from `file://`) is one change
//! there: give `Views` the route of the page being rendered and compute the
//! link from the two paths. (`site`'s addresses, set once for every page, and
//! mentions, baked into cleaned comments, would then move to the page too.)
//!
//! Nothing here knows the model: callers pass the slugs and paths they have,
//! so the scaffold commands (which never resolve a site) ask the same book.

use crate::config::BaseUrl;

/// The top-level names the site's own pages take; no section or reading may use them.
pub const RESERVED: [&str; 5] = [PEOPLE, TAGS, SEARCH, REPORT, PAGE];

const PEOPLE: &str = "authors";
const TAGS: &str = "tags";
const SEARCH: &str = "search";
const REPORT: &str = "report";
const PAGE: &str = "page";
const COMMENT_ANCHOR: &str = "comment-";
const COMMENTS_FEED: &str = "comments.xml";

/// One address of the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    /// From the site's root, without a leading `/`: a page folder ends in `/` (the home page is
    /// empty), a file does not.
    path: String,
    /// The element id it points at inside the page, if any.
    anchor: Option<String>,
}

impl Route {
    /// A page folder such as `readings/trust` (`""` for the home page).
    fn folder(path: &str) -> Route {
        let path = path.trim_matches('/');
        let path = if path.is_empty() { String::new() } else { format!("{path}/") };
        Route { path, anchor: None }
    }

    /// A file such as `atom.xml` or `readings/trust/comments.xml`.
    fn file(path: &str) -> Route {
        Route { path: path.trim_start_matches('/').to_string(), anchor: None }
    }

    /// Page `page` (counted from 0) of a list at `folder`: the folder itself, then `<folder>/page/2/` and on.
    fn paged(folder: &str, page: usize) -> Route {
        match page {
            0 => Route::folder(folder),
            _ => Route::folder(&format!("{}/{PAGE}/{}", folder.trim_matches('/'), page + 1)),
        }
    }

    /// `/`: the home page.
    pub fn home() -> Route {
        Route::folder("")
    }

    /// `/`, then `/page/2/` and on: a page of the home page's readings, counted from 0.
    pub fn home_page(page: usize) -> Route {
        Route::paged("", page)
    }

    /// `/<section>/`, from the section's path (`readings`, `term-1/week-2`).
    pub fn section(path: &str) -> Route {
        Route::folder(path)
    }

    /// `/<section>/`, then `/<section>/page/2/` and on: a page of a section's readings, counted from 0.
    pub fn section_page(path: &str, page: usize) -> Route {
        Route::paged(path, page)
    }

    /// `/<section>/<slug>/`, from the reading's path (`readings/trust`).
    pub fn reading(path: &str) -> Route {
        Route::folder(path)
    }

    /// `/<section>/<slug>/comments.xml`: one reading's discussion as a feed.
    pub fn reading_feed(path: &str) -> Route {
        Route::file(&format!("{}/{COMMENTS_FEED}", path.trim_matches('/')))
    }

    /// `/<section>/<slug>/#comment-<id>`: a comment, on its reading's page.
    pub fn comment(reading_path: &str, id: &str) -> Route {
        Route { anchor: Some(format!("{COMMENT_ANCHOR}{id}")), ..Route::reading(reading_path) }
    }

    /// `/authors/`: the list of people.
    pub fn people() -> Route {
        Route::folder(PEOPLE)
    }

    /// `/authors/<slug>/`, then `/authors/<slug>/page/2/` and on: a page of a person's reflections,
    /// counted from 0.
    pub fn person(slug: &str, page: usize) -> Route {
        Route::paged(&format!("{PEOPLE}/{slug}"), page)
    }

    /// `/authors/`, then `/authors/page/2/` and on: a page of the list of people, counted from 0.
    pub fn people_page(page: usize) -> Route {
        Route::paged(PEOPLE, page)
    }

    /// `/tags/`: the list of tags.
    pub fn tags() -> Route {
        Route::folder(TAGS)
    }

    /// `/tags/<slug>/`.
    pub fn tag(slug: &str) -> Route {
        Route::folder(&format!("{TAGS}/{slug}"))
    }

    /// `/tags/<slug>/`, then `/tags/<slug>/page/2/` and on: a page of a tag's readings, counted from 0.
    pub fn tag_page(slug: &str, page: usize) -> Route {
        Route::paged(&format!("{TAGS}/{slug}"), page)
    }

    /// `/search/`: the search page.
    pub fn search() -> Route {
        Route::folder(SEARCH)
    }

    /// `/search.json`: what the search page searches.
    pub fn search_index() -> Route {
        Route::file(&format!("{SEARCH}.json"))
    }

    /// `/atom.xml`: the readings feed.
    pub fn readings_feed() -> Route {
        Route::file("atom.xml")
    }

    /// `/comments.xml`: the comments feed of the whole site.
    pub fn comments_feed() -> Route {
        Route::file(COMMENTS_FEED)
    }

    /// `/sitemap.xml`.
    pub fn sitemap() -> Route {
        Route::file("sitemap.xml")
    }

    /// `/404.html`: what a host shows for an address the site does not have.
    pub fn not_found() -> Route {
        Route::file("404.html")
    }

    /// `/report/participation.<extension>`: the participation report, when published.
    pub fn report(extension: &str) -> Route {
        Route::file(&format!("{REPORT}/{}", report_file(extension)))
    }

    /// The address links use: from the host's root, with the base URL's path (`/cohort/readings/trust/`).
    pub fn url(&self, base: &BaseUrl) -> String {
        self.under(&base.root)
    }

    /// The absolute address, for feeds, the sitemap and `<link rel="canonical">`.
    pub fn permalink(&self, base: &BaseUrl) -> String {
        self.under(&base.absolute)
    }

    fn under(&self, prefix: &str) -> String {
        match &self.anchor {
            Some(anchor) => format!("{prefix}{}#{anchor}", self.path),
            None => format!("{prefix}{}", self.path),
        }
    }

    /// The element id it points at (`comment-c1`), if any.
    pub fn anchor(&self) -> Option<&str> {
        self.anchor.as_deref()
    }

    /// The file that holds it, relative to the output folder and `/`-separated: a page folder's
    /// `index.html`, or the file itself.
    pub fn output_path(&self) -> String {
        if self.is_page() {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }

    /// True for a page folder (what a sitemap lists), false for a file such as a feed or `404.html`.
    pub fn is_page(&self) -> bool {
        self.path.is_empty() || self.path.ends_with('/')
    }
}

/// The report's file name, in the site's `report/` when published or in a private folder.
pub fn report_file(extension: &str) -> String {
    format!("participation.{extension}")
}

/// The folder of the published report, relative to the output folder.
pub fn report_folder() -> &'static str {
    REPORT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> BaseUrl {
        BaseUrl::parse(text).expect("a base URL")
    }

    #[test]
    fn pages_are_folders_and_feeds_are_files() {
        let cohort = base("https://example.org/cohort/");
        let trust = Route::reading("readings/trust");
        assert_eq!(trust.url(&cohort), "/cohort/readings/trust/");
        assert_eq!(trust.permalink(&cohort), "https://example.org/cohort/readings/trust/");
        assert_eq!(trust.output_path(), "readings/trust/index.html");
        assert!(trust.is_page());
        let home = Route::home();
        assert_eq!((home.url(&cohort), home.output_path()), ("/cohort/".into(), "index.html".into()));
        let feed = Route::reading_feed("readings/trust");
        assert_eq!(feed.url(&cohort), "/cohort/readings/trust/comments.xml");
        assert_eq!(feed.output_path(), "readings/trust/comments.xml");
        assert!(!feed.is_page() && !Route::not_found().is_page() && !Route::search_index().is_page());
        assert_eq!(Route::search_index().output_path(), "search.json");
        assert_eq!(Route::search().output_path(), "search/index.html");
    }

    #[test]
    fn people_pages_are_numbered_from_two() {
        let root = base("/");
        assert_eq!(Route::person("ana", 0).url(&root), "/authors/ana/");
        assert_eq!(Route::person("ana", 1).url(&root), "/authors/ana/page/2/");
        assert_eq!(Route::person("ana", 1).output_path(), "authors/ana/page/2/index.html");
        assert_eq!(Route::tag("trust").url(&root), "/tags/trust/");
    }

    #[test]
    fn lists_are_paged_the_same_way() {
        let root = base("/cohort/");
        assert_eq!(Route::home_page(0), Route::home());
        assert_eq!(Route::home_page(1).url(&root), "/cohort/page/2/");
        assert_eq!(Route::section_page("term-1/week-2", 2).url(&root), "/cohort/term-1/week-2/page/3/");
        assert_eq!(Route::section_page("readings", 0), Route::section("readings"));
        assert_eq!(Route::tag_page("trust", 1).output_path(), "tags/trust/page/2/index.html");
        assert_eq!(Route::people_page(1).url(&root), "/cohort/authors/page/2/");
        assert_eq!(Route::people_page(0), Route::people());
    }

    #[test]
    fn a_comment_is_an_anchor_on_its_reading() {
        let cohort = base("https://example.org/cohort/");
        let comment = Route::comment("readings/trust", "c1");
        assert_eq!(comment.url(&cohort), "/cohort/readings/trust/#comment-c1");
        assert_eq!(comment.permalink(&cohort), "https://example.org/cohort/readings/trust/#comment-c1");
        assert_eq!(comment.anchor(), Some("comment-c1"));
        assert_eq!(comment.output_path(), "readings/trust/index.html");
    }

    #[test]
    fn the_report_has_its_own_folder() {
        assert_eq!(Route::report("csv").output_path(), "report/participation.csv");
        assert_eq!(Route::report("csv").output_path(), format!("{}/{}", report_folder(), report_file("csv")));
        assert!(RESERVED.contains(&report_folder()));
    }
}
