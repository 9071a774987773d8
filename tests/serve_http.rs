//! The `serve` HTTP server over real HTTP on 127.0.0.1: pages, folders, 404, path safety, reload events
//! and the error overlay. Requests are written by hand so no client tidies a hostile path first.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use roundtable::diagnostics::{Diagnostic, Span};
use roundtable::serve::http::{self, Live};

/// Generous: only a broken server takes this long.
const PATIENCE: Duration = Duration::from_secs(10);
const SCRIPT: &str = "<script src=\"/__roundtable/live.js\" data-generation=\"";

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn start(site: &Path) -> (SocketAddr, Arc<Live>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let live = Live::new();
    http::spawn(listener, site.to_path_buf(), Arc::clone(&live)).unwrap();
    (address, live)
}

fn connect(address: SocketAddr, method: &str, target: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let request =
        format!("{method} {target} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream
}

fn fetch(address: SocketAddr, method: &str, target: &str) -> Reply {
    let mut raw = Vec::new();
    connect(address, method, target).read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status code");
    Reply { status, head, body: raw[split + 4..].to_vec() }
}

/// Reads from `stream` until what arrived so far holds `needle`; fails after [`PATIENCE`].
fn read_until(stream: &mut TcpStream, seen: &mut String, needle: &str) {
    let deadline = Instant::now() + PATIENCE;
    let mut buffer = [0; 4096];
    while !seen.contains(needle) {
        assert!(Instant::now() < deadline, "no `{needle}` within {PATIENCE:?}; got {seen:?}");
        let read = stream.read(&mut buffer).expect("the stream stays open");
        assert!(read > 0, "the stream ended before `{needle}`; got {seen:?}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}

/// A small built site in `<tmp>/site`, with a secret file next to it that must never be served.
fn site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        ("site/index.html", "<!doctype html><html><head><title>Home</title></head><body><p>welcome</p></body></html>"),
        ("site/404.html", "<!doctype html><html><body><p>page not found here</p></body></html>"),
        ("site/week/1/index.html", "<html><body><h1>Week one</h1></body></html>"),
        ("site/style.css", "body { color: black }"),
        ("site/atom.xml", "<?xml version=\"1.0\"?><feed></feed>"),
        ("site/notes.txt", "not a page </body>"),
        ("site/data.bin", "\u{1}\u{2}"),
        ("site/logo.png", "\u{89}PNG"),
        ("secret.txt", "TOP-SECRET"),
    ];
    for (path, contents) in files {
        let path = tmp.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), tmp.path().join("site/leak.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), tmp.path().join("site/leakdir")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("site/style.css"), tmp.path().join("site/alias.css")).unwrap();
    tmp
}

#[test]
fn pages_get_the_reload_script_and_other_files_come_unchanged() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));

    let home = fetch(address, "GET", "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("Cache-Control"), Some("no-cache"));
    assert_eq!(home.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(home.text().ends_with(&format!("<p>welcome</p>{SCRIPT}0\"></script></body></html>")), "{}", home.text());

    let types = [
        ("/style.css", "text/css; charset=utf-8"),
        ("/alias.css", "text/css; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/notes.txt", "text/plain; charset=utf-8"),
        ("/logo.png", "image/png"),
        ("/data.bin", "application/octet-stream"),
        ("/__roundtable/live.js", "text/javascript; charset=utf-8"),
    ];
    for (target, kind) in types {
        let reply = fetch(address, "GET", target);
        assert_eq!((reply.status, reply.header("Content-Type")), (200, Some(kind)), "{target}");
        assert_eq!(reply.header("X-Content-Type-Options"), Some("nosniff"), "{target}");
        if let Some(file) = target.strip_prefix('/').filter(|t| !t.starts_with("__")) {
            assert_eq!(reply.body, fs::read(tmp.path().join("site").join(file)).unwrap(), "{target} changed");
        }
    }
    assert!(fetch(address, "GET", "/__roundtable/live.js").text().contains("new EventSource("));
    assert_eq!(fetch(address, "GET", "/style.css?v=2").status, 200, "query strings are ignored");
}

#[test]
fn a_built_page_gets_exactly_one_script_before_its_body_ends() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-basic");
    let (address, _live) = start(&golden);
    let original = fs::read_to_string(golden.join("index.html")).unwrap();
    let end = original.rfind("</body>").unwrap();
    let expected = format!("{}{SCRIPT}0\"></script>{}", &original[..end], &original[end..]);
    assert_eq!(fetch(address, "GET", "/").text(), expected);
    let feed = fetch(address, "GET", "/comments.xml");
    assert_eq!(feed.body, fs::read(golden.join("comments.xml")).unwrap(), "feeds are never changed");
}

#[test]
fn folders_redirect_to_their_slash_and_serve_index_html() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let moved = fetch(address, "GET", "/week/1");
    assert_eq!((moved.status, moved.header("Location")), (301, Some("/week/1/")));
    let doubled = fetch(address, "GET", "//week//1");
    assert_eq!(doubled.header("Location"), Some("/week/1/"), "never a redirect to another host");
    let page = fetch(address, "GET", "/week/1/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<h1>Week one</h1>"));
    assert_eq!(fetch(address, "GET", "/week/").status, 404, "a folder without index.html is not listed");
}

