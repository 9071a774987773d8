//! `roundtable serve`: a live preview that rebuilds what changed and reloads the browser.
//!
//! One thread watches the site folder and rebuilds (`session`), another serves
//! the output folder over HTTP (`http`). They share only `http::Live`, which
//! tells open pages to reload and holds the problems of a failed rebuild.

pub mod http;
pub mod session;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::diagnostics::Diagnostic;
use crate::load::Changes;
use crate::terminal::Terminal;
use crate::BuildOptions;
use session::{Rebuilt, Session};

/// How long the watcher waits for a burst of saves to end before rebuilding: an editor's temporary
/// file and its rename, or the files of a `git checkout`, are written back to back, and every
/// millisecond here is one more before the page shows the edit (`MAX_DELAY` caps a longer burst).
const SETTLE: Duration = Duration::from_millis(10);
/// The longest a burst may put off its rebuild, however long the saves keep coming.
const MAX_DELAY: Duration = Duration::from_millis(300);

/// What `serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The address to listen on: loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Include readings dated in the future.
    pub future: bool,
    /// Print only problems.
    pub quiet: bool,
    /// Who hears each rebuild's stages (`-v` prints them with their times).
    pub progress: crate::progress::Progress,
}

/// Serves the site and rebuilds it on every edit until the process is stopped.
///
/// Returns only when it cannot start: an unreadable site folder, a port in use, a failed watcher.
pub fn serve(options: &ServeOptions) -> Result<(), Diagnostic> {
    let root = options.root.canonicalize().map_err(|error| {
        Diagnostic::error(
            crate::diagnostics::Span::file(&options.root),
            format!("cannot open the site folder: {error}"),
        )
        .with_help("run roundtable in the site's folder, or point to it with --root")
    })?;
    let address = SocketAddr::new(options.bind, options.port);
    let cannot_listen = |error: std::io::Error| {
        Diagnostic::command(address.to_string(), format!("cannot listen here: {error}"))
            .with_help("another program may use this port: choose another with --port, like --port 1112")
    };
    let listener = TcpListener::bind(address).map_err(cannot_listen)?;
    let bound = listener.local_addr().map_err(cannot_listen)?;
    let host = if bound.ip().is_unspecified() { SocketAddr::new([127, 0, 0, 1].into(), bound.port()) } else { bound };
    let url = format!("http://{host}/");
    let output = session::output_folder(&root);
    let build = BuildOptions {
        root: root.clone(),
        output: output.clone(),
        base_url: Some(url.clone()),
        drafts: options.drafts,
        future: options.future,
        pending: true,
        cache: true,
        progress: options.progress.clone(),
    };
    let mut session = Session::new(build);
    let live = http::Live::new();
    let edited = Arc::new(AtomicBool::new(false));
    let (events, edits) = mpsc::channel();
    // Also says at once that the site changed, so that a rebuild's search index, which comes after
    // the reload, gives way to the next edit instead of putting it off.
    let (flag, watched) = (Arc::clone(&edited), root.clone());
    let watch_all = move |event: notify::Result<notify::Event>| {
        if let Ok(change) = &event {
            if is_change(&change.kind) && !watch::edits(&watched, change.paths.iter().cloned()).is_empty() {
                flag.store(true, Ordering::Relaxed);
            }
        }
        // Stamped here, when the save is seen: a rebuild or an index under way may keep the loop
        // from reading it for a while, and that wait is part of how long the edit takes to show.
        let _ = events.send((Instant::now(), event));
    };
    let mut watcher = notify::recommended_watcher(watch_all).map_err(|e| watch_problem(&root, &e.to_string()))?;
    watcher.watch(&root, RecursiveMode::NonRecursive).map_err(|e| watch_problem(&root, &e.to_string()))?;
    for folder in watch::folders(&root) {
        watcher.watch(&folder, RecursiveMode::Recursive).map_err(|e| watch_problem(&folder, &e.to_string()))?;
    }
    // Watching starts before the first build, so an edit saved while it runs is rebuilt after it.
    let mut failing = rebuild(&mut session, &live, &[], Instant::now(), options.quiet, false, &edited);
    http::spawn(listener, output, live.clone()).map_err(cannot_listen)?;
    println!("Serving {url} (edits show at once; press Ctrl+C to stop)");
    if !options.bind.is_loopback() {
        eprintln!("roundtable: listening on {bound}: other computers on your network can see this preview");
    }
    if options.open {
        open_browser(&url);
    }
    while let Some(Burst { edits: changed, first_seen, changes }) = next_burst(&root, &edits, &mut watcher) {
        session.changed_since_last_rebuild(changes);
        failing = rebuild(&mut session, &live, &changed, first_seen, options.quiet, failing, &edited);
    }
    Ok(())
}

