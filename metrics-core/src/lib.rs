//! Metrics as annotated statics.
//!
//! A metric is one `static` with a doc comment and `#[metric]`. The attribute writes its
//! initializer and adds it to a list that the linker assembles from every crate of the program,
//! so there is exactly one [`registry()`], it always holds every metric, and no code anywhere
//! registers anything.
//!
//! ```
//! use metrics_core::{metric, registry, HistogramVec, IntCounterVec};
//!
//! /// Total voice calls, by final status.
//! #[metric(labels = ["status"])]
//! pub static VOICE_CALLS_TOTAL: IntCounterVec;
//!
//! /// Voice call duration.
//! #[metric(labels = ["status"], buckets = [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0])]
//! pub static VOICE_CALL_DURATION_SECONDS: HistogramVec;
//!
//! fn on_call_end(status: &str, secs: f64) {
//!     VOICE_CALLS_TOTAL.with_label_values(&[status]).inc();
//!     VOICE_CALL_DURATION_SECONDS.with_label_values(&[status]).observe(secs);
//! }
//!
//! # fn main() {
//! on_call_end("completed", 42.0);
//! assert!(registry().render().contains("voice_calls_total{status=\"completed\"} 1\n"));
//! # }
//! ```
//!
//! # The attribute
//!
//! `#[metric(name = "...", labels = [...], buckets = [...])]`, every argument optional:
//!
//! - `name`: the exposed name; by default the static's name in lower case.
//! - `labels`: label names, for the `*Vec` types and [`Info`] (required there, refused
//!   elsewhere). The declared `IntCounterVec` becomes `IntCounterVec<N>` for `N` labels, so
//!   `with_label_values` checks the number of values at compile time.
//! - `buckets`: histogram bucket bounds: numbers, `linear(start, width, count)` or
//!   `exponential(start, factor, count)`; [`DEFAULT_BUCKETS`] if absent.
//! - `objectives = [(0.5, 0.05), (0.99, 0.001)]`, `max_age = 600` (or `"10m"`),
//!   `age_buckets = 5`: a [`Summary`]'s quantiles, their rank errors, and its window.
//! - `states = ["idle", "busy"]`: a [`StateSet`]'s states.
//! - `callback = function`: where a [`GaugeFn`] or [`CounterFn`] reads its value.
//! - `const_labels = [("region", "eu-west")]`: labels with a fixed value on every series,
//!   before the metric's own labels.
//! - `subsystem = "calls"`: put in front of the name, after the crate's namespace:
//!   `subsystem = "calls"` on `ANSWERED_TOTAL` exposes `calls_answered_total`.
//! - The help text is the first paragraph of the doc comment, which is required.
//!
//! # A namespace per crate
//!
//! A domain crate sets the prefix of all its metric names once, in its `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.metrics]
//! namespace = "voice"
//! ```
//!
//! `#[metric] pub static CALLS_TOTAL: IntCounterVec;` is then `voice_calls_total`. A name
//! that already starts with the namespace (`VOICE_CALLS_TOTAL` would become
//! `voice_voice_calls_total`) is a compile error, and so is any other key in that table or a
//! namespace that is not snake_case. The attribute reads the manifest because a proc macro
//! sees nothing else of the crate; the generated code depends on the file, so changing it
//! rebuilds the crate.
//!
//! A metric is declared at module level (in any module, including `#[cfg(test)] mod tests`),
//! never inside a fn body, closure, method, async or const block: there the build fails with
//! "cannot find value `NAME_must_be_declared_at_module_level` in module `self`", at the
//! static's name. This rests on a rule of the language (an item inside a block is not a member
//! of the module), so it holds on every compiler.
//! Doctests are wrapped in `fn main` unless they write one, so a doctest that declares a metric
//! writes its own `fn main() { ... }` (it can be hidden with `# `).
//!
//! # Typed labels
//!
//! Label values can be Rust types instead of strings: a fieldless enum with
//! `#[derive(LabelValue)]` is a closed set (a typo is a compile error), a struct with
//! `#[derive(LabelSet)]` names its labels after its fields, and [`Family<L, M>`](Family) is the
//! labelled metric keyed by them. When every label is closed, every series exists from the
//! first scrape and a lookup is an array index, as cheap as the increment itself:
//!
//! ```
//! use metrics_core::{metric, Family, IntCounter, LabelSet, LabelValue};
//!
//! #[derive(Clone, Copy, LabelValue)]
//! pub enum CallStatus {
//!     Completed,
//!     Failed,
//!     NoAnswer,
//! }
//!
//! #[derive(LabelSet)]
//! pub struct CallLabels {
//!     status: CallStatus,
//!     /// Integers, `&str` and `String` are open sets: any value, hashed on lookup.
//!     trunk: u16,
//! }
//!
//! /// Total voice calls, by final status.
//! #[metric(labels = ["status"])]
//! pub static TYPED_VOICE_CALLS_TOTAL: Family<CallStatus, IntCounter>;
//!
//! /// Voice calls, by final status and trunk.
//! #[metric]
//! pub static TYPED_TRUNK_CALLS_TOTAL: Family<CallLabels, IntCounter>;
//!
//! # fn main() {
//! TYPED_VOICE_CALLS_TOTAL.get(CallStatus::Completed).inc();
//! TYPED_TRUNK_CALLS_TOTAL.get(CallLabels { status: CallStatus::Failed, trunk: 7 }).inc();
//! # }
//! ```
//!
//! # Checked when the program is built
//!
//! - The name, labels, buckets and doc comment are checked by the attribute, with promtool's
//!   naming rules (`_total` on counters only, base units, no abbreviated units, snake_case, no
//!   type name in the name, `le`/`quantile` reserved): the error points at the name or label
//!   and says what to write instead.
//! - The same metric name twice in one crate fails `cargo check`, pointing at both
//!   declarations: "the name `metric_x_total_or_x_is_declared_twice_rename_one_or_give_one_
//!   another_name` is defined multiple times", x being the name without `_total` for a counter,
//!   so that a counter `x_total` and a gauge `x` (one OpenMetrics family) clash too. The fix:
//!   rename one static, or give one `name = "..."`.
//! - The same metric name in two crates of one program fails the link, in debug, release,
//!   thin and fat LTO, with one line per duplicated metric: "duplicate symbol: metric
//!   `x_total` or `x` is defined in two linked crates: rename one, or give one another
//!   `name`". Unit-test builds (`cfg(test)`) skip that symbol, since a dev-dependency can link
//!   the crate under test twice.
//! - Anything that still reaches the registry twice is reported by [`Registry::check`] and
//!   [`Registry::duplicates`], naming both definitions.
//!
//! # Linking
//!
//! A crate that is only listed in `Cargo.toml` and never used is not linked, and its metrics
//! are not in the registry. Reference it from the binary: `use voice_metrics as _;`.
//!
//! # Serving
//!
//! Every stack serves the same [`MetricsEndpoint`](http::MetricsEndpoint) policy: text 0.0.4,
//! OpenMetrics 1.0.0 or protobuf chosen by the `Accept` header, gzip when asked, the
//! `?name[]=` filter, a cap on concurrent scrapes and a scrape timeout (503 with a message),
//! `HEAD` (the `GET`'s headers, no body), 404 and 405.
//!
//! - No HTTP stack: [`serve`] starts a small std-only server on its own threads
//!   ([`serve_with`] for connection limits, credentials and, with feature `tls`, HTTPS).
//! - axum (feature `axum`): `http::axum::route(MetricsEndpoint::new())` is a route for
//!   `Router::route("/metrics", ...)`.
//! - hyper 1 (feature `hyper`): `http::hyper::MetricsService` is a `Service`.
//! - Anything else: [`MetricsEndpoint::respond`](http::MetricsEndpoint::respond) turns a
//!   [`ScrapeRequest`](http::ScrapeRequest) into a [`ScrapeResponse`](http::ScrapeResponse).
//! - Batch jobs push instead: [`push::Pusher`] (push, push-add, delete on a Pushgateway).
//!
//! ```no_run
//! use metrics_core::{metric, IntCounter};
//!
//! /// Jobs processed.
//! #[metric]
//! static JOBS_PROCESSED_TOTAL: IntCounter;
//!
//! # #[cfg(feature = "server")]
//! fn main() -> std::io::Result<()> {
//!     let server = metrics_core::serve("0.0.0.0:9100")?;
//!     println!("metrics at http://{}/metrics", server.local_addr());
//!     loop {
//!         JOBS_PROCESSED_TOTAL.inc();
//!         std::thread::sleep(std::time::Duration::from_secs(1));
//!     }
//! }
//! # #[cfg(not(feature = "server"))]
//! # fn main() {}
//! ```
//!
//! # Testing
//!
//! Metrics are statics that are never reset, so tests read differences, not absolute values,
//! and tests running in parallel in one process do not disturb each other. [`testing`] has
//! [`get_sample_value`](testing::get_sample_value), [`snapshot`](testing::snapshot) then
//! [`assert_delta`](testing::Snapshot::assert_delta), [`assert_exposition`](testing::assert_exposition)
//! (the exact text of some families, with a line diff on failure),
//! [`series_count`](testing::series_count) and [`assert_lint_clean`](testing::assert_lint_clean):
//!
//! ```
//! use metrics_core::{metric, testing, IntCounterVec};
//!
//! /// Orders placed, by payment method.
//! #[metric(labels = ["payment"])]
//! static FRONT_PAGE_ORDERS_TOTAL: IntCounterVec;
//!
//! fn place_order(payment: &str) {
//!     FRONT_PAGE_ORDERS_TOTAL.with_label_values(&[payment]).inc();
//! }
//!
//! # fn main() {
//! let before = testing::snapshot();
//! place_order("card");
//! before.assert_delta("front_page_orders_total", &[("payment", "card")], 1.0);
//! # }
//! ```
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `gzip` | yes | gzip-compressed scrapes for clients that accept them (flate2) |
//! | `server` | no | [`serve`], [`serve_with`]: the standalone `/metrics` server on hyper 1, on a thread of its own |
//! | `push` | no | [`push::Pusher`]: the Pushgateway client (ureq): push, push-add, delete, periodic push |
//! | `tls` | no | HTTPS for the standalone server (`ServerOptions::tls_pem` and friends) and for `https://` Pushgateways (rustls, ring) |
//! | `axum` | no | `http::axum`: the endpoint as an axum 0.8 route |
//! | `hyper` | no | `http::hyper`: the endpoint as a hyper 1 `Service` |
//! | `tower` | no | `http::tower::HttpMetricsLayer`: request metrics for axum, tonic and hyper services |
//! | `metrics-facade` | no | `facade::FacadeRecorder`: the `metrics` facade's macros of any crate land in the one registry |
//! | `catalog` | no | `catalog`: every metric of the program as Markdown or JSON, and a Grafana dashboard |
//! | `process` | no | the standard `process_*` metrics (CPU, memory, file descriptors, start time), read from `/proc` at scrape time |
//!
//! In the docs built with every feature (docs.rs, or `RUSTDOCFLAGS="--cfg docsrs" cargo +nightly
//! doc --all-features`), each item that needs a feature says which.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets this crate use `#[metric]`, whose expansion names `::metrics_core`.
extern crate self as metrics_core;

