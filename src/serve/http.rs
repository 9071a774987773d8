//! The HTTP half of `roundtable serve`: the built site, a reload stream and an error overlay.
//!
//! Only this server adds the reload script and the overlay to pages, so `build` output never holds them.
//! Every request path is decoded once and checked segment by segment, and every file is checked, after
//! symlinks are followed, to lie inside the site folder: nothing outside it is ever served. How
//! connections are read, bounded and answered is in `connection`.

mod connection;

use std::fs::File;
use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use percent_encoding::percent_decode_str;

pub use connection::{trusted_host, MAX_CONNECTIONS, MAX_HEAD, READ_TIMEOUT, WRITE_TIMEOUT};
use connection::{Body, Request, Response, Route};

use crate::diagnostics::Diagnostic;

/// The server-sent events stream that tells tabs to reload.
const EVENTS_PATH: &str = "/__roundtable/events";
/// The script, injected into every page, that listens to [`EVENTS_PATH`].
const SCRIPT_PATH: &str = "/__roundtable/live.js";
const LIVE_JS: &str = include_str!("live.js");
/// More open tabs than this get 503 on the stream, so a runaway client cannot exhaust threads.
const MAX_STREAMS: usize = 64;
/// A comment sent this often on an idle stream: writing to a closed connection ends its thread.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// What the browser should see besides the site: bumped after every rebuild.
pub struct Live {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    /// Counts rebuilds; a stream that saw another value sends `reload`.
    generation: u64,
    /// The error overlay of the last failed rebuild, as HTML; `None` after a good one.
    overlay: Option<Arc<str>>,
}

impl Live {
    /// A fresh state: generation 0, no problems.
    pub fn new() -> Arc<Live> {
        Arc::new(Live { state: Mutex::new(State { generation: 0, overlay: None }), changed: Condvar::new() })
    }

    /// After a good rebuild: clears problems, bumps the generation, wakes every event stream (tabs reload).
    pub fn rebuilt(&self) {
        self.publish(None);
    }

    /// After a failed rebuild: keeps serving the last good site but shows these problems over every page, and tells tabs to reload.
    pub fn failed(&self, problems: Vec<Diagnostic>) {
        self.publish(Some(overlay(&problems).into()));
    }

    fn publish(&self, overlay: Option<Arc<str>>) {
        let mut state = self.lock();
        state.generation += 1;
        state.overlay = overlay;
        self.changed.notify_all();
    }

    fn snapshot(&self) -> (u64, Option<Arc<str>>) {
        let state = self.lock();
        (state.generation, state.overlay.clone())
    }

    /// Waits up to `timeout` for a generation other than `seen`, and returns the current one.
    fn wait_past(&self, seen: u64, timeout: Duration) -> u64 {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |state| state.generation == seen)
            .unwrap_or_else(PoisonError::into_inner);
        state.generation
    }

    /// The state is replaced whole under the lock, so a panicking holder cannot leave it half-written.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Serves `site_dir` (the built output folder) on `listener`; returns once the accept thread runs.
///
/// The returned thread ends only when the listener fails (for example, out of file descriptors),
/// with the error that stopped it.
pub fn spawn(listener: TcpListener, site_dir: PathBuf, live: Arc<Live>) -> io::Result<JoinHandle<io::Error>> {
    let shared = Arc::new(Shared { site_dir, live, streams: AtomicUsize::new(0) });
    thread::Builder::new()
        .name("roundtable-accept".into())
        .spawn(move || connection::accept(&listener, move |request| route(&shared, request)))
}

struct Shared {
    site_dir: PathBuf,
    live: Arc<Live>,
    /// Event streams open now, for [`MAX_STREAMS`].
    streams: AtomicUsize,
}

/// The event stream for its path, and an answer for everything else.
fn route(shared: &Arc<Shared>, request: &Request) -> Route {
    let (path, query) = split_target(&request.target);
    if request.method == "GET" && path == EVENTS_PATH {
        let since = query.split('&').find_map(|pair| pair.strip_prefix("since=")?.parse().ok());
        return open_stream(shared, since);
    }
    Route::Answer(answer(request, &shared.site_dir, &shared.live))
}

/// The response to any request but the event stream.
fn answer(request: &Request, site_dir: &Path, live: &Live) -> Response {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let mut refused = text(405, "only GET and HEAD are served here");
        refused.headers.push(("Allow", "GET, HEAD".to_string()));
        return refused;
    }
    let (path, _) = split_target(&request.target);
    if path == SCRIPT_PATH {
        return finish(
            Response { status: 200, headers: Vec::new(), body: Body::Bytes(LIVE_JS.into()) },
            "text/javascript; charset=utf-8",
        );
    }
    let segments = match segments(path) {
        Ok(segments) => segments,
        Err(reason) => return text(400, reason),
    };
    let Ok(root) = site_dir.canonicalize() else {
        return not_built(live);
    };
    let mut wanted = root.clone();
    wanted.extend(&segments);
    match inside(&root, &wanted) {
        Some(found) if found.is_dir() && !path.ends_with('/') => redirect(path),
        Some(found) if found.is_dir() => match inside(&root, &found.join("index.html")) {
            Some(index) if index.is_file() => file(&index, 200, live),
            _ => not_found(&root, live),
        },
        Some(found) if found.is_file() => file(&found, 200, live),
        _ => not_found(&root, live),
    }
}

