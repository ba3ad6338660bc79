//! Summaries: a count, a sum and quantiles over a sliding time window.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::desc::Objective;
use crate::encoding::{Encoder, Labels, SummarySample};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::created::Created;
use crate::metrics::metric::{impl_collect_for_metric, sealed};
use crate::metrics::quantile::{Invariant, Stream};
use crate::metrics::timer::{Observer, Timer};
use crate::own::rejected;
use crate::sync::const_fn;
use crate::{Descriptor, Error, Metric, MetricType};

/// How many observations a summary buffers before merging them into its quantile streams.
/// The buffer is allocated once, on first use.
pub const SUMMARY_BUFFER: usize = 500;

/// A summary: counts observations and sums them, like a histogram without buckets, and
/// optionally reports quantiles (the median, the 99th percentile, ...) of the observations of
/// the last few minutes.
///
/// ```
/// use metrics_core::{metric, Summary};
///
/// /// Time to set up a voice call.
/// #[metric(objectives = [(0.5, 0.05), (0.9, 0.01), (0.99, 0.001)], max_age = 600, age_buckets = 5)]
/// static VOICE_CALL_SETUP_SECONDS: Summary;
///
/// # fn main() {
/// for ms in 1..=100 {
///     VOICE_CALL_SETUP_SECONDS.observe(ms as f64 / 1000.0);
/// }
/// assert_eq!(VOICE_CALL_SETUP_SECONDS.get_sample_count(), 100);
/// // Within 5 of rank 50 of 100, and within 0.1 of rank 99:
/// assert_eq!(VOICE_CALL_SETUP_SECONDS.get_quantile(0.5), Some(0.047));
/// assert_eq!(VOICE_CALL_SETUP_SECONDS.get_quantile(0.99), Some(0.099));
/// # }
/// ```
///
/// # Objectives
///
/// `objectives = [(quantile, error), ...]` lists the quantiles to report, each with the rank
/// error it may have: `(0.99, 0.001)` reports a value whose rank lies between the 98.9th and
/// the 99.1st percentile of the observations in the window. The estimate is the CKMS targeted
/// quantiles algorithm (the Go client's): memory grows with the logarithm of the observation
/// count and the inverse of the errors, not with the count itself. Without `objectives` a
/// summary has only `_sum` and `_count`, as in the Python client, and observing it is two
/// atomic additions.
///
/// # The window
///
/// Quantiles cover the observations of the last `max_age` seconds (default 600), in
/// `age_buckets` steps (default 5): every `max_age / age_buckets` the oldest part of the window
/// is dropped, so a quantile covers between `max_age * (1 - 1/age_buckets)` and `max_age`
/// seconds of observations. `_sum` and `_count` cover the life of the process, like a
/// counter. A quantile with no observation in the window is `NaN`.
///
/// # Cost
///
/// With objectives, `observe` reads the monotonic clock and appends to a buffer of
/// [`SUMMARY_BUFFER`] values under a mutex; every [`SUMMARY_BUFFER`]th observation (and every
/// scrape) sorts the buffer and merges it into each age bucket's stream. Merging reuses the
/// streams' memory, so it allocates only while they grow to the size the objectives need (see
/// `tests/test_allocations.rs`). Measured here (`cargo bench -p metrics-core --bench types`,
/// 2 cores): about 160 ns per observation with three objectives and five age buckets,
/// amortized over the merges, against 7 ns for a histogram and 5 ns for a summary without
/// objectives. Concurrent observers of one summary contend on its mutex; use a histogram
/// where that matters (it also aggregates across instances, which quantiles do not).
pub struct Summary {
    desc: &'static Descriptor,
    count: AtomicU64,
    sum: AtomicF64,
    created: Created,
    window: Mutex<Window>,
}

/// The quantile streams of a summary, one per age bucket, and the buffer that feeds them.
struct Window {
    invariant: Invariant,
    buffer: Vec<f64>,
    streams: Vec<Stream>,
    /// The stream with the longest history, which answers queries.
    head: usize,
    /// When the head stream is reset and the next one becomes the head; `None` before the
    /// first observation.
    head_expires: Option<Instant>,
}

impl Window {
    const EMPTY: Window = Window {
        invariant: Invariant::EMPTY,
        buffer: Vec::new(),
        streams: Vec::new(),
        head: 0,
        head_expires: None,
    };

