//! Metrics whose value is read from a function at scrape time.

use prometheus::proto;

use crate::encoding::openmetrics::counter_sample_name;
use crate::encoding::text::{const_label_pairs, series_labels, write_f64, write_sample_prefix};
use crate::metrics::metric::MetricType;
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

            fn encode_text(&self, out: &mut String) {
                let labels = series_labels::<&str>(self.desc, &[]);
                write_sample_prefix(out, self.desc.name, "", &labels);
                write_f64(out, self.get());
                out.push('\n');
            }

            fn encode_openmetrics(&self, out: &mut String) {
                let labels = series_labels::<&str>(self.desc, &[]);
                if MetricType::$metric_type == MetricType::Counter {
                    let (family, suffix) = counter_sample_name(self.desc.name);
                    write_sample_prefix(out, family, suffix, &labels);
                } else {
                    write_sample_prefix(out, self.desc.name, "", &labels);
                }
                write_f64(out, self.get());
                out.push('\n');
            }

            fn collect(&self) -> Vec<proto::Metric> {
                let mut metric = proto::Metric::from_label(const_label_pairs(self.desc));
                if MetricType::$metric_type == MetricType::Counter {
                    let mut counter = proto::Counter::default();
                    counter.set_value(self.get());
                    metric.set_counter(counter);
                } else {
                    let mut gauge = proto::Gauge::default();
                    gauge.set_value(self.get());
                    metric.set_gauge(gauge);
                }
                vec![metric]
            }
        }
    };
}

callback_metric!(GaugeFn, Gauge);
callback_metric!(CounterFn, Counter);