#[cfg(feature = "catalog")]
#[cfg_attr(docsrs, doc(cfg(feature = "catalog")))]
pub mod catalog;
mod desc;
#[cfg(any(feature = "tower", feature = "metrics-facade"))]
mod dynamic;
pub mod encoding;
mod error;
#[cfg(feature = "metrics-facade")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics-facade")))]
pub mod facade;
pub mod http;
mod labels;
mod metrics;
mod own;
#[cfg(feature = "push")]
#[cfg_attr(docsrs, doc(cfg(feature = "push")))]
pub mod push;
mod registry;
mod sync;
pub mod testing;

/// Declares a metric: see the [crate documentation](crate).
pub use metrics_macros::metric;

/// Derives [`LabelValue`] for a fieldless enum: see the trait.
pub use metrics_macros::LabelValue;

/// Derives [`LabelSet`] for a struct of label values: see the trait.
pub use metrics_macros::LabelSet;

/// Times every call of a function into a [`Histogram`] or [`Summary`], in seconds.
///
/// `#[timed(METRIC)]`, or `#[timed(METRIC, labels = ["value", ...])]` for a `HistogramVec` /
/// `SummaryVec` (the values of its labels, any `&str` expressions). It works on `fn` and
/// `async fn`, free or in an `impl`: the timer starts when the body starts and observes when
/// the body ends, on every return path, when a panic unwinds through it, and, for an
/// `async fn`, when its future completes or is dropped before completing (a cancelled
/// request is timed up to the cancellation).
///
/// ```
/// use metrics_core::{metric, timed, Histogram, HistogramVec};
///
/// /// Time to look a user up.
/// #[metric(buckets = [0.001, 0.01, 0.1])]
/// static USER_LOOKUP_SECONDS: Histogram;
///
/// /// Time to handle a request, by route.
/// #[metric(labels = ["route"])]
/// static ROUTE_SECONDS: HistogramVec;
///
/// #[timed(USER_LOOKUP_SECONDS)]
/// fn lookup(id: u32) -> Option<String> {
///     if id == 0 {
///         return None;
///     }
///     Some(format!("user {id}"))
/// }
///
/// #[timed(ROUTE_SECONDS, labels = ["/users"])]
/// async fn get_user(id: u32) -> Option<String> {
///     lookup(id)
/// }
///
/// # fn main() {
/// lookup(0);
/// lookup(7);
/// assert_eq!(USER_LOOKUP_SECONDS.get_sample_count(), 2);
/// # let _ = get_user(1);
/// # }
/// ```
pub use metrics_macros::timed;

