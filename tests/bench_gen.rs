//! The benchmark's synthetic sites (examples/gen_cohort): the same bytes for one seed, a clean
//! `check`, and the shape the benchmark claims (reply share, deep chains, skewed authors, hostile HTML).

#[path = "../examples/gen_cohort/cohort.rs"]
mod cohort;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roundtable::load;
use roundtable::model::{self, ResolveOptions};
use roundtable::BuildOptions;

fn generate(size: &str, seed: u64) -> (tempfile::TempDir, PathBuf, cohort::Stats) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let stats = cohort::generate(&root, cohort::Size::parse(size).unwrap(), seed).unwrap();
    (dir, root, stats)
}

/// Every file under `root` by relative path, with its bytes.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

#[test]
fn one_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let (_a, first, _) = generate("tiny", 7);
    let (_b, second, _) = generate("tiny", 7);
    let (_c, other, _) = generate("tiny", 8);
    let first = files(&first);
    assert!(first.len() > 10, "a tiny site has a dozen files or more, found {}", first.len());
    assert_eq!(first, files(&second));
    assert_ne!(first, files(&other));
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let (_dir, root, _) = generate("tiny", 1);
    let error = cohort::generate(&root, cohort::Size::parse("tiny").unwrap(), 1).unwrap_err();
    assert!(error.to_string().contains("is not empty"), "{error}");
}

#[test]
fn sizes_are_readings_by_comments() {
    assert_eq!(cohort::Size::parse("M"), Some(cohort::Size { readings: 1_000, comments: 100 }));
    assert_eq!(cohort::Size::parse("l"), Some(cohort::Size { readings: 2_000, comments: 250 }));
    assert_eq!(cohort::Size::parse("12x3"), Some(cohort::Size { readings: 12, comments: 3 }));
    assert_eq!(cohort::Size::parse("0x3"), None);
    assert_eq!(cohort::Size::parse("huge"), None);
}

#[test]
fn the_s_site_checks_clean_and_has_the_promised_shape() {
    let (_dir, root, stats) = generate("S", 1);
    let options = BuildOptions { root: root.clone(), output: root.join("public"), ..Default::default() };
    let report = roundtable::check(&options).unwrap_or_else(|problems| panic!("{:?}", problems.sorted()));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!((report.readings, report.comments), (100, 3_000));
    assert_eq!((stats.readings, stats.comments), (100, 3_000));

    let (source, _, _) = load::load(&root);
    let site = model::resolve(
        source,
        ResolveOptions { drafts: false, future: false, now: chrono::Utc::now(), pending: false },
    )
    .unwrap();
    let comments: Vec<&model::Comment> = site.readings.iter().flat_map(|r| &r.thread.comments).collect();
    let replies = comments.iter().filter(|c| c.parent.is_some()).count();
    assert_eq!(replies, stats.replies);
    let share = replies as f64 / comments.len() as f64;
    assert!((0.37..=0.43).contains(&share), "replies are {share:.3} of comments");
    let chained = site.readings.iter().filter(|r| r.thread.comments.iter().any(|c| c.depth >= 6)).count();
    assert!(chained >= 20, "only {chained} of 100 threads hold a reply 6 deep");

    let mut by_author = vec![0usize; site.people.len()];
    comments.iter().filter_map(|c| c.author).for_each(|p| by_author[p.0] += 1);
    by_author.sort_unstable_by(|a, b| b.cmp(a));
    let top_five: usize = by_author[..5].iter().sum();
    assert!(top_five * 5 > comments.len() * 2, "the five busiest wrote {top_five} of {}", comments.len());

    let markers = ["evil.example", "alert(", "<style>", "data:text/html"];
    let hostile = comments.iter().filter(|c| markers.iter().any(|m| c.body.contains(m))).count();
    assert_eq!(hostile, stats.hostile);
    assert!((30..=90).contains(&hostile), "{hostile} comments carry hostile HTML");
}