    fn step(desc: &Descriptor) -> Duration {
        let buckets = desc.options.age_buckets.max(1);
        Duration::from_secs(desc.options.max_age_seconds.max(1)) / buckets
    }

    /// Allocates the buffer and the streams on first use, and drops the parts of the window
    /// that have aged out by `now`.
    fn advance(&mut self, desc: &Descriptor, now: Instant) {
        let step = Self::step(desc);
        let Some(expires) = self.head_expires else {
            let buckets = desc.options.age_buckets.max(1) as usize;
            self.invariant = Invariant::new(desc.options.objectives);
            self.buffer.reserve_exact(SUMMARY_BUFFER);
            self.streams = (0..buckets)
                .map(|_| Stream::with_capacity(2 * SUMMARY_BUFFER))
                .collect();
            // A window too long for the clock never rotates.
            self.head_expires = now.checked_add(step);
            if self.head_expires.is_none() {
                self.head_expires = Some(now);
            }
            return;
        };
        if now < expires {
            return;
        }
        // Observations buffered so far belong to the window that is ending.
        self.flush();
        let mut expires = expires;
        let mut rotations = 0;
        while now >= expires && rotations < self.streams.len() {
            if let Some(stream) = self.streams.get_mut(self.head) {
                stream.reset();
            }
            self.head = (self.head + 1) % self.streams.len().max(1);
            expires = expires.checked_add(step).unwrap_or(expires);
            rotations += 1;
        }
        if now >= expires {
            // Idle for longer than the whole window: every stream is empty now.
            expires = now.checked_add(step).unwrap_or(now);
        }
        self.head_expires = Some(expires);
    }

    fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        self.buffer.sort_unstable_by(f64::total_cmp);
        for stream in &mut self.streams {
            stream.merge(&self.buffer, &self.invariant);
        }
        self.buffer.clear();
    }

    fn observe(&mut self, desc: &Descriptor, value: f64, now: Instant) {
        self.advance(desc, now);
        self.buffer.push(value);
        if self.buffer.len() >= SUMMARY_BUFFER {
            self.flush();
        }
    }

    /// Every objective's current value, after merging the buffer.
    fn quantiles(&mut self, desc: &Descriptor, now: Instant) -> Vec<(f64, f64)> {
        let objectives = desc.options.objectives;
        if self.head_expires.is_some() {
            self.advance(desc, now);
            self.flush();
        }
        objectives
            .iter()
            .map(|objective| {
                let value = match self.streams.get(self.head) {
                    Some(stream) => stream.query(objective.quantile),
                    None => f64::NAN,
                };
                (objective.quantile, value)
            })
            .collect()
    }
}

impl Summary {
    const_fn! {
        #[doc(hidden)]
        pub fn __new(desc: &'static Descriptor) -> Self {
            Summary {
                desc,
                count: AtomicU64::new(0),
                sum: AtomicF64::zero(),
                created: Created::with_process(),
                window: Mutex::new(Window::EMPTY),
            }
        }
    }

    /// Records one observation. NaN has no rank, so it is not recorded: it is counted in
    /// `metrics_core_rejected_samples_total` instead. Use [`try_observe`](Self::try_observe)
    /// to get the error back.
    #[inline]
    pub fn observe(&self, value: f64) {
        if let Err(error) = self.try_observe(value) {
            rejected::record(&error);
        }
    }