/// A burst of edits.
struct Burst {
    /// The site's files edited, in order.
    edits: Vec<PathBuf>,
    /// When the first edit was seen.
    first_seen: Instant,
    /// Every path the watcher saw change since the last burst, edits or not (an editor's temporary
    /// file, a hidden one), unless it lost some.
    changes: Changes,
}

/// Waits for an edit, then for the burst it starts to end (or `MAX_DELAY`), or `None` once the
/// watcher is gone.
///
/// Only writes, creations, removals and renames of the site's own files count: the watcher also
/// reports files being opened and the output folder being written and read, and counting those
/// would put the rebuild off for as long as a browser keeps asking for pages.
fn next_burst(
    root: &std::path::Path,
    events: &mpsc::Receiver<(Instant, notify::Result<notify::Event>)>,
    watcher: &mut impl Watcher,
) -> Option<Burst> {
    let mut paths: Vec<PathBuf> = Vec::new();
    // None once the watcher lost events: then nothing is known of what changed.
    let mut changed: Option<Vec<PathBuf>> = Some(Vec::new());
    let mut deadline: Option<(Instant, Instant)> = None;
    let mut first_seen = None;
    loop {
        let (seen, event) = match deadline {
            None => events.recv().ok()?,
            Some((settled, latest)) => {
                let wait = settled.min(latest).saturating_duration_since(Instant::now());
                match events.recv_timeout(wait) {
                    Ok(event) => event,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        let changes = changed.map_or(Changes::Unknown, Changes::Only);
                        return Some(Burst { edits: paths, first_seen: first_seen?, changes });
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                }
            }
        };
        if event.as_ref().is_ok_and(|event| event.need_rescan()) {
            changed = None;
        }
        match event {
            Ok(event) if is_change(&event.kind) => {
                if let Some(changed) = &mut changed {
                    // A file written line by line is reported at each write: once is enough.
                    for path in &event.paths {
                        if changed.last() != Some(path) {
                            changed.push(path.clone());
                        }
                    }
                }
                let new_folders: Vec<PathBuf> =
                    event.paths.iter().filter(|path| watch::is_new_folder(root, path)).cloned().collect();
                for folder in &new_folders {
                    // A folder made after the start (`i18n/`, say) is watched from now on, with its files;
                    // it counts as an edit itself, since files put in it before the watch are not reported.
                    if let Err(error) = watcher.watch(folder, RecursiveMode::Recursive) {
                        eprintln!("roundtable: cannot watch {}: {error}", folder.display());
                    }
                }
                let mut edits = watch::edits(root, event.paths);
                edits.extend(new_folders);
                if edits.is_empty() {
                    continue;
                }
                paths.extend(edits.into_iter().filter(|path| !paths.contains(path)).collect::<Vec<_>>());
                let now = Instant::now();
                first_seen.get_or_insert(seen);
                // The cap counts from the first save, however long it waited to be read.
                let latest = deadline.map_or(seen + MAX_DELAY, |(_, latest)| latest);
                deadline = Some((now + SETTLE, latest));
            }
            // A kind the watcher cannot tell (some platforms' events): what changed is not known.
            Ok(event) if matches!(event.kind, notify::EventKind::Any | notify::EventKind::Other) => changed = None,
            Ok(_) => {}
            Err(error) => {
                changed = None;
                eprintln!("roundtable: the file watcher reported a problem: {error}");
            }
        }
    }
}

fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    matches!(kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_))
}

/// Rebuilds, tells the open pages, then prints what happened (in that order, so what is printed is served).
///
/// Returns whether the site has errors now; `failing` says whether it had them before, so that
/// the first good rebuild after them says they are fixed.
fn rebuild(
    session: &mut Session,
    live: &http::Live,
    changed: &[PathBuf],
    first_seen: Instant,
    quiet: bool,
    failing: bool,
    edited: &AtomicBool,
) -> bool {
    edited.store(false, Ordering::Relaxed);
    let terminal = Terminal::new(session.root());
    let root = session.root().to_path_buf();
    let mut told = 0;
    let pages_in = &mut |rebuilt: &Rebuilt| {
        live.rebuilt();
        terminal.print(&rebuilt.warnings);
        told = rebuilt.warnings.len();
        if failing {
            eprintln!("roundtable: all problems fixed; the site is up to date again");
        }
        if !quiet {
            println!("{}", summary(rebuilt, changed, first_seen.elapsed(), &root));
        }
    };
    match session.rebuild_then_index(pages_in, &|| edited.load(Ordering::Relaxed)) {
        Ok(rebuilt) => {
            // After the reload: the pages never wait for the index.
            terminal.print(rebuilt.warnings.get(told..).unwrap_or_default());
            if !quiet && !rebuilt.indexing.is_zero() {
                let ms = |time: Duration| format!("{:.0} ms", time.as_secs_f64() * 1000.0);
                let after = match changed.is_empty() {
                    true => String::new(),
                    false => format!(", {} after the edit", ms(first_seen.elapsed())),
                };
                println!("search index up to date in {}{after}", ms(rebuilt.indexing));
            }
            false
        }
        Err(problems) => {
            let errors = problems.error_count();
            let problems = problems.sorted();
            live.failed(problems.clone());
            terminal.print(&problems);
            let count = if errors == 1 { "1 error".to_string() } else { format!("{errors} errors") };
            eprintln!("roundtable: {count} found; still serving the last good site, with the problems shown on it");
            true
        }
    }
}

/// `rebuilt 12 of 1220 pages in 38 ms, 95 ms after the edit (9 files written): content/x.comments.yaml`
///
/// The second time runs from when the watcher saw the first save to when the last file was in place.
fn summary(rebuilt: &Rebuilt, changed: &[PathBuf], since_edit: Duration, root: &std::path::Path) -> String {
    let ms = rebuilt.elapsed.as_secs_f64() * 1000.0;
    let what = match changed {
        [] => String::new(),
        [one] => format!(": {}", crate::diagnostics::relative(root, one).display()),
        [one, rest @ ..] => format!(": {} and {} more", crate::diagnostics::relative(root, one).display(), rest.len()),
    };
    let after = match changed.is_empty() {
        true => String::new(),
        false => format!(", {:.0} ms after the edit", since_edit.as_secs_f64() * 1000.0),
    };
    format!(
        "rebuilt {} of {} pages in {ms:.0} ms{after} ({} files written){what}",
        rebuilt.rendered, rebuilt.pages, rebuilt.written
    )
}

fn watch_problem(root: &std::path::Path, error: &str) -> Diagnostic {
    Diagnostic::error(crate::diagnostics::Span::file(root), format!("cannot watch the site folder: {error}"))
        .with_help("check that the folder exists and that you may read it")
}

/// Asks the desktop to open `url`; a failure only means the user opens it by hand.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if command.is_err() {
        eprintln!("roundtable: could not open a browser; open {url} yourself");
    }
}
