//! Labelled metrics keyed by a typed label set.

use std::marker::PhantomData;
use std::sync::OnceLock;
use std::time::Duration;

use crate::encoding::series_labels::series_labels;
use crate::encoding::{Encoder, Labels};
use crate::labels::key::LabelKey;
use crate::labels::key::ValuesHasher;
use crate::labels::series::SeriesTable;
use crate::labels::series_ref::SeriesRef;
use crate::labels::vec::{DEFAULT_MAX_SERIES, encode_series, overflow_series};
use crate::metrics::metric::desc_pairs;
use crate::own::overflow;
use crate::sync::const_fn;
use crate::{Collect, Descriptor, Error, LabelSet, Metric, MetricType};

/// A family of series of metric `M`, one per value of the label set `L`: labels as Rust types
/// instead of strings.
///
/// Declared as `Family<L, M>` with `#[metric]`, which fills in `C`, the number of label sets of
/// a closed `L` (as it fills in the label count of `IntCounterVec`). To name the full type
/// elsewhere: `Family<L, M, { metrics_core::closed_len::<L>() }>`.
///
/// `L` is a [`LabelSet`]: a `#[derive(LabelSet)]` struct (one label per field, named after the
/// field), a single [`LabelValue`](crate::LabelValue) such as a `#[derive(LabelValue)]` enum, or
/// a tuple of them. For the latter two, `#[metric(labels = [...])]` names the labels.
///
/// ```
/// use metrics_core::{Family, IntCounter, LabelValue, metric};
///
/// #[derive(Clone, Copy, LabelValue)]
/// pub enum CallStatus {
///     Completed,
///     Failed,
///     NoAnswer,
/// }
///
/// /// Total voice calls, by final status.
/// #[metric(labels = ["status"])]
/// pub static DOC_VOICE_CALLS_TOTAL: Family<CallStatus, IntCounter>;
///
/// # fn main() {
/// DOC_VOICE_CALLS_TOTAL.get(CallStatus::Completed).inc();
/// assert_eq!(DOC_VOICE_CALLS_TOTAL.get(CallStatus::Completed).get(), 1);
/// // Every status is exposed, at zero until counted.
/// let text = metrics_core::registry().render_only(&["doc_voice_calls_total"]);
/// assert!(text.contains("doc_voice_calls_total{status=\"no_answer\"} 0\n"));
/// # }
/// ```
///
/// # Closed and open label sets
///
/// When every label is a closed set (enums, `bool`), every series exists from the start, in an
/// array inside the `static`: all are exposed (at zero until used) in declaration order, and
/// [`get`](Self::get) is an array index: no hashing, no lock, no allocation. These series are
/// never removed or freed: [`remove`](Self::remove) and [`reset`](Self::reset) set them back to
/// zero (with a new creation time), and idle expiry does not apply to them. Past
/// [`MAX_CLOSED_SERIES`](crate::MAX_CLOSED_SERIES) combinations (a size no dashboard reads) a closed set is handled as an
/// open one instead, so that the `static` stays small. Otherwise (a label is a string
/// or an integer) series are created on first use and found in the same lock-free table as
/// [`MetricVec`](crate::MetricVec)'s, with the same [`max_series`](Self::max_series) cap and
/// overflow series, sorted by their values' text (so `"200"` before `"404"`, but `"1000"`
/// before `"200"`); a lookup itself allocates nothing. Their series can be removed and expire
/// when idle, and are then freed, as [`MetricVec`'s](crate::MetricVec#series-that-come-and-go). Declare text labels as `&'static str`
/// (or a `#[derive(LabelSet)]` struct with `&'a str` fields): the family is then looked up
/// with borrowed text of any lifetime, where a `String` label needs an owned `String` for
/// every lookup.
pub struct Family<L, M, const C: usize> {
    desc: &'static Descriptor,
    /// Every series of a closed label set, by [`LabelSet::series_index`], inside the family
    /// itself so that a lookup is one bounds-checked index off the `static`'s address.
    closed: [M; C],
    /// The rendered labels of `closed`, built at the first scrape.
    closed_labels: OnceLock<Box<[Box<str>]>>,
    /// Series of an open label set.
    open: SeriesTable<LabelKey, M>,
    /// `fn` so that the family is `Send`/`Sync` whatever `L` is: it stores no `L`.
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet, M: Metric, const C: usize> Family<L, M, C> {
    const_fn! {
        // `closed` holds one series per label set of a closed `L` (`#[metric]` sets `C` to
        // `__private::closed_len::<L>()`), none for an open one.
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor, closed: [M; C]) -> Self {
            Family {
                desc,
                closed,
                closed_labels: OnceLock::new(),
                open: SeriesTable::new(DEFAULT_MAX_SERIES, desc.options.expire_after_seconds),
                labels: PhantomData,
            }
        }
    }

    /// The series for `labels`: a label set of type `L`, or the same type with borrowed parts
    /// of any lifetime (a family of `&'static str` values is looked up with any `&str`), or a
    /// reference to one.
    ///
    /// The handle dereferences to the metric; for an open label set it keeps the series valid
    /// while it lives (see [`SeriesRef`]).
    #[inline]
    pub fn get<Q>(&self, labels: Q) -> SeriesRef<'_, M>
    where
        Q: LabelSet<Static = L::Static>,
    {
        if C > 0
            && let Some(series) = self.closed.get(labels.series_index())
        {
            return SeriesRef::fixed(series);
        }
        self.open_series(&labels)
    }