/// Counts the errors a `Result`-returning function returns, by kind, in an `IntCounterVec`
/// whose last label is the kind.
///
/// `#[count_errors(METRIC)]`, or `#[count_errors(METRIC, labels = ["value", ...])]` with the
/// values of the labels before the kind. The kind is [`ErrorKind::error_kind`] of the error
/// (`#[derive(ErrorKind)]` names each variant in snake_case). `fn` and `async fn` alike; the
/// body runs in a closure (an async block), so `return` and `?` work as written. Two
/// signatures cannot be instrumented this way (count by hand there): a return type with
/// `impl Trait` in it, and a sync fn whose result borrows from an argument passed by value.
///
/// ```
/// use metrics_core::{count_errors, metric, ErrorKind, IntCounterVec};
///
/// /// Failed user lookups, by route and error kind.
/// #[metric(labels = ["route", "kind"])]
/// static LOOKUP_ERRORS_TOTAL: IntCounterVec;
///
/// #[derive(Debug, ErrorKind)]
/// enum LookupError {
///     NotFound,
///     InvalidId(u32),
/// }
///
/// #[count_errors(LOOKUP_ERRORS_TOTAL, labels = ["/users"])]
/// fn lookup(id: u32) -> Result<String, LookupError> {
///     if id == 0 {
///         return Err(LookupError::InvalidId(id));
///     }
///     let name = (id < 100).then(|| format!("user {id}")).ok_or(LookupError::NotFound)?;
///     Ok(name)
/// }
///
/// # fn main() {
/// lookup(0).unwrap_err();
/// lookup(500).unwrap_err();
/// lookup(7).unwrap();
/// assert_eq!(LOOKUP_ERRORS_TOTAL.with_label_values(&["/users", "invalid_id"]).get(), 1);
/// assert_eq!(LOOKUP_ERRORS_TOTAL.with_label_values(&["/users", "not_found"]).get(), 1);
/// # }
/// ```
pub use metrics_macros::count_errors;

