//! A small `/metrics` server for programs without an HTTP stack: std only, a thread per
//! connection, HTTP/1.1 with keep-alive and pipelining.
//!
//! Hardened against clients that misbehave, on purpose or not ([`ServerOptions`] has the
//! limits):
//!
//! - **connections**: at most [`DEFAULT_MAX_CONNECTIONS`] are served at once, each on its own
//!   thread; more are answered `503` and closed, so threads are bounded;
//! - **slow clients** (slowloris): a request head must arrive whole within the header timeout
//!   (`408` otherwise), a response must be taken within the write timeout, an idle keep-alive
//!   connection is closed after the header timeout;
//! - **oversized requests**: a head over [`DEFAULT_MAX_HEADER_BYTES`] gets `431`, a body over
//!   16 KiB `413`, chunked bodies `501`; each closes the connection;
//! - **pipelining**: requests sent back to back on one connection are answered in order; a
//!   connection serves at most [`DEFAULT_MAX_REQUESTS_PER_CONNECTION`] requests;
//! - **slow scrapes** run on their own thread under the endpoint's timeout and concurrency cap
//!   ([`MetricsEndpoint`]), so other connections keep being served and the program's own
//!   threads never wait for a scrape.
//!
//! Memory per connection is bounded by the head limit plus the response being written.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{MetricsEndpoint, ScrapeRequest, ScrapeResponse};

/// Connections served at once by default; more are answered 503 and closed.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// Connections served at once by default (the name this limit had first).
pub const MAX_CONNECTIONS: usize = DEFAULT_MAX_CONNECTIONS;

/// The longest request head (request line and headers) by default; longer gets 431.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;

/// How long a client may take to send a request head by default, and how long an idle
/// keep-alive connection stays open.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a client may take to read a response by default.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Requests served on one keep-alive connection by default before it is closed.
pub const DEFAULT_MAX_REQUESTS_PER_CONNECTION: usize = 100;

/// How long a connection thread reads what a client still sends after the last answer.
const LINGER: Duration = Duration::from_millis(100);

/// The largest request body read (and ignored); a scrape has none.
const MAX_BODY: u64 = 16 * 1024;

/// The standalone server's connection limits. The defaults suit a scrape endpoint; every
/// limit is at least one.
///
/// ```
/// use std::time::Duration;
/// use metrics_core::http::MetricsEndpoint;
/// use metrics_core::http::standalone::{ServerOptions, serve_with};
///
/// let options = ServerOptions::new()
///     .max_connections(16)
///     .header_timeout(Duration::from_secs(2));
/// let server = serve_with("127.0.0.1:0", MetricsEndpoint::new(), options).unwrap();
/// server.shutdown();
/// ```
#[derive(Clone, Debug)]
pub struct ServerOptions {
    max_connections: usize,
    max_header_bytes: usize,
    header_timeout: Duration,
    write_timeout: Duration,
    max_requests_per_connection: usize,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions::new()
    }
}