    /// Removes the series for `labels`. For an open label set (or a closed one past
    /// [`MAX_CLOSED_SERIES`](crate::MAX_CLOSED_SERIES)) as
    /// [`MetricVec::remove_label_values`](crate::MetricVec::remove_label_values) does: out of
    /// the exposition and the count towards `max_series` at once, freed once no handle to it is
    /// left, and a new series at zero if the labels come back. The series of a closed label
    /// set always exist: this sets it back to zero, with a new creation time.
    pub fn remove<Q>(&self, labels: Q) -> Result<(), Error>
    where
        Q: LabelSet<Static = L::Static>,
    {
        if C > 0
            && let Some(series) = self.closed.get(labels.series_index())
        {
            series.__reset();
            return Ok(());
        }
        if self.open.remove(hash(&labels), |key| same(key, &labels)) {
            return Ok(());
        }
        let mut values = Vec::with_capacity(Q::LEN);
        labels.for_each_value(|_, value| values.push(value.to_owned()));
        Err(Error::SeriesNotFound {
            metric: self.desc.name,
            values,
        })
    }

    /// Sets every series of a closed label set back to zero; removes every series of an open
    /// one (see [`remove`](Self::remove)).
    pub fn reset(&self) {
        for series in &self.closed {
            series.__reset();
        }
        self.open.clear();
    }

    /// How many series are exposed, the overflow series included.
    pub fn len(&self) -> usize {
        if C > 0 { C } else { self.open.len() }
    }

    /// Whether no series is exposed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most series an open label set creates before new label values go to the overflow
    /// series (see [`MetricVec`](crate::MetricVec#bounded-cardinality)).
    pub fn max_series(&self) -> usize {
        self.open.max_series()
    }

    /// Changes [`max_series`](Self::max_series).
    pub fn set_max_series(&self, limit: usize) {
        self.open.set_max_series(limit);
    }

    /// How long a series of an open label set may go without being looked up before the family
    /// removes it, if it does ([`set_expire_after`](Self::set_expire_after)).
    pub fn expire_after(&self) -> Option<Duration> {
        self.open.expire_after()
    }

    /// Removes series of an open label set not looked up for `after`, as
    /// [`MetricVec::set_expire_after`](crate::MetricVec::set_expire_after) does. The series of
    /// a closed label set are never removed.
    pub fn set_expire_after(&self, after: Option<Duration>) {
        self.open.set_expire_after(after, crate::sync::now());
    }

    /// The label names, in label order.
    pub fn label_names(&self) -> &'static [&'static str] {
        self.desc.labels
    }

    /// Each closed series with its rendered labels.
    fn closed_series(&self) -> impl Iterator<Item = (&M, &str)> {
        let labels = self.closed_labels.get_or_init(|| {
            (0..self.closed.len())
                .map(|index| series_labels(self.desc, &closed_values::<L>(index)).into())
                .collect()
        });
        self.closed
            .iter()
            .zip(labels.iter().map(|labels| &**labels))
    }

    #[inline]
    fn open_series<Q: LabelSet>(&self, labels: &Q) -> SeriesRef<'_, M> {
        let (series, overflowed) = self.open.get_or_insert(
            hash(labels),
            |key| same(key, labels),
            || {
                let mut values: Vec<String> = Vec::with_capacity(Q::LEN);
                labels.for_each_value(|_, value| values.push(value.to_owned()));
                (LabelKey::new(self.desc, &values), M::__new_child(self.desc))
            },
            || overflow_series(self.desc),
        );
        if overflowed {
            overflow::record(self.desc);
        }
        series
    }
}

fn closed_values<L: LabelSet>(index: usize) -> Vec<&'static str> {
    (0..L::LEN)
        .map(|label| L::closed_value(index, label))
        .collect()
}

/// The same hash as [`MetricVec`](crate::MetricVec)'s for the same value texts.
#[inline]
fn hash<Q: LabelSet>(labels: &Q) -> u64 {
    let mut hasher = ValuesHasher::new();
    labels.for_each_value(|_, value| hasher.value(value));
    hasher.finish()
}

#[inline]
fn same<Q: LabelSet>(key: &LabelKey, labels: &Q) -> bool {
    let mut same = true;
    let mut cursor = key.cursor();
    labels.for_each_value(|_, value| {
        same = same && cursor.next_is(value);
    });
    same
}

impl<L: LabelSet + 'static, M: Metric, const C: usize> Collect for Family<L, M, C> {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        M::TYPE
    }

    fn encode(&self, encoder: &mut dyn Encoder) {
        for (index, (metric, rendered)) in self.closed_series().enumerate() {
            let pairs = |f: &mut dyn FnMut(&str, &str)| {
                desc_pairs(
                    self.desc,
                    (0..L::LEN).map(|label| L::closed_value(index, label)),
                    f,
                )
            };
            metric.__encode(&Labels::new(rendered, &pairs), encoder);
        }
        // Empty for a closed set, unless a hand-written `LabelSet` gave an index out of range:
        // those series are then exposed too, not lost.
        encode_series(self.desc, &self.open, encoder);
    }

    fn label_values(&self) -> Vec<crate::metrics::metric::LabelValues> {
        let mut labels = crate::metrics::metric::const_label_values(self.desc);
        // Every combination of a closed set decodes to one value per label; a set too large to
        // be held as an array is listed as open, as it is handled.
        let closed = L::CARDINALITY.filter(|count| *count <= crate::MAX_CLOSED_SERIES);
        for (position, name) in self.desc.labels.iter().enumerate() {
            let values = closed.map(|count| {
                let mut values: Vec<&'static str> = Vec::new();
                for index in 0..count {
                    let value = L::closed_value(index, position);
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
                values
            });
            labels.push((*name, values));
        }
        labels
    }
}