/// Puts a subsystem between the crate's namespace and the name of every `#[metric]` in an
/// inline module (nested modules included), as `subsystem = "..."` on each would.
///
/// ```
/// #[metrics_core::subsystem("trunk")]
/// mod trunk {
///     use metrics_core::{metric, IntCounter, IntGauge};
///
///     /// SIP registrations sent.
///     #[metric]
///     pub static REGISTRATIONS_TOTAL: IntCounter;
///
///     /// Channels open on the trunk.
///     #[metric(name = "open_channels")]
///     pub static CHANNELS: IntGauge;
/// }
///
/// # fn main() {
/// trunk::REGISTRATIONS_TOTAL.inc();
/// let names: Vec<&str> = metrics_core::registry().families().map(|f| f.desc().name).collect();
/// assert!(names.contains(&"trunk_registrations_total"));
/// assert!(names.contains(&"trunk_open_channels"));
/// # }
/// ```
///
/// Only an inline module (`mod trunk { ... }`) can take it; in a module of its own file,
/// give each metric `subsystem = "trunk"`.
pub use metrics_macros::subsystem;

/// Implements [`ErrorKind`](trait@ErrorKind) for an enum: each variant's name in snake_case.
pub use metrics_macros::ErrorKind;

pub use crate::desc::{Descriptor, Objective, Options};
pub use crate::encoding::negotiate::{Format, accepts_gzip};
pub use crate::encoding::openmetrics::OPENMETRICS_CONTENT_TYPE;
pub use crate::encoding::protobuf::PROTOBUF_CONTENT_TYPE;
pub use crate::encoding::text::TEXT_CONTENT_TYPE;
pub use crate::encoding::{NativeBuckets, NativeSample};
pub use crate::error::Error;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use crate::http::standalone::{Server, ServerOptions, serve, serve_endpoint, serve_with};
pub use crate::labels::family::Family;
pub use crate::labels::series_ref::SeriesRef;
pub use crate::labels::typed::{LabelSet, LabelValue, MAX_CLOSED_SERIES, closed_len};
pub use crate::labels::vec::{
    CounterVec, DEFAULT_MAX_SERIES, GaugeVec, HistogramVec, IntCounterVec, IntGaugeVec, MetricVec,
    NativeHistogramVec, OVERFLOW_LABEL_VALUE, SummaryVec,
};
pub use crate::metrics::callback::{CounterFn, GaugeFn, IntoSample};
pub use crate::metrics::counter::{Counter, IntCounter};
pub use crate::metrics::exemplar::{EXEMPLAR_MIN_INTERVAL_SECONDS, MAX_EXEMPLAR_LABEL_CHARS};
pub use crate::metrics::gauge::{Gauge, IntGauge};
pub use crate::metrics::histogram::{DEFAULT_BUCKETS, Histogram};
pub use crate::metrics::info::Info;
pub use crate::metrics::inprogress::InProgress;
pub use crate::metrics::instrument::ErrorKind;
pub use crate::metrics::metric::{Collect, LabelValues, Metric, MetricType};
pub use crate::metrics::native_histogram::{MAX_SCHEMA, MIN_SCHEMA, NativeHistogram};
pub use crate::metrics::stateset::{Named, StateSet, States};
pub use crate::metrics::summary::{SUMMARY_BUFFER, Summary};
pub use crate::metrics::timer::{Observer, Timer};
pub use crate::registry::{Registry, registry};
#[cfg(loom)]
#[doc(hidden)]
pub use crate::sync::set_loom_clock as __set_loom_clock;

/// The naming rules `#[metric]` checks declarations with, for names made at run time: valid
/// metric and label names, OpenMetrics family names, units, snake_case and promtool's lint.
pub use metrics_naming as naming;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
