//! The preview server: the output folder over HTTP, plus live reload and the problem overlay.
//!
//! Only what this server sends carries the reload script and the overlay; the
//! files on disk are exactly what `build` writes. Every request path is decoded
//! once and must name a file inside the output folder, or it gets 400 or 404.

use std::fs;
use std::io::{self, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

use crate::diagnostics::Diagnostic;

/// Where pages find the reload script.
pub const LIVE_SCRIPT: &str = "/__roundtable/live.js";
/// The server-sent events stream that tells pages to reload.
pub const EVENTS: &str = "/__roundtable/events";

const SCRIPT: &str = "// Added by `roundtable serve` only: reload this page after every rebuild.\n\
new EventSource(\"/__roundtable/events\").addEventListener(\"reload\", () => location.reload());\n";

/// How often an idle event stream sends a comment, so a closed tab is noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Open event streams allowed at once: each holds a thread.
const MAX_STREAMS: usize = 64;

/// What the browser should see besides the site; shared by the rebuild loop and the server.
#[derive(Debug, Default)]
pub struct Live {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    generation: u64,
    problems: Vec<Diagnostic>,
    streams: usize,
}

impl Live {
    /// A new, problem-free state.
    pub fn new() -> Arc<Live> {
        Arc::new(Live::default())
    }

    /// After a good rebuild: clears the problems and tells every open page to reload.
    pub fn rebuilt(&self) {
        self.update(Vec::new());
    }

    /// After a failed rebuild: shows `problems` over every page of the last good site and reloads them.
    pub fn failed(&self, problems: Vec<Diagnostic>) {
        self.update(problems);
    }

    fn update(&self, problems: Vec<Diagnostic>) {
        let mut state = self.state.lock().expect("no panics while locked");
        state.generation += 1;
        state.problems = problems;
        self.changed.notify_all();
    }
}

/// Serves `site` (the output folder) on `listener` from a thread of its own, one thread per request.
pub fn spawn(listener: TcpListener, site: PathBuf, live: Arc<Live>) -> io::Result<thread::JoinHandle<()>> {
    let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
    thread::Builder::new().name("roundtable-http".into()).spawn(move || {
        for request in server.incoming_requests() {
            let (site, live) = (site.clone(), live.clone());
            let _ =
                thread::Builder::new().name("roundtable-request".into()).spawn(move || handle(request, &site, &live));
        }
    })
}

fn handle(request: Request, site: &Path, live: &Live) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "only GET and HEAD are served here"));
        return;
    }
    let path = request.url().split(['?', '#']).next().unwrap_or_default().to_string();
    let response = match path.as_str() {
        EVENTS => return stream_events(request, live),
        LIVE_SCRIPT => respond(200, "text/javascript; charset=utf-8", SCRIPT.as_bytes().to_vec()),
        _ => match locate(site, &path) {
            Ok(Found::File(file)) => page(&file, 200, live),
            Ok(Found::Folder) => redirect(&format!("{path}/")),
            Err(Refused::BadPath) => text(400, "this address is not a path inside the site"),
            Err(Refused::Missing) => match site.join("404.html") {
                page_404 if page_404.is_file() => page(&page_404, 404, live),
                _ => text(404, "no such page"),
            },
        },
    };
    let _ = request.respond(response);
}

/// Where a request path leads.
#[derive(Debug, PartialEq)]
enum Found {
    File(PathBuf),
    /// A folder asked for without its final `/`: relative links need it.
    Folder,
}

#[derive(Debug, PartialEq)]
enum Refused {
    BadPath,
    Missing,
}

/// The file of `site` that `path` names: decoded once, no `.`/`..` or hidden segments, never outside `site`.
fn locate(site: &Path, path: &str) -> Result<Found, Refused> {
    let lower = path.to_ascii_lowercase();
    if !path.starts_with('/') || lower.contains("%2f") || lower.contains("%5c") || path.contains('\\') {
        return Err(Refused::BadPath);
    }
    let decoded = percent_decode(path).ok_or(Refused::BadPath)?;
    if decoded.contains(['\\', '\0']) {
        return Err(Refused::BadPath);
    }
    let mut file = site.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        match segment {
            "." | ".." => return Err(Refused::BadPath),
            hidden if hidden.starts_with('.') => return Err(Refused::Missing),
            name => file.push(name),
        }
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return Ok(Found::Folder);
        }
        file.push("index.html");
    }
    let real = file.canonicalize().map_err(|_| Refused::Missing)?;
    let home = site.canonicalize().map_err(|_| Refused::Missing)?;
    if !real.starts_with(&home) || !real.is_file() {
        return Err(Refused::Missing);
    }
    Ok(Found::File(real))
}

/// `%XX` escapes decoded to UTF-8 text; any malformed escape or invalid UTF-8 refuses the path.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file of the site; HTML pages get the reload script and, after a failed rebuild, the problems.
fn page(file: &Path, status: u16, live: &Live) -> Response<io::Cursor<Vec<u8>>> {
    let Ok(bytes) = fs::read(file) else { return text(404, "no such page") };
    let kind = content_type(file);
    if !kind.starts_with("text/html") {
        return respond(status, kind, bytes);
    }
    let html = String::from_utf8_lossy(&bytes);
    let problems = live.state.lock().expect("no panics while locked").problems.clone();
    respond(status, kind, with_live_reload(&html, &problems).into_bytes())
}

