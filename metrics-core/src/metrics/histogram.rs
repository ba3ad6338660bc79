//! Histograms: observations counted into buckets.

use std::sync::OnceLock;

use prometheus::proto;

use crate::encoding::openmetrics;
use crate::encoding::text::{write_bucket, write_f64, write_sample_prefix, write_u64};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::created::Created;
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
        Ok(())
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
    fn observe_seconds(&self, seconds: f64) {
        self.observe(seconds);
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

    fn __encode_text(&self, name: &str, labels: &str, out: &mut String) {
        let cumulative = self.cumulative_counts();
        let bounds = self.desc.buckets.iter().copied().chain([f64::INFINITY]);
        for (bound, count) in bounds.zip(&cumulative) {
            write_bucket(out, name, labels, bound, *count);
        }
        write_sample_prefix(out, name, "_sum", labels);
        write_f64(out, self.get_sample_sum());
        out.push('\n');
        write_sample_prefix(out, name, "_count", labels);
        write_u64(out, cumulative.last().copied().unwrap_or(0));
        out.push('\n');
    }

    fn __encode_openmetrics(&self, name: &str, labels: &str, out: &mut String) {
        let cumulative = self.cumulative_counts();
        let bounds = self.desc.buckets.iter().copied().chain([f64::INFINITY]);
        for (bound, count) in bounds.zip(&cumulative) {
            openmetrics::write_bucket(out, name, labels, bound, *count);
        }
        write_sample_prefix(out, name, "_count", labels);
        write_u64(out, cumulative.last().copied().unwrap_or(0));
        out.push('\n');
        write_sample_prefix(out, name, "_sum", labels);
        write_f64(out, self.get_sample_sum());
        out.push('\n');
        openmetrics::write_created(out, name, labels, self.created.get());
    }

    fn __to_proto(&self, labels: Vec<proto::LabelPair>) -> proto::Metric {
        let cumulative = self.cumulative_counts();
        let mut histogram = proto::Histogram::default();
        histogram.set_sample_count(cumulative.last().copied().unwrap_or(0));
        histogram.set_sample_sum(self.get_sample_sum());
        // The protobuf form leaves `+Inf` implicit: it is the sample count.
        histogram.set_bucket(
            self.desc
                .buckets
                .iter()
                .zip(&cumulative)
                .map(|(bound, count)| {
                    let mut bucket = proto::Bucket::default();
                    bucket.set_upper_bound(*bound);
                    bucket.set_cumulative_count(*count);
                    bucket
                })
                .collect(),
        );
        let mut metric = proto::Metric::from_label(labels);
        metric.set_histogram(histogram);
        metric
    }
}

impl_collect_for_metric!(Histogram);
