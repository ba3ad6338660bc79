//! Request metrics for any tower service (feature `tower`): axum routers, tonic servers, and
//! hyper services through `hyper-util`'s tower adapter.
//!
//! [`HttpMetricsLayer`] records, for every request:
//!
//! - `http_requests_total{method,endpoint,status}`: a counter, when the response head is ready;
//! - `http_request_duration_seconds{method,endpoint}`: a histogram of the time until then;
//! - `http_requests_in_flight`: a gauge of the requests being handled, also decremented when a
//!   request is cancelled (its future dropped), which is then not counted.
//!
//! The `endpoint` label is the route template, never the raw path, so that clients cannot
//! create series by sending paths: axum's `MatchedPath` (`/users/{id}`) when the layer runs
//! inside an axum router (feature `axum`), else the path itself if it is
//! one of the [`known_paths`](HttpMetricsLayer::known_paths) (for hyper and tonic, whose paths
//! are fixed), else one fixed value, [`UNMATCHED_ENDPOINT`] (404s, scanners). Methods outside
//! the nine standard ones are [`OTHER_METHOD`]; a service error (not a response) is the status
//! `error`. Every label is bounded whatever clients send.
//!
//! ```
//! use metrics_core::http::tower::HttpMetricsLayer;
//!
//! # fn main() -> Result<(), metrics_core::Error> {
//! let app: axum::Router = axum::Router::new()
//!     .route("/users/{id}", axum::routing::get(|| async { "user" }))
//!     // `Router::layer` runs the layer after routing (so it sees the matched route) and
//!     // around the fallback too (so 404s are counted, as `unmatched`).
//!     .layer(HttpMetricsLayer::new()?);
//! # Ok(())
//! # }
//! ```
//!
//! Names and labels are configurable in two ways: [`HttpMetricsLayer::builder`] names the
//! metrics at run time, and [`HttpMetricsLayer::from_metrics`] records into `#[metric]`
//! statics of your own (which then are in the build-time checks and the catalog with their
//! definition site).

use std::collections::HashSet;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use http::{Method, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::dynamic::{self, check_buckets, check_label_name, check_metric_name};
use crate::{
    Collect, DEFAULT_BUCKETS, Error, HistogramVec, IntCounter, IntCounterVec, IntGauge, MetricVec,
};

/// The `endpoint` value of every request that matched no route.
pub const UNMATCHED_ENDPOINT: &str = "unmatched";

/// The `method` value of every request whose method is not one of the nine standard ones
/// (`GET`, `HEAD`, `POST`, `PUT`, `DELETE`, `CONNECT`, `OPTIONS`, `TRACE`, `PATCH`), as in
/// OpenTelemetry's HTTP conventions.
pub const OTHER_METHOD: &str = "_OTHER";

/// The `status` value of a request whose service returned an error instead of a response.
pub const ERROR_STATUS: &str = "error";

/// The three metrics a layer records into.
#[derive(Clone, Copy)]
struct Metrics {
    /// Labels: method, endpoint, status (in that order, whatever they are named).
    requests: &'static IntCounterVec<3>,
    /// Labels: method, endpoint.
    duration: &'static HistogramVec<2>,
    in_flight: &'static IntGauge,
}

/// A tower [`Layer`] that counts, times and tracks every request; see the
/// [module documentation](self).
#[derive(Clone)]
pub struct HttpMetricsLayer {
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    metrics: Metrics,
    known_paths: HashSet<Arc<str>>,
    unmatched: Arc<str>,
}

impl std::fmt::Debug for HttpMetricsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let metrics = &self.config.metrics;
        f.debug_struct("HttpMetricsLayer")
            .field("requests", &Collect::desc(metrics.requests).name)
            .field("duration", &Collect::desc(metrics.duration).name)
            .field("in_flight", &Collect::desc(metrics.in_flight).name)
            .field("known_paths", &self.config.known_paths)
            .field("unmatched", &self.config.unmatched)
            .finish()
    }
}

impl HttpMetricsLayer {
    /// A layer recording into `http_requests_total{method,endpoint,status}`,
    /// `http_request_duration_seconds{method,endpoint}` (buckets [`DEFAULT_BUCKETS`]) and
    /// `http_requests_in_flight`, added to the registry on the first call and shared by every
    /// later one.
    ///
    /// Fails with [`Error::NameClash`] when a `#[metric]` of the program already uses one of
    /// these names (record into it with [`from_metrics`](Self::from_metrics) instead).
    #[track_caller]
    pub fn new() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// Names the metrics, their labels and the histogram's buckets before building a layer.
    pub fn builder() -> HttpMetricsBuilder {
        HttpMetricsBuilder::default()
    }

