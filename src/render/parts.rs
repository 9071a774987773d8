//! Parts' keys: the key of each reading's thread as its page shows it and of each of its comments'
//! cards, made once and kept between rebuilds by exactly what they are made of.
//!
//! A page's key hashes its typed context (`key`), but a thread or a comment card goes in as its part
//! key ([`Keyed`]), so a page of 100 comments is keyed without its 100 views being made; they are
//! made only when the page is rendered, while Tera's context is made from the same typed context.
//! A part's key is the hash of the part itself, made from the views as they
//! are, never from rules about what it shows: the thread from its own page, a card with absolute
//! links. A card on any other page differs from that one only in its links, each made from the same
//! route, and every page's key holds where its links start from; so equal page keys still mean equal
//! pages.
//!
//! Between rebuilds (`serve`), a reading's part keys are kept by its input key (`input_key`): the
//! hash of everything its thread and cards are made of (the reading's address, title, date and
//! whether its thread is open; each comment's id, writer, date, place in the thread, status and
//! cleaned text; the people, the settings and the theme's words). A reading none of these changed
//! for is not made again; nothing else of the site is read for it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::ser::{Serialize, Serializer};

use super::context::{exact, Views};
use super::key::{hashing, KeyHasher};
use super::pages::PageJob;
use crate::cache::{self, CheckedFile};
use crate::diagnostics::Diagnostic;
use crate::model::{Reading, ReadingId};
use crate::routes::Links;

/// A part of a page's context, made only when the page is rendered: while its page's key is made,
/// it stands as its key, so a page that is not rendered never makes it, and a page that is has its
/// context built once, for its key and for Tera.
///
/// Its key must tell apart any two parts it may stand for on a page whose key holds where the page's
/// links start from: a part's own key (`ReadingParts`, [`entries`]), or what it is a function of.
pub struct Keyed<'a, T> {
    views: &'a Views<'a>,
    key: [u8; 32],
    make: Box<dyn Fn(&Views<'a>) -> T + 'a>,
}

impl<'a, T> Keyed<'a, T> {
    /// The part `make` makes from `views`, whose key is `key`.
    pub(super) fn new(views: &'a Views<'a>, key: [u8; 32], make: impl Fn(&Views<'a>) -> T + 'a) -> Keyed<'a, T> {
        Keyed { views, key, make: Box::new(make) }
    }
}

impl<T: Serialize> Serialize for Keyed<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match hashing() {
            true => serializer.serialize_bytes(&self.key),
            false => (self.make)(self.views).serialize(serializer),
        }
    }
}

impl<T> std::fmt::Debug for Keyed<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyed({})", blake3::Hash::from(self.key).to_hex())
    }
}

/// The part keys of one reading.
#[derive(Debug, PartialEq, Eq)]
pub struct ReadingParts {
    /// Its thread as its page shows it.
    pub thread: [u8; 32],
    /// Each comment's card, with absolute links, by its index in the thread.
    pub cards: Vec<[u8; 32]>,
}

/// Every reading's part keys by its input key, as a build made them, for the next (`serve` keeps them
/// in memory, `build` in [`PARTS_FILE`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PartKeys {
    by_input: HashMap<[u8; 32], Arc<ReadingParts>>,
}

/// Where `build` keeps the part keys, relative to the site folder.
pub const PARTS_FILE: &str = ".roundtable/cache/parts.bin";

/// Where `serve` keeps its own (its cards' absolute links start from the preview's address, so the
/// build's are of no use to it), relative to the site folder.
pub const SERVE_PARTS_FILE: &str = ".roundtable/cache/serve-parts.bin";

const PARTS_MAGIC: &[u8] = b"roundtable part keys 1\n";

impl PartKeys {
    /// The part keys of `made`, each with its input key.
    pub fn of(made: &[([u8; 32], Arc<ReadingParts>)]) -> PartKeys {
        PartKeys { by_input: made.iter().map(|(input, parts)| (*input, Arc::clone(parts))).collect() }
    }

    /// The part keys saved in `file` ([`PARTS_FILE`], or `serve`'s [`SERVE_PARTS_FILE`]) of the site at
    /// `root`; none when missing, and with a warning when damaged. They are tied to the program that
    /// made them (its views decide them).
    pub fn load(root: &Path, file: &str) -> (PartKeys, Option<Diagnostic>) {
        let (keys, damaged) = cache::read_checked(root, file, PARTS_MAGIC, crate::fresh::program(), decode);
        (keys.unwrap_or_default(), damaged)
    }

