//! The site's address book: every address a page, feed, anchor or report has, in one place.
//!
//! A [`Route`] is a place in the built site, named by its path from the site's
//! root (`readings/trust/`, `atom.xml`) and, for a comment, the element id it
//! points at. Everything else is computed from it: the address links use
//! ([`Route::link`]), the absolute one feeds and the sitemap use
//! ([`Route::permalink`]) and the file that holds it ([`Route::output_path`]).
//!
//! Links between the site's own files are relative ([`Links::From`]): a page
//! links to another as `../../readings/trust/index.html`, naming the page's
//! file, so the built folder works opened from the disk (where a link to a
//! folder shows a directory listing), copied anywhere, or served from any
//! folder of any host, whatever the base URL's path. The base URL is used only
//! where an address must stand on its own: root-relative in `404.html`, which a
//! host shows at every missing address ([`Links::Rooted`]), and absolute in
//! feeds, the sitemap, canonical links, mails and printed addresses
//! ([`Links::Absolute`], [`Route::permalink`]).
//!
//! Nothing here knows the model: callers pass the slugs and paths they have,
//! so the scaffold commands (which never resolve a site) ask the same book.

use crate::config::BaseUrl;

/// The top-level names the site's own pages take; no section or reading may use them.
pub const RESERVED: [&str; 5] = [PEOPLE, TAGS, SEARCH, REPORT, PAGE];

