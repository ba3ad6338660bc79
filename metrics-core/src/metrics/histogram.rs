//! Histograms: observations counted into buckets.

use std::sync::OnceLock;

use crate::encoding::{Encoder, HistogramSample, Labels, NativeSample};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::created::Created;
use crate::metrics::exemplar::{self, ExemplarSlot};
use crate::metrics::metric::{impl_collect_for_metric, sealed};
use crate::metrics::timer::{Observer, Timer};
use crate::own::rejected;
use crate::sync::{AtomicU64, Ordering, const_fn};
use crate::{Descriptor, Error, Metric, MetricType};

/// The buckets a histogram gets when `#[metric]` is given none: the Prometheus clients'
/// defaults, tuned for request latencies in seconds.
pub const DEFAULT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A histogram: counts observations into buckets and keeps their sum, e.g. request durations.
///
/// Buckets come from `#[metric(buckets = [...])]` (checked at compile time: finite, strictly
/// increasing) or are [`DEFAULT_BUCKETS`]. The `+Inf` bucket is implicit.
///
/// ```
/// use metrics_core::{metric, Histogram};
///
/// /// Time to answer a voice call.
/// #[metric(buckets = [0.5, 1.0, 2.0, 5.0])]
/// static VOICE_ANSWER_DELAY_SECONDS: Histogram;
///
/// # fn main() {
/// VOICE_ANSWER_DELAY_SECONDS.observe(0.8);
/// VOICE_ANSWER_DELAY_SECONDS.observe(7.0);
/// assert_eq!(VOICE_ANSWER_DELAY_SECONDS.get_sample_count(), 2);
/// assert_eq!(VOICE_ANSWER_DELAY_SECONDS.get_sample_sum(), 7.8);
/// # }
/// ```
pub struct Histogram {
    desc: &'static Descriptor,
    /// Per-bucket (not cumulative) counts, one more than `desc.buckets` for `+Inf`. Allocated on
    /// first use because a `static` cannot allocate.
    counts: OnceLock<Box<[AtomicU64]>>,
    sum: AtomicF64,
    /// When the histogram started from zero, for OpenMetrics' `_created`.
    created: Created,
    /// The recent exemplar of each bucket, allocated with the first exemplar.
    exemplars: OnceLock<Box<[ExemplarSlot]>>,
}

