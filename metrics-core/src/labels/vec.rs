//! Labelled metrics: one child series per distinct set of label values.

use std::time::Duration;

use crate::encoding::series_labels::rendered_len_without_values;
use crate::encoding::{Encoder, Labels};
use crate::labels::key::{LabelKey, ValuesHasher};
use crate::labels::series::{Overflow, SeriesTable};
use crate::labels::series_ref::SeriesRef;
use crate::metrics::metric::desc_pairs;
use crate::own::overflow;
use crate::sync::const_fn;
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
/// Finding an existing series takes no lock and writes no shared memory. The handle it returns,
/// a [`SeriesRef`], dereferences to the metric and keeps the series' memory valid while it
/// lives, even if the series is removed meanwhile (a write through it is then lost with the
/// series; see [`SeriesRef`]).
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
/// Nothing is dropped and memory stays bounded.
///
/// # Series that come and go
///
/// Label values that rotate (tenants, pods, versions, connections) do not fill the family:
/// [`remove_label_values`](Self::remove_label_values) and [`reset`](Self::reset) take series
/// out of the exposition and out of the count towards `max_series` at once, and free their
/// memory as soon as no thread still holds a handle to them. The same values used again make a
/// new series, at zero, with a new creation time (OpenMetrics `_created`), which Prometheus
/// reads as a counter reset.
///
/// A family can also drop the series nobody used for a while:
/// `#[metric(labels = [...], expire_after = "10m")]` or
/// [`set_expire_after`](Self::set_expire_after). "Used" means looked up
/// (`with_label_values`); the check runs at scrape time and when a new series is created, never
/// on a thread of its own.
pub struct MetricVec<M, const N: usize> {
    desc: &'static Descriptor,
    series: SeriesTable<LabelKey, M>,
}

/// How many series a labelled family holds before new label values go to its overflow series.
pub const DEFAULT_MAX_SERIES: usize = 10_000;

/// The value of every label of the overflow series of a family that reached its
/// [`max_series`](MetricVec::max_series).
pub const OVERFLOW_LABEL_VALUE: &str = "__overflow__";

#[inline]
fn hash_values<V: AsRef<str>>(values: &[V]) -> u64 {
    let mut hasher = ValuesHasher::new();
    for value in values {
        hasher.value(value.as_ref());
    }
    hasher.finish()
}

/// The overflow series of a string-keyed table with `labels`: every value is
/// [`OVERFLOW_LABEL_VALUE`].
pub(crate) fn overflow_series<M: Metric>(
    desc: &'static Descriptor,
) -> Overflow<impl Fn(&LabelKey) -> bool, impl FnOnce() -> (LabelKey, M)> {
    let values = vec![OVERFLOW_LABEL_VALUE; desc.labels.len()];
    Overflow {
        hash: hash_values(&values),
        eq: |key: &LabelKey| {
            let mut cursor = key.cursor();
            desc.labels
                .iter()
                .all(|_| cursor.next_is(OVERFLOW_LABEL_VALUE))
        },
        make: move || (LabelKey::new(desc, &values), M::__new_child(desc)),
    }
}

impl<M: Metric, const N: usize> MetricVec<M, N> {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            MetricVec {
                desc,
                series: SeriesTable::new(DEFAULT_MAX_SERIES, desc.options.expire_after_seconds),
            }
        }
    }

    /// The series for these label values (given in the order of the `labels` list), created at
    /// zero on first use.
    ///
    /// Finding an existing series hashes the values and reads the table with plain atomic
    /// loads: no lock, no allocation, no reference count. Only the first use of a combination
    /// allocates. The handle keeps the series valid while it lives (see [`SeriesRef`]).
    #[inline]
    pub fn with_label_values<V: AsRef<str>>(&self, values: &[V; N]) -> SeriesRef<'_, M> {
        self.child(values)
    }

    /// Like [`with_label_values`](Self::with_label_values), for values whose count is only
    /// known at run time: a wrong count is an [`Error::LabelCount`].
    pub fn get_metric_with_label_values<V: AsRef<str>>(
        &self,
        values: &[V],
    ) -> Result<SeriesRef<'_, M>, Error> {
        if values.len() != N {
            return Err(Error::LabelCount {
                metric: self.desc.name,
                expected: self.desc.labels,
                got: values.len(),
            });
        }
        Ok(self.child(values))
    }

    /// Removes the series for these label values: from the exposition and from the count
    /// towards [`max_series`](Self::max_series) at once, from memory once no handle to it is
    /// left. A handle kept across the removal stays valid, but what is written through it is
    /// lost with the series. Asking for the same values again makes a new series at zero.
    pub fn remove_label_values<V: AsRef<str>>(&self, values: &[V; N]) -> Result<(), Error> {
        if self
            .series
            .remove(hash_values(values), |stored| stored.matches(values))
        {
            Ok(())
        } else {
            Err(Error::SeriesNotFound {
                metric: self.desc.name,
                values: values.iter().map(|v| v.as_ref().to_owned()).collect(),
            })
        }
    }

    /// Removes every series (see [`remove_label_values`](Self::remove_label_values)).
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

    /// How long a series may go without being looked up before the family removes it, if it
    /// does ([`set_expire_after`](Self::set_expire_after)).
    pub fn expire_after(&self) -> Option<Duration> {
        self.series.expire_after()
    }

    /// Removes series not looked up for `after` (`None`: never, the default unless
    /// `#[metric(expire_after = ...)]` says otherwise), with the same effects as
    /// [`remove_label_values`](Self::remove_label_values). Checked at each scrape and when a
    /// new series is created, not by a thread: a series goes between `after` and
    /// `after * 17 / 16` after its last lookup, or at the first scrape or new series after
    /// that. Idle time of the series that exist counts from this call.
    ///
    /// A series is used when it is looked up: a handle kept and written through for a long
    /// time does not keep its series from expiring.
    pub fn set_expire_after(&self, after: Option<Duration>) {
        self.series.set_expire_after(after, crate::sync::now());
    }

    /// The label names, in the order values are given.
    pub fn label_names(&self) -> &'static [&'static str] {
        self.desc.labels
    }

    #[inline]
    fn child<V: AsRef<str>>(&self, values: &[V]) -> SeriesRef<'_, M> {
        let (series, overflowed) = self.series.get_or_insert(
            hash_values(values),
            |stored| stored.matches(values),
            || (LabelKey::new(self.desc, values), M::__new_child(self.desc)),
            || overflow_series(self.desc),
        );
        if overflowed {
            overflow::record(self.desc);
        }
        series
    }
}

/// Describes every exposed series of a string-keyed table to `encoder`, in label order.
pub(crate) fn encode_series<M: Metric>(
    desc: &'static Descriptor,
    series: &SeriesTable<LabelKey, M>,
    encoder: &mut dyn Encoder,
) {
    let (count, fixed) = (desc.labels.len(), rendered_len_without_values(desc));
    for series in series.scrape().iter() {
        let key = series.key();
        let pairs = |f: &mut dyn FnMut(&str, &str)| desc_pairs(desc, key.values_in(count), f);
        series
            .metric
            .__encode(&Labels::new(key.labels_in(count, fixed), &pairs), encoder);
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