const PEOPLE: &str = "authors";
const TAGS: &str = "tags";
const SEARCH: &str = "search";
/// The search index's own folder, from the output folder's root: `serve` swaps it in on its own.
pub const SEARCH_INDEX: &str = "search/index";
const REPORT: &str = "report";
const PAGE: &str = "page";
const COMMENT_ANCHOR: &str = "comment-";
const COMMENTS_FEED: &str = "comments.xml";
const REPLIES_FEED: &str = "replies.xml";

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

    /// `/authors/<slug>/replies.xml`: replies to and mentions of one person, as a feed.
    pub fn person_feed(slug: &str) -> Route {
        Route::file(&format!("{PEOPLE}/{slug}/{REPLIES_FEED}"))
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

    /// `/search/index/<name>`: a file of the search index, in its own folder beside the search page
    /// (`search/index/meta.json`).
    pub fn search_file(name: &str) -> Route {
        Route::file(&format!("{SEARCH_INDEX}/{name}"))
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

    /// The address of this route in a link made from `links` (see [`Links`]).
    pub fn link(&self, links: &Links) -> String {
        match links {
            Links::Rooted(prefix) | Links::Absolute(prefix) => self.under(prefix),
            // Made in one string: a page links to a few hundred comments and people, and building
            // each link from `output_path` and `to_root` was a twentieth of a `serve` edit at M.
            Links::From(here) if self.path == here.path => match &self.anchor {
                // The same page: an anchor alone moves within it; else its own file name.
                Some(anchor) => format!("#{anchor}"),
                None if self.is_page() => "index.html".to_string(),
                None => self.path.rsplit('/').next().unwrap_or_default().to_string(),
            },
            Links::From(here) => {
                let depth = here.depth();
                let anchor = self.anchor.as_deref().map_or(0, |a| a.len() + 1);
                let mut link = String::with_capacity(3 * depth + self.path.len() + "index.html".len() + anchor);
                (0..depth).for_each(|_| link.push_str("../"));
                link.push_str(&self.path);
                if self.is_page() {
                    link.push_str("index.html");
                }
                if let Some(anchor) = &self.anchor {
                    link.push('#');
                    link.push_str(anchor);
                }
                link
            }
        }
    }

    /// The absolute address, for feeds, the sitemap, `<link rel="canonical">`, mails and messages.
    pub fn permalink(&self, base: &BaseUrl) -> String {
        self.under(&base.absolute)
    }

    fn under(&self, prefix: &str) -> String {
        match &self.anchor {
            Some(anchor) => format!("{prefix}{}#{anchor}", self.path),
            None => format!("{prefix}{}", self.path),
        }
    }

    /// The address from the site's root, with its anchor (`readings/trust/#comment-c1`): for the
    /// search index, whose script resolves it against the root the page gives (search needs a web
    /// server, so folder addresses serve).
    pub fn from_root(&self) -> String {
        self.under("")
    }

    /// A comment's address from the site's root, as [`Route::comment`] gives it, made from its
    /// reading's (`Route::reading(path).from_root()`): the search index writes one for each comment.
    pub fn comment_from_root(reading_from_root: &str, id: &str) -> String {
        [reading_from_root, "#", COMMENT_ANCHOR, id].concat()
    }

    /// `../` once for each folder its file is in: the relative path from its file to the site's root.
    fn to_root(&self) -> String {
        "../".repeat(self.depth())
    }

    /// How many folders down its file is (a page's `index.html` is in its folder).
    fn depth(&self) -> usize {
        self.path.matches('/').count()
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

/// Where the links of a file start from, so that each kind of file gets the addresses that work for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Links {
    /// From the site's own file at this route: relative paths naming each page's `index.html`.
    From(Route),
    /// From the host's root, with the base URL's path (`/cohort/readings/trust/`): for `404.html`,
    /// which a host shows at any missing address, where a relative link would lead nowhere.
    Rooted(String),
    /// Absolute (`https://example.org/cohort/readings/trust/`): for feeds, the sitemap and anything
    /// read away from the site.
    Absolute(String),
}

impl Links {
    /// Root-relative links for the site at `base`.
    pub fn rooted(base: &BaseUrl) -> Links {
        Links::Rooted(base.root.clone())
    }

    /// Absolute links for the site at `base`.
    pub fn absolute(base: &BaseUrl) -> Links {
        Links::Absolute(base.absolute.clone())
    }

    /// The site's root from here, ending in `/`: `../../`, `./` in the top folder, `/cohort/` when rooted.
    pub fn root(&self) -> String {
        match self {
            Links::From(here) => Some(here.to_root()).filter(|up| !up.is_empty()).unwrap_or_else(|| "./".into()),
            Links::Rooted(prefix) | Links::Absolute(prefix) => prefix.clone(),
        }
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
        assert_eq!(trust.link(&Links::rooted(&cohort)), "/cohort/readings/trust/");
        assert_eq!(trust.permalink(&cohort), "https://example.org/cohort/readings/trust/");
        assert_eq!(trust.output_path(), "readings/trust/index.html");
        assert!(trust.is_page());
        let home = Route::home();
        assert_eq!((home.link(&Links::rooted(&cohort)), home.output_path()), ("/cohort/".into(), "index.html".into()));
        let feed = Route::reading_feed("readings/trust");
        assert_eq!(feed.link(&Links::rooted(&cohort)), "/cohort/readings/trust/comments.xml");
        assert_eq!(feed.output_path(), "readings/trust/comments.xml");
        let meta = Route::search_file("meta.json");
        assert!(!feed.is_page() && !Route::not_found().is_page() && !meta.is_page());
        assert_eq!(meta.output_path(), "search/index/meta.json");
        assert_eq!(meta.link(&Links::rooted(&cohort)), "/cohort/search/index/meta.json");
        assert_eq!(Route::comment("readings/trust", "c1").from_root(), "readings/trust/#comment-c1");
        let reading = Route::reading("readings/trust").from_root();
        assert_eq!(Route::comment_from_root(&reading, "c1"), Route::comment("readings/trust", "c1").from_root());
        assert_eq!(Route::search().output_path(), "search/index.html");
    }

    #[test]
    fn people_pages_are_numbered_from_two() {
        let root = base("/");
        assert_eq!(Route::person("ana", 0).link(&Links::rooted(&root)), "/authors/ana/");
        assert_eq!(Route::person("ana", 1).link(&Links::rooted(&root)), "/authors/ana/page/2/");
        assert_eq!(Route::person("ana", 1).output_path(), "authors/ana/page/2/index.html");
        assert_eq!(Route::tag("trust").link(&Links::rooted(&root)), "/tags/trust/");
        let feed = Route::person_feed("ana");
        assert_eq!(
            (feed.link(&Links::rooted(&root)), feed.output_path()),
            ("/authors/ana/replies.xml".into(), "authors/ana/replies.xml".into())
        );
        assert!(!feed.is_page(), "a feed is no page of the sitemap");
    }

    #[test]
    fn lists_are_paged_the_same_way() {
        let root = base("/cohort/");
        assert_eq!(Route::home_page(0), Route::home());
        assert_eq!(Route::home_page(1).link(&Links::rooted(&root)), "/cohort/page/2/");
        assert_eq!(
            Route::section_page("term-1/week-2", 2).link(&Links::rooted(&root)),
            "/cohort/term-1/week-2/page/3/"
        );
        assert_eq!(Route::section_page("readings", 0), Route::section("readings"));
        assert_eq!(Route::tag_page("trust", 1).output_path(), "tags/trust/page/2/index.html");
        assert_eq!(Route::people_page(1).link(&Links::rooted(&root)), "/cohort/authors/page/2/");
        assert_eq!(Route::people_page(0), Route::people());
    }

    #[test]
    fn a_comment_is_an_anchor_on_its_reading() {
        let cohort = base("https://example.org/cohort/");
        let comment = Route::comment("readings/trust", "c1");
        assert_eq!(comment.link(&Links::rooted(&cohort)), "/cohort/readings/trust/#comment-c1");
        assert_eq!(comment.permalink(&cohort), "https://example.org/cohort/readings/trust/#comment-c1");
        assert_eq!(comment.anchor(), Some("comment-c1"));
        assert_eq!(comment.output_path(), "readings/trust/index.html");
    }

    #[test]
    fn links_between_pages_are_relative_and_name_the_page_file() {
        let from = |route: Route| Links::From(route);
        let trust = from(Route::reading("readings/trust"));
        assert_eq!(Route::reading("readings/care").link(&trust), "../../readings/care/index.html");
        assert_eq!(Route::home().link(&trust), "../../index.html");
        assert_eq!(Route::comment("readings/trust", "c1").link(&trust), "#comment-c1");
        assert_eq!(Route::reading("readings/trust").link(&trust), "index.html");
        assert_eq!(Route::comment("readings/care", "c2").link(&trust), "../../readings/care/index.html#comment-c2");
        assert_eq!(Route::reading_feed("readings/trust").link(&trust), "../../readings/trust/comments.xml");
        let home = from(Route::home());
        assert_eq!(Route::person("ana", 1).link(&home), "authors/ana/page/2/index.html");
        assert_eq!(Route::home_page(1).link(&home), "page/2/index.html");
        assert_eq!(Route::home().link(&from(Route::home_page(1))), "../../index.html");
        assert_eq!(Route::search_file("meta.json").link(&from(Route::search())), "../search/index/meta.json");
        let report = from(Route::report("html"));
        assert_eq!(Route::comment("readings/trust", "c1").link(&report), "../readings/trust/index.html#comment-c1");
    }

    #[test]
    fn the_root_is_a_relative_path_unless_rooted_or_absolute() {
        let cohort = base("https://example.org/cohort/");
        assert_eq!(Links::From(Route::home()).root(), "./");
        assert_eq!(Links::From(Route::section_page("term-1/week-2", 1)).root(), "../../../../");
        assert_eq!(Links::From(Route::not_found()).root(), "./");
        assert_eq!(Links::rooted(&cohort).root(), "/cohort/");
        assert_eq!(Links::absolute(&cohort).root(), "https://example.org/cohort/");
        assert_eq!(Route::tag("a").link(&Links::absolute(&cohort)), "https://example.org/cohort/tags/a/");
    }

    #[test]
    fn the_report_has_its_own_folder() {
        assert_eq!(Route::report("csv").output_path(), "report/participation.csv");
        assert_eq!(Route::report("csv").output_path(), format!("{}/{}", report_folder(), report_file("csv")));
        assert!(RESERVED.contains(&report_folder()));
    }
}