    /// Records one observation, or returns [`Error::InvalidValue`] for NaN.
    pub fn try_observe(&self, value: f64) -> Result<(), Error> {
        if value.is_nan() {
            return Err(Error::InvalidValue {
                metric: self.desc.name,
                value,
                reason: "a summary cannot observe NaN",
            });
        }
        if !self.desc.options.objectives.is_empty() {
            self.lock().observe(self.desc, value, Instant::now());
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum.add(value);
        Ok(())
    }

    #[cfg(test)]
    fn observe_at(&self, value: f64, now: Instant) {
        self.lock().observe(self.desc, value, now);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum.add(value);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        // Nothing panics while the lock is held (short of an allocation failure), so a
        // poisoned lock still guards consistent data.
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a [`Timer`] that observes the elapsed seconds into this summary when dropped.
    pub fn start_timer(&self) -> Timer<'_> {
        Timer::new(self)
    }

    /// Runs `f` and observes how many seconds it took.
    pub fn observe_closure_duration<T>(&self, f: impl FnOnce() -> T) -> T {
        let _timer = self.start_timer();
        f()
    }

    /// How many observations were recorded since the process started.
    pub fn get_sample_count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The sum of all observations since the process started.
    pub fn get_sample_sum(&self) -> f64 {
        self.sum.get()
    }

    /// The current value of the objective for `quantile` (`None` if `quantile` is not one of
    /// the declared objectives; `Some(NaN)` if the window holds no observation).
    pub fn get_quantile(&self, quantile: f64) -> Option<f64> {
        self.get_quantiles()
            .into_iter()
            .find(|(q, _)| *q == quantile)
            .map(|(_, value)| value)
    }

    /// Every objective's quantile and current value, in declaration order.
    pub fn get_quantiles(&self) -> Vec<(f64, f64)> {
        self.quantiles_at(Instant::now())
    }

    fn quantiles_at(&self, now: Instant) -> Vec<(f64, f64)> {
        if self.desc.options.objectives.is_empty() {
            return Vec::new();
        }
        self.lock().quantiles(self.desc, now)
    }

    /// The declared objectives.
    pub fn objectives(&self) -> &'static [Objective] {
        self.desc.options.objectives
    }

    fn describe(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
        let quantiles = self.get_quantiles();
        // Read the count before the sum: an observation racing with the scrape then shows in
        // the sum, never in the count alone.
        let count = self.get_sample_count();
        let sum = self.get_sample_sum();
        encoder.summary(
            labels,
            &SummarySample {
                quantiles: &quantiles,
                sum,
                count,
                created: Some(self.created.get()),
            },
        );
    }
}

impl Observer for Summary {
    fn observe_seconds(&self, seconds: f64) {
        self.observe(seconds);
    }
}

impl sealed::Sealed for Summary {}

impl Metric for Summary {
    const TYPE: MetricType = MetricType::Summary;

    fn __new_child(desc: &'static Descriptor) -> Self {
        Summary {
            created: Created::now(),
            ..Summary::__new(desc)
        }
    }

    fn __reset(&self) {
        // The window first: a scrape racing with the reset then sees no quantile from before
        // it next to a zero count.
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Window::EMPTY;
        self.count.store(0, Ordering::Relaxed);
        self.sum.set(0.0);
        self.created.reset();
    }

    fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder) {
        self.describe(labels, encoder);
    }
}

impl_collect_for_metric!(Summary);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desc::Options;

    static DESC: Descriptor = Descriptor {
        name: "window_seconds",
        help: "Test.",
        labels: &[],
        buckets: &[],
        module_path: "tests",
        file: "summary.rs",
        line: 1,
        options: Options {
            objectives: &[Objective {
                quantile: 0.5,
                error: 0.05,
            }],
            max_age_seconds: 60,
            age_buckets: 3,
            ..Options::NONE
        },
    };

    #[test]
    fn the_window_slides_by_age_bucket() {
        let summary = Summary::__new(&DESC);
        let start = Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        // 0 s: 100 observations of 1; 25 s: 300 of 9. Buckets of 20 s, window 40-60 s.
        for _ in 0..100 {
            summary.observe_at(1.0, at(0));
        }
        assert_eq!(summary.quantiles_at(at(1)), [(0.5, 1.0)]);
        for _ in 0..300 {
            summary.observe_at(9.0, at(25));
        }
        // The head stream has seen both: the median is 9.
        assert_eq!(summary.quantiles_at(at(30)), [(0.5, 9.0)]);
        // At 60 s the streams that started at 0 s and 40 s are reset; the head is the one
        // reset at 20 s, which saw the nines (36 s ago, within max_age).
        assert_eq!(summary.quantiles_at(at(61)), [(0.5, 9.0)]);
        // At 80 s that one is reset too; the new head started at 40 s and saw nothing.
        assert!(summary.quantiles_at(at(81))[0].1.is_nan());
        // Sum and count are not windowed.
        assert_eq!(summary.get_sample_count(), 400);
        assert_eq!(summary.get_sample_sum(), 2800.0);
        // Idle for longer than the window: everything is reset, new observations count.
        summary.observe_at(4.0, at(1000));
        assert_eq!(summary.quantiles_at(at(1000)), [(0.5, 4.0)]);
    }
}
