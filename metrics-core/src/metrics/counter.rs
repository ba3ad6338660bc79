//! Counters: values that only go up.

use prometheus::proto;

use crate::encoding::openmetrics::{counter_sample_name, write_created};
use crate::encoding::text::{write_f64, write_sample_prefix, write_u64};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::created::Created;
use crate::metrics::metric::{impl_collect_for_metric, sealed};
use crate::own::rejected;
use crate::sync::{AtomicU64, Ordering, const_fn};
use crate::{Descriptor, Error, Metric, MetricType};

/// A floating-point counter: a value that only goes up, e.g. seconds of CPU spent.
///
/// Declare it with `#[metric]`; the name must end in `_total`.
///
/// ```
/// use metrics_core::{metric, Counter};
///
/// /// Seconds spent transcoding audio.
/// #[metric]
/// static TRANSCODE_SECONDS_TOTAL: Counter;
/// # fn main() {
///
/// TRANSCODE_SECONDS_TOTAL.inc_by(0.25);
/// assert_eq!(TRANSCODE_SECONDS_TOTAL.get(), 0.25);
/// # }
/// ```
pub struct Counter {
    desc: &'static Descriptor,
    value: AtomicF64,
    /// When the counter last started from zero, for OpenMetrics' `_created`.
    created: Created,
}

impl Counter {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            Counter {
                desc,
                value: AtomicF64::zero(),
                created: Created::with_process(),
            }
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.add(1.0);
    }

    /// Adds `delta`. A negative or NaN `delta` would break the counter's promise, so it is not
    /// added: it is counted in `metrics_core_rejected_samples_total{metric=..., reason=...}`
    /// instead, where a dashboard can see it. Use [`try_inc_by`](Self::try_inc_by) to get the
    /// error back.
    #[inline]
    pub fn inc_by(&self, delta: f64) {
        if let Err(error) = self.try_inc_by(delta) {
            rejected::record(&error);
        }
    }

    /// Adds `delta`, or returns [`Error::InvalidValue`] when it is negative or NaN.
    #[inline]
    pub fn try_inc_by(&self, delta: f64) -> Result<(), Error> {
        if delta < 0.0 || delta.is_nan() {
            return Err(Error::InvalidValue {
                metric: self.desc.name,
                value: delta,
                reason: if delta.is_nan() {
                    "a counter cannot add NaN"
                } else {
                    "a counter cannot go down"
                },
            });
        }
        self.value.add(delta);
        Ok(())
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> f64 {
        self.value.get()
    }

    /// Sets the value back to zero, as a process restart would.
    pub fn reset(&self) {
        self.value.set(0.0);
        self.created.reset();
    }
}

impl sealed::Sealed for Counter {}

impl Metric for Counter {
    const TYPE: MetricType = MetricType::Counter;

    fn __new_child(desc: &'static Descriptor) -> Self {
        Counter {
            created: Created::now(),
            ..Counter::__new(desc)
        }
    }

    fn __reset(&self) {
        self.reset();
    }

    fn __encode_text(&self, name: &str, labels: &str, out: &mut String) {
        write_sample_prefix(out, name, "", labels);
        write_f64(out, self.get());
        out.push('\n');
    }

    fn __encode_openmetrics(&self, name: &str, labels: &str, out: &mut String) {
        let (family, suffix) = counter_sample_name(name);
        write_sample_prefix(out, family, suffix, labels);
        write_f64(out, self.get());
        out.push('\n');
        write_created(out, family, labels, self.created.get());
    }

    fn __to_proto(&self, labels: Vec<proto::LabelPair>) -> proto::Metric {
        let mut counter = proto::Counter::default();
        counter.set_value(self.get());
        let mut metric = proto::Metric::from_label(labels);
        metric.set_counter(counter);
        metric
    }
}

impl_collect_for_metric!(Counter);

/// An integer counter: a count of events that only goes up, e.g. calls handled.
///
/// `inc` is a single relaxed atomic add, the cost of a raw `AtomicU64`.
///
/// ```
/// use metrics_core::{metric, IntCounter};
///
/// /// Voice calls rejected before ringing.
/// #[metric]
/// static VOICE_CALLS_REJECTED_TOTAL: IntCounter;
/// # fn main() {
///
/// VOICE_CALLS_REJECTED_TOTAL.inc();
/// VOICE_CALLS_REJECTED_TOTAL.inc_by(2);
/// assert_eq!(VOICE_CALLS_REJECTED_TOTAL.get(), 3);
/// # }
/// ```
pub struct IntCounter {
    desc: &'static Descriptor,
    value: AtomicU64,
    /// When the counter last started from zero, for OpenMetrics' `_created`.
    created: Created,
}

impl IntCounter {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            IntCounter {
                desc,
                value: AtomicU64::new(0),
                created: Created::with_process(),
            }
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `delta`.
    #[inline]
    pub fn inc_by(&self, delta: u64) {
        self.value.fetch_add(delta, Ordering::Relaxed);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }

    /// Sets the value back to zero, as a process restart would.
    pub fn reset(&self) {
        self.value.store(0, Ordering::Relaxed);
        self.created.reset();
    }
}

impl sealed::Sealed for IntCounter {}

impl Metric for IntCounter {
    const TYPE: MetricType = MetricType::Counter;

    fn __new_child(desc: &'static Descriptor) -> Self {
        IntCounter {
            created: Created::now(),
            ..IntCounter::__new(desc)
        }
    }

    fn __reset(&self) {
        self.reset();
    }

    fn __encode_text(&self, name: &str, labels: &str, out: &mut String) {
        write_sample_prefix(out, name, "", labels);
        write_u64(out, self.get());
        out.push('\n');
    }

    fn __encode_openmetrics(&self, name: &str, labels: &str, out: &mut String) {
        let (family, suffix) = counter_sample_name(name);
        write_sample_prefix(out, family, suffix, labels);
        write_u64(out, self.get());
        out.push('\n');
        write_created(out, family, labels, self.created.get());
    }

    fn __to_proto(&self, labels: Vec<proto::LabelPair>) -> proto::Metric {
        let mut counter = proto::Counter::default();
        counter.set_value(self.get() as f64);
        let mut metric = proto::Metric::from_label(labels);
        metric.set_counter(counter);
        metric
    }
}

impl_collect_for_metric!(IntCounter);