#[test]
fn missing_files_get_the_sites_404_page() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let missing = fetch(address, "GET", "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(missing.text().contains("page not found here"));
    assert!(missing.text().contains(SCRIPT), "the 404 page reloads too");

    fs::remove_file(tmp.path().join("site/404.html")).unwrap();
    let bare = fetch(address, "GET", "/no-such-page");
    assert_eq!((bare.status, bare.header("Content-Type")), (404, Some("text/plain; charset=utf-8")));
}

#[test]
fn no_path_leaves_the_site_folder() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let refused = [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/.%2e/secret.txt",
        "/a/%2e%2e/%2e%2e/etc/passwd",
        "/a/%2e%2e/%2e%2e/secret.txt",
        "//../secret.txt",
        "/./index.html",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/secret.txt%00.html",
        "/%ff%fe",
    ];
    for target in refused {
        let reply = fetch(address, "GET", target);
        assert_eq!(reply.status, 400, "{target}");
        assert!(!reply.text().contains("TOP-SECRET") && !reply.text().contains("root:"), "{target} leaked");
    }
    for target in ["/leak.txt", "/leakdir/secret.txt", "/leakdir/"] {
        let reply = fetch(address, "GET", target);
        assert_eq!(reply.status, 404, "{target} follows a symlink out of the site");
        assert!(!reply.text().contains("TOP-SECRET"), "{target} leaked");
    }
}

#[test]
fn head_has_no_body_and_other_methods_are_refused() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let head = fetch(address, "HEAD", "/style.css");
    assert_eq!((head.status, head.header("Content-Type")), (200, Some("text/css; charset=utf-8")));
    assert_eq!(head.header("Content-Length"), Some("21"));
    assert!(head.body.is_empty());
    for method in ["POST", "PUT", "DELETE"] {
        let refused = fetch(address, method, "/index.html");
        assert_eq!((refused.status, refused.header("Allow")), (405, Some("GET, HEAD")), "{method}");
    }
}

#[test]
fn every_rebuild_sends_a_reload_event() {
    let tmp = site();
    let (address, live) = start(&tmp.path().join("site"));
    let mut stream = connect(address, "GET", "/__roundtable/events");
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, "retry: ");
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    assert!(seen.to_ascii_lowercase().contains("content-type: text/event-stream"), "{seen}");
    assert!(!seen.contains("event: reload"), "nothing rebuilt yet");

    live.rebuilt();
    read_until(&mut stream, &mut seen, "event: reload\n");
    seen.clear();
    live.failed(vec![Diagnostic::error(Span::file("site.yaml"), "broken")]);
    read_until(&mut stream, &mut seen, "event: reload\n");

    // A page served before a rebuild reloads even if its stream connects after it.
    assert!(fetch(address, "GET", "/").text().contains(&format!("{SCRIPT}2\"")));
    let mut late = connect(address, "GET", "/__roundtable/events?since=1");
    read_until(&mut late, &mut String::new(), "event: reload\n");
}