impl Histogram {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            Histogram {
                desc,
                counts: OnceLock::new(),
                sum: AtomicF64::zero(),
                created: Created::with_process(),
                exemplars: OnceLock::new(),
            }
        }
    }

    #[inline]
    fn counts(&self) -> &[AtomicU64] {
        self.counts.get_or_init(|| {
            (0..=self.desc.buckets.len())
                .map(|_| AtomicU64::new(0))
                .collect()
        })
    }

    /// Records one observation. NaN belongs in no bucket, so it is not recorded: it is counted
    /// in `metrics_core_rejected_samples_total` instead. Use [`try_observe`](Self::try_observe)
    /// to get the error back.
    #[inline]
    pub fn observe(&self, value: f64) {
        if let Err(error) = self.try_observe(value) {
            rejected::record(&error);
        }
    }

    /// Records one observation, or returns [`Error::InvalidValue`] for NaN.
    #[inline]
    pub fn try_observe(&self, value: f64) -> Result<(), Error> {
        self.observe_into_bucket(value).map(|_| ())
    }

    /// Records one observation and keeps `exemplar` (label pairs such as
    /// `[("trace_id", id)]`) as the recent exemplar of the bucket it falls in, exposed in
    /// OpenMetrics and protobuf, never in the text format 0.0.4.
    ///
    /// The observation is recorded even when the exemplar is refused (labels longer than
    /// [`MAX_EXEMPLAR_LABEL_CHARS`](crate::MAX_EXEMPLAR_LABEL_CHARS) characters, or an invalid
    /// label name): the error says so. NaN is refused as by
    /// [`try_observe`](Self::try_observe). A bucket's exemplar is replaced once it is
    /// [`EXEMPLAR_MIN_INTERVAL_SECONDS`](crate::EXEMPLAR_MIN_INTERVAL_SECONDS) old.
    ///
    /// ```
    /// use metrics_core::{metric, Histogram};
    ///
    /// /// Time to set up a voice call.
    /// #[metric(buckets = [0.5, 1.0])]
    /// static DOC_CALL_SETUP_SECONDS: Histogram;
    ///
    /// # fn main() {
    /// DOC_CALL_SETUP_SECONDS.observe_with_exemplar(0.7, &[("trace_id", "0af7651916cd43dd")]).unwrap();
    /// let text = metrics_core::registry().render_openmetrics();
    /// assert!(text.contains(
    ///     "doc_call_setup_seconds_bucket{le=\"1.0\"} 1 # {trace_id=\"0af7651916cd43dd\"} 0.7 "
    /// ));
    /// # }
    /// ```
    #[inline]
    pub fn observe_with_exemplar(
        &self,
        value: f64,
        exemplar: &[(&str, &str)],
    ) -> Result<(), Error> {
        let bucket = self.observe_into_bucket(value)?;
        let slots = self.exemplars.get_or_init(|| {
            (0..=self.desc.buckets.len())
                .map(|_| ExemplarSlot::default())
                .collect()
        });
        exemplar::record(&slots[bucket], self.desc.name, exemplar, value)
    }

    /// Records one observation with the current OpenTelemetry span's `trace_id` and `span_id`
    /// as its exemplar (feature `otel`; the span is `tracing`'s current one, linked to
    /// OpenTelemetry by `tracing-opentelemetry`). Outside such a span it is a plain
    /// [`try_observe`](Self::try_observe). Timers and `#[timed]` observe this way when the
    /// feature is on, so a traced handler gets exemplars without code.
    #[cfg(feature = "otel")]
    pub fn observe_with_current_trace(&self, value: f64) -> Result<(), Error> {
        crate::metrics::trace_exemplar::with_current_trace(|exemplar| match exemplar {
            Some(exemplar) => self.observe_with_exemplar(value, exemplar),
            None => self.try_observe(value),
        })
    }

    /// Records one observation and returns the index of its bucket.
    #[inline]
    fn observe_into_bucket(&self, value: f64) -> Result<usize, Error> {
        if value.is_nan() {
            return Err(Error::InvalidValue {
                metric: self.desc.name,
                value,
                reason: "a histogram cannot observe NaN",
            });
        }
        // A value equal to a bound belongs to that bound's bucket (`le` is "less or equal").
        let bucket = self.desc.buckets.partition_point(|bound| *bound < value);
        self.counts()[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum.add(value);
        Ok(bucket)
    }

    /// Starts a [`Timer`] that observes the elapsed seconds into this histogram when dropped.
    pub fn start_timer(&self) -> Timer<'_> {
        Timer::new(self)
    }

    /// Runs `f` and observes how many seconds it took.
    pub fn observe_closure_duration<T>(&self, f: impl FnOnce() -> T) -> T {
        let _timer = self.start_timer();
        f()
    }

    /// How many observations were recorded.
    pub fn get_sample_count(&self) -> u64 {
        self.counts()
            .iter()
            .map(|count| count.load(Ordering::Relaxed))
            .sum()
    }

    /// The sum of all observations.
    pub fn get_sample_sum(&self) -> f64 {
        self.sum.get()
    }

    /// Sets every bucket, the count and the sum back to zero, as a process restart would.
    pub fn reset(&self) {
        for count in self.counts() {
            count.store(0, Ordering::Relaxed);
        }
        self.sum.set(0.0);
        self.created.reset();
        for slot in self.exemplars.get().into_iter().flatten() {
            slot.clear();
        }
    }

    /// The bucket upper bounds, without the implicit `+Inf`.
    pub fn buckets(&self) -> &'static [f64] {
        self.desc.buckets
    }

    /// Cumulative counts, one per bound and a last one for `+Inf` (equal to the sample count).
    ///
    /// The `+Inf` bucket and `_count` come from the same loads, so a scrape that races with
    /// `observe` still shows them equal.
    pub fn cumulative_counts(&self) -> Vec<u64> {
        let mut total = 0;
        self.counts()
            .iter()
            .map(|count| {
                total += count.load(Ordering::Relaxed);
                total
            })
            .collect()
    }
}

impl Observer for Histogram {
    #[cfg(not(feature = "otel"))]
    fn observe_seconds(&self, seconds: f64) {
        self.observe(seconds);
    }

    #[cfg(feature = "otel")]
    fn observe_seconds(&self, seconds: f64) {
        // A trace context always fits the exemplar limit: only the value can be refused.
        if let Err(error @ Error::InvalidValue { .. }) = self.observe_with_current_trace(seconds) {
            rejected::record(&error);
        }
    }
}

impl sealed::Sealed for Histogram {}

impl Metric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;

    fn __new_child(desc: &'static Descriptor) -> Self {
        Histogram {
            created: Created::now(),
            ..Histogram::__new(desc)
        }
    }

    fn __reset(&self) {
        self.reset();
    }

    fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
        self.describe(labels, encoder, None);
    }
}

impl Histogram {
    /// Describes this series to `encoder`, with the native buckets of a
    /// [`NativeHistogram`](crate::NativeHistogram) when it is the classic part of one.
    pub(crate) fn describe(
        &self,
        labels: &Labels<'_>,
        encoder: &mut dyn Encoder,
        native: Option<&NativeSample>,
    ) {
        let cumulative = self.cumulative_counts();
        encoder.histogram(
            labels,
            &HistogramSample {
                bounds: self.desc.buckets,
                cumulative: &cumulative,
                sum: self.get_sample_sum(),
                created: Some(self.created.get()),
                exemplars: self.exemplars.get().map_or(&[], |slots| &slots[..]),
                native,
            },
        );
    }
}

impl_collect_for_metric!(Histogram);
