//! The wire side of the preview server: one thread per connection, each bounded in time and size.
//!
//! Written on `std::net` because the HTTP crate it replaces read a request head of any length, had
//! no timeouts and started a thread for every client: a few slow or endless clients stopped the
//! preview. Here a connection gets [`READ_TIMEOUT`] to send a head of at most [`MAX_HEAD`] bytes
//! (431 past it), every write gives up after [`WRITE_TIMEOUT`], at most [`MAX_CONNECTIONS`] are
//! served at once (503 past them), and every answer ends its connection.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The longest request line and headers together; browsers send well under 8 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its whole request head.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one write to a client may wait for it to read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections answered at once (event streams are counted apart); more wait for none and get 503.
pub const MAX_CONNECTIONS: usize = 128;

/// A request head, parsed.
pub struct Request {
    /// `GET`, `HEAD`, or anything else (refused).
    pub method: String,
    /// The request target as sent: a path and perhaps a query.
    pub target: String,
}

/// An answer, written whole and followed by the end of the connection.
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Headers besides `Content-Length` and `Connection`.
    pub headers: Vec<(&'static str, String)>,
    /// The body (sent for `GET`, left out for `HEAD`).
    pub body: Body,
}

/// What a response carries.
pub enum Body {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A file, streamed, with its length.
    File(File, u64),
}

/// What the server does with a request that passed every check.
pub enum Route {
    /// Answer it and close.
    Answer(Response),
    /// Keep the connection for an event stream (the handler writes its own head).
    Stream(Box<dyn FnOnce(TcpStream) + Send>),
}

/// Accepts connections on `listener` forever, each on a thread of its own, answering with `route`.
///
/// Returns only when the listener fails for good (for example, out of file descriptors).
pub fn accept<F>(listener: &TcpListener, route: F) -> io::Error
where
    F: Fn(&Request) -> Route + Send + Sync + 'static,
{
    let route = Arc::new(route);
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(error) if matches!(error.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::Interrupted) => {
                continue
            }
            Err(error) => return error,
        };
        // Without timeouts a client that stops reading or writing would hold its thread forever.
        if stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(WRITE_TIMEOUT)))
            .is_err()
        {
            continue;
        }
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            finish(stream, plain(503, "the preview is busy with other clients; reload in a moment"), false);
            continue;
        }
        let (route, counted) = (Arc::clone(&route), Arc::clone(&open));
        let started = thread::Builder::new().name("roundtable-http".into()).spawn(move || {
            let keep = handle(stream, route.as_ref());
            counted.fetch_sub(1, Ordering::SeqCst);
            // An event stream runs on, no longer counted among connections being answered.
            if let Some((stream, handler)) = keep {
                handler(stream);
            }
        });
        if started.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

type Kept = (TcpStream, Box<dyn FnOnce(TcpStream) + Send>);

/// Reads one request and answers it, or hands the connection to an event stream.
fn handle(mut stream: TcpStream, route: &(dyn Fn(&Request) -> Route + Sync)) -> Option<Kept> {
    let head = match read_head(&mut stream) {
        Ok(head) => head,
        Err(Refused(Some(response))) => {
            finish(stream, response, false);
            return None;
        }
        Err(Refused(None)) => return None,
    };
    let request = match parse(&head) {
        Ok(request) => request,
        Err(response) => {
            finish(stream, response, false);
            return None;
        }
    };
    match route(&request) {
        Route::Answer(response) => {
            finish(stream, response, request.method == "HEAD");
            None
        }
        Route::Stream(handler) => Some((stream, handler)),
    }
}

/// Why a request head was not read; `None` when the client left or stalled and gets no answer.
struct Refused(Option<Response>);

/// The request head, up to its blank line, or the answer refusing it.
fn read_head(stream: &mut TcpStream) -> Result<String, Refused> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 2048];
    // The whole head within READ_TIMEOUT, not each read: a byte every few seconds would hold a thread for days.
    let deadline = Instant::now() + READ_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(Refused(None));
        }
        let read = stream.read(&mut buffer).map_err(|_| Refused(None))?;
        if read == 0 {
            return Err(Refused(None));
        }
        // A blank line may straddle two reads: look again from just before the new bytes.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buffer[..read]);
        let end = head[from..].windows(4).position(|w| w == b"\r\n\r\n").map(|at| from + at);
        if end.unwrap_or(head.len()) > MAX_HEAD {
            return Err(Refused(Some(plain(431, "the request line and headers are too long"))));
        }
        if let Some(end) = end {
            head.truncate(end);
            return String::from_utf8(head)
                .map_err(|_| Refused(Some(plain(400, "the request head is not valid UTF-8"))));
        }
    }
}