impl ServerOptions {
    /// The defaults: [`DEFAULT_MAX_CONNECTIONS`], [`DEFAULT_MAX_HEADER_BYTES`],
    /// [`DEFAULT_HEADER_TIMEOUT`], [`DEFAULT_WRITE_TIMEOUT`],
    /// [`DEFAULT_MAX_REQUESTS_PER_CONNECTION`], plain HTTP.
    pub fn new() -> ServerOptions {
        ServerOptions {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_requests_per_connection: DEFAULT_MAX_REQUESTS_PER_CONNECTION,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }

    /// Connections served at once (one thread each); more get a 503 and are closed.
    pub fn max_connections(mut self, limit: usize) -> ServerOptions {
        self.max_connections = limit.max(1);
        self
    }

    /// The longest request head accepted; longer gets a 431.
    pub fn max_header_bytes(mut self, limit: usize) -> ServerOptions {
        self.max_header_bytes = limit.max(1);
        self
    }

    /// How long a request head may take to arrive (a 408 after that), and how long an idle
    /// keep-alive connection is kept.
    pub fn header_timeout(mut self, timeout: Duration) -> ServerOptions {
        self.header_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long a client may take to read a whole response before the connection is dropped.
    pub fn write_timeout(mut self, timeout: Duration) -> ServerOptions {
        self.write_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Requests served on one connection before it is closed.
    pub fn max_requests_per_connection(mut self, limit: usize) -> ServerOptions {
        self.max_requests_per_connection = limit.max(1);
        self
    }
}

/// Serves the registry on `addr` at `/metrics` with the default [`MetricsEndpoint`] policy,
/// on a background thread, until the returned [`Server`] is shut down or dropped.
///
/// ```
/// let server = metrics_core::serve("127.0.0.1:0").unwrap();
/// println!("metrics at http://{}/metrics", server.local_addr());
/// server.shutdown();
/// ```
pub fn serve(addr: impl ToSocketAddrs) -> io::Result<Server> {
    serve_endpoint(addr, MetricsEndpoint::new())
}

/// [`serve`] with a chosen policy (path, concurrency cap, timeout, credentials).
pub fn serve_endpoint(addr: impl ToSocketAddrs, endpoint: MetricsEndpoint) -> io::Result<Server> {
    serve_with(addr, endpoint, ServerOptions::new())
}

/// [`serve_endpoint`] with chosen connection limits.
pub fn serve_with(
    addr: impl ToSocketAddrs,
    endpoint: MetricsEndpoint,
    options: ServerOptions,
) -> io::Result<Server> {
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let connections = Arc::new(AtomicUsize::new(0));
    let thread = std::thread::Builder::new()
        .name("metrics-server".to_owned())
        .spawn({
            let stop = Arc::clone(&stop);
            let connections = Arc::clone(&connections);
            move || accept_loop(&listener, &endpoint, &options, &stop, &connections)
        })?;
    Ok(Server {
        addr,
        stop,
        connections,
        thread: Some(thread),
    })
}

/// A running standalone server; dropping it stops it too.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections are being served now (each has a thread).
    pub fn open_connections(&self) -> usize {
        self.connections.load(Ordering::Acquire)
    }

    /// Stops accepting connections and waits for the accept loop to end. Connections being
    /// served finish on their own threads.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking `accept` so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn accept_loop(
    listener: &TcpListener,
    endpoint: &MetricsEndpoint,
    options: &ServerOptions,
    stop: &AtomicBool,
    connections: &Arc<AtomicUsize>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(_) => {
                // Out of file descriptors, or the like: back off instead of spinning.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if connections.fetch_add(1, Ordering::AcqRel) >= options.max_connections {
            connections.fetch_sub(1, Ordering::AcqRel);
            refuse(stream, options.max_connections);
            continue;
        }
        let endpoint = endpoint.clone();
        let options = options.clone();
        let guard = ConnectionGuard(Arc::clone(connections));
        let spawned = std::thread::Builder::new()
            .name("metrics-connection".to_owned())
            .spawn(move || {
                let _guard = guard;
                serve_connection(stream, &endpoint, &options);
            });
        // A failed spawn dropped the closure, and the guard with it.
        drop(spawned);
    }
}

/// Gives a connection's slot back when its thread ends, however it ends.
struct ConnectionGuard(Arc<AtomicUsize>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers a connection over the limit with a 503, without blocking the accept loop for more
/// than a moment.
fn refuse(mut stream: TcpStream, limit: usize) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let response = ScrapeResponse::message(
        503,
        format!("too many connections (limit {limit}); retry later\n"),
    );
    let mut head = response_head(&response, false, false);
    head.extend_from_slice(&response.body);
    let _ = stream.write_all(&head);
    // On the accept thread: linger briefly, so that a client holding on cannot slow accepting.
    close_gracefully(&stream, Duration::from_millis(20));
}

/// Half-closes and reads what the client still sends for a moment (at most 64 KiB within
/// `linger`), so that unread request bytes do not turn the close into a reset that could
/// destroy the response in flight.
fn close_gracefully(stream: &TcpStream, linger: Duration) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + linger;
    let mut sink = [0; 1024];
    let mut budget = 64 * 1024;
    while budget > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        if stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match (&*stream).read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => budget -= n.min(budget),
        }
    }
}

