//! Labelled metrics: one child series per distinct set of label values.

use std::hash::{BuildHasher, Hasher};

use foldhash::fast::FixedState;

use crate::encoding::{Encoder, Labels};
use crate::metric::desc_pairs;
use crate::overflow;
use crate::series::{Lookup, Overflow, SeriesTable};
use crate::sync::const_fn;
use crate::text::series_labels;
use crate::{
    Collect, Counter, Descriptor, Error, Gauge, Histogram, IntCounter, IntGauge, Metric, MetricType,
};

/// A labelled counter with `N` labels. See [`MetricVec`].
pub type CounterVec<const N: usize> = MetricVec<Counter, N>;
/// A labelled integer counter with `N` labels. See [`MetricVec`].
pub type IntCounterVec<const N: usize> = MetricVec<IntCounter, N>;
/// A labelled gauge with `N` labels. See [`MetricVec`].
pub type GaugeVec<const N: usize> = MetricVec<Gauge, N>;
/// A labelled integer gauge with `N` labels. See [`MetricVec`].
pub type IntGaugeVec<const N: usize> = MetricVec<IntGauge, N>;
/// A labelled histogram with `N` labels. See [`MetricVec`].
pub type HistogramVec<const N: usize> = MetricVec<Histogram, N>;
/// A labelled native histogram with `N` labels. See [`MetricVec`] and
/// [`NativeHistogram`](crate::NativeHistogram).
pub type NativeHistogramVec<const N: usize> = MetricVec<crate::NativeHistogram, N>;
/// A labelled summary with `N` labels. See [`MetricVec`] and [`Summary`](crate::Summary).
pub type SummaryVec<const N: usize> = MetricVec<crate::Summary, N>;

/// A family of series of metric `M`, one per distinct combination of values of its `N` labels.
///
/// Declared as `IntCounterVec`, `HistogramVec`, ... with `#[metric(labels = [...])]`, which fills
/// in `N` from the label list, so that passing the wrong number of label values to
/// [`with_label_values`](Self::with_label_values) is a compile error:
///
/// ```
/// use metrics_core::{metric, IntCounterVec};
///
/// /// HTTP requests handled, by method and status.
/// #[metric(labels = ["method", "status"])]
/// static DOC_HTTP_REQUESTS_TOTAL: IntCounterVec;
///
/// # fn main() {
/// DOC_HTTP_REQUESTS_TOTAL.with_label_values(&["GET", "200"]).inc();
/// assert_eq!(DOC_HTTP_REQUESTS_TOTAL.with_label_values(&["GET", "200"]).get(), 1);
/// # }
/// ```
///
/// ```compile_fail
/// # use metrics_core::{metric, IntCounterVec};
/// /// HTTP requests handled, by method and status.
/// #[metric(labels = ["method", "status"])]
/// static DOC_HTTP_REQUESTS_TOTAL: IntCounterVec;
///
/// # fn main() {
/// DOC_HTTP_REQUESTS_TOTAL.with_label_values(&["GET"]).inc(); // one value for two labels
/// # }
/// ```
///
/// Finding an existing series takes no lock and writes no shared memory, and the handle it
/// returns is a plain reference, valid as long as the family (for a `static`, forever).
///
/// Where the values come from a slice of unknown length, use
/// [`get_metric_with_label_values`](Self::get_metric_with_label_values), which returns an
/// error instead.
///
/// # Bounded cardinality
///
/// A label fed from outside (a path, a user agent) can take unboundedly many values. Each
/// family holds at most [`max_series`](Self::max_series) series ([`DEFAULT_MAX_SERIES`] unless
/// changed with [`set_max_series`](Self::set_max_series)); past that, new combinations of values
/// all go to one overflow series whose every label value is [`OVERFLOW_LABEL_VALUE`], and each
/// such redirection is counted in `metrics_core_cardinality_overflow_total{metric="..."}`.
/// Nothing is dropped and memory stays bounded: [`remove_label_values`](Self::remove_label_values)
/// and [`reset`](Self::reset) hide series without freeing them (handles stay valid), the same
/// values later revive the series at zero, and hidden series count towards the cap.
pub struct MetricVec<M, const N: usize> {
    desc: &'static Descriptor,
    series: SeriesTable<Box<[Box<str>]>, M>,
}

/// How many series a labelled family holds before new label values go to its overflow series.
pub const DEFAULT_MAX_SERIES: usize = 10_000;

/// The value of every label of the overflow series of a family that reached its
/// [`max_series`](MetricVec::max_series).
pub const OVERFLOW_LABEL_VALUE: &str = "__overflow__";

/// Fixed seed: the hash only has to be consistent within the process, and a constant keeps
/// the table constructible in a `static`.
const HASHER: FixedState = FixedState::with_seed(0x6d65_7472_6963_7321);

