//! A small `/metrics` server for programs without an HTTP stack (feature `server`, on by
//! default): hyper 1's HTTP/1.1 on a current-thread tokio runtime of its own, on one
//! background thread. Programs that already run tokio can mount the endpoint on their own
//! stack instead (`http::axum`, `http::hyper`).
//!
//! Hardened against clients that misbehave, on purpose or not ([`ServerOptions`] has the
//! limits):
//!
//! - **connections**: at most [`DEFAULT_MAX_CONNECTIONS`] are served at once; more are
//!   answered `503` and closed, so memory and file descriptors stay bounded;
//! - **slow clients** (slowloris): a request head must arrive whole within the header timeout
//!   (`408` otherwise), a response must be taken within the write timeout, an idle keep-alive
//!   connection is closed after the header timeout;
//! - **oversized requests**: a head over [`DEFAULT_MAX_HEADER_BYTES`] gets `431`, a body over
//!   16 KiB `413`, chunked bodies `501`; each closes the connection;
//! - **pipelining**: requests sent back to back on one connection are answered in order; a
//!   connection serves at most [`DEFAULT_MAX_REQUESTS_PER_CONNECTION`] requests;
//! - **slow scrapes** render on the runtime's blocking pool under the endpoint's timeout and
//!   concurrency cap ([`MetricsEndpoint`]), so other connections keep being served and the
//!   program's own threads never wait for a scrape.
//!
//! hyper parses requests and answers malformed ones itself (`400`, `431`, with an empty
//! body); the server adds the answers hyper leaves out (`408` after a partial head, `400` to a
//! truncated one or an HTTP/2 preface, the `503` past the connection cap, `413` and `501`).

use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::write_deadline::WriteDeadline;
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

/// How long a connection reads what a client still sends after the last answer.
const LINGER: Duration = Duration::from_millis(100);

/// The largest request body read (and ignored); a scrape has none.
const MAX_BODY: u64 = 16 * 1024;

/// The smallest read buffer hyper accepts; a lower head limit is checked on the parsed head.
const HYPER_MIN_BUFFER: usize = 8192;

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

    /// Connections served at once; more get a 503 and are closed.
    pub fn max_connections(mut self, limit: usize) -> ServerOptions {
        self.max_connections = limit.max(1);
        self
    }

    /// The longest request head accepted; longer gets a 431. A head that never ends is cut
    /// off once the read buffer holds the larger of this limit and 8 KiB (hyper's smallest
    /// buffer).
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

    /// hyper's HTTP/1.1 settings for these limits.
    fn http(&self) -> hyper::server::conn::http1::Builder {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout)
            .max_header_size(self.max_header_bytes)
            .max_buf_size(self.max_header_bytes.max(HYPER_MIN_BUFFER))
            // A client may send its requests, close its side and wait for the answers.
            .half_close(true);
        http
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
    // Bound here, so that a taken port or a bad address is this call's error.
    let listener = std::net::TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .thread_name("metrics-scrape")
        .build()?;
    let listener = {
        let _context = runtime.enter();
        TcpListener::from_std(listener)?
    };
    let shared = Arc::new(Shared {
        http: options.http(),
        #[cfg(feature = "tls")]
        tls: options.tls.clone().map(tokio_rustls::TlsAcceptor::from),
        endpoint,
        options,
        connections: Arc::new(AtomicUsize::new(0)),
    });
    let connections = Arc::clone(&shared.connections);
    let (stop, stopped) = watch::channel(false);
    let (accepting, accept_ended) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("metrics-server".to_owned())
        .spawn(move || {
            runtime.block_on(run(listener, shared, stopped, accepting));
            // Scrapes that timed out may still be rendering: leave them to end on their own.
            runtime.shutdown_background();
        })?;
    Ok(Server {
        addr,
        stop,
        accept_ended: Mutex::new(accept_ended),
        connections,
    })
}

/// A running standalone server; dropping it stops it too.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    /// Signalled when the listening socket is closed (in a mutex, so that `Server` is `Sync`).
    accept_ended: Mutex<std::sync::mpsc::Receiver<()>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections are being served now.
    pub fn open_connections(&self) -> usize {
        self.connections.load(Ordering::Acquire)
    }

    /// Stops accepting connections and waits until the listening socket is closed.
    /// Connections being served finish their current request and close in the background.
    pub fn shutdown(self) {
        // `Drop` does it.
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        let accept_ended = self
            .accept_ended
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Fails only if the server thread is already gone, which is as good.
        let _ = accept_ended.recv();
    }
}

/// What every connection of one server shares.
struct Shared {
    endpoint: MetricsEndpoint,
    options: ServerOptions,
    http: hyper::server::conn::http1::Builder,
    #[cfg(feature = "tls")]
    tls: Option<tokio_rustls::TlsAcceptor>,
    connections: Arc<AtomicUsize>,
}

