//! Labelled metrics: one child series per distinct set of label values.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use prometheus::proto;

use crate::metric::label_pair;
use crate::overflow;
use crate::text::{const_label_pairs, series_labels};
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
pub struct MetricVec<M, const N: usize> {
    desc: &'static Descriptor,
    children: RwLock<HashTable<Child<M>>>,
    max_series: AtomicUsize,
}

/// How many series a labelled family holds before new label values go to its overflow series.
pub const DEFAULT_MAX_SERIES: usize = 10_000;

/// The value of every label of the overflow series of a family that reached its
/// [`max_series`](MetricVec::max_series).
pub const OVERFLOW_LABEL_VALUE: &str = "__overflow__";

struct Child<M> {
    hash: u64,
    values: Box<[Box<str>]>,
    /// `name="value",...`, escaped once at creation so that a scrape only copies it.
    rendered_labels: Box<str>,
    metric: Arc<M>,
}

/// Fixed seed: the hash only has to be consistent within the process, and a constant keeps
/// the table constructible in a `static`.
const HASHER: FixedState = FixedState::with_seed(0x6d65_7472_6963_7321);

fn hash_values<V: AsRef<str>>(values: &[V]) -> u64 {
    let mut hasher = HASHER.build_hasher();
    for value in values {
        hasher.write(value.as_ref().as_bytes());
        // A separator that no UTF-8 text contains, so ["ab", "c"] and ["a", "bc"] differ.
        hasher.write_u8(0xff);
    }
    hasher.finish()
}

fn same_values<V: AsRef<str>>(stored: &[Box<str>], values: &[V]) -> bool {
    stored.len() == values.len()
        && stored
            .iter()
            .zip(values)
            .all(|(stored, value)| **stored == *value.as_ref())
}

impl<M: Metric, const N: usize> MetricVec<M, N> {
    #[doc(hidden)]
    pub const fn __new(desc: &'static Descriptor) -> Self {
        MetricVec {
            desc,
            children: RwLock::new(HashTable::new()),
            max_series: AtomicUsize::new(DEFAULT_MAX_SERIES),
        }
    }

    /// The series for these label values (given in the order of the `labels` list), created at
    /// zero on first use.
    ///
    /// A lookup hashes the values and takes a shared read lock; it allocates only the first
    /// time a combination is seen. Keep the returned handle to skip the lookup entirely.
    #[inline]
    pub fn with_label_values<V: AsRef<str>>(&self, values: &[V; N]) -> Arc<M> {
        self.child(values)
    }

    /// Like [`with_label_values`](Self::with_label_values), for values whose count is only
    /// known at run time: a wrong count is an [`Error::LabelCount`].
    pub fn get_metric_with_label_values<V: AsRef<str>>(
        &self,
        values: &[V],
    ) -> Result<Arc<M>, Error> {
        self.check_count(values.len())?;
        Ok(self.child(values))
    }

    /// Removes the series for these label values, so it is no longer exposed. Handles obtained
    /// earlier keep working but are no longer exposed; asking again creates a new series at
    /// zero.
    pub fn remove_label_values<V: AsRef<str>>(&self, values: &[V; N]) -> Result<(), Error> {
        let hash = hash_values(values);
        let mut children = self
            .children
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        match children.find_entry(hash, |child| same_values(&child.values, values)) {
            Ok(entry) => {
                entry.remove();
                Ok(())
            }
            Err(_) => Err(Error::SeriesNotFound {
                metric: self.desc.name,
                values: values.iter().map(|v| v.as_ref().to_owned()).collect(),
            }),
        }
    }

