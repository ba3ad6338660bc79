//! Timers that observe how long something took, in seconds, when they are dropped.

use std::time::Instant;

/// The metric types a [`Timer`] can observe into: [`Histogram`](crate::Histogram) and
/// [`Summary`](crate::Summary).
pub trait Observer: Sync + crate::metrics::metric::sealed::Sealed {
    /// Records `seconds` as one observation.
    #[doc(hidden)]
    fn observe_seconds(&self, seconds: f64);
}

/// Observes the seconds since it was started into a histogram or summary when it is dropped:
/// at the end of the scope, on an early `return` or `?`, and when a panic unwinds through it.
///
/// Made by `start_timer()`; [`stop_and_record`](Self::stop_and_record) observes now,
/// [`stop_and_discard`](Self::stop_and_discard) not at all.
///
/// ```
/// use metrics_core::{metric, Histogram};
///
/// /// Time to look a user up.
/// #[metric(buckets = [0.001, 0.01, 0.1])]
/// static USER_LOOKUP_SECONDS: Histogram;
///
/// fn lookup(id: u32) -> Option<String> {
///     let _timer = USER_LOOKUP_SECONDS.start_timer();
///     if id == 0 {
///         return None; // observed here too
///     }
///     Some(format!("user {id}"))
/// }
///
/// # fn main() {
/// lookup(0);
/// lookup(7);
/// let timer = USER_LOOKUP_SECONDS.start_timer();
/// timer.stop_and_discard(); // not observed
/// assert_eq!(USER_LOOKUP_SECONDS.get_sample_count(), 2);
/// # }
/// ```
#[must_use = "a timer observes when dropped: bind it with `let _timer = ...`, not `let _ = ...`"]
pub struct Timer<'a> {
    metric: &'a dyn Observer,
    start: Instant,
    armed: bool,
}

impl<'a> Timer<'a> {
    pub(crate) fn new(metric: &'a dyn Observer) -> Timer<'a> {
        Timer {
            metric,
            start: Instant::now(),
            armed: true,
        }
    }

    /// Seconds since the timer started.
    pub fn elapsed_seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Observes the elapsed seconds now and returns them.
    pub fn stop_and_record(mut self) -> f64 {
        let seconds = self.elapsed_seconds();
        self.metric.observe_seconds(seconds);
        self.armed = false;
        seconds
    }

    /// Observes the elapsed seconds now (the `prometheus` crate's name for
    /// [`stop_and_record`](Self::stop_and_record)).
    pub fn observe_duration(self) {
        self.stop_and_record();
    }

    /// Stops without observing and returns the elapsed seconds.
    pub fn stop_and_discard(mut self) -> f64 {
        self.armed = false;
        self.elapsed_seconds()
    }
}

impl Drop for Timer<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.metric.observe_seconds(self.elapsed_seconds());
        }
    }
}

/// The timer `#[timed(FAMILY, labels = [...])]` starts: it looks its series up when it observes,
/// at the end of the call, instead of holding a handle for the whole call. So it is `Send` when
/// its label values are (an `async fn` stays `Send`), it keeps no series from being freed while
/// the call runs, and a series removed meanwhile is not written through a stale handle.
#[doc(hidden)]
#[must_use = "a timer observes when dropped"]
pub struct LabelledTimer<'a, M: crate::Metric + Observer, V: AsRef<str>, const N: usize> {
    family: &'a crate::MetricVec<M, N>,
    values: [V; N],
    start: Instant,
}

impl<'a, M: crate::Metric + Observer, V: AsRef<str>, const N: usize> LabelledTimer<'a, M, V, N> {
    /// Starts timing into the series of `family` for `values`.
    pub fn start(family: &'a crate::MetricVec<M, N>, values: [V; N]) -> Self {
        LabelledTimer {
            family,
            values,
            start: Instant::now(),
        }
    }
}

impl<M: crate::Metric + Observer, V: AsRef<str>, const N: usize> Drop
    for LabelledTimer<'_, M, V, N>
{
    fn drop(&mut self) {
        let seconds = self.start.elapsed().as_secs_f64();
        self.family
            .with_label_values(&self.values)
            .observe_seconds(seconds);
    }
}