/// The server thread: accepts until told to stop, then lets the open connections finish.
async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    accepting: std::sync::mpsc::Sender<()>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.wait_for(|stop| *stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or the like: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let limit = shared.options.max_connections;
        if shared.connections.fetch_add(1, Ordering::AcqRel) >= limit {
            shared.connections.fetch_sub(1, Ordering::AcqRel);
            // On the accept loop, one at a time and briefly: a flood of connections cannot
            // make refusals pile up.
            refuse(stream, limit).await;
            continue;
        }
        let guard = ConnectionGuard(Arc::clone(&shared.connections));
        let shared = Arc::clone(&shared);
        let stopped = stopped.clone();
        tokio::spawn(async move {
            let _guard = guard;
            serve_connection(stream, &shared, stopped).await;
        });
    }
    drop(listener);
    let _ = accepting.send(());
    // The connections saw the stop signal and close after their current request.
    while shared.connections.load(Ordering::Acquire) > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Gives a connection's slot back when its task ends, however it ends.
struct ConnectionGuard(Arc<AtomicUsize>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers a connection over the limit with a 503, without holding the accept loop for more
/// than a moment.
async fn refuse(mut stream: TcpStream, limit: usize) {
    let mut response = ScrapeResponse::message(
        503,
        format!("too many connections (limit {limit}); retry later\n"),
    );
    response.headers.push(("retry-after", "1".to_owned()));
    let reply = serialize_closing(&response);
    let _ = tokio::time::timeout(Duration::from_millis(200), stream.write_all(&reply)).await;
    close(stream, Duration::from_millis(20)).await;
}

/// One connection, plain or TLS, from its first byte to its close.
async fn serve_connection(stream: TcpStream, shared: &Arc<Shared>, stopped: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    #[cfg(feature = "tls")]
    if let Some(acceptor) = &shared.tls {
        let handshake = acceptor.accept(stream);
        // A client that does not finish the handshake in time is dropped without a word.
        if let Ok(Ok(tls)) = tokio::time::timeout(shared.options.header_timeout, handshake).await
            && let Some(mut tls) = serve_http(tls, shared, stopped).await
        {
            // close_notify, then the TCP half-close.
            let _ = tls.shutdown().await;
            let (socket, _) = tls.into_inner();
            close(socket, LINGER).await;
        }
        return;
    }
    if let Some(stream) = serve_http(stream, shared, stopped).await {
        close(stream, LINGER).await;
    }
}

/// Runs hyper on the connection until it ends; answers what hyper leaves unanswered, and
/// hands the stream back for a graceful close (`None`: the client stopped taking answers).
async fn serve_http<I>(io: I, shared: &Arc<Shared>, mut stopped: watch::Receiver<bool>) -> Option<I>
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = ConnectionService {
        shared: Arc::clone(shared),
        served: Arc::new(AtomicUsize::new(0)),
    };
    let io = TokioIo::new(WriteDeadline::new(io, shared.options.write_timeout));
    let mut connection = shared.http.serve_connection(io, service);
    let mut stopping = false;
    let result = loop {
        tokio::select! {
            result = poll_fn(|cx| connection.poll_without_shutdown(cx)) => break result,
            _ = stopped.wait_for(|stop| *stop), if !stopping => {
                // Finish the request in progress, if any, then close.
                stopping = true;
                Pin::new(&mut connection).graceful_shutdown();
            }
        }
    };
    let parts = connection.into_parts();
    let mut io = parts.io.into_inner();
    if io.timed_out {
        return None;
    }
    let owed = result
        .err()
        .and_then(|error| unanswered(&error, &parts.read_buf));
    if let Some((status, message)) = owed {
        let reply = serialize_closing(&ScrapeResponse::message(status, message.to_owned()));
        let write = io.write_all(&reply);
        tokio::time::timeout(shared.options.write_timeout, write)
            .await
            .ok()?
            .ok()?;
    }
    Some(io.io)
}

/// The answer to a connection that hyper ended with `error` without answering, given the
/// bytes it had received and not consumed; `None` when nothing is owed (an idle keep-alive
/// connection that timed out or closed, a broken socket, or an answer hyper already sent).
fn unanswered(error: &hyper::Error, pending: &[u8]) -> Option<(u16, &'static str)> {
    if pending.is_empty() {
        return None;
    }
    if error.is_timeout() {
        Some((408, "request head not received in time\n"))
    } else if error.is_incomplete_message() {
        Some((400, "incomplete request\n"))
    } else if error.is_parse_version_h2() {
        Some((400, "HTTP/2 is not served here: use HTTP/1.1\n"))
    } else {
        // Other parse errors: hyper answered them (400, 431).
        None
    }
}