/// Before the first good build: a page that shows the problems of a failed one and reloads by itself.
fn not_built(live: &Live) -> Response {
    let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>roundtable preview</title>\
                </head><body><p>The site has not been built yet. This page reloads by itself once it is.</p>\
                </body></html>";
    let (generation, overlay) = live.snapshot();
    let body = Body::Bytes(inject(page.into(), generation, overlay.as_deref()));
    finish(Response { status: 503, headers: Vec::new(), body }, "text/html; charset=utf-8")
}

/// The path and the query of a request target; a fragment is never sent, but is dropped if it is.
fn split_target(url: &str) -> (&str, &str) {
    let url = url.split('#').next().unwrap_or_default();
    url.split_once('?').unwrap_or((url, ""))
}

/// The decoded path segments, or why the path is refused.
///
/// Decoding happens once, per segment, so `%2f` cannot make a new segment and `%2e%2e` is seen as `..`.
fn segments(path: &str) -> Result<Vec<String>, &'static str> {
    if !path.starts_with('/') {
        return Err("the address must start with /");
    }
    let mut segments = Vec::new();
    for raw in path.split('/').filter(|raw| !raw.is_empty()) {
        let decoded = percent_decode_str(raw).decode_utf8().map_err(|_| "the address is not valid UTF-8")?;
        if decoded.contains(['/', '\\', '\0']) {
            return Err("the address holds an encoded slash, a backslash or a NUL");
        }
        if decoded == "." || decoded == ".." {
            return Err("the address may not hold `.` or `..` segments");
        }
        segments.push(decoded.into_owned());
    }
    Ok(segments)
}

/// `path` with symlinks followed, when it exists and still lies inside `root` (itself canonical).
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok().filter(|real| real.starts_with(root))
}

/// A folder asked for without its slash: relative links in its `index.html` need the slash.
///
/// The path is visible ASCII (`connection` refuses anything else), so it is safe in a header.
fn redirect(path: &str) -> Response {
    // Rebuilt from the non-empty segments, so `//host` can never become a redirect to another site.
    let location = format!("/{}/", path.split('/').filter(|raw| !raw.is_empty()).collect::<Vec<_>>().join("/"));
    let mut moved = text(301, &format!("moved to {location}"));
    moved.headers.push(("Location", location));
    moved
}

/// The site's own `404.html` with status 404, or a plain message when the site has none.
fn not_found(root: &Path, live: &Live) -> Response {
    match inside(root, &root.join("404.html")) {
        Some(page) if page.is_file() => file(&page, 404, live),
        _ => text(404, "nothing here"),
    }
}

/// A file of the site; HTML pages get the reload script and, after a failed rebuild, the overlay.
fn file(path: &Path, status: u16, live: &Live) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        match std::fs::read(path) {
            Ok(html) => {
                let (generation, overlay) = live.snapshot();
                Body::Bytes(inject(html, generation, overlay.as_deref()))
            }
            Err(error) => return unreadable(path, &error),
        }
    } else {
        match File::open(path).and_then(|opened| Ok((opened.metadata()?.len(), opened))) {
            Ok((length, opened)) => Body::File(opened, length),
            Err(error) => return unreadable(path, &error),
        }
    };
    finish(Response { status, headers: Vec::new(), body }, kind)
}

/// A file that vanished or turned unreadable between lookup and open (say, mid-rebuild).
fn unreadable(path: &Path, error: &io::Error) -> Response {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    text(500, &format!("could not read {name}: {error}; reload the page"))
}

/// The content type for a file, by extension; text types say they are UTF-8.
fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        // Feeds too: browsers show `application/xml` but download `application/atom+xml`,
        // and a preview server is for looking at them.
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script before `</body>` and the overlay, if any, right after `<body …>`.
fn inject(mut html: Vec<u8>, generation: u64, overlay: Option<&str>) -> Vec<u8> {
    let script = format!("<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>");
    let end = rfind_ignoring_case(&html, b"</body").unwrap_or(html.len());
    html.splice(end..end, script.bytes());
    if let Some(overlay) = overlay {
        // Fixed in place, so it shows wherever it lands; first in the body, a screen reader meets it first.
        let start = body_start(&html).unwrap_or(end);
        html.splice(start..start, overlay.bytes());
    }
    html
}

/// Where the content of `<body …>` begins.
fn body_start(html: &[u8]) -> Option<usize> {
    let tag = (0..html.len()).find(|&at| {
        html[at..].get(..5).is_some_and(|w| w.eq_ignore_ascii_case(b"<body"))
            && html.get(at + 5).is_some_and(|&next| next == b'>' || next == b'/' || next.is_ascii_whitespace())
    })?;
    html[tag..].iter().position(|&b| b == b'>').map(|close| tag + close + 1)
}

fn rfind_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|window| window.eq_ignore_ascii_case(needle))
}

