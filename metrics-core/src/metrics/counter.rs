//! Counters: values that only go up.

use crate::encoding::{CounterSample, Encoder, Labels, Value};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::created::Created;
use crate::metrics::exemplar::LazySlot;
use crate::metrics::metric::{impl_collect_for_metric, sealed};
use crate::own::rejected;
use crate::sync::{AtomicU64, Ordering, const_fn};
use crate::{Descriptor, Error, Metric, MetricType};

/// The `Metric` side of both counter types, which differ only in how their value reads.
macro_rules! counter_metric {
    ($counter:ident, $value:ident) => {
        impl sealed::Sealed for $counter {}

        impl Metric for $counter {
            const TYPE: MetricType = MetricType::Counter;

            fn __new_child(desc: &'static Descriptor) -> Self {
                $counter {
                    created: Created::now(),
                    ..$counter::__new(desc)
                }
            }

            fn __reset(&self) {
                self.reset();
            }

            #[inline]
            fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
                encoder.counter(
                    labels,
                    &CounterSample {
                        value: Value::$value(self.get()),
                        created: Some(self.created.get()),
                        exemplar: self.exemplar.get(),
                    },
                );
            }
        }

        impl_collect_for_metric!($counter);
    };
}

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
    /// The recent exemplar, allocated with the first one.
    exemplar: LazySlot,
}

impl Counter {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            Counter {
                desc,
                value: AtomicF64::zero(),
                created: Created::with_process(),
                exemplar: LazySlot::new(),
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

    /// Adds `delta` and keeps `exemplar` (label pairs such as `[("trace_id", id)]`) as the
    /// counter's recent exemplar, exposed in OpenMetrics and protobuf.
    ///
    /// The increment is made even when the exemplar is refused (labels longer than
    /// [`MAX_EXEMPLAR_LABEL_CHARS`](crate::MAX_EXEMPLAR_LABEL_CHARS) characters, or an invalid
    /// label name): the error says so. A negative or NaN `delta` is refused as by
    /// [`try_inc_by`](Self::try_inc_by), with no exemplar.
    ///
    /// ```
    /// use metrics_core::{metric, Counter};
    ///
    /// /// Seconds of audio transcoded.
    /// #[metric]
    /// static DOC_AUDIO_SECONDS_TOTAL: Counter;
    /// # fn main() {
    ///
    /// DOC_AUDIO_SECONDS_TOTAL.inc_by_with_exemplar(2.5, &[("trace_id", "4bf92f3577b34da6")]).unwrap();
    /// let text = metrics_core::registry().render_openmetrics();
    /// assert!(text.contains("doc_audio_seconds_total 2.5 # {trace_id=\"4bf92f3577b34da6\"} 2.5 "));
    /// # }
    /// ```
    #[inline]
    pub fn inc_by_with_exemplar(&self, delta: f64, exemplar: &[(&str, &str)]) -> Result<(), Error> {
        self.try_inc_by(delta)?;
        self.exemplar.record(self.desc.name, exemplar, delta)
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
        self.exemplar.clear();
    }
}

counter_metric!(Counter, Float);

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
    /// The recent exemplar, allocated with the first one.
    exemplar: LazySlot,
}

impl IntCounter {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            IntCounter {
                desc,
                value: AtomicU64::new(0),
                created: Created::with_process(),
                exemplar: LazySlot::new(),
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

    /// Adds `delta` with the current OpenTelemetry span's `trace_id` and `span_id` as the
    /// exemplar (feature `otel`), or without one outside such a span.
    #[cfg(feature = "otel")]
    pub fn inc_by_with_current_trace(&self, delta: u64) -> Result<(), Error> {
        crate::metrics::trace_exemplar::with_current_trace(|exemplar| match exemplar {
            Some(exemplar) => self.inc_by_with_exemplar(delta, exemplar),
            None => {
                self.inc_by(delta);
                Ok(())
            }
        })
    }

    /// Adds one and keeps `exemplar` as the counter's recent exemplar: see
    /// [`inc_by_with_exemplar`](Self::inc_by_with_exemplar).
    #[inline]
    pub fn inc_with_exemplar(&self, exemplar: &[(&str, &str)]) -> Result<(), Error> {
        self.inc_by_with_exemplar(1, exemplar)
    }

    /// Adds `delta` and keeps `exemplar` (label pairs such as `[("trace_id", id)]`) as the
    /// counter's recent exemplar, exposed in OpenMetrics and protobuf, never in the text
    /// format 0.0.4.
    ///
    /// The increment is always made; an exemplar whose labels have more than
    /// [`MAX_EXEMPLAR_LABEL_CHARS`](crate::MAX_EXEMPLAR_LABEL_CHARS) characters, or an
    /// invalid label name, is refused with an error that says so.
    ///
    /// ```
    /// use metrics_core::{metric, IntCounter};
    ///
    /// /// Voice calls answered.
    /// #[metric]
    /// static DOC_CALLS_ANSWERED_TOTAL: IntCounter;
    /// # fn main() {
    ///
    /// DOC_CALLS_ANSWERED_TOTAL.inc_with_exemplar(&[("trace_id", "4bf92f3577b34da6")]).unwrap();
    /// let long = "x".repeat(200);
    /// let error = DOC_CALLS_ANSWERED_TOTAL.inc_with_exemplar(&[("trace_id", &long)]).unwrap_err();
    /// assert!(error.to_string().contains("208 characters"));
    /// assert_eq!(DOC_CALLS_ANSWERED_TOTAL.get(), 2); // both increments were made
    /// # }
    /// ```
    #[inline]
    pub fn inc_by_with_exemplar(&self, delta: u64, exemplar: &[(&str, &str)]) -> Result<(), Error> {
        self.value.fetch_add(delta, Ordering::Relaxed);
        self.exemplar.record(self.desc.name, exemplar, delta as f64)
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
        self.exemplar.clear();
    }
}

counter_metric!(IntCounter, Unsigned);