/// A connection's byte stream: plain TCP, or TLS over TCP (feature `tls`).
pub(crate) trait Connection: Read + Write {
    /// The socket underneath, for timeouts and shutdown.
    fn socket(&self) -> &TcpStream;
}

impl Connection for TcpStream {
    fn socket(&self) -> &TcpStream {
        self
    }
}

fn serve_connection(stream: TcpStream, endpoint: &MetricsEndpoint, options: &ServerOptions) {
    let _ = stream.set_nodelay(true);
    #[cfg(feature = "tls")]
    if let Some(config) = &options.tls {
        if let Some(mut tls) = super::tls::accept(stream, config, options.header_timeout) {
            let _ = serve_requests(&mut tls, endpoint, options);
            tls.conn.send_close_notify();
            let _ = tls.conn.complete_io(&mut tls.sock);
            close_gracefully(&tls.sock, LINGER);
        }
        return;
    }
    let mut stream = stream;
    let _ = serve_requests(&mut stream, endpoint, options);
    close_gracefully(&stream, LINGER);
}

/// Why no request head could be read.
enum HeadError {
    /// The client closed the connection before sending anything: a normal end.
    Closed,
    /// The client closed the connection in the middle of a head.
    Truncated,
    /// The head did not arrive within the header timeout; `true` when part of it did.
    Timeout(bool),
    /// The head is longer than the limit.
    TooLarge,
    Io,
}

/// Serves requests on one connection, in order, until the client or a limit closes it.
fn serve_requests(
    conn: &mut impl Connection,
    endpoint: &MetricsEndpoint,
    options: &ServerOptions,
) -> io::Result<()> {
    // Bytes received and not consumed yet: with pipelining, the start of the next request.
    let mut buffer = Vec::with_capacity(1024);
    for served in 1..=options.max_requests_per_connection {
        let deadline = Instant::now() + options.header_timeout;
        let head_end = match read_head(conn, &mut buffer, options.max_header_bytes, deadline) {
            Ok(end) => end,
            Err(HeadError::Closed | HeadError::Io | HeadError::Timeout(false)) => return Ok(()),
            Err(HeadError::Timeout(true)) => {
                let message = "request head not received in time\n";
                return reply_and_close(conn, 408, message, options);
            }
            Err(HeadError::Truncated) => {
                return reply_and_close(conn, 400, "incomplete request\n", options);
            }
            Err(HeadError::TooLarge) => {
                let message = format!(
                    "request head too large (limit {} bytes)\n",
                    options.max_header_bytes
                );
                return reply_and_close(conn, 431, &message, options);
            }
        };
        let head_bytes: Vec<u8> = buffer.drain(..head_end).collect();
        let Ok(head) = std::str::from_utf8(&head_bytes) else {
            return reply_and_close(conn, 400, "request head is not UTF-8\n", options);
        };
        let request = match parse_head(head) {
            Ok(request) => request,
            Err((status, message)) => return reply_and_close(conn, status, message, options),
        };
        if request.header("transfer-encoding").is_some() {
            let message = "request bodies with transfer-encoding are not supported\n";
            return reply_and_close(conn, 501, message, options);
        }
        if let Some(length) = request.content_length() {
            match length {
                Ok(length) if length <= MAX_BODY => {
                    if !skip_body(conn, &mut buffer, length as usize, deadline) {
                        return reply_and_close(conn, 400, "incomplete request body\n", options);
                    }
                }
                Ok(_) => {
                    let message = format!("request body too large (limit {MAX_BODY} bytes)\n");
                    return reply_and_close(conn, 413, &message, options);
                }
                Err(()) => {
                    return reply_and_close(conn, 400, "invalid content-length\n", options);
                }
            }
        }
        let keep_alive = request.keep_alive() && served < options.max_requests_per_connection;
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (request.target, None),
        };
        let response = endpoint.respond(&ScrapeRequest {
            method: request.method,
            path: Some(path),
            query,
            accept: request.header("accept"),
            accept_encoding: request.header("accept-encoding"),
            authorization: request.header("authorization"),
        });
        write_response(
            conn,
            &response,
            request.method == "HEAD",
            keep_alive,
            options,
        )?;
        if !keep_alive {
            return Ok(());
        }
    }
    Ok(())
}