/// The overlay listing every problem of a failed rebuild; all their text is escaped.
fn overlay(problems: &[Diagnostic]) -> String {
    let items: String = problems.iter().map(|problem| format!("<li>{}</li>", escape(&problem.to_string()))).collect();
    let count = match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    // <details> folds the list away with no script: the page stays usable on a phone.
    format!(
        "<style>{OVERLAY_CSS}</style>\
         <section id=\"roundtable-problems\" role=\"alert\" aria-labelledby=\"roundtable-problems-title\">\
         <details open><summary><h2 id=\"roundtable-problems-title\">roundtable could not rebuild the site: \
         {count}</h2></summary>\
         <p>The page below is the last good build; \
         this tab reloads by itself once the files are saved again. Tap the title to fold this away.</p>\
         <ol>{items}</ol></details></section>"
    )
}

/// Scoped to the overlay's id and reset first, so the site's own styles cannot hide it; on a
/// narrow screen (360 px) it takes at most half the height, and long paths wrap.
const OVERLAY_CSS: &str = "#roundtable-problems,#roundtable-problems *{all:revert;box-sizing:border-box}\
#roundtable-problems{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;\
margin:0;padding:.75rem 1.5rem;background:#fff;color:#111;border-bottom:6px solid #b00020;\
box-shadow:0 4px 16px rgba(0,0,0,.4);font:16px/1.5 system-ui,sans-serif;overflow-wrap:anywhere}\
#roundtable-problems summary{cursor:pointer}\
#roundtable-problems h2{display:inline;margin:0;font-size:1.25rem;color:#b00020}\
#roundtable-problems ol{margin:.5rem 0 0;padding-left:1.5rem}\
#roundtable-problems li{margin:.5rem 0;white-space:pre-wrap;font-family:ui-monospace,monospace}\
@media (max-width:30em){#roundtable-problems{max-height:50vh;padding:.5rem .75rem;font-size:14px}\
#roundtable-problems h2{font-size:1rem}#roundtable-problems ol{padding-left:1.25rem}}";

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A short plain-text answer, for errors and redirects.
fn text(status: u16, message: &str) -> Response {
    finish(connection::plain(status, message), "text/plain; charset=utf-8")
}

/// The headers every answer carries: its type, no caching (pages change on rebuild), no type sniffing.
fn finish(mut response: Response, content_type: &str) -> Response {
    response.headers.retain(|(name, _)| *name != "Content-Type");
    response.headers.extend([
        ("Content-Type", content_type.to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ]);
    response
}

/// Keeps the connection as a stream that tells one tab to reload, if fewer than [`MAX_STREAMS`] are open.
fn open_stream(shared: &Arc<Shared>, since: Option<u64>) -> Route {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        return Route::Answer(text(503, "too many open tabs; close some and reload"));
    }
    let shared = Arc::clone(shared);
    Route::Stream(Box::new(move |connection| {
        stream(connection, since, &shared.live);
        shared.streams.fetch_sub(1, Ordering::SeqCst);
    }))
}

/// Sends `reload` whenever the generation moves past the one the page was served at, until the tab goes.
///
/// A tab that stops reading fails a write within the connection's write timeout, which ends it.
fn stream(mut connection: TcpStream, since: Option<u64>, live: &Live) {
    let mut seen = since.unwrap_or_else(|| live.snapshot().0);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    let mut message = head.to_string();
    loop {
        if connection.write_all(message.as_bytes()).and_then(|()| connection.flush()).is_err() {
            return;
        }
        let now = live.wait_past(seen, HEARTBEAT);
        message = if now == seen { ": still here\n\n".into() } else { "event: reload\ndata: reload\n\n".into() };
        seen = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_refuse_dots_slashes_and_bad_bytes() {
        assert_eq!(segments("/week/1/").unwrap(), ["week", "1"]);
        assert_eq!(segments("/a%20b//c").unwrap(), ["a b", "c"]);
        for bad in ["/..", "/a/./b", "/%2e%2e/x", "/%2E/x", "/..%2fx", "/a%5cb", "/a\\b", "/%00", "/%ff", "x"] {
            assert!(segments(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end_and_overlay_after_body_start() {
        let html = b"<html><BODY class=\"x\"><p>hi</p></Body></html>".to_vec();
        let out = String::from_utf8(inject(html, 7, Some("<aside>!</aside>"))).unwrap();
        assert_eq!(
            out,
            "<html><BODY class=\"x\"><aside>!</aside><p>hi</p>\
             <script src=\"/__roundtable/live.js\" data-generation=\"7\"></script></Body></html>"
        );
        let bare = String::from_utf8(inject(b"<p>no body".to_vec(), 0, None)).unwrap();
        assert!(bare.ends_with("<p>no body<script src=\"/__roundtable/live.js\" data-generation=\"0\"></script>"));
        assert_eq!(body_start(b"<bodyguard><body>"), Some(17));
    }

    #[test]
    fn targets_split_off_query_and_fragment() {
        assert_eq!(split_target("/a/?since=3#top"), ("/a/", "since=3"));
        assert_eq!(split_target("/a"), ("/a", ""));
    }
}