    /// Saves them in `file` of the site at `root`, for the next build or `serve`. Layout: per reading,
    /// its input key, its thread's key, the number of its cards and their keys.
    pub fn save(&self, root: &Path, file: &str) -> std::io::Result<()> {
        let mut file = CheckedFile::create(&root.join(file), PARTS_MAGIC, crate::fresh::program())?;
        for (input, parts) in &self.by_input {
            file.put(input)?;
            file.put(&parts.thread)?;
            file.put_number(parts.cards.len())?;
            parts.cards.iter().try_for_each(|card| file.put(card))?;
        }
        file.finish()
    }
}

fn decode(mut rest: &[u8]) -> Option<PartKeys> {
    let mut by_input = HashMap::new();
    while !rest.is_empty() {
        let (input, after) = rest.split_first_chunk::<32>()?;
        let (thread, after) = after.split_first_chunk::<32>()?;
        let (count, mut after) = cache::take_number(after)?;
        // A count the file cannot hold is damage, not a reason to reserve memory.
        let mut cards = Vec::with_capacity(count.min(after.len() / 32));
        for _ in 0..count {
            let (card, next) = after.split_first_chunk::<32>()?;
            cards.push(*card);
            after = next;
        }
        by_input.insert(*input, Arc::new(ReadingParts { thread: *thread, cards }));
        rest = after;
    }
    Some(PartKeys { by_input })
}

/// Every reading's part keys with its input key, taken from `earlier` when its input key is there.
pub fn make(views: &Views, earlier: &PartKeys) -> Vec<([u8; 32], Arc<ReadingParts>)> {
    let site = views.site;
    let shared = shared_input(views);
    let absolute = views.at(Links::absolute(&site.config.base_url));
    (0..site.readings.len())
        .into_par_iter()
        .map(|r| {
            let id = ReadingId(r);
            let input = input_key(views, &shared, id);
            let parts = match earlier.by_input.get(&input) {
                Some(parts) => Arc::clone(parts),
                None => {
                    let own_page = views.at(PageJob::Reading(id).links(site));
                    let comments = site.readings[r].thread.comments.len();
                    Arc::new(ReadingParts {
                        thread: digest(&own_page.built_thread(id)),
                        cards: (0..comments).map(|c| digest(&absolute.built_card(id, c))).collect(),
                    })
                }
            };
            (input, parts)
        })
        .collect()
}

/// Every reading's key as lists show it (`Views::entry`), made again by each build: its view with
/// absolute links and its summary as written. A list shows it with links from its page, made from
/// the same routes, and its summary rebased to the reading's address from there (`Html::rebased`), so
/// the view on any page is a function of this one and of where the page's links start from, which every
/// page's key holds. (The summary as rebased to an absolute address could not tell a relative address
/// from the same address written out whole.)
pub fn entries(views: &Views) -> Vec<[u8; 32]> {
    let site = views.site;
    let absolute = views.at(Links::absolute(&site.config.base_url));
    (0..site.readings.len())
        .into_par_iter()
        .map(|r| {
            let mut view = absolute.reading(ReadingId(r), false);
            view.summary = std::borrow::Cow::Borrowed(&views.bodies.readings[r].summary);
            digest(&view)
        })
        .collect()
}

/// The key of a part: `part` fed into a page key of its own.
pub(super) fn digest(part: &(impl Serialize + ?Sized)) -> [u8; 32] {
    let mut hasher = KeyHasher::from_hasher(blake3::Hasher::new());
    hasher.value(part);
    hasher.finish().0
}

/// What every reading's parts are made of besides the reading: the people (names, pages, roles,
/// whom mentions name), the settings (addresses, time zone, date format, depth, replies by e-mail)
/// and the theme's words.
fn shared_input(views: &Views) -> Vec<u8> {
    let site = views.site;
    let mut bytes = format!("{:?}\0{:?}\0{:?}\0", site.people, site.config, views.language).into_bytes();
    bytes.extend(site.mention_names.fingerprint());
    blake3::hash(&bytes).as_bytes().to_vec()
}

