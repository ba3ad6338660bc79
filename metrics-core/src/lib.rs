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
//! never inside a fn body, closure or const block: there the build fails with "non-statement
//! macro in statement position: ...metric_must_be_declared_at_module_level_not_inside_a_fn_or_block".
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
//! - The same metric name twice in one crate fails `cargo check`: "the name
//!   `metric_named_FAMILY` is defined multiple times", FAMILY being the name without `_total`
//!   for a counter, so that a counter `x_total` and a gauge `x` (one OpenMetrics family) clash
//!   too.
//! - The same metric name in two crates of one program fails the link, in debug, release,
//!   thin and fat LTO: "duplicate symbol: metric `NAME` is defined twice ...". Unit-test builds
//!   (`cfg(test)`) skip that symbol, since a dev-dependency can link the crate under test twice.
//! - Anything that still reaches the registry twice is reported by [`Registry::check`] and
//!   [`Registry::duplicates`], naming both definitions.
//!
//! # Linking
//!
//! A crate that is only listed in `Cargo.toml` and never used is not linked, and its metrics
//! are not in the registry. Reference it from the binary: `use voice_metrics as _;`.

#![deny(missing_docs)]

// Lets this crate use `#[metric]`, whose expansion names `::metrics_core`.
extern crate self as metrics_core;

mod atomic;
mod build_info;
mod callback;
mod counter;
mod created;
mod desc;
pub mod encoding;
mod error;
mod exemplar;
mod family;
mod gauge;
mod histogram;
pub mod http;
mod info;
mod inprogress;
mod instrument;
mod interop;
mod label;
mod labels_check;
mod metric;
mod native_histogram;
mod negotiate;
mod openmetrics;
mod overflow;
#[cfg(feature = "process")]
mod process;
mod procfs;
pub mod push;
mod quantile;
mod registry;
mod rejected;
mod series;
mod stateset;
mod summary;
mod sync;
pub mod testing;
mod text;
mod timer;
#[cfg(feature = "otel")]
mod trace_exemplar;
mod vec;

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

pub use crate::callback::{CounterFn, GaugeFn, IntoSample};
pub use crate::counter::{Counter, IntCounter};
pub use crate::desc::{Descriptor, Objective, Options};
pub use crate::encoding::openmetrics::OPENMETRICS_CONTENT_TYPE;
pub use crate::encoding::protobuf::PROTOBUF_CONTENT_TYPE;
pub use crate::encoding::text::TEXT_CONTENT_TYPE;
pub use crate::error::Error;
pub use crate::exemplar::{EXEMPLAR_MIN_INTERVAL_SECONDS, MAX_EXEMPLAR_LABEL_CHARS};
pub use crate::family::Family;
pub use crate::gauge::{Gauge, IntGauge};
pub use crate::histogram::{DEFAULT_BUCKETS, Histogram};
pub use crate::http::standalone::{Server, ServerOptions, serve, serve_endpoint, serve_with};
pub use crate::info::Info;
pub use crate::inprogress::InProgress;
pub use crate::instrument::ErrorKind;
pub use crate::label::{LabelSet, LabelValue, MAX_CLOSED_SERIES, closed_len};
pub use crate::metric::{Collect, Metric, MetricType};
pub use crate::native_histogram::{
    MAX_SCHEMA, MIN_SCHEMA, NativeBuckets, NativeHistogram, NativeSample,
};
pub use crate::negotiate::{Format, accepts_gzip};
pub use crate::registry::{Registry, registry};
pub use crate::stateset::{Named, StateSet, States};
pub use crate::summary::{SUMMARY_BUFFER, Summary};
pub use crate::timer::{Observer, Timer};
pub use crate::vec::{
    CounterVec, DEFAULT_MAX_SERIES, GaugeVec, HistogramVec, IntCounterVec, IntGaugeVec, MetricVec,
    NativeHistogramVec, OVERFLOW_LABEL_VALUE, SummaryVec,
};

