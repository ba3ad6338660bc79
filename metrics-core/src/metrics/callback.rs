//! Metrics whose value is read from a function at scrape time.

use crate::encoding::series_labels::series_labels;
use crate::encoding::{CounterSample, Encoder, Labels, Value};
use crate::metrics::metric::{MetricType, desc_pairs};
use crate::{Collect, Descriptor};

/// The numbers a `callback` of a [`GaugeFn`] or [`CounterFn`] may return; integers above
/// 2^53 lose precision, as in every Prometheus sample.
#[diagnostic::on_unimplemented(
    message = "a metric callback returns a number, not `{Self}`",
    label = "this callback returns `{Self}`",
    note = "return an integer or a float, e.g. `fn queue_len() -> usize`"
)]
pub trait IntoSample {
    /// The sample value.
    fn into_sample(self) -> f64;
}

macro_rules! into_sample {
    ($($ty:ty),*) => {
        $(impl IntoSample for $ty {
            #[inline]
            fn into_sample(self) -> f64 {
                self as f64
            }
        })*
    };
}
into_sample!(f64, f32, u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// A gauge whose value a function returns when the metric is scraped, e.g. the length of a
/// queue that already knows it: nothing has to be updated when the queue changes.
///
/// `#[metric(callback = ...)]` names the function (any `fn() -> number`, or a closure that
/// captures nothing). It runs on every scrape, on the scraping thread: keep it fast and
/// never block in it.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use metrics_core::{metric, registry, GaugeFn};
///
/// static QUEUE: AtomicUsize = AtomicUsize::new(0);
///
/// fn queue_len() -> usize {
///     QUEUE.load(Ordering::Relaxed)
/// }
///
/// /// Calls waiting for an agent.
/// #[metric(callback = queue_len)]
/// static VOICE_QUEUE_DEPTH: GaugeFn;
///
/// # fn main() {
/// QUEUE.store(3, Ordering::Relaxed);
/// assert_eq!(VOICE_QUEUE_DEPTH.get(), 3.0);
/// assert!(registry().render().contains("\nvoice_queue_depth 3\n"));
/// # }
/// ```
pub struct GaugeFn {
    desc: &'static Descriptor,
    read: fn() -> f64,
}

/// A counter whose value a function returns when the metric is scraped, e.g. a count that a
/// library keeps itself. The function must never return less than it did before (a counter
/// only goes up, except when the process restarts). See [`GaugeFn`] for how to declare it.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use metrics_core::{metric, CounterFn};
///
/// static FRAMES: AtomicU64 = AtomicU64::new(0);
///
/// /// Audio frames decoded by the codec library.
/// #[metric(callback = || FRAMES.load(Ordering::Relaxed))]
/// static VOICE_DECODED_FRAMES_TOTAL: CounterFn;
///
/// # fn main() {
/// FRAMES.fetch_add(960, Ordering::Relaxed);
/// assert_eq!(VOICE_DECODED_FRAMES_TOTAL.get(), 960.0);
/// # }
/// ```
pub struct CounterFn {
    desc: &'static Descriptor,
    read: fn() -> f64,
}

macro_rules! callback_metric {
    ($ty:ident, $metric_type:ident) => {
        impl $ty {
            #[doc(hidden)]
            pub const fn __new(desc: &'static Descriptor, read: fn() -> f64) -> Self {
                $ty { desc, read }
            }

            /// Calls the function and returns its value.
            pub fn get(&self) -> f64 {
                (self.read)()
            }
        }

        impl Collect for $ty {
            fn desc(&self) -> &'static Descriptor {
                self.desc
            }

            fn metric_type(&self) -> MetricType {
                MetricType::$metric_type
            }

            fn encode(&self, encoder: &mut dyn Encoder) {
                let rendered = series_labels::<&str>(self.desc, &[]);
                let pairs = |f: &mut dyn FnMut(&str, &str)| desc_pairs(self.desc, [], f);
                let labels = Labels::new(&rendered, &pairs);
                let value = Value::Float(self.get());
                if MetricType::$metric_type == MetricType::Counter {
                    // The function's counter has no known start: no `_created`.
                    let sample = CounterSample {
                        value,
                        created: None,
                        exemplar: None,
                    };
                    encoder.counter(&labels, &sample);
                } else {
                    encoder.gauge(&labels, value);
                }
            }
        }
    };
}

callback_metric!(GaugeFn, Gauge);
callback_metric!(CounterFn, Counter);