    /// A layer recording into metrics declared with `#[metric]`: a counter with three labels
    /// (method, endpoint and status, in that order, named as you like), a histogram with two
    /// (method, endpoint) and a gauge.
    ///
    /// ```
    /// use metrics_core::http::tower::HttpMetricsLayer;
    /// use metrics_core::{HistogramVec, IntCounterVec, IntGauge, metric};
    ///
    /// /// Total HTTP requests, by method, route and status code.
    /// #[metric(labels = ["method", "route", "code"])]
    /// pub static API_REQUESTS_TOTAL: IntCounterVec;
    ///
    /// /// HTTP request duration, by method and route.
    /// #[metric(labels = ["method", "route"])]
    /// pub static API_REQUEST_DURATION_SECONDS: HistogramVec;
    ///
    /// /// HTTP requests being handled.
    /// #[metric]
    /// pub static API_REQUESTS_IN_FLIGHT: IntGauge;
    ///
    /// # fn main() {
    /// let layer = HttpMetricsLayer::from_metrics(
    ///     &API_REQUESTS_TOTAL,
    ///     &API_REQUEST_DURATION_SECONDS,
    ///     &API_REQUESTS_IN_FLIGHT,
    /// );
    /// # let _ = layer;
    /// # }
    /// ```
    pub fn from_metrics(
        requests: &'static IntCounterVec<3>,
        duration: &'static HistogramVec<2>,
        in_flight: &'static IntGauge,
    ) -> Self {
        HttpMetricsLayer {
            config: Arc::new(Config {
                metrics: Metrics {
                    requests,
                    duration,
                    in_flight,
                },
                known_paths: HashSet::new(),
                unmatched: Arc::from(UNMATCHED_ENDPOINT),
            }),
        }
    }

    /// Paths that are their own template (`/healthz`, a gRPC method's `/pkg.Service/Method`):
    /// a request for one of them without a matched route gets the path as its `endpoint`.
    /// Every other unmatched path is [`unmatched`](Self::unmatched).
    pub fn known_paths<I, P>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let config = Arc::make_mut(&mut self.config);
        config
            .known_paths
            .extend(paths.into_iter().map(|path| Arc::from(path.as_ref())));
        self
    }

    /// The `endpoint` value of requests that matched no route ([`UNMATCHED_ENDPOINT`] unless
    /// set).
    pub fn unmatched(mut self, value: &str) -> Self {
        Arc::make_mut(&mut self.config).unmatched = Arc::from(value);
        self
    }

    fn start<B>(&self, request: &Request<B>) -> Active {
        let config = &self.config;
        let endpoint = matched_route(request).unwrap_or_else(|| {
            let path = request.uri().path();
            match config.known_paths.get(path) {
                Some(known) => Endpoint::Known(known.clone()),
                None => Endpoint::Known(config.unmatched.clone()),
            }
        });
        config.metrics.in_flight.inc();
        Active {
            config: config.clone(),
            method: method_label(request.method()),
            endpoint,
            trace: request
                .headers()
                .get("traceparent")
                .and_then(|value| TraceContext::parse(value.as_bytes())),
            started: Instant::now(),
        }
    }
}

impl<S> Layer<S> for HttpMetricsLayer {
    type Service = HttpMetrics<S>;

    fn layer(&self, inner: S) -> HttpMetrics<S> {
        HttpMetrics {
            inner,
            layer: self.clone(),
        }
    }
}

/// Names, labels and buckets of the metrics [`HttpMetricsLayer::new`] creates; from
/// [`HttpMetricsLayer::builder`].
///
/// ```
/// use metrics_core::http::tower::HttpMetricsLayer;
///
/// # fn main() -> Result<(), metrics_core::Error> {
/// let layer = HttpMetricsLayer::builder()
///     .requests_total("api_requests_total")
///     .duration_seconds("api_request_duration_seconds")
///     .in_flight("api_requests_in_flight")
///     .label_names("verb", "route", "code")
///     .buckets(&[0.01, 0.1, 1.0])
///     .build()?;
/// # let _ = layer;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HttpMetricsBuilder {
    requests_total: String,
    duration_seconds: String,
    in_flight: String,
    labels: [String; 3],
    buckets: &'static [f64],
}