/// The request in `head`, if it is HTTP/1 with a target this server can answer and a `Host` it trusts.
fn parse(head: &str) -> Result<Request, Response> {
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(plain(400, "the request line is not `METHOD /path HTTP/1.1`"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() {
        return Err(plain(400, "only HTTP/1 is spoken here"));
    }
    // Browsers percent-encode everything else, so anything outside visible ASCII is a forged target.
    if !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(plain(400, "the address holds characters a browser would have encoded"));
    }
    let host = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("host").then(|| value.trim())
    });
    match host {
        Some(host) if trusted_host(host) => Ok(Request { method: method.to_string(), target: target.to_string() }),
        Some(_) => Err(plain(
            403,
            "this preview answers only to localhost or an IP address: open it as http://localhost:<port>/",
        )),
        None => Err(plain(400, "the request has no Host header")),
    }
}

/// Whether a page at `host` may read the preview: `localhost` (and its subdomains) or an address.
///
/// A web page can point a name it owns at 127.0.0.1 (DNS rebinding) and then read whatever
/// answers there, drafts included; its requests then carry that name. An IP address or
/// `localhost` in `Host` means the page came from this server itself, so those are answered,
/// whether the server listens on the loopback address or, with `--bind`, on another one.
pub fn trusted_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => return bracketed.split_once(']').is_some_and(|(ip, _)| ip.parse::<IpAddr>().is_ok()),
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        },
    };
    let lower = name.to_ascii_lowercase();
    lower == "localhost" || lower.ends_with(".localhost") || name.parse::<IpAddr>().is_ok()
}

/// A short plain-text answer.
pub fn plain(status: u16, message: &str) -> Response {
    Response {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".to_string())],
        body: Body::Bytes(format!("{message}\n").into_bytes()),
    }
}

/// Writes `response` (without its body for `HEAD`) and closes the connection.
fn finish(mut stream: TcpStream, response: Response, head_only: bool) {
    let length = match &response.body {
        Body::Bytes(bytes) => bytes.len() as u64,
        Body::File(_, length) => *length,
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {length}\r\nConnection: close\r\n\r\n"));
    // A client that left, or stopped reading for WRITE_TIMEOUT, simply loses its answer.
    let sent = stream.write_all(head.as_bytes()).and_then(|()| match (head_only, response.body) {
        (true, _) => Ok(()),
        (false, Body::Bytes(bytes)) => stream.write_all(&bytes),
        (false, Body::File(file, length)) => io::copy(&mut file.take(length), &mut stream).map(drop),
    });
    if sent.is_ok() {
        linger(stream);
    }
}

/// Ends the connection gently: closing with unread bytes (the rest of a refused head, a body)
/// would reset it, and the client could lose the answer. At most `MAX_HEAD` more bytes are read.
fn linger(mut stream: TcpStream) {
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = io::copy(&mut (&mut stream).take(4 * MAX_HEAD as u64), &mut io::sink());
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_names_and_addresses_are_trusted_hosts() {
        for good in
            ["localhost", "LOCALHOST:1111", "127.0.0.1:1111", "[::1]:80", "[::1]", "192.168.1.20:1111", "app.localhost"]
        {
            assert!(trusted_host(good), "{good}");
        }
        for bad in
            ["evil.example", "evil.example:1111", "localhost.evil.example", "127.0.0.1.nip.io", "[::1", "", "[x]"]
        {
            assert!(!trusted_host(bad), "{bad}");
        }
    }

    #[test]
    fn request_lines_and_hosts_are_checked() {
        let ok = parse("GET /a/?x=1 HTTP/1.1\r\nhost: localhost:1111\r\nAccept: */*").ok().unwrap();
        assert_eq!((ok.method.as_str(), ok.target.as_str()), ("GET", "/a/?x=1"));
        for (bad, status) in [
            ("GET /a HTTP/1.1\r\nHost: evil.example", 403),
            ("GET /a HTTP/1.1", 400),
            ("GET /a b HTTP/1.1\r\nHost: localhost", 400),
            ("GET /a HTTP/2\r\nHost: localhost", 400),
            ("GET /\u{7f} HTTP/1.1\r\nHost: localhost", 400),
        ] {
            assert_eq!(parse(bad).err().map(|r| r.status), Some(status), "{bad:?}");
        }
    }
}