#[test]
fn event_streams_are_capped() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let open: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut stream = connect(address, "GET", "/__roundtable/events");
            read_until(&mut stream, &mut String::new(), "retry: ");
            stream
        })
        .collect();
    assert_eq!(fetch(address, "GET", "/__roundtable/events").status, 503);
    assert_eq!(fetch(address, "GET", "/").status, 200, "pages are still served");
    drop(open);
}

#[test]
fn a_failed_rebuild_shows_every_problem_escaped_until_the_next_good_one() {
    let tmp = site();
    let (address, live) = start(&tmp.path().join("site"));
    live.failed(vec![
        Diagnostic::error(Span::new("content/week-1/index.md", 3, 7), "unknown key `<script>alert(1)</script>`")
            .with_help("did you mean `title`? \"quotes\" & 'more'"),
        Diagnostic::error(Span::new("content/week-2/comments/ana.yaml", 12, 1), "no such author `Bob`"),
    ]);
    let page = fetch(address, "GET", "/week/1/").text();
    assert!(page.contains("roundtable could not rebuild the site"), "{page}");
    assert!(page.contains("2 problems"));
    assert!(page.contains("last good build"));
    assert!(page.contains(
        "content/week-1/index.md:3:7: error: unknown key `&lt;script&gt;alert(1)&lt;/script&gt;`\n  \
         help: did you mean `title`? &quot;quotes&quot; &amp; &#39;more&#39;"
    ));
    assert!(page.contains("content/week-2/comments/ana.yaml:12:1: error: no such author `Bob`"));
    assert!(!page.contains("<script>alert"), "diagnostics are escaped");
    assert!(page.contains("<h1>Week one</h1>"), "the last good page is still shown");
    assert!(page.find("roundtable-problems").unwrap() < page.find("<h1>").unwrap(), "overlay comes first");
    assert!(fetch(address, "GET", "/no-such-page").text().contains("roundtable could not rebuild"));
    assert!(!fetch(address, "GET", "/notes.txt").text().contains("roundtable"), "only pages get the overlay");

    live.rebuilt();
    let fixed = fetch(address, "GET", "/week/1/").text();
    assert!(!fixed.contains("roundtable-problems") && !fixed.contains("could not rebuild"), "{fixed}");
}

/// Sends `head` as it is (no Host added) and reads the whole answer.
fn raw(address: SocketAddr, head: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(head).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status code");
    Reply { status, head, body: raw[split + 4..].to_vec() }
}

