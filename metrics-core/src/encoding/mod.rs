//! One encoder interface, three exposition formats.
//!
//! Every metric type describes its samples once, to an [`Encoder`]: a counter gives its value,
//! creation time and exemplar, a histogram its bounds, cumulative counts, sum, creation time,
//! exemplars and native buckets, and so on. No metric type knows a format. The formats are
//! encoders of that description:
//!
//! - [`text`]: the Prometheus text format 0.0.4,
//! - [`openmetrics`]: OpenMetrics 1.0.0 text,
//! - [`protobuf`]: length-delimited `io.prometheus.client.MetricFamily` messages of
//!   [`proto`], this crate's own model of `metrics.proto`.
//!
//! Families of collectors written for the `prometheus` crate (see
//! [`Registry::register`](crate::Registry::register)) are fed to the same encoders.
//!
//! An encoder is called as: [`family`](Encoder::family), then one call per series
//! ([`counter`](Encoder::counter), [`gauge`](Encoder::gauge), ...), then the next family, and
//! [`finish`](Encoder::finish) once at the end.

pub(crate) mod interop;
pub(crate) mod negotiate;
pub mod openmetrics;
pub mod protobuf;
pub(crate) mod series_labels;
pub mod text;

/// This crate's protobuf model of the exposition, generated from the `io.prometheus.client`
/// `metrics.proto` (vendored next to it) by prost-build; `tests/test_proto_model.rs` checks
/// that it is up to date.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto {
    include!("proto/io.prometheus.client.rs");
}

use crate::MetricType;
pub use crate::metrics::exemplar::{Exemplar, ExemplarSlot};

/// Receives the samples of every family of an exposition, in order.
///
/// Object safe: a [`Collect`](crate::Collect) family describes itself to `&mut dyn Encoder`.
pub trait Encoder {
    /// Starts a family: its exposed name (the text format's, e.g. `voice_calls_total`), help
    /// text and type. Every call until the next `family` is one of its series.
    fn family(&mut self, name: &str, help: &str, metric_type: MetricType);

    /// One series of a counter family.
    fn counter(&mut self, labels: &Labels<'_>, sample: &CounterSample<'_>);

    /// One series of a gauge family, or the sample of an info, state set or untyped family.
    fn gauge(&mut self, labels: &Labels<'_>, value: Value);

    /// One series of a histogram family.
    fn histogram(&mut self, labels: &Labels<'_>, sample: &HistogramSample<'_>);

    /// One series of a summary family.
    fn summary(&mut self, labels: &Labels<'_>, sample: &SummarySample<'_>);

    /// Ends the exposition (OpenMetrics writes `# EOF`).
    fn finish(&mut self);
}

/// A sample value, kept as the type the metric counts in, so that each format writes it
/// exactly (an `IntCounter` past 2^53 stays exact in the text formats).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// An unsigned integer (integer counters).
    Unsigned(u64),
    /// A signed integer (integer gauges).
    Signed(i64),
    /// A float.
    Float(f64),
}

impl Value {
    /// The value as a float, as protobuf carries it.
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Unsigned(value) => value as f64,
            Value::Signed(value) => value as f64,
            Value::Float(value) => value,
        }
    }
}

/// The labels of one series, in both forms the encoders need: rendered once when the series
/// was created (`a="x",b="y"`, values escaped, constant labels first) for the text formats,
/// and as name/value pairs, produced on demand, for protobuf.
pub struct Labels<'a> {
    rendered: &'a str,
    pairs: &'a LabelPairs<'a>,
}

/// Calls its argument with each label's name and value, in order.
pub type LabelPairs<'a> = dyn Fn(&mut dyn FnMut(&str, &str)) + 'a;

impl<'a> Labels<'a> {
    /// Labels rendered as `rendered`, whose pairs `pairs` calls its argument with, in the same
    /// order.
    pub fn new(rendered: &'a str, pairs: &'a LabelPairs<'a>) -> Self {
        Labels { rendered, pairs }
    }

