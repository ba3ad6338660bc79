//! Creation timestamps of series, for the OpenMetrics `_created` samples.
//!
//! A timestamp is taken when a series starts counting from zero: when a labelled child is
//! created (already a locked, allocating path) and when a counter is reset. A `static` starts
//! with the process, so its timestamp is the process start time. Nothing here is on the hot
//! path: `inc` and `observe` never touch it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now, in whole microseconds (so that the encoders write them
/// with their fast path; Prometheus keeps milliseconds).
pub(crate) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_micros() as f64 / 1e6)
}

/// When the process started, in seconds since the Unix epoch: from `/proc` on Linux, otherwise
/// the first time anything asked (the registry asks when it is first used).
pub(crate) fn process_start() -> f64 {
    static START: OnceLock<f64> = OnceLock::new();
    *START.get_or_init(|| crate::own::procfs::start_time_seconds().unwrap_or_else(now))
}

/// A series' creation time, as `f64` bits; zero means "since the process started".
pub(crate) struct Created(AtomicU64);

impl Created {
    /// For a `static`: created with the process.
    pub(crate) const fn with_process() -> Created {
        Created(AtomicU64::new(0))
    }

    /// For a series created now.
    pub(crate) fn now() -> Created {
        Created(AtomicU64::new(now().to_bits()))
    }

    /// The series starts again from zero now.
    pub(crate) fn reset(&self) {
        self.0.store(now().to_bits(), Ordering::Relaxed);
    }

    /// Seconds since the Unix epoch.
    #[inline]
    pub(crate) fn get(&self) -> f64 {
        match self.0.load(Ordering::Relaxed) {
            0 => process_start(),
            bits => f64::from_bits(bits),
        }
    }
}
