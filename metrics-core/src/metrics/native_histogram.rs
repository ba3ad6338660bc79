//! Native histograms: exponential buckets at a resolution (schema) instead of chosen bounds.
//!
//! At schema `s`, bucket `i` holds the values in `(2^((i-1)/2^s), 2^(i/2^s)]` (negative values
//! the same by their absolute value, in buckets of their own), so each power of two is split
//! into `2^s` buckets; values within the zero threshold of 0 go to the zero bucket. Schemas
//! range from -4 (a bucket spans 16 powers of two) to 8 (256 buckets per power of two).
//!
//! # How observations find their bucket without a lock
//!
//! The counts live in a *layout*: a schema and, for each sign, a window of consecutive bucket
//! indices with one atomic count each. An observation loads the current layout, computes its
//! index at that schema (exponent bits and a search in a table of `2^s` bounds) and increments
//! the count if the window covers it: two loads and one atomic add beyond a classic histogram's
//! work. An index outside the window takes the slow path: under a mutex, a new layout is
//! built whose windows cover the old ones and the new index (with room to grow), and
//! published. When the windows together would span more than the bucket limit, the new layout
//! has a lower schema (each step halves the resolution and merges pairs of buckets), so memory
//! stays bounded. Old layouts are kept, never freed while the histogram lives: an observer
//! that loaded one just before the switch still counts into it, and a scrape adds every
//! layout's counts, mapped to the current schema, so no observation is lost.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::Histogram;
use crate::encoding::{Encoder, Labels, NativeBuckets, NativeSample};
use crate::metrics::metric::{impl_collect_for_metric, sealed};
use crate::metrics::timer::{Observer, Timer};
use crate::sync::const_fn;
use crate::{Descriptor, Error, Metric, MetricType};

/// The lowest schema: each bucket spans 2^16.
pub const MIN_SCHEMA: i8 = -4;
/// The highest schema: 256 buckets per power of two.
pub const MAX_SCHEMA: i8 = 8;

/// A native histogram (Prometheus' exponential, sparse histogram), with optional classic
/// buckets alongside.
///
/// Declared with `#[metric]`; the resolution and the limits come from the attribute:
///
/// - `schema = 3` (default 3: 8 buckets per power of two, about 9% wide), from -4 to 8;
/// - `max_buckets = 160` (default 160): the most buckets, positive and negative together,
///   between the lowest and the highest populated one. Past it the resolution is halved, as
///   often as needed, instead of the histogram growing;
/// - `zero_threshold = 1e-9` (default 2^-128): values whose absolute value is at most this
///   go to the zero bucket;
/// - `buckets = [...]`: classic buckets kept alongside, for scrapers that do not read native
///   histograms.
///
/// The native buckets are exposed in the protobuf format, the one Prometheus asks for first
/// when started with `--enable-feature=native-histograms`; the text formats show the classic
/// buckets (only `+Inf` when there are none), the count and the sum.
///
/// ```
/// use metrics_core::{metric, NativeHistogram};
///
/// /// Time to answer a voice call.
/// #[metric(schema = 2, max_buckets = 40, buckets = [1.0, 5.0])]
/// static DOC_ANSWER_SECONDS: NativeHistogram;
///
/// # fn main() {
/// DOC_ANSWER_SECONDS.observe(0.9);
/// DOC_ANSWER_SECONDS.observe(3.0);
/// assert_eq!(DOC_ANSWER_SECONDS.get_sample_count(), 2);
/// assert_eq!(DOC_ANSWER_SECONDS.schema(), 2);
/// // 0.9 is in (2^(-1/4), 1], bucket 0; 3.0 in (2^(6/4), 2^(7/4)], bucket 7.
/// assert_eq!(DOC_ANSWER_SECONDS.native_buckets(), vec![(0, 1), (7, 1)]);
/// # }
/// ```
pub struct NativeHistogram {
    /// Classic buckets (possibly none), the count, the sum, `_created` and exemplars.
    classic: Histogram,
    native: Native,
    /// The descriptor, also the classic part's (`impl_collect_for_metric!` reads `desc`).
    desc: &'static Descriptor,
}

