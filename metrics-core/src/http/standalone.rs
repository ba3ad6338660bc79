//! A small `/metrics` server for programs without an HTTP stack: std only, a thread per
//! connection (at most [`MAX_CONNECTIONS`]), one request per connection.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{MetricsEndpoint, ScrapeRequest, ScrapeResponse};

/// Connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 64;

/// The longest request head (request line and headers) the server reads.
const MAX_HEAD: u64 = 16 * 1024;

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

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

/// [`serve`] with a chosen policy (path, concurrency cap, timeout).
pub fn serve_endpoint(addr: impl ToSocketAddrs, endpoint: MetricsEndpoint) -> io::Result<Server> {
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let thread = std::thread::Builder::new()
        .name("metrics-server".to_owned())
        .spawn({
            let stop = Arc::clone(&stop);
            move || accept_loop(&listener, &endpoint, &stop)
        })?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
    })
}

/// A running standalone server; dropping it stops it too.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
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

fn accept_loop(listener: &TcpListener, endpoint: &MetricsEndpoint, stop: &AtomicBool) {
    let connections = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else {
            continue;
        };
        if connections.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            connections.fetch_sub(1, Ordering::AcqRel);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let response = ScrapeResponse::message(
                503,
                format!("too many connections (limit {MAX_CONNECTIONS}); retry later\n"),
            );
            let _ = write_response(&mut stream, &response, false);
            continue;
        }
        let endpoint = endpoint.clone();
        let connections = Arc::clone(&connections);
        let spawned = std::thread::Builder::new()
            .name("metrics-connection".to_owned())
            .spawn(move || {
                let _ = handle(stream, &endpoint);
                connections.fetch_sub(1, Ordering::AcqRel);
            });
        if spawned.is_err() {
            // The closure (and its count) was dropped with the failed spawn.
            continue;
        }
    }
}

fn handle(mut stream: TcpStream, endpoint: &MetricsEndpoint) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(endpoint.scrape_timeout() + READ_TIMEOUT))?;
    let mut reader = BufReader::new((&stream).take(MAX_HEAD));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = Vec::new();
    let mut complete = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            complete = true;
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        let response = ScrapeResponse::message(400, "malformed request line\n".to_owned());
        return write_response(&mut stream, &response, false);
    };
    if !complete || !version.starts_with("HTTP/1.") {
        let response = ScrapeResponse::message(
            400,
            "incomplete or too large request (HTTP/1.x, headers up to 16 KiB)\n".to_owned(),
        );
        return write_response(&mut stream, &response, false);
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let request = ScrapeRequest {
        method,
        path: Some(path),
        query,
        accept: header("accept"),
        accept_encoding: header("accept-encoding"),
    };
    let response = endpoint.respond(&request);
    write_response(&mut stream, &response, method == "HEAD")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn write_response(stream: &mut TcpStream, response: &ScrapeResponse, head: bool) -> io::Result<()> {
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
    out.push_str("connection: close\r\n\r\n");
    stream.write_all(out.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()
}