/// What reading `id`'s thread and cards are made of: `shared`, then the reading's own data.
fn input_key(views: &Views, shared: &[u8], id: ReadingId) -> [u8; 32] {
    let reading: &Reading = &views.site.readings[id.0];
    let mut hasher = KeyHasher::from_hasher(blake3::Hasher::new());
    hasher.bytes(shared);
    hasher.bytes(reading.path.as_bytes());
    hasher.bytes(reading.title.as_bytes());
    hasher.value(&exact(&reading.date));
    hasher.value(&reading.comments_open);
    let thread = &reading.thread;
    hasher.value(&thread.comments.len());
    for (comment, html) in thread.comments.iter().zip(&views.bodies.comments[id.0]) {
        hasher.bytes(comment.id.as_bytes());
        hasher.value(&(comment.author.map(|p| p.0), exact(&comment.date), comment.parent, comment.depth));
        hasher.value(&(comment.status as u8));
        hasher.bytes(html.digest());
    }
    hasher.value(&(&thread.roots, &thread.children));
    hasher.finish().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_part_keys_load_back_and_damage_is_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let (none, warning) = PartKeys::load(root.path(), PARTS_FILE);
        assert!(none.by_input.is_empty() && warning.is_none(), "no file: nothing, and nothing to say");
        let made = [
            ([1; 32], Arc::new(ReadingParts { thread: [2; 32], cards: vec![[3; 32], [4; 32]] })),
            ([5; 32], Arc::new(ReadingParts { thread: [6; 32], cards: Vec::new() })),
        ];
        let keys = PartKeys::of(&made);
        keys.save(root.path(), PARTS_FILE).unwrap();
        let (loaded, warning) = PartKeys::load(root.path(), PARTS_FILE);
        assert!(warning.is_none());
        assert_eq!(loaded, keys);
        cache::damage(&root.path().join(PARTS_FILE)).unwrap();
        let (loaded, warning) = PartKeys::load(root.path(), PARTS_FILE);
        assert!(loaded.by_input.is_empty());
        assert!(warning.is_some_and(|w| w.message.contains("damaged")));
    }

    /// A build's part keys are those the last build saved, where a reading's input key is there: keys
    /// put into the file by hand make the pages that show those parts rendered again.
    #[test]
    fn a_build_takes_part_keys_from_the_last_builds_file() {
        let root = basic_site();
        let options = crate::BuildOptions {
            root: root.path().to_path_buf(),
            output: root.path().join("public"),
            base_url: None,
            drafts: false,
            cache: true,
            future: false,
            pending: false,
            progress: Default::default(),
        };
        // Touched, so that the build runs its stages: a site whose files' stamps are unchanged is not
        // built again.
        let touched = |minutes: u64| {
            let intro = root.path().join("content/week/_index.md");
            let at = std::time::SystemTime::now() - std::time::Duration::from_secs(60 * minutes);
            std::fs::File::options().append(true).open(intro).unwrap().set_modified(at).unwrap();
        };
        crate::build(&options).unwrap();
        touched(10);
        assert_eq!(crate::build(&options).unwrap().rendered, 0, "nothing changed: no page rendered");
        let (saved, _) = PartKeys::load(root.path(), PARTS_FILE);
        assert!(!saved.by_input.is_empty());
        PartKeys::of(&forged(&saved)).save(root.path(), PARTS_FILE).unwrap();
        touched(5);
        let report = crate::build(&options).unwrap();
        assert!(report.rendered > 0, "the threads' keys came from the file, so their pages' keys changed");
    }

    /// `serve` saves its own part keys after a session's first rebuild, and the next session takes
    /// them from there: keys put into the file by hand make pages rendered again.
    #[test]
    fn serve_takes_part_keys_from_its_last_session() {
        let root = basic_site();
        let options = crate::BuildOptions {
            root: root.path().to_path_buf(),
            output: crate::serve::session::output_folder(root.path()),
            base_url: Some("http://127.0.0.1:1111/".into()),
            cache: true,
            ..Default::default()
        };
        let session = || crate::serve::session::Session::new(options.clone());
        let first = session().rebuild().unwrap();
        assert_eq!(first.rendered, first.pages);
        let (saved, warning) = PartKeys::load(root.path(), SERVE_PARTS_FILE);
        assert!(!saved.by_input.is_empty() && warning.is_none(), "saved after the first rebuild");
        assert_eq!(session().rebuild().unwrap().rendered, 0, "nothing changed: no page rendered");
        PartKeys::of(&forged(&saved)).save(root.path(), SERVE_PARTS_FILE).unwrap();
        let report = session().rebuild().unwrap();
        assert!(report.rendered > 0, "the threads' keys came from the file, so their pages' keys changed");
    }

    /// A copy of the `basic` fixture site.
    fn basic_site() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for entry in walkdir::WalkDir::new(&fixture).into_iter().map(Result::unwrap) {
            let target = root.path().join(entry.path().strip_prefix(&fixture).unwrap());
            match entry.file_type().is_dir() {
                true => std::fs::create_dir_all(target).unwrap(),
                false => drop(std::fs::copy(entry.path(), target).unwrap()),
            }
        }
        root
    }

    /// `saved` with every thread's key replaced by another.
    fn forged(saved: &PartKeys) -> Vec<([u8; 32], Arc<ReadingParts>)> {
        let forge = |parts: &ReadingParts| ReadingParts { thread: [7; 32], cards: parts.cards.clone() };
        saved.by_input.iter().map(|(input, parts)| (*input, Arc::new(forge(parts)))).collect()
    }
}
