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
//! - `labels`: label names, for the `*Vec` types (required there, refused elsewhere). The
//!   declared `IntCounterVec` becomes `IntCounterVec<N>` for `N` labels, so
//!   `with_label_values` checks the number of values at compile time.
//! - `buckets`: histogram bucket bounds: numbers, `linear(start, width, count)` or
//!   `exponential(start, factor, count)`; [`DEFAULT_BUCKETS`] if absent.
//! - The help text is the first paragraph of the doc comment, which is required.
//!
//! A metric is declared at module level (in any module, including `#[cfg(test)] mod tests`),
//! never inside a fn body, closure or const block: there the build fails with "non-statement
//! macro in statement position: ...metric_must_be_declared_at_module_level_not_inside_a_fn_or_block".
//! Doctests are wrapped in `fn main` unless they write one, so a doctest that declares a metric
//! writes its own `fn main() { ... }` (it can be hidden with `# `).
//!
//! # Checked when the program is built
//!
//! - The name, labels, buckets and doc comment are checked by the attribute, with promtool's
//!   naming rules (`_total` on counters only, base units, no abbreviated units, snake_case, no
//!   type name in the name, `le`/`quantile` reserved): the error points at the name or label
//!   and says what to write instead.
//! - The same metric name twice in one crate fails `cargo check`: "the name
//!   `metric_named_NAME` is defined multiple times".
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
mod error;
mod gauge;
mod histogram;
pub mod http;
mod info;
mod inprogress;
mod interop;
mod metric;
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
mod stateset;
mod summary;
mod text;
mod timer;
mod vec;

/// Declares a metric: see the [crate documentation](crate).
pub use metrics_macros::metric;

pub use crate::callback::{CounterFn, GaugeFn, IntoSample};
pub use crate::counter::{Counter, IntCounter};
pub use crate::desc::{Descriptor, Objective, Options};
pub use crate::error::Error;
pub use crate::gauge::{Gauge, IntGauge};
pub use crate::histogram::{DEFAULT_BUCKETS, Histogram};
pub use crate::http::standalone::{Server, serve, serve_endpoint};
pub use crate::info::Info;
pub use crate::inprogress::InProgress;
pub use crate::metric::{Collect, Metric, MetricType};
pub use crate::negotiate::{Format, PROTOBUF_CONTENT_TYPE, accepts_gzip};
pub use crate::openmetrics::OPENMETRICS_CONTENT_TYPE;
pub use crate::registry::{Registry, registry};
pub use crate::stateset::StateSet;
pub use crate::summary::{SUMMARY_BUFFER, Summary};
pub use crate::text::TEXT_CONTENT_TYPE;
pub use crate::timer::{Observer, Timer};
pub use crate::vec::{
    CounterVec, DEFAULT_MAX_SERIES, GaugeVec, HistogramVec, IntCounterVec, IntGaugeVec, MetricVec,
    OVERFLOW_LABEL_VALUE, SummaryVec,
};

/// The `prometheus` crate's protobuf data model, which [`Registry::gather`] returns.
pub use prometheus::proto;

/// What the code generated by `#[metric]` refers to. Not a public API: it changes with the
/// macro, which always comes in the same version.
#[doc(hidden)]
pub mod __private {
    pub use crate::build_info::BuildInfo;
    pub use crate::callback::IntoSample;
    pub use crate::desc::{Descriptor, Objective, Options};
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
}