/// Half-closes and reads what the client still sends for a moment (at most 64 KiB within
/// `linger`), so that unread request bytes do not turn the close into a reset that could
/// destroy the response in flight.
async fn close<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, linger: Duration) {
    let _ = stream.shutdown().await;
    let drain = async {
        let mut sink = [0; 1024];
        let mut budget = 64 * 1024usize;
        while budget > 0 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => budget = budget.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(linger, drain).await;
}

/// The hyper service of one connection: counts its requests for the per-connection limit.
#[derive(Clone)]
struct ConnectionService {
    shared: Arc<Shared>,
    served: Arc<AtomicUsize>,
}

type Reply = Response<Full<Bytes>>;

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Reply;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Reply, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let served = self.served.fetch_add(1, Ordering::Relaxed) + 1;
        let shared = Arc::clone(&self.shared);
        Box::pin(async move { Ok(answer(&shared, request, served).await) })
    }
}

/// Answers the `served`-th request of a connection.
async fn answer(shared: &Shared, request: Request<Incoming>, served: usize) -> Reply {
    let options = &shared.options;
    let keep_alive = wants_keep_alive(&request) && served < options.max_requests_per_connection;
    let head = request.method() == hyper::Method::HEAD;
    let refuse =
        |status, message: String| reply(ScrapeResponse::message(status, message), head, false);
    if request.headers().contains_key(header::TRANSFER_ENCODING) {
        let message = "request bodies with transfer-encoding are not supported\n";
        return refuse(501, message.to_owned());
    }
    let (parts, body) = request.into_parts();
    // hyper has checked Content-Length: digits only, every copy the same.
    match body.size_hint().exact() {
        Some(0) | None => {}
        Some(length) if length > MAX_BODY => {
            let message = format!("request body too large (limit {MAX_BODY} bytes)\n");
            return refuse(413, message);
        }
        Some(_) => {
            // Read and ignored, within the head's time, so that the next request is framed.
            let read = Limited::new(body, MAX_BODY as usize).collect();
            if !matches!(
                tokio::time::timeout(options.header_timeout, read).await,
                Ok(Ok(_))
            ) {
                return refuse(400, "incomplete request body\n".to_owned());
            }
        }
    }
    let text = |name| {
        parts
            .headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    let scrape = ScrapeRequest {
        method: parts.method.as_str(),
        path: Some(parts.uri.path()),
        query: parts.uri.query(),
        accept: text(header::ACCEPT),
        accept_encoding: text(header::ACCEPT_ENCODING),
        authorization: text(header::AUTHORIZATION),
    };
    let response = super::respond_async(&shared.endpoint, &scrape).await;
    reply(response, head, keep_alive)
}

/// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told not to.
fn wants_keep_alive<B>(request: &Request<B>) -> bool {
    let has = |token: &str| {
        request
            .headers()
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    match request.version() {
        Version::HTTP_10 => has("keep-alive"),
        _ => !has("close"),
    }
}

/// The endpoint's response for hyper, saying whether the connection stays open.
fn reply(mut scrape: ScrapeResponse, head: bool, keep_alive: bool) -> Reply {
    if head {
        // No body to a HEAD request, whatever the status; without one, hyper sends no
        // `content-length` either.
        scrape.body.clear();
    }
    let mut response = Response::new(Full::new(Bytes::from(scrape.body)));
    *response.status_mut() =
        StatusCode::from_u16(scrape.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in scrape.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            // `append`: a 401 may carry several `WWW-Authenticate` challenges.
            headers.append(name, value);
        }
    }
    let connection = if keep_alive { "keep-alive" } else { "close" };
    headers.insert(header::CONNECTION, HeaderValue::from_static(connection));
    response
}

/// A whole `Connection: close` response, for the answers written outside hyper.
fn serialize_closing(response: &ScrapeResponse) -> Vec<u8> {
    let reason = StatusCode::from_u16(response.status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("");
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", response.status);
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        response.body.len()
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(&response.body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_can_be_shared_between_threads() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Server>();
        send_and_sync::<ServerOptions>();
    }

    #[test]
    fn closing_answers_are_framed() {
        let mut response = ScrapeResponse::message(503, "busy\n".to_owned());
        response.headers.push(("retry-after", "1".to_owned()));
        assert_eq!(
            String::from_utf8(serialize_closing(&response)).unwrap(),
            "HTTP/1.1 503 Service Unavailable\r\n\
             content-type: text/plain; charset=utf-8\r\nretry-after: 1\r\n\
             content-length: 5\r\nconnection: close\r\n\r\nbusy\n"
        );
    }

    #[test]
    fn keep_alive_follows_the_version_and_connection_header() {
        let request = |version, connection: Option<&str>| {
            let mut builder = Request::builder().version(version);
            if let Some(value) = connection {
                builder = builder.header("connection", value);
            }
            wants_keep_alive(&builder.body(()).unwrap())
        };
        assert!(request(Version::HTTP_11, None));
        assert!(!request(Version::HTTP_11, Some("te, Close")));
        assert!(!request(Version::HTTP_10, None));
        assert!(request(Version::HTTP_10, Some("Keep-Alive")));
    }
}
