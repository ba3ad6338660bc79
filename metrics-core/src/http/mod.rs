//! A production `/metrics` endpoint: format negotiation, gzip, the `name[]=` filter, a cap on
//! concurrent scrapes, a scrape timeout, `HEAD`, 404 and 405, independent of any HTTP stack.
//!
//! [`MetricsEndpoint`] holds the policy and turns a [`ScrapeRequest`] into a
//! [`ScrapeResponse`]; the adapters put it on a stack: `serve` (feature `server`: a small
//! hyper server on a thread of its own), `http::axum` (feature `axum`) and `http::hyper`
//! (feature `hyper`).

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub mod standalone;
#[cfg(all(feature = "server", feature = "tls"))]
mod tls;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
#[cfg(feature = "server")]
mod write_deadline;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use subtle::ConstantTimeEq;

use crate::{Format, accepts_gzip, registry};

/// How many scrapes may render at once by default.
pub const DEFAULT_MAX_CONCURRENT_SCRAPES: usize = 4;

/// How long a scrape may take by default before the client gets a 503.
pub const DEFAULT_SCRAPE_TIMEOUT: Duration = Duration::from_secs(10);

/// The `/metrics` endpoint's policy. Cheap to clone: clones share the count of scrapes in
/// progress, so the cap holds across every connection of a server.
///
/// ```
/// use std::time::Duration;
/// use metrics_core::http::{MetricsEndpoint, ScrapeRequest};
///
/// let endpoint = MetricsEndpoint::new()
///     .max_concurrent_scrapes(2)
///     .timeout(Duration::from_secs(5));
/// let response = endpoint.respond(&ScrapeRequest::get("/metrics"));
/// assert_eq!(response.status, 200);
/// assert_eq!(response.header("content-type"), Some(metrics_core::TEXT_CONTENT_TYPE));
/// assert_eq!(endpoint.respond(&ScrapeRequest::get("/other")).status, 404);
/// ```
#[derive(Clone, Debug)]
pub struct MetricsEndpoint {
    path: Arc<str>,
    max_concurrent: usize,
    timeout: Duration,
    in_flight: Arc<AtomicUsize>,
    /// Accepted `Authorization` header values (`Basic ...`, `Bearer ...`); empty: no auth.
    credentials: Arc<[Credential]>,
    /// `_created` lines in OpenMetrics.
    openmetrics_created: bool,
}

/// One accepted credential: the scheme and what must follow it.
#[derive(Clone, PartialEq, Eq)]
struct Credential {
    scheme: &'static str,
    secret: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        write!(f, "{} <redacted>", self.scheme)
    }
}

impl Default for MetricsEndpoint {
    fn default() -> Self {
        MetricsEndpoint::new()
    }
}

/// What an adapter extracts from an HTTP request for [`MetricsEndpoint::respond`].
#[derive(Clone, Debug, Default)]
pub struct ScrapeRequest<'a> {
    /// The request method, e.g. `GET`.
    pub method: &'a str,
    /// The request path without the query; `None` when a router already matched it.
    pub path: Option<&'a str>,
    /// The query string without `?`, if any.
    pub query: Option<&'a str>,
    /// The `Accept` header.
    pub accept: Option<&'a str>,
    /// The `Accept-Encoding` header.
    pub accept_encoding: Option<&'a str>,
    /// The `Authorization` header, checked when the endpoint requires credentials
    /// ([`MetricsEndpoint::basic_auth`], [`MetricsEndpoint::bearer_token`]).
    pub authorization: Option<&'a str>,
}

impl<'a> ScrapeRequest<'a> {
    /// A plain `GET` of `target` (a path with an optional `?query`), with no headers.
    pub fn get(target: &'a str) -> ScrapeRequest<'a> {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        ScrapeRequest {
            method: "GET",
            path: Some(path),
            query,
            ..ScrapeRequest::default()
        }
    }
}

/// The response to a scrape, for an adapter to write out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScrapeResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Headers, names in lower case (`content-type`, `content-encoding`, `vary`, `allow`,
    /// `retry-after`). `content-length` is left to the adapter, except in the answer to a
    /// `HEAD`: there it is the length of the body a `GET` would have got.
    pub headers: Vec<(&'static str, String)>,
    /// The body: empty for `HEAD`.
    pub body: Vec<u8>,
}

impl ScrapeResponse {
    /// The value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    fn message(status: u16, text: String) -> ScrapeResponse {
        ScrapeResponse {
            status,
            headers: vec![("content-type", "text/plain; charset=utf-8".to_owned())],
            body: text.into_bytes(),
        }
    }