    /// `name="value",...` without braces; empty for a series without labels.
    pub fn rendered(&self) -> &str {
        self.rendered
    }

    /// Calls `f` with each label's name and (unescaped) value, in order.
    pub fn for_each(&self, mut f: impl FnMut(&str, &str)) {
        (self.pairs)(&mut f);
    }
}

/// One counter series.
pub struct CounterSample<'a> {
    /// The count.
    pub value: Value,
    /// When the series started from zero, in seconds since the Unix epoch (OpenMetrics
    /// `_created`, protobuf `created_timestamp`); `None` where it is not known.
    pub created: Option<f64>,
    /// The counter's recent exemplar, if it keeps one.
    pub exemplar: Option<&'a ExemplarSlot>,
}

/// One histogram series.
pub struct HistogramSample<'a> {
    /// The finite bucket upper bounds, increasing.
    pub bounds: &'a [f64],
    /// Cumulative counts: one per bound, then the `+Inf` bucket, which is the sample count.
    pub cumulative: &'a [u64],
    /// The sum of the observations.
    pub sum: f64,
    /// When the series started from zero (seconds since the Unix epoch), if known.
    pub created: Option<f64>,
    /// The recent exemplar of each bucket (as many as `cumulative`), or empty.
    pub exemplars: &'a [ExemplarSlot],
    /// The exponential buckets of a [`NativeHistogram`](crate::NativeHistogram): only
    /// protobuf has a place for them.
    pub native: Option<&'a NativeSample>,
}

impl HistogramSample<'_> {
    /// The sample count: the `+Inf` bucket.
    pub fn count(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The exemplar of bucket `index`, if there is one.
    pub(crate) fn exemplar(&self, index: usize) -> Option<&ExemplarSlot> {
        self.exemplars.get(index)
    }
}

/// One summary series.
pub struct SummarySample<'a> {
    /// `(quantile, value)` pairs, by increasing quantile.
    pub quantiles: &'a [(f64, f64)],
    /// The sum of the observations.
    pub sum: f64,
    /// How many observations there were.
    pub count: u64,
    /// When the series started from zero (seconds since the Unix epoch), if known.
    pub created: Option<f64>,
}

/// Reads an exemplar slot for an encoder: `f` gets the exemplar, if the slot holds one.
pub(crate) fn with_exemplar<R>(
    slot: Option<&ExemplarSlot>,
    f: impl FnOnce(Option<&Exemplar>) -> R,
) -> R {
    match slot {
        Some(slot) => slot.read(f),
        None => f(None),
    }
}

/// The native part of one histogram series at a scrape, for the encoders.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeSample {
    /// The resolution: `2^schema` buckets per power of two.
    pub schema: i8,
    /// Values whose absolute value is at most this are in the zero bucket.
    pub zero_threshold: f64,
    /// Observations in the zero bucket.
    pub zero_count: u64,
    /// Buckets of positive values.
    pub positive: NativeBuckets,
    /// Buckets of negative values (by absolute value).
    pub negative: NativeBuckets,
}

impl NativeSample {
    /// Every observation: the zero bucket's and every other bucket's.
    pub fn count(&self) -> u64 {
        self.zero_count + self.positive.total() + self.negative.total()
    }
}

/// Consecutive native buckets: `counts[k]` is bucket `offset + k`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NativeBuckets {
    /// The index of the first bucket.
    pub offset: i32,
    /// The count of each bucket from `offset` on (zeros included).
    pub counts: Vec<u64>,
}

impl NativeBuckets {
    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    pub(crate) fn populated(&self) -> Vec<(i32, u64)> {
        (self.offset..)
            .zip(&self.counts)
            .filter(|(_, count)| **count > 0)
            .map(|(index, count)| (index, *count))
            .collect()
    }
}