impl Default for HttpMetricsBuilder {
    fn default() -> Self {
        HttpMetricsBuilder {
            requests_total: "http_requests_total".to_owned(),
            duration_seconds: "http_request_duration_seconds".to_owned(),
            in_flight: "http_requests_in_flight".to_owned(),
            labels: ["method", "endpoint", "status"].map(str::to_owned),
            buckets: DEFAULT_BUCKETS,
        }
    }
}

impl HttpMetricsBuilder {
    /// The counter's name (`http_requests_total`).
    pub fn requests_total(mut self, name: &str) -> Self {
        name.clone_into(&mut self.requests_total);
        self
    }

    /// The histogram's name (`http_request_duration_seconds`).
    pub fn duration_seconds(mut self, name: &str) -> Self {
        name.clone_into(&mut self.duration_seconds);
        self
    }

    /// The in-flight gauge's name (`http_requests_in_flight`).
    pub fn in_flight(mut self, name: &str) -> Self {
        name.clone_into(&mut self.in_flight);
        self
    }

    /// The label names for the method, the endpoint and the status (`method`, `endpoint`,
    /// `status`); the histogram has the first two.
    pub fn label_names(mut self, method: &str, endpoint: &str, status: &str) -> Self {
        self.labels = [method, endpoint, status].map(str::to_owned);
        self
    }

    /// The histogram's bucket upper bounds, strictly increasing ([`DEFAULT_BUCKETS`]).
    pub fn buckets(mut self, buckets: &'static [f64]) -> Self {
        self.buckets = buckets;
        self
    }

    /// Creates the three metrics and adds them to the registry, or reuses them when a layer
    /// with the same settings was built before.
    ///
    /// Fails with [`Error::Refused`] for a name the exposition formats do not allow (or
    /// buckets that are not strictly increasing), and with [`Error::NameClash`] when a metric
    /// already in the registry uses one of the names.
    #[track_caller]
    pub fn build(self) -> Result<HttpMetricsLayer, Error> {
        let location = Location::caller();
        // Layers are built once per router, but tests and programs with several routers build
        // the same one again: reuse its metrics instead of refusing the names as taken.
        static BUILT: Mutex<Vec<(HttpMetricsBuilder, Metrics)>> = Mutex::new(Vec::new());
        let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, metrics)) = built.iter().find(|(settings, _)| *settings == self) {
            return Ok(layer_of(*metrics));
        }
        for name in [
            &self.requests_total,
            &self.duration_seconds,
            &self.in_flight,
        ] {
            check_metric_name(name)?;
        }
        for label in &self.labels {
            check_label_name(label)?;
        }
        let [method, endpoint, status] = &self.labels;
        if method == endpoint || endpoint == status || method == status {
            return Err(Error::Refused {
                name: method.clone(),
                message: format!(
                    "the label names {:?} must be three different names",
                    self.labels
                ),
            });
        }
        check_buckets(&self.duration_seconds, self.buckets)?;
        let requests = dynamic::leak_descriptor(
            &self.requests_total,
            "Total HTTP requests, by method, route template and status code.",
            &[method, endpoint, status],
            &[],
            Some(location),
        );
        let duration = dynamic::leak_descriptor(
            &self.duration_seconds,
            "HTTP request duration until the response head, by method and route template.",
            &[method, endpoint],
            self.buckets,
            Some(location),
        );
        let in_flight = dynamic::leak_descriptor(
            &self.in_flight,
            "HTTP requests being handled right now.",
            &[],
            &[],
            Some(location),
        );
        let metrics = Metrics {
            requests: Box::leak(Box::new(MetricVec::<IntCounter, 3>::__new(requests))),
            duration: Box::leak(Box::new(HistogramVec::<2>::__new(duration))),
            in_flight: Box::leak(Box::new(IntGauge::__new(in_flight))),
        };
        dynamic::register(&[metrics.requests, metrics.duration, metrics.in_flight])?;
        built.push((self, metrics));
        Ok(layer_of(metrics))
    }
}

fn layer_of(metrics: Metrics) -> HttpMetricsLayer {
    HttpMetricsLayer::from_metrics(metrics.requests, metrics.duration, metrics.in_flight)
}

/// The service [`HttpMetricsLayer`] wraps around `S`.
#[derive(Clone, Debug)]
pub struct HttpMetrics<S> {
    inner: S,
    layer: HttpMetricsLayer,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for HttpMetrics<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let active = self.layer.start(&request);
        ResponseFuture {
            inner: self.inner.call(request),
            active: Some(active),
        }
    }
}