    /// The answer to `method`: for `HEAD`, the `GET`'s status and headers, with the length of
    /// its body, and no body. Applied once, where a response leaves the endpoint.
    fn for_method(mut self, method: &str) -> ScrapeResponse {
        if method == "HEAD" {
            self.headers
                .push(("content-length", self.body.len().to_string()));
            self.body.clear();
        }
        self
    }
}

/// A scrape that passed the checks and holds a slot of the concurrency cap until it is
/// rendered (or dropped).
pub(crate) struct Scrape {
    format: Format,
    gzip: bool,
    names: Option<Vec<String>>,
    created: bool,
    _permit: Permit,
}

struct Permit(Arc<AtomicUsize>);

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl MetricsEndpoint {
    /// Serves `/metrics`, at most [`DEFAULT_MAX_CONCURRENT_SCRAPES`] at once, each within
    /// [`DEFAULT_SCRAPE_TIMEOUT`].
    pub fn new() -> MetricsEndpoint {
        MetricsEndpoint {
            path: Arc::from("/metrics"),
            max_concurrent: DEFAULT_MAX_CONCURRENT_SCRAPES,
            timeout: DEFAULT_SCRAPE_TIMEOUT,
            in_flight: Arc::new(AtomicUsize::new(0)),
            credentials: Arc::from([]),
            openmetrics_created: false,
        }
    }

    /// Adds a `_created` line after each counter, histogram and summary series when the
    /// scraper asks for OpenMetrics (off by default: Prometheus before 3.0 asks for
    /// OpenMetrics first and stores each of those lines as a series of its own; see
    /// [`OpenMetricsEncoder::created_lines`](crate::encoding::openmetrics::OpenMetricsEncoder::created_lines)).
    /// Creation times go out in protobuf either way.
    pub fn openmetrics_created_lines(mut self, on: bool) -> MetricsEndpoint {
        self.openmetrics_created = on;
        self
    }

    /// Requires HTTP basic authentication with this user name and password (RFC 7617): other
    /// requests get a 401 with `WWW-Authenticate: Basic`. Can be combined with other
    /// credentials; any one of them is accepted. Send it over TLS (feature `tls`) or on a
    /// trusted network only: basic auth is not encrypted.
    ///
    /// ```
    /// use metrics_core::http::{MetricsEndpoint, ScrapeRequest};
    ///
    /// let endpoint = MetricsEndpoint::new().basic_auth("prometheus", "s3cret");
    /// assert_eq!(endpoint.respond(&ScrapeRequest::get("/metrics")).status, 401);
    /// let request = ScrapeRequest {
    ///     // base64("prometheus:s3cret")
    ///     authorization: Some("Basic cHJvbWV0aGV1czpzM2NyZXQ="),
    ///     ..ScrapeRequest::get("/metrics")
    /// };
    /// assert_eq!(endpoint.respond(&request).status, 200);
    /// ```
    pub fn basic_auth(self, user: &str, password: &str) -> MetricsEndpoint {
        let secret = BASE64.encode(format!("{user}:{password}"));
        self.with_credential("Basic", secret)
    }

    /// Requires `Authorization: Bearer <token>` (Prometheus' `authorization` /
    /// `bearer_token_file` scrape options): other requests get a 401 with
    /// `WWW-Authenticate: Bearer`. Can be combined with other credentials.
    pub fn bearer_token(self, token: &str) -> MetricsEndpoint {
        self.with_credential("Bearer", token.to_owned())
    }

    fn with_credential(mut self, scheme: &'static str, secret: String) -> MetricsEndpoint {
        let mut credentials = self.credentials.to_vec();
        credentials.push(Credential { scheme, secret });
        self.credentials = credentials.into();
        self
    }

    /// Whether the request may scrape: no credentials are required, or its `Authorization`
    /// header carries one of them. Compared in constant time, so the time taken does not tell
    /// how much of a guess was right.
    fn authorized(&self, authorization: Option<&str>) -> bool {
        if self.credentials.is_empty() {
            return true;
        }
        let Some((scheme, given)) = authorization.and_then(|value| value.trim().split_once(' '))
        else {
            return false;
        };
        let given = given.trim();
        self.credentials.iter().fold(false, |ok, credential| {
            let matches = scheme.eq_ignore_ascii_case(credential.scheme)
                && bool::from(given.as_bytes().ct_eq(credential.secret.as_bytes()));
            ok | matches
        })
    }

    fn unauthorized(&self) -> ScrapeResponse {
        let mut response =
            ScrapeResponse::message(401, "unauthorized: credentials required\n".to_owned());
        let mut schemes: Vec<&str> = self.credentials.iter().map(|c| c.scheme).collect();
        schemes.dedup();
        for scheme in schemes {
            let challenge = match scheme {
                "Basic" => "Basic realm=\"metrics\", charset=\"UTF-8\"",
                _ => "Bearer realm=\"metrics\"",
            };
            response
                .headers
                .push(("www-authenticate", challenge.to_owned()));
        }
        response
    }

    /// Serves this path instead of `/metrics` (adapters that route by path: the standalone
    /// server and the hyper service).
    pub fn path(mut self, path: &str) -> MetricsEndpoint {
        self.path = Arc::from(path);
        self
    }

    /// At most `limit` scrapes render at once (at least one); more get a 503 at once.
    pub fn max_concurrent_scrapes(mut self, limit: usize) -> MetricsEndpoint {
        self.max_concurrent = limit.max(1);
        self
    }

    /// A scrape that takes longer gets a 503. The rendering itself goes on in the background
    /// and keeps its slot of the concurrency cap until it ends, so slow scrapes cannot pile up.
    pub fn timeout(mut self, timeout: Duration) -> MetricsEndpoint {
        self.timeout = timeout;
        self
    }

    /// The configured timeout.
    pub fn scrape_timeout(&self) -> Duration {
        self.timeout
    }

    /// Answers a scrape, blocking the calling thread while the registry renders (on a helper
    /// thread, so that the timeout holds).
    pub fn respond(&self, request: &ScrapeRequest<'_>) -> ScrapeResponse {
        self.respond_as_get(request).for_method(request.method)
    }

    fn respond_as_get(&self, request: &ScrapeRequest<'_>) -> ScrapeResponse {
        let scrape = match self.prepare(request) {
            Ok(scrape) => scrape,
            Err(response) => return response,
        };
        let (sender, receiver) = mpsc::sync_channel(1);
        let spawned = std::thread::Builder::new()
            .name("metrics-scrape".to_owned())
            .spawn(move || {
                // The receiver is gone when the scrape timed out; the response is not needed.
                let _ = sender.send(scrape.render());
            });
        if let Err(error) = spawned {
            return ScrapeResponse::message(503, format!("cannot start a scrape: {error}\n"));
        }
        match receiver.recv_timeout(self.timeout) {
            Ok(response) => response,
            Err(_) => self.timed_out(),
        }
    }

    pub(crate) fn timed_out(&self) -> ScrapeResponse {
        ScrapeResponse::message(
            503,
            format!(
                "scrape timed out after {} ms: the registry took too long to render\n",
                self.timeout.as_millis()
            ),
        )
    }

    /// The checks that need no rendering: path, method, concurrency cap, negotiation.
    pub(crate) fn prepare(&self, request: &ScrapeRequest<'_>) -> Result<Scrape, ScrapeResponse> {
        if let Some(path) = request.path
            && path != &*self.path
        {
            return Err(ScrapeResponse::message(
                404,
                format!("not found: metrics are served at {}\n", self.path),
            ));
        }
        if !self.authorized(request.authorization) {
            return Err(self.unauthorized());
        }
        if !matches!(request.method, "GET" | "HEAD") {
            let mut response = ScrapeResponse::message(
                405,
                format!("method {} not allowed: use GET or HEAD\n", request.method),
            );
            response.headers.push(("allow", "GET,HEAD".to_owned()));
            return Err(response);
        }
        let previous = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let permit = Permit(Arc::clone(&self.in_flight));
        if previous >= self.max_concurrent {
            drop(permit);
            let mut response = ScrapeResponse::message(
                503,
                format!(
                    "too many concurrent scrapes (limit {}); retry later\n",
                    self.max_concurrent
                ),
            );
            response.headers.push(("retry-after", "1".to_owned()));
            return Err(response);
        }
        Ok(Scrape {
            format: Format::from_accept(request.accept),
            gzip: accepts_gzip(request.accept_encoding),
            names: request.query.and_then(name_filter),
            created: self.openmetrics_created,
            _permit: permit,
        })
    }
}