#[test]
fn only_local_host_names_and_addresses_are_answered() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let port = address.port();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "[::1]".into(), "192.168.0.9:1111".into()] {
        let reply = raw(address, format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(reply.status, 200, "{host}");
    }
    // A page on another site that points its own name at 127.0.0.1 (DNS rebinding) reads nothing.
    for host in [format!("evil.example:{port}"), "localhost.evil.example".into(), "127.0.0.1.nip.io".into()] {
        let reply = raw(address, format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(reply.status, 403, "{host}");
        assert!(!reply.text().contains("welcome"), "{host} read the page");
    }
    assert_eq!(raw(address, b"GET / HTTP/1.1\r\n\r\n").status, 400, "no Host");
}

#[test]
fn a_request_head_past_the_limit_gets_431_and_is_not_buffered() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let long_line = format!("GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n", "a".repeat(http::MAX_HEAD));
    assert_eq!(raw(address, long_line.as_bytes()).status, 431);
    // A header that never ends: the server answers once it has read its limit, without the end.
    let mut endless = TcpStream::connect(address).unwrap();
    endless.set_read_timeout(Some(PATIENCE)).unwrap();
    endless.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Endless: ").unwrap();
    let chunk = vec![b'x'; 4096];
    for _ in 0..(2 * http::MAX_HEAD / chunk.len()) {
        if endless.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = endless.read_to_end(&mut answer);
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 431"), "{:?}", String::from_utf8_lossy(&answer));
    assert_eq!(fetch(address, "GET", "/").status, 200, "and others are served");
}

#[test]
fn clients_that_never_read_do_not_stop_the_server() {
    let tmp = site();
    // A file far larger than a socket's buffers, so a client that reads nothing holds its writer.
    fs::write(tmp.path().join("site/big.bin"), vec![7u8; 16 << 20]).unwrap();
    let (address, _live) = start(&tmp.path().join("site"));
    let stalled: Vec<TcpStream> = (0..12).map(|_| connect(address, "GET", "/big.bin")).collect();
    // Half-open clients that never finish their request head hold a connection each, too.
    let silent: Vec<TcpStream> = (0..12).map(|_| TcpStream::connect(address).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    // And one that sends its head a byte at a time, slower than any browser.
    let mut dribbling = TcpStream::connect(address).unwrap();
    dribbling.write_all(b"G").unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        assert_eq!(fetch(address, "GET", "/").status, 200);
    }
    assert!(started.elapsed() < PATIENCE, "pages were answered while others stalled");
    drop((stalled, silent, dribbling));
}

#[test]
fn before_the_first_good_build_the_problems_show_and_the_tab_reloads() {
    let tmp = tempfile::tempdir().unwrap();
    let (address, live) = start(&tmp.path().join("not-built-yet"));
    let waiting = fetch(address, "GET", "/");
    assert_eq!(waiting.status, 503);
    assert!(waiting.text().contains("has not been built yet"), "{}", waiting.text());
    assert!(waiting.text().contains(SCRIPT), "the page reloads itself once built");
    live.failed(vec![Diagnostic::error(Span::new("site.yaml", 2, 1), "unknown key `titel`")]);
    let failed = fetch(address, "GET", "/week/1/");
    assert_eq!(failed.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(failed.text().contains("site.yaml:2:1: error: unknown key `titel`"), "{}", failed.text());
    assert!(failed.text().contains(&format!("{SCRIPT}1\"")), "{}", failed.text());
}

#[test]
fn a_head_sent_a_byte_at_a_time_is_cut_off_after_the_read_timeout() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    let mut dribbling = TcpStream::connect(address).unwrap();
    dribbling.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let started = Instant::now();
    let limit = http::READ_TIMEOUT + Duration::from_secs(5);
    let mut byte = [0u8; 1];
    // Each byte resets no clock: the connection ends once the whole head has taken READ_TIMEOUT.
    let closed = loop {
        assert!(started.elapsed() < limit, "still open after {:?}", started.elapsed());
        if dribbling.write_all(b"G").is_err() {
            break started.elapsed();
        }
        match dribbling.read(&mut byte) {
            Err(error) if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            _ => break started.elapsed(),
        }
    };
    assert!(closed + Duration::from_secs(1) >= http::READ_TIMEOUT, "closed too early, after {closed:?}");
}

#[test]
fn connections_past_the_limit_get_503_until_others_end() {
    let tmp = site();
    let (address, _live) = start(&tmp.path().join("site"));
    // Clients that never send their head each hold a connection until the read timeout.
    let silent: Vec<TcpStream> = (0..http::MAX_CONNECTIONS).map(|_| TcpStream::connect(address).unwrap()).collect();
    let busy = fetch(address, "GET", "/");
    assert_eq!(busy.status, 503, "{}", busy.text());
    assert!(busy.text().contains("busy"), "{}", busy.text());
    drop(silent);
    let deadline = Instant::now() + PATIENCE;
    while fetch(address, "GET", "/").status != 200 {
        assert!(Instant::now() < deadline, "still busy after the silent clients left");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_client_that_stops_reading_is_dropped_after_the_write_timeout() {
    let tmp = site();
    fs::write(tmp.path().join("site/big.bin"), vec![7u8; 64 << 20]).unwrap();
    let (address, _live) = start(&tmp.path().join("site"));
    let mut stalled = connect(address, "GET", "/big.bin");
    // The write that fills the socket's buffers returns what it sent after WRITE_TIMEOUT; the next
    // one, with no room at all, fails after WRITE_TIMEOUT more, and the server closes the connection.
    std::thread::sleep(2 * http::WRITE_TIMEOUT + Duration::from_secs(3));
    // What the server wrote before it gave up is still in the socket's buffers; then the stream ends.
    let mut received = Vec::new();
    let _ = stalled.read_to_end(&mut received);
    assert!(received.len() < 64 << 20, "the whole file arrived: the writer never gave up");
}