/// Reads until `buffer` holds a whole request head (ending in an empty line); returns its
/// length, head and empty line included.
fn read_head(
    conn: &mut impl Connection,
    buffer: &mut Vec<u8>,
    limit: usize,
    deadline: Instant,
) -> Result<usize, HeadError> {
    let mut scanned = 0;
    let mut chunk = [0; 4096];
    loop {
        if let Some(end) = head_end(buffer, scanned) {
            return if end > limit {
                Err(HeadError::TooLarge)
            } else {
                Ok(end)
            };
        }
        if buffer.len() > limit {
            return Err(HeadError::TooLarge);
        }
        // The terminator may straddle two reads: rescan the last three bytes.
        scanned = buffer.len().saturating_sub(3);
        let started = !buffer.is_empty();
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Err(HeadError::Timeout(started));
        };
        if conn
            .socket()
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .is_err()
        {
            return Err(HeadError::Io);
        }
        match conn.read(&mut chunk) {
            Ok(0) if started => return Err(HeadError::Truncated),
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(HeadError::Timeout(started));
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Io),
        }
    }
}

/// Where the head ends: after `\r\n\r\n`, or `\n\n` from lenient clients.
fn head_end(buffer: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < buffer.len() {
        if buffer[i] == b'\n' {
            if buffer[i + 1..].starts_with(b"\n") {
                return Some(i + 2);
            }
            if buffer[i + 1..].starts_with(b"\r\n") {
                return Some(i + 3);
            }
        }
        i += 1;
    }
    None
}

/// Consumes a request body of `length` bytes; `false` when the client did not send it in time.
fn skip_body(
    conn: &mut impl Connection,
    buffer: &mut Vec<u8>,
    mut length: usize,
    deadline: Instant,
) -> bool {
    let buffered = length.min(buffer.len());
    buffer.drain(..buffered);
    length -= buffered;
    let mut chunk = [0; 4096];
    while length > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return false;
        };
        if conn.socket().set_read_timeout(Some(left)).is_err() {
            return false;
        }
        let wanted = length.min(chunk.len());
        match conn.read(&mut chunk[..wanted]) {
            Ok(0) => return false,
            Ok(n) => length -= n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

/// A parsed request head.
struct Head<'a> {
    method: &'a str,
    target: &'a str,
    version: &'a str,
    headers: Vec<(&'a str, &'a str)>,
}

impl<'a> Head<'a> {
    fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| *value)
    }

    /// The `Content-Length`: digits only, and every copy of the header the same (a request
    /// that could be framed two ways is refused, against request smuggling).
    fn content_length(&self) -> Option<Result<u64, ()>> {
        let mut lengths = self
            .headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("content-length"))
            .map(|(_, value)| *value);
        let first = lengths.next()?;
        let valid = !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit());
        if !valid || lengths.any(|other| other != first) {
            return Some(Err(()));
        }
        Some(first.parse().map_err(|_| ()))
    }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told not to.
    fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or("");
        let has = |token: &str| {
            connection
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if self.version == "HTTP/1.0" {
            has("keep-alive")
        } else {
            !has("close")
        }
    }
}

fn parse_head(head: &str) -> Result<Head<'_>, (u16, &'static str)> {
    let mut lines = head
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err((400, "malformed request line\n"));
    };
    let is_token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    // The absolute form (`http://host/metrics`, as sent to proxies) names the same path.
    let target = match target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        Some(rest) => rest.find('/').map_or("/", |start| &rest[start..]),
        None => target,
    };
    if !is_token(method) || !target.starts_with('/') {
        return Err((400, "malformed request line\n"));
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err((505, "only HTTP/1.0 and HTTP/1.1 are supported\n"));
    }
    let mut headers = Vec::new();
    for line in lines.take_while(|line| !line.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err((400, "malformed header line\n"));
        };
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err((400, "malformed header line\n"));
        }
        headers.push((name, value.trim_matches([' ', '\t'])));
    }
    Ok(Head {
        method,
        target,
        version,
        headers,
    })
}