impl NativeHistogram {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            NativeHistogram {
                classic: Histogram::__new(desc),
                native: Native::new(),
                desc,
            }
        }
    }

    /// Records one observation. NaN is counted in `metrics_core_rejected_samples_total`
    /// instead, as by [`Histogram::observe`].
    #[inline]
    pub fn observe(&self, value: f64) {
        if let Err(error) = self.try_observe(value) {
            crate::own::rejected::record(&error);
        }
    }

    /// Records one observation, or returns [`Error::InvalidValue`] for NaN.
    #[inline]
    pub fn try_observe(&self, value: f64) -> Result<(), Error> {
        self.classic.try_observe(value)?;
        self.native.observe(self.desc, value);
        Ok(())
    }

    /// Records one observation with an exemplar, kept by the classic bucket it falls in: see
    /// [`Histogram::observe_with_exemplar`].
    #[inline]
    pub fn observe_with_exemplar(
        &self,
        value: f64,
        exemplar: &[(&str, &str)],
    ) -> Result<(), Error> {
        let result = self.classic.observe_with_exemplar(value, exemplar);
        if !value.is_nan() {
            self.native.observe(self.desc, value);
        }
        result
    }

    /// Starts a [`Timer`] that observes the elapsed seconds when dropped.
    pub fn start_timer(&self) -> Timer<'_> {
        Timer::new(self)
    }

    /// How many observations were recorded.
    pub fn get_sample_count(&self) -> u64 {
        self.classic.get_sample_count()
    }

    /// The sum of all observations.
    pub fn get_sample_sum(&self) -> f64 {
        self.classic.get_sample_sum()
    }

    /// The current schema: the declared one, or lower once the bucket limit was reached.
    pub fn schema(&self) -> i8 {
        self.native.snapshot(self.desc).schema
    }

    /// The populated buckets of positive values as `(index, count)`, by increasing index:
    /// index `i` holds the values in `(2^((i-1)/2^s), 2^(i/2^s)]` at the current
    /// [`schema`](Self::schema) `s`.
    pub fn native_buckets(&self) -> Vec<(i32, u64)> {
        self.native.snapshot(self.desc).positive.populated()
    }

    /// The populated buckets of negative values as `(index, count)`: index `i` holds the
    /// values whose absolute value is in `(2^((i-1)/2^s), 2^(i/2^s)]`.
    pub fn negative_buckets(&self) -> Vec<(i32, u64)> {
        self.native.snapshot(self.desc).negative.populated()
    }

    /// How many observations went to the zero bucket.
    pub fn zero_count(&self) -> u64 {
        self.native.zero.load(Ordering::Relaxed)
    }

    /// Sets every bucket, the count and the sum back to zero. The schema stays where the
    /// bucket limit brought it.
    pub fn reset(&self) {
        self.classic.reset();
        self.native.reset();
    }
}

impl Observer for NativeHistogram {
    fn observe_seconds(&self, seconds: f64) {
        self.observe(seconds);
    }
}

impl sealed::Sealed for NativeHistogram {}

impl Metric for NativeHistogram {
    const TYPE: MetricType = MetricType::Histogram;

    fn __new_child(desc: &'static Descriptor) -> Self {
        NativeHistogram {
            classic: Histogram::__new_child(desc),
            native: Native::new(),
            desc,
        }
    }

    fn __reset(&self) {
        self.reset();
    }

    fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
        let native = self.native.snapshot(self.desc);
        self.classic.describe(labels, encoder, Some(&native));
    }
}

impl_collect_for_metric!(NativeHistogram);