/// The hash of a list of label values, fed one at a time.
pub(crate) struct ValuesHasher(foldhash::fast::FoldHasher<'static>);

impl ValuesHasher {
    #[inline]
    pub(crate) fn new() -> Self {
        ValuesHasher(HASHER.build_hasher())
    }

    #[inline]
    pub(crate) fn value(&mut self, value: &str) {
        self.0.write(value.as_bytes());
        // A separator that no UTF-8 text contains, so ["ab", "c"] and ["a", "bc"] differ.
        self.0.write_u8(0xff);
    }

    #[inline]
    pub(crate) fn finish(&self) -> u64 {
        self.0.finish()
    }
}

#[inline]
fn hash_values<V: AsRef<str>>(values: &[V]) -> u64 {
    let mut hasher = ValuesHasher::new();
    for value in values {
        hasher.value(value.as_ref());
    }
    hasher.finish()
}

#[inline]
fn same_values<V: AsRef<str>>(stored: &[Box<str>], values: &[V]) -> bool {
    stored.len() == values.len()
        && stored
            .iter()
            .zip(values)
            .all(|(stored, value)| **stored == *value.as_ref())
}

/// The overflow series of a string-keyed table with `labels`: every value is
/// [`OVERFLOW_LABEL_VALUE`].
// `&Box<[..]>`: the table's key type is `Box<[Box<str>]>` and tests take `&K`.
#[allow(clippy::type_complexity, clippy::borrowed_box)]
pub(crate) fn overflow_series<M: Metric>(
    desc: &'static Descriptor,
) -> Overflow<impl Fn(&Box<[Box<str>]>) -> bool, impl FnOnce() -> (Box<[Box<str>]>, Box<str>, M)> {
    let count = desc.labels.len();
    let values = vec![OVERFLOW_LABEL_VALUE; count];
    Overflow {
        hash: hash_values(&values),
        eq: move |key: &Box<[Box<str>]>| {
            key.len() == count && key.iter().all(|value| **value == *OVERFLOW_LABEL_VALUE)
        },
        make: move || {
            let labels = series_labels(desc, &values).into();
            let key = values.iter().map(|value| Box::from(*value)).collect();
            (key, labels, M::__new_child(desc))
        },
    }
}

impl<M: Metric, const N: usize> MetricVec<M, N> {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            MetricVec {
                desc,
                series: SeriesTable::new(DEFAULT_MAX_SERIES),
            }
        }
    }

    /// The series for these label values (given in the order of the `labels` list), created at
    /// zero on first use.
    ///
    /// Finding an existing series hashes the values and reads the table with plain atomic
    /// loads: no lock, no allocation, no reference count. Only the first use of a combination
    /// allocates. Keep the returned reference to skip even the lookup.
    #[inline]
    pub fn with_label_values<V: AsRef<str>>(&self, values: &[V; N]) -> &M {
        self.child(values)
    }

    /// Like [`with_label_values`](Self::with_label_values), for values whose count is only
    /// known at run time: a wrong count is an [`Error::LabelCount`].
    pub fn get_metric_with_label_values<V: AsRef<str>>(&self, values: &[V]) -> Result<&M, Error> {
        if values.len() != N {
            return Err(Error::LabelCount {
                metric: self.desc.name,
                expected: self.desc.labels,
                got: values.len(),
            });
        }
        Ok(self.child(values))
    }

    /// Removes the series for these label values from the exposition. Handles obtained earlier
    /// stay valid; asking for the same values again brings the series back at zero.
    pub fn remove_label_values<V: AsRef<str>>(&self, values: &[V; N]) -> Result<(), Error> {
        if self
            .series
            .remove(hash_values(values), |stored| same_values(stored, values))
        {
            Ok(())
        } else {
            Err(Error::SeriesNotFound {
                metric: self.desc.name,
                values: values.iter().map(|v| v.as_ref().to_owned()).collect(),
            })
        }
    }

    /// Removes every series from the exposition (see
    /// [`remove_label_values`](Self::remove_label_values)).
    pub fn reset(&self) {
        self.series.clear();
    }

    /// How many series are exposed, the overflow series included.
    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// Whether no series is exposed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most series this family creates, not counting its overflow series.
    pub fn max_series(&self) -> usize {
        self.series.max_series()
    }

    /// Changes [`max_series`](Self::max_series). Series that already exist are kept even if
    /// there are more than `limit` of them; only new ones are redirected.
    pub fn set_max_series(&self, limit: usize) {
        self.series.set_max_series(limit);
    }

    /// The label names, in the order values are given.
    pub fn label_names(&self) -> &'static [&'static str] {
        self.desc.labels
    }

    #[inline]
    fn child<V: AsRef<str>>(&self, values: &[V]) -> &M {
        let lookup = self.series.get_or_insert(
            hash_values(values),
            |stored| same_values(stored, values),
            || {
                let key = values.iter().map(|v| Box::from(v.as_ref())).collect();
                let labels = series_labels(self.desc, values).into();
                (key, labels, M::__new_child(self.desc))
            },
            || overflow_series(self.desc),
            M::__reset,
        );
        match lookup {
            Lookup::Found(metric) => metric,
            Lookup::Overflow(metric) => {
                overflow::record(self.desc);
                metric
            }
        }
    }
}

/// Describes every exposed series of a string-keyed table to `encoder`, in label order.
pub(crate) fn encode_series<M: Metric>(
    desc: &'static Descriptor,
    series: &SeriesTable<Box<[Box<str>]>, M>,
    encoder: &mut dyn Encoder,
) {
    for series in series.sorted() {
        let pairs = |f: &mut dyn FnMut(&str, &str)| {
            desc_pairs(desc, series.key().iter().map(|value| &**value), f)
        };
        series
            .metric
            .__encode(&Labels::new(&series.labels, &pairs), encoder);
    }
}

impl<M: Metric, const N: usize> Collect for MetricVec<M, N> {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        M::TYPE
    }

    fn encode(&self, encoder: &mut dyn Encoder) {
        encode_series(self.desc, &self.series, encoder);
    }
}