fn reply_and_close(
    conn: &mut impl Connection,
    status: u16,
    message: &str,
    options: &ServerOptions,
) -> io::Result<()> {
    let response = ScrapeResponse::message(status, message.to_owned());
    write_response(conn, &response, false, false, options)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn response_head(response: &ScrapeResponse, head: bool, keep_alive: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    if !head {
        out.push_str(&format!("content-length: {}\r\n", response.body.len()));
    }
    out.push_str(if keep_alive {
        "connection: keep-alive\r\n\r\n"
    } else {
        "connection: close\r\n\r\n"
    });
    out.into_bytes()
}

fn write_response(
    conn: &mut impl Connection,
    response: &ScrapeResponse,
    head: bool,
    keep_alive: bool,
    options: &ServerOptions,
) -> io::Result<()> {
    let deadline = Instant::now() + options.write_timeout;
    let mut out = response_head(response, head, keep_alive);
    // A response to HEAD never has a body, whatever the status (an error message included).
    if !head {
        out.extend_from_slice(&response.body);
    }
    let mut written = 0;
    while written < out.len() {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Err(ErrorKind::TimedOut.into());
        };
        conn.socket().set_write_timeout(Some(left))?;
        match conn.write(&out[written..]) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => written += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    conn.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_a_head() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nGET", 0), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\nx", 0), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n", 0), None);
        assert_eq!(head_end(b"\r\n", 0), None);
    }

    #[test]
    fn parses_heads_strictly() {
        let head = parse_head("GET /metrics?x=1 HTTP/1.1\r\nAccept: text/plain\r\nX:\r\n\r\n")
            .ok()
            .unwrap();
        assert_eq!((head.method, head.target), ("GET", "/metrics?x=1"));
        assert_eq!(head.header("ACCEPT"), Some("text/plain"));
        assert_eq!(head.header("x"), Some(""));
        let absolute = parse_head("GET http://h:9/metrics?a HTTP/1.1\r\n\r\n")
            .ok()
            .unwrap();
        assert_eq!(absolute.target, "/metrics?a");
        let bare = parse_head("GET https://h HTTP/1.1\r\n\r\n").ok().unwrap();
        assert_eq!(bare.target, "/");
        assert!(head.keep_alive());
        let error = |text| parse_head(text).err().unwrap();
        assert_eq!(error("GET /\r\n\r\n"), (400, "malformed request line\n"));
        assert_eq!(
            error("GET  / HTTP/1.1\r\n\r\n"),
            (400, "malformed request line\n")
        );
        assert_eq!(
            error("GET x HTTP/1.1\r\n\r\n"),
            (400, "malformed request line\n")
        );
        assert_eq!(
            error("GET / HTTP/2.0\r\n\r\n"),
            (505, "only HTTP/1.0 and HTTP/1.1 are supported\n")
        );
        assert_eq!(
            error("GET / HTTP/1.1\r\nno colon\r\n\r\n"),
            (400, "malformed header line\n")
        );
        assert_eq!(
            error("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"),
            (400, "malformed header line\n")
        );
        let old = parse_head("GET / HTTP/1.0\r\n\r\n").ok().unwrap();
        assert!(!old.keep_alive());
        let old = parse_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
            .ok()
            .unwrap();
        assert!(old.keep_alive());
        let length = |text| parse_head(text).ok().unwrap().content_length();
        assert_eq!(length("GET / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(
            length("GET / HTTP/1.1\r\ncontent-length: 12\r\n\r\n"),
            Some(Ok(12))
        );
        assert_eq!(
            length("GET / HTTP/1.1\r\nContent-Length: +5\r\n\r\n"),
            Some(Err(()))
        );
        assert_eq!(
            length("GET / HTTP/1.1\r\nContent-Length:\r\n\r\n"),
            Some(Err(()))
        );
        assert_eq!(
            length("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Some(Err(()))
        );
        assert_eq!(
            length("GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
            Some(Err(()))
        );
        let close = parse_head("GET / HTTP/1.1\r\nConnection: te, close\r\n\r\n")
            .ok()
            .unwrap();
        assert!(!close.keep_alive());
    }
}