/// The native buckets of one series.
struct Native {
    /// The current layout; null until the first observation outside the zero bucket.
    current: AtomicPtr<Layout>,
    zero: AtomicU64,
    /// Every layout ever published (the current one last), owned here and freed on drop.
    layouts: Mutex<Vec<*mut Layout>>,
}

// SAFETY: the raw pointers in `layouts` are owned boxes, only read through shared
// references (their counts are atomics) and freed only in `Drop`.
unsafe impl Send for Native {}
unsafe impl Sync for Native {}

/// A schema and, for each sign, a window of buckets with their counts.
struct Layout {
    schema: i8,
    /// `2^schema` bounds in `[0.5, 1)` for a positive schema, empty otherwise.
    bounds: &'static [f64],
    positive: Window,
    negative: Window,
}

/// Bucket indices `offset .. offset + counts.len()`.
struct Window {
    offset: i32,
    counts: Box<[AtomicU64]>,
}

impl Window {
    fn empty() -> Window {
        Window {
            offset: 0,
            counts: Box::new([]),
        }
    }

    fn with_range(low: i32, high: i32) -> Window {
        Window {
            offset: low,
            counts: (low..high).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn range(&self) -> Option<(i32, i32)> {
        (!self.counts.is_empty()).then(|| (self.offset, self.offset + self.counts.len() as i32))
    }

    #[inline]
    fn slot(&self, index: i32) -> Option<&AtomicU64> {
        self.counts
            .get(index.wrapping_sub(self.offset) as u32 as usize)
    }
}

impl Native {
    const fn new() -> Native {
        Native {
            current: AtomicPtr::new(std::ptr::null_mut()),
            zero: AtomicU64::new(0),
            layouts: Mutex::new(Vec::new()),
        }
    }

    #[inline]
    fn observe(&self, desc: &'static Descriptor, value: f64) {
        let magnitude = value.abs();
        if magnitude <= desc.options.native_zero_threshold || magnitude < f64::MIN_POSITIVE {
            self.zero.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // SAFETY: published with Release after being fully built, freed only in `Drop`.
        if let Some(layout) = unsafe { self.current.load(Ordering::Acquire).as_ref() } {
            let index = bucket_index(magnitude, layout.schema, layout.bounds);
            let window = if value > 0.0 {
                &layout.positive
            } else {
                &layout.negative
            };
            if let Some(count) = window.slot(index) {
                count.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        self.grow_and_observe(desc, value);
    }

    /// The slow path: publishes a layout that covers `value` (at a lower schema if the bucket
    /// limit requires it) and counts it there.
    #[cold]
    fn grow_and_observe(&self, desc: &'static Descriptor, value: f64) {
        let mut layouts = self.layouts.lock().unwrap_or_else(PoisonError::into_inner);
        // SAFETY: as in `observe`; under the lock, this is the latest layout.
        let old = unsafe { self.current.load(Ordering::Acquire).as_ref() };
        let schema = old.map_or(desc.options.native_schema, |layout| layout.schema);
        let magnitude = value.abs();
        let positive = value > 0.0;
        let index = bucket_index(magnitude, schema, bounds(schema));
        if let Some(old) = old {
            let window = if positive {
                &old.positive
            } else {
                &old.negative
            };
            if let Some(count) = window.slot(index) {
                count.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        let range_of = |window: Option<&Window>| window.and_then(Window::range);
        let mut ranges = [
            range_of(old.map(|layout| &layout.positive)),
            range_of(old.map(|layout| &layout.negative)),
        ];
        let side = usize::from(!positive);
        ranges[side] = Some(match ranges[side] {
            Some((low, high)) => (low.min(index), high.max(index + 1)),
            None => (index, index + 1),
        });
        let limit = desc.options.native_max_buckets.max(1) as i64;
        let width = |ranges: &[Option<(i32, i32)>; 2]| -> i64 {
            ranges
                .iter()
                .flatten()
                .map(|(low, high)| i64::from(*high) - i64::from(*low))
                .sum()
        };
        let mut schema = schema;
        while width(&ranges) > limit && schema > MIN_SCHEMA {
            schema -= 1;
            for range in ranges.iter_mut().flatten() {
                // Bucket i at schema s is bucket ceil(i / 2) at schema s - 1.
                *range = (coarser(range.0, 1), coarser(range.1 - 1, 1) + 1);
            }
        }
        // Room to grow on the side that grew, within the limit, so that a distribution
        // spreading out takes few layouts.
        let spare = limit - width(&ranges);
        if let Some((low, high)) = ranges[side].as_mut() {
            let room = (i64::from(*high - *low)).max(4).min(spare.max(0)) as i32;
            let grew_down = old
                .and_then(|layout| {
                    let window = if positive {
                        &layout.positive
                    } else {
                        &layout.negative
                    };
                    window.range()
                })
                .is_some_and(|(old_low, _)| index < old_low);
            if grew_down {
                *low = low.saturating_sub(room);
            } else {
                *high = high.saturating_add(room);
            }
        }
        let window = |range: Option<(i32, i32)>| {
            range.map_or_else(Window::empty, |(low, high)| Window::with_range(low, high))
        };
        let layout = Box::new(Layout {
            schema,
            bounds: bounds(schema),
            positive: window(ranges[0]),
            negative: window(ranges[1]),
        });
        let index = bucket_index(magnitude, schema, layout.bounds);
        let window = if positive {
            &layout.positive
        } else {
            &layout.negative
        };
        if let Some(count) = window.slot(index) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        let pointer = Box::into_raw(layout);
        layouts.push(pointer);
        self.current.store(pointer, Ordering::Release);
    }

    /// Every layout's counts, mapped to the current schema.
    fn snapshot(&self, desc: &'static Descriptor) -> NativeSample {
        let layouts = self.layouts.lock().unwrap_or_else(PoisonError::into_inner);
        let zero_count = self.zero.load(Ordering::Relaxed);
        let mut sample = NativeSample {
            schema: desc.options.native_schema,
            zero_threshold: desc.options.native_zero_threshold,
            zero_count,
            positive: NativeBuckets::default(),
            negative: NativeBuckets::default(),
        };
        let Some(&current) = layouts.last() else {
            return sample;
        };
        // SAFETY: owned by `layouts`, alive until `Drop`.
        let current = unsafe { &*current };
        sample.schema = current.schema;
        let mut positive = buckets_of(&current.positive);
        let mut negative = buckets_of(&current.negative);
        for &layout in layouts.iter() {
            // SAFETY: as above.
            let layout = unsafe { &*layout };
            let steps = i32::from(layout.schema - current.schema);
            add_window(&mut positive, &layout.positive, steps);
            add_window(&mut negative, &layout.negative, steps);
        }
        sample.positive = positive;
        sample.negative = negative;
        sample
    }

    fn reset(&self) {
        let layouts = self.layouts.lock().unwrap_or_else(PoisonError::into_inner);
        for &layout in layouts.iter() {
            // SAFETY: owned by `layouts`, alive until `Drop`.
            let layout = unsafe { &*layout };
            for count in layout
                .positive
                .counts
                .iter()
                .chain(&*layout.negative.counts)
            {
                count.store(0, Ordering::Relaxed);
            }
        }
        self.zero.store(0, Ordering::Relaxed);
    }
}

impl Drop for Native {
    fn drop(&mut self) {
        let layouts = self
            .layouts
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for layout in layouts.drain(..) {
            // SAFETY: from `Box::into_raw`, freed once; no reference outlives `&mut self`.
            drop(unsafe { Box::from_raw(layout) });
        }
    }
}

fn buckets_of(window: &Window) -> NativeBuckets {
    NativeBuckets {
        offset: window.offset,
        counts: vec![0; window.counts.len()],
    }
}

/// Adds a window's counts, `steps` schemas finer than `into`'s, to `into`.
fn add_window(into: &mut NativeBuckets, window: &Window, steps: i32) {
    for (index, count) in (window.offset..).zip(window.counts.iter()) {
        let count = count.load(Ordering::Relaxed);
        if count == 0 {
            continue;
        }
        let target = coarser(index, steps) - into.offset;
        // Every layout's windows are inside the current one's, mapped to its schema.
        if let Some(slot) = usize::try_from(target)
            .ok()
            .and_then(|target| into.counts.get_mut(target))
        {
            *slot += count;
        } else {
            debug_assert!(false, "bucket {index} outside the current window");
        }
    }
}

/// Bucket `index` at a schema `steps` higher, at this schema: `ceil(index / 2^steps)`.
fn coarser(index: i32, steps: i32) -> i32 {
    if steps <= 0 {
        return index;
    }
    let steps = steps.min(30);
    (((index as i64) + (1i64 << steps) - 1) >> steps) as i32
}

/// The bucket of a positive, normal `value` at `schema`: the `i` with
/// `2^((i-1)/2^schema) < value <= 2^(i/2^schema)`.
#[inline]
fn bucket_index(value: f64, schema: i8, bounds: &[f64]) -> i32 {
    // value = fraction * 2^exponent with fraction in [0.5, 1), read from the bits.
    let bits = value.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let fraction = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1022 << 52));
    if schema > 0 {
        // The first bound >= fraction; bound 0 is 0.5, so fraction 0.5 (a power of two) is the
        // upper bound of the bucket below.
        let within = bounds.partition_point(|bound| *bound < fraction) as i32;
        within + (exponent - 1) * (1 << schema)
    } else {
        // A power of two is the upper bound of its bucket.
        let index = if fraction == 0.5 {
            exponent - 1
        } else {
            exponent
        };
        let shift = -i32::from(schema);
        (index + (1 << shift) - 1) >> shift
    }
}

/// `2^(j / 2^schema) / 2` for `j` in `0..2^schema`: where each power of two is split.
fn bounds(schema: i8) -> &'static [f64] {
    static BOUNDS: [OnceLock<Box<[f64]>>; 9] = [const { OnceLock::new() }; 9];
    if schema <= 0 {
        return &[];
    }
    BOUNDS[schema as usize].get_or_init(|| {
        let count = 1u32 << schema;
        (0..count)
            .map(|j| 0.5 * (f64::from(j) / f64::from(count)).exp2())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index is the `i` with `2^((i-1)/2^s) < v <= 2^(i/2^s)`, checked against the
    /// definition (with logarithms) away from bucket edges, and exactly at powers of two.
    #[test]
    fn bucket_index_follows_the_definition() {
        for schema in MIN_SCHEMA..=MAX_SCHEMA {
            let table = bounds(schema);
            let per_octave = 2f64.powi(i32::from(schema));
            for step in -400..400 {
                let value = 1.37f64.powi(step) * 1.0001;
                let exact = (value.log2() * per_octave).ceil() as i32;
                assert_eq!(
                    bucket_index(value, schema, table),
                    exact,
                    "{value} at {schema}"
                );
            }
            for exponent in -20..20 {
                let value = 2f64.powi(exponent);
                let expected = if schema >= 0 {
                    exponent * (1 << schema)
                } else {
                    let shift = -i32::from(schema);
                    (exponent + (1 << shift) - 1) >> shift
                };
                assert_eq!(
                    bucket_index(value, schema, table),
                    expected,
                    "{value} at {schema}"
                );
            }
        }
    }

    #[test]
    fn coarser_halves_with_ceiling() {
        assert_eq!(coarser(4, 1), 2);
        assert_eq!(coarser(3, 1), 2);
        assert_eq!(coarser(0, 1), 0);
        assert_eq!(coarser(-1, 1), 0);
        assert_eq!(coarser(-2, 1), -1);
        assert_eq!(coarser(-3, 1), -1);
        assert_eq!(coarser(9, 2), 3);
    }
}