    /// Removes every series.
    pub fn reset(&self) {
        self.children
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// How many series exist.
    pub fn len(&self) -> usize {
        self.children
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether no series exists yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most series this family holds, not counting its overflow series.
    pub fn max_series(&self) -> usize {
        self.max_series.load(Ordering::Relaxed)
    }

    /// Changes [`max_series`](Self::max_series). Series that already exist are kept even if
    /// there are more than `limit` of them; only new ones are redirected.
    pub fn set_max_series(&self, limit: usize) {
        self.max_series.store(limit, Ordering::Relaxed);
    }

    /// The label names, in the order values are given.
    pub fn label_names(&self) -> &'static [&'static str] {
        self.desc.labels
    }

    fn check_count(&self, got: usize) -> Result<(), Error> {
        if got == self.desc.labels.len() {
            Ok(())
        } else {
            Err(Error::LabelCount {
                metric: self.desc.name,
                expected: self.desc.labels,
                got,
            })
        }
    }

    fn child<V: AsRef<str>>(&self, values: &[V]) -> Arc<M> {
        let (metric, overflowed) = self.find_or_create(values);
        // Counted after the lock is released: the overflow counter is itself a `MetricVec`.
        if overflowed {
            overflow::record(self.desc);
        }
        metric
    }

    /// The series for `values`, or the overflow series (then `true`) when the family is full.
    fn find_or_create<V: AsRef<str>>(&self, values: &[V]) -> (Arc<M>, bool) {
        let hash = hash_values(values);
        let overflow_values = [OVERFLOW_LABEL_VALUE; N];
        let overflow_hash = hash_values(&overflow_values);
        // A panic cannot happen while a lock is held (nothing inside can panic short of an
        // allocation failure), so a poisoned lock still guards consistent data.
        {
            let children = self.children.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(child) = children.find(hash, |child| same_values(&child.values, values)) {
                return (Arc::clone(&child.metric), false);
            }
            // A full family under a flood of new values serves them all from the read lock.
            if children.len() >= self.max_series() {
                if let Some(child) = children.find(overflow_hash, |child| {
                    same_values(&child.values, &overflow_values)
                }) {
                    return (Arc::clone(&child.metric), true);
                }
            }
        }
        let mut children = self
            .children
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(child) = children.find(hash, |child| same_values(&child.values, values)) {
            return (Arc::clone(&child.metric), false);
        }
        if children.len() < self.max_series() {
            return (self.insert(&mut children, hash, values), false);
        }
        let metric = match children.find(overflow_hash, |child| {
            same_values(&child.values, &overflow_values)
        }) {
            Some(child) => Arc::clone(&child.metric),
            None => self.insert(&mut children, overflow_hash, &overflow_values),
        };
        (metric, true)
    }

    fn insert<V: AsRef<str>>(
        &self,
        children: &mut HashTable<Child<M>>,
        hash: u64,
        values: &[V],
    ) -> Arc<M> {
        let metric = Arc::new(M::__new_child(self.desc));
        children.insert_unique(
            hash,
            Child {
                hash,
                values: values.iter().map(|v| Box::from(v.as_ref())).collect(),
                rendered_labels: series_labels(self.desc, values).into(),
                metric: Arc::clone(&metric),
            },
            |child| child.hash,
        );
        metric
    }

    /// Runs `f` on every series, in the order of their label values, under the read lock.
    fn for_each_sorted(&self, mut f: impl FnMut(&Child<M>)) {
        let children = self.children.read().unwrap_or_else(PoisonError::into_inner);
        let mut sorted: Vec<&Child<M>> = children.iter().collect();
        sorted.sort_unstable_by(|a, b| a.values.cmp(&b.values));
        for child in sorted {
            f(child);
        }
    }
}

impl<M: Metric, const N: usize> Collect for MetricVec<M, N> {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        M::TYPE
    }

    fn encode_text(&self, out: &mut String) {
        self.for_each_sorted(|child| {
            child
                .metric
                .__encode_text(self.desc.name, &child.rendered_labels, out)
        });
    }

    fn encode_openmetrics(&self, out: &mut String) {
        self.for_each_sorted(|child| {
            child
                .metric
                .__encode_openmetrics(self.desc.name, &child.rendered_labels, out)
        });
    }

    fn collect(&self) -> Vec<proto::Metric> {
        let mut metrics = Vec::new();
        self.for_each_sorted(|child| {
            let mut labels = const_label_pairs(self.desc);
            labels.extend(
                self.desc
                    .labels
                    .iter()
                    .zip(child.values.iter())
                    .map(|(name, value)| label_pair(name, value)),
            );
            metrics.push(child.metric.__to_proto(labels));
        });
        metrics
    }
}