pin_project! {
    /// The response future of [`HttpMetrics`]: records the request when the inner future
    /// completes.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        active: Option<Active>,
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Some(active) = this.active.take() {
            match &result {
                Ok(response) => active.finish(response.status().as_str()),
                Err(_) => active.finish(ERROR_STATUS),
            }
        }
        Poll::Ready(result)
    }
}

/// The `endpoint` value of a request in flight.
enum Endpoint {
    #[cfg(feature = "axum")]
    Matched(::axum::extract::MatchedPath),
    Known(Arc<str>),
}

impl Endpoint {
    fn as_str(&self) -> &str {
        match self {
            #[cfg(feature = "axum")]
            Endpoint::Matched(matched) => matched.as_str(),
            Endpoint::Known(path) => path,
        }
    }
}

/// A request being handled: counted in flight until dropped.
struct Active {
    config: Arc<Config>,
    method: &'static str,
    endpoint: Endpoint,
    /// The caller's W3C trace context: the duration's exemplar, so that a slow bucket on a
    /// dashboard leads to the trace that caused it.
    trace: Option<TraceContext>,
    started: Instant,
}

/// The trace id and parent span id of a W3C `traceparent` header
/// (`00-<32 hex digits>-<16 hex digits>-<2 hex digits>`), kept as lowercase hex without
/// allocating.
struct TraceContext {
    trace_id: [u8; 32],
    span_id: [u8; 16],
}

impl TraceContext {
    fn parse(header: &[u8]) -> Option<TraceContext> {
        let header = header.trim_ascii();
        // version(2) - trace id(32) - span id(16) - flags(2)
        if header.len() != 55 || [2, 35, 52].iter().any(|&dash| header[dash] != b'-') {
            return None;
        }
        let hex = |bytes: &[u8]| bytes.iter().all(u8::is_ascii_hexdigit);
        let (version, trace, span, flags) =
            (&header[..2], &header[3..35], &header[36..52], &header[53..]);
        if !(hex(version) && hex(trace) && hex(span) && hex(flags))
            || version.eq_ignore_ascii_case(b"ff")
            || trace.iter().all(|&byte| byte == b'0')
            || span.iter().all(|&byte| byte == b'0')
        {
            return None;
        }
        let mut context = TraceContext {
            trace_id: [0; 32],
            span_id: [0; 16],
        };
        context.trace_id.copy_from_slice(trace);
        context.span_id.copy_from_slice(span);
        context.trace_id.make_ascii_lowercase();
        context.span_id.make_ascii_lowercase();
        Some(context)
    }
}

impl Active {
    fn finish(self, status: &str) {
        let metrics = &self.config.metrics;
        let endpoint = self.endpoint.as_str();
        metrics
            .requests
            .with_label_values(&[self.method, endpoint, status])
            .inc();
        let duration = metrics.duration.with_label_values(&[self.method, endpoint]);
        let seconds = self.started.elapsed().as_secs_f64();
        match &self.trace {
            Some(trace) => {
                // Hex digits only, 48 characters with the names: within the exemplar limit,
                // and the observation is recorded whatever happens to the exemplar.
                let trace_id = std::str::from_utf8(&trace.trace_id).unwrap_or_default();
                let span_id = std::str::from_utf8(&trace.span_id).unwrap_or_default();
                let _ = duration.observe_with_exemplar(
                    seconds,
                    &[("trace_id", trace_id), ("span_id", span_id)],
                );
            }
            None => duration.observe(seconds),
        }
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.config.metrics.in_flight.dec();
    }
}

/// The route template axum matched, when the layer runs inside an axum router.
#[cfg(feature = "axum")]
fn matched_route<B>(request: &Request<B>) -> Option<Endpoint> {
    request
        .extensions()
        .get::<::axum::extract::MatchedPath>()
        .map(|matched| Endpoint::Matched(matched.clone()))
}

/// Without axum, no router tells the layer its route.
#[cfg(not(feature = "axum"))]
fn matched_route<B>(_request: &Request<B>) -> Option<Endpoint> {
    None
}

/// The method as a label value from a closed set.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "CONNECT" => "CONNECT",
        "OPTIONS" => "OPTIONS",
        "TRACE" => "TRACE",
        "PATCH" => "PATCH",
        _ => OTHER_METHOD,
    }
}