impl Scrape {
    /// Renders the registry: the slow part, run where blocking is fine.
    pub(crate) fn render(self) -> ScrapeResponse {
        let names: Option<Vec<&str>> = self
            .names
            .as_ref()
            .map(|names| names.iter().map(String::as_str).collect());
        let body = if self.created {
            registry().encode_with_created(self.format, names.as_deref())
        } else {
            registry().encode(self.format, names.as_deref())
        };
        let mut headers = vec![
            ("content-type", self.format.content_type().to_owned()),
            ("vary", "Accept, Accept-Encoding".to_owned()),
        ];
        let body = match compress(self.gzip, body) {
            (body, true) => {
                headers.push(("content-encoding", "gzip".to_owned()));
                body
            }
            (body, false) => body,
        };
        ScrapeResponse {
            status: 200,
            headers,
            body,
        }
    }
}

/// [`MetricsEndpoint::respond`] for async servers: the rendering runs on tokio's blocking
/// pool and the timeout on tokio's timer, so no executor thread blocks.
#[cfg(any(feature = "axum", feature = "hyper", feature = "server"))]
pub(crate) async fn respond_async(
    endpoint: &MetricsEndpoint,
    request: &ScrapeRequest<'_>,
) -> ScrapeResponse {
    let scrape = match endpoint.prepare(request) {
        Ok(scrape) => scrape,
        Err(response) => return response.for_method(request.method),
    };
    let rendering = tokio::task::spawn_blocking(move || scrape.render());
    let response = match tokio::time::timeout(endpoint.timeout, rendering).await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => ScrapeResponse::message(503, format!("the scrape failed: {error}\n")),
        Err(_) => endpoint.timed_out(),
    };
    response.for_method(request.method)
}