/// What the code generated by `#[metric]` refers to. Not a public API: it changes with the
/// macro, which always comes in the same version.
#[doc(hidden)]
pub mod __private {
    pub use crate::build_info::BuildInfo;
    pub use crate::callback::IntoSample;
    pub use crate::desc::{Descriptor, Objective, Options};
    pub use crate::instrument::{call_once, future_of};
    pub use crate::label::{
        __cardinality as cardinality, __closed_value as closed_value, __product as product,
        __radix as radix, closed_len,
    };
    pub use crate::labels_check::family_labels;
    pub use crate::registry::{Entry, METRICS};
    pub use linkme;

    /// `global_asm!` under a name that reads as the fix. `#[metric]` invokes it next to every
    /// static: at module level it is an item (and, on ELF targets, defines the metric's link
    /// symbol, see `metrics-macros`); inside a fn body, closure or const block rustc rejects it
    /// with "non-statement macro in statement position: ...metric_must_be_declared_at_module_level
    /// _not_inside_a_fn_or_block".
    #[cfg(any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv32",
        target_arch = "riscv64",
        target_arch = "loongarch64",
    ))]
    pub use core::arch::global_asm as metric_must_be_declared_at_module_level_not_inside_a_fn_or_block;

    /// The link-time and module-level checks of one `#[metric]` (see `metrics-macros`'
    /// `expand.rs`), here so that every expansion is one line instead of the target lists:
    /// the symbols each build exports, the ELF symbols defined in `global_asm!`, and the
    /// fallback where `global_asm!` is not stable. The `cfg`s are evaluated in the crate that
    /// declares the metric, so `cfg(test)` is that crate's.
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __metric_link_checks {
        (
            ident = $ident:ident,
            exports = [$($export:literal),*],
            asm = [$($asm:literal),*],
        ) => {
            $(
                #[cfg(not(test))]
                const _: () = {
                    #[used]
                    #[unsafe(export_name = $export)]
                    static __METRIC_NAME_IS_UNIQUE: u8 = 0;
                };
            )*

            #[cfg(all(
                any(
                    target_arch = "x86",
                    target_arch = "x86_64",
                    target_arch = "arm",
                    target_arch = "aarch64",
                    target_arch = "riscv32",
                    target_arch = "riscv64",
                    target_arch = "loongarch64",
                ),
                any(
                    target_os = "linux",
                    target_os = "android",
                    target_os = "freebsd",
                    target_os = "netbsd",
                    target_os = "openbsd",
                    target_os = "dragonfly",
                    target_os = "illumos",
                ),
                not(test),
            ))]
            $crate::__private::metric_must_be_declared_at_module_level_not_inside_a_fn_or_block!(
                $($asm),*
            );

            #[cfg(all(
                any(
                    target_arch = "x86",
                    target_arch = "x86_64",
                    target_arch = "arm",
                    target_arch = "aarch64",
                    target_arch = "riscv32",
                    target_arch = "riscv64",
                    target_arch = "loongarch64",
                ),
                not(all(
                    any(
                        target_os = "linux",
                        target_os = "android",
                        target_os = "freebsd",
                        target_os = "netbsd",
                        target_os = "openbsd",
                        target_os = "dragonfly",
                        target_os = "illumos",
                    ),
                    not(test),
                )),
            ))]
            $crate::__private::metric_must_be_declared_at_module_level_not_inside_a_fn_or_block!("");

            #[cfg(not(any(
                target_arch = "x86",
                target_arch = "x86_64",
                target_arch = "arm",
                target_arch = "aarch64",
                target_arch = "riscv32",
                target_arch = "riscv64",
                target_arch = "loongarch64",
            )))]
            const _: () = {
                let _ = &self::$ident;
            };
        };
    }
    #[doc(hidden)]
    pub use __metric_link_checks as link_checks;
}