/// Adds the overlay right after `<body ...>` and the script right before `</body>`.
fn with_live_reload(html: &str, problems: &[Diagnostic]) -> String {
    let script = format!("<script src=\"{LIVE_SCRIPT}\"></script>");
    let mut out = String::with_capacity(html.len() + 200);
    let body_open = html.find("<body").and_then(|at| html[at..].find('>').map(|end| at + end + 1));
    let (head, rest) = match (body_open, problems.is_empty()) {
        (Some(at), false) => html.split_at(at),
        _ => ("", html),
    };
    out.push_str(head);
    if !problems.is_empty() {
        out.push_str(&overlay(problems));
    }
    match rest.rfind("</body>") {
        Some(at) => {
            out.push_str(&rest[..at]);
            out.push_str(&script);
            out.push_str(&rest[at..]);
        }
        None => {
            out.push_str(rest);
            out.push_str(&script);
        }
    }
    out
}

/// The panel listing what is wrong; every character of the problems is escaped, since they quote the site.
fn overlay(problems: &[Diagnostic]) -> String {
    let listed: String = problems.iter().map(|p| escape(&p.to_string()) + "\n").collect();
    format!(
        "<div id=\"roundtable-problems\" role=\"alert\" style=\"position:sticky;top:0;z-index:2147483647;\
         margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#1a1a1a;border-bottom:4px solid #b00020;\
         font:16px/1.5 system-ui,sans-serif;max-height:60vh;overflow:auto\">\
         <p style=\"margin:0 0 .5rem\"><strong>roundtable could not rebuild the site.</strong> \
         Below is the last version that built. Fix these problems and save; this page reloads by itself.</p>\
         <pre style=\"margin:0;white-space:pre-wrap;font:14px/1.4 ui-monospace,monospace\">{listed}</pre></div>"
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Holds the connection open and writes `reload` after each rebuild, with a heartbeat between.
///
/// Written by hand on the raw connection: tiny_http buffers chunked bodies, which would hold events back.
fn stream_events(request: Request, live: &Live) {
    {
        let mut state = live.state.lock().expect("no panics while locked");
        if state.streams >= MAX_STREAMS {
            drop(state);
            let _ = request.respond(text(503, "too many open pages"));
            return;
        }
        state.streams += 1;
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    let mut sent = writer.write_all(head.as_bytes()).and_then(|()| writer.flush());
    let mut seen = live.state.lock().expect("no panics while locked").generation;
    while sent.is_ok() {
        let state = live.state.lock().expect("no panics while locked");
        let (state, _) = live
            .changed
            .wait_timeout_while(state, HEARTBEAT, |state| state.generation == seen)
            .expect("no panics while locked");
        let message = if state.generation == seen { ": still here\n\n" } else { "event: reload\ndata: reload\n\n" };
        seen = state.generation;
        drop(state);
        sent = writer.write_all(message.as_bytes()).and_then(|()| writer.flush());
    }
    live.state.lock().expect("no panics while locked").streams -= 1;
}

fn content_type(file: &Path) -> &'static str {
    let extension = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if file.ends_with("sitemap.xml") => "application/xml; charset=utf-8",
        "xml" => "application/atom+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

fn respond(status: u16, kind: &str, bytes: Vec<u8>) -> Response<io::Cursor<Vec<u8>>> {
    let header = |name: &str, value: &str| Header::from_bytes(name, value).expect("a valid header");
    Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn text(status: u16, message: &str) -> Response<io::Cursor<Vec<u8>>> {
    respond(status, "text/plain; charset=utf-8", format!("{message}\n").into_bytes())
}

fn redirect(to: &str) -> Response<io::Cursor<Vec<u8>>> {
    let location =
        Header::from_bytes("Location", to).unwrap_or_else(|()| Header::from_bytes("Location", "/").expect("valid"));
    text(301, "this page has moved").with_header(location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Span;

    fn site() -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir_all(site.path().join("week/trust")).unwrap();
        fs::write(site.path().join("week/trust/index.html"), "<html><body class=\"x\"><p>Hi</p></body></html>")
            .unwrap();
        fs::write(site.path().join(".roundtable-output"), "").unwrap();
        site
    }

    #[test]
    fn paths_lead_to_files_inside_the_site_only() {
        let site = site();
        let root = site.path();
        let file = root.join("week/trust/index.html").canonicalize().unwrap();
        assert_eq!(locate(root, "/week/trust/"), Ok(Found::File(file.clone())));
        assert_eq!(locate(root, "/week/trust/index.html"), Ok(Found::File(file.clone())));
        assert_eq!(locate(root, "/week/%74rust/"), Ok(Found::File(file)));
        assert_eq!(locate(root, "/week/trust"), Ok(Found::Folder));
        for bad in
            ["/../x", "/week/../week/trust/", "/%2e%2e/x", "/week%2ftrust/", "/a\\b", "/%zz", "/%ff", "/%00", "x"]
        {
            assert_eq!(locate(root, bad), Err(Refused::BadPath), "{bad}");
        }
        for missing in ["/nothing/", "/.roundtable-output", "/week/trust/x.html"] {
            assert_eq!(locate(root, missing), Err(Refused::Missing), "{missing}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_site_is_not_followed() {
        let site = site();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), site.path().join("secret.txt")).unwrap();
        assert_eq!(locate(site.path(), "/secret.txt"), Err(Refused::Missing));
    }

    #[test]
    fn pages_get_the_script_and_escaped_problems() {
        let html = "<html><body class=\"x\"><p>Hi</p></body></html>";
        assert_eq!(
            with_live_reload(html, &[]),
            "<html><body class=\"x\"><p>Hi</p><script src=\"/__roundtable/live.js\"></script></body></html>"
        );
        let problem = Diagnostic::error(Span::new("content/a.yaml", 3, 5), "bad <script>alert(1)</script>");
        let shown = with_live_reload(html, &[problem]);
        assert!(shown.starts_with("<html><body class=\"x\"><div id=\"roundtable-problems\""));
        assert!(shown.contains("content/a.yaml:3:5: error: bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!shown.contains("<script>alert"));
    }
}