#[cfg(feature = "gzip")]
fn compress(gzip: bool, body: Vec<u8>) -> (Vec<u8>, bool) {
    use std::io::Write;
    if !gzip {
        return (body, false);
    }
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail; were it to, the uncompressed body is still right.
    match encoder.write_all(&body).and_then(|()| encoder.finish()) {
        Ok(compressed) => (compressed, true),
        Err(_) => (body, false),
    }
}

#[cfg(not(feature = "gzip"))]
fn compress(_gzip: bool, body: Vec<u8>) -> (Vec<u8>, bool) {
    (body, false)
}

/// The values of `name[]` in a query string (`name[]=a&name%5B%5D=b`), percent-decoded;
/// `None` when there are none (no filter).
pub(crate) fn name_filter(query: &str) -> Option<Vec<String>> {
    let names: Vec<String> = query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (percent_decode(key) == "name[]").then(|| percent_decode(value))
        })
        .collect();
    (!names.is_empty()).then_some(names)
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
fn percent_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_filter_decodes() {
        assert_eq!(
            name_filter("name[]=a_total&x=1&name%5B%5D=b%3Ac"),
            Some(vec!["a_total".to_owned(), "b:c".to_owned()])
        );
        assert_eq!(name_filter("x=1"), None);
        assert_eq!(name_filter(""), None);
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz+%41"), "%zz A");
        assert_eq!(percent_decode("a%2Bb%ff"), "a+b\u{fffd}");
    }

    #[test]
    fn credentials_are_checked() {
        let endpoint = MetricsEndpoint::new()
            .basic_auth("Aladdin", "open sesame")
            .bearer_token("t0ken");
        assert!(endpoint.authorized(Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")));
        assert!(endpoint.authorized(Some("basic  QWxhZGRpbjpvcGVuIHNlc2FtZQ== ")));
        assert!(endpoint.authorized(Some("Bearer t0ken")));
        assert!(!endpoint.authorized(Some("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==")));
        assert!(!endpoint.authorized(Some("Basic t0ken")));
        assert!(!endpoint.authorized(Some("Bearer t0ke")));
        assert!(!endpoint.authorized(Some("Bearer")));
        assert!(!endpoint.authorized(None));
        assert!(MetricsEndpoint::new().authorized(None));
        assert_eq!(
            format!("{:?}", endpoint.credentials),
            "[Basic <redacted>, Bearer <redacted>]"
        );
        let refused = endpoint.respond(&ScrapeRequest::get("/metrics"));
        assert_eq!(refused.status, 401);
        assert_eq!(
            refused
                .headers
                .iter()
                .filter(|(name, _)| *name == "www-authenticate")
                .map(|(_, value)| value.as_str())
                .collect::<Vec<_>>(),
            [
                "Basic realm=\"metrics\", charset=\"UTF-8\"",
                "Bearer realm=\"metrics\""
            ]
        );
        assert_eq!(refused.body, b"unauthorized: credentials required\n");
    }
}
