//! Gauges: values that go up and down.

use crate::encoding::{Encoder, Labels, Value};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::inprogress::InProgress;
use crate::metrics::metric::{impl_collect_for_metric, sealed};
use crate::sync::{AtomicI64, Ordering, const_fn};
use crate::{Descriptor, Metric, MetricType};

/// A floating-point gauge: a value that goes up and down, e.g. a temperature or a ratio.
///
/// Every `f64` is accepted, NaN and infinities included: the text format can carry them.
///
/// ```
/// use metrics_core::{metric, Gauge};
///
/// /// Mean opinion score of the last call, from 1 to 5.
/// #[metric]
/// static VOICE_LAST_CALL_MOS: Gauge;
///
/// # fn main() {
/// VOICE_LAST_CALL_MOS.set(4.5);
/// VOICE_LAST_CALL_MOS.sub(0.25);
/// assert_eq!(VOICE_LAST_CALL_MOS.get(), 4.25);
/// # }
/// ```
pub struct Gauge {
    desc: &'static Descriptor,
    value: AtomicF64,
}

impl Gauge {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            Gauge {
                desc,
                value: AtomicF64::zero(),
            }
        }
    }

    /// Sets the value.
    #[inline]
    pub fn set(&self, value: f64) {
        self.value.set(value);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.add(1.0);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.value.add(-1.0);
    }

    /// Adds `delta` (which may be negative).
    #[inline]
    pub fn add(&self, delta: f64) {
        self.value.add(delta);
    }

    /// Subtracts `delta`.
    #[inline]
    pub fn sub(&self, delta: f64) {
        self.value.add(-delta);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> f64 {
        self.value.get()
    }

    /// Sets the value to the current Unix time in seconds, e.g. for
    /// `..._last_success_timestamp_seconds`.
    pub fn set_to_current_time(&self) {
        self.set(crate::metrics::created::now());
    }

    /// Adds one now and subtracts it when the returned guard is dropped (also on an early
    /// return or a panic): see [`InProgress`].
    pub fn track_inprogress(&self) -> InProgress<'_> {
        InProgress::gauge(self)
    }
}

impl sealed::Sealed for Gauge {}

impl Metric for Gauge {
    const TYPE: MetricType = MetricType::Gauge;

    fn __new_child(desc: &'static Descriptor) -> Self {
        Gauge::__new(desc)
    }

    fn __reset(&self) {
        self.set(0.0);
    }

    #[inline]
    fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
        encoder.gauge(labels, Value::Float(self.get()));
    }
}

impl_collect_for_metric!(Gauge);

/// An integer gauge, e.g. calls in progress or queue length.
///
/// ```
/// use metrics_core::{metric, IntGauge};
///
/// /// Voice calls in progress.
/// #[metric]
/// static VOICE_ACTIVE_CALLS: IntGauge;
///
/// # fn main() {
/// VOICE_ACTIVE_CALLS.inc();
/// VOICE_ACTIVE_CALLS.inc();
/// VOICE_ACTIVE_CALLS.dec();
/// assert_eq!(VOICE_ACTIVE_CALLS.get(), 1);
/// # }
/// ```
pub struct IntGauge {
    desc: &'static Descriptor,
    value: AtomicI64,
}

impl IntGauge {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            IntGauge {
                desc,
                value: AtomicI64::new(0),
            }
        }
    }

    /// Sets the value.
    #[inline]
    pub fn set(&self, value: i64) {
        self.value.store(value, Ordering::Relaxed);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.value.fetch_sub(1, Ordering::Relaxed);
    }

    /// Adds `delta` (which may be negative).
    #[inline]
    pub fn add(&self, delta: i64) {
        self.value.fetch_add(delta, Ordering::Relaxed);
    }

    /// Subtracts `delta`.
    #[inline]
    pub fn sub(&self, delta: i64) {
        self.value.fetch_sub(delta, Ordering::Relaxed);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> i64 {
        self.value.load(Ordering::Relaxed)
    }

    /// Sets the value to the current Unix time in whole seconds.
    pub fn set_to_current_time(&self) {
        self.set(crate::metrics::created::now() as i64);
    }

    /// Adds one now and subtracts it when the returned guard is dropped (also on an early
    /// return or a panic): see [`InProgress`].
    pub fn track_inprogress(&self) -> InProgress<'_> {
        InProgress::int_gauge(self)
    }
}

impl sealed::Sealed for IntGauge {}

impl Metric for IntGauge {
    const TYPE: MetricType = MetricType::Gauge;

    fn __new_child(desc: &'static Descriptor) -> Self {
        IntGauge::__new(desc)
    }

    fn __reset(&self) {
        self.set(0);
    }

    #[inline]
    fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
        encoder.gauge(labels, Value::Signed(self.get()));
    }
}

impl_collect_for_metric!(IntGauge);
