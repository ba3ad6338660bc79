//! The atomics of the lock-free parts (`metrics/atomic.rs`, `counter.rs`, `gauge.rs`,
//! `histogram.rs`, and the series table of labelled families, `labels/series.rs`):
//! std's normally, loom's under `--cfg loom`, so that `tests/loom.rs` can check every
//! interleaving of them with the loom model checker:
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p metrics-core --test loom
//! ```
//!
//! (Its own target directory: `--cfg loom` rebuilds every dependency. On a 2-core machine the
//! first build takes about 50 s and the run 3 s; `--release` builds in about 2.5 min and runs in
//! 0.1 s.)

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{
    AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{
    AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};

/// A `const fn` normally; a plain `fn` under loom, whose atomics have no `const` constructor
/// (a metric built under loom lives inside a model run, never in a `static`).
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $name:ident($($args:tt)*) -> $ret:ty $body:block) => {
        #[cfg(not(loom))]
        $(#[$attr])*
        $vis const fn $name($($args)*) -> $ret $body

        #[cfg(loom)]
        $(#[$attr])*
        $vis fn $name($($args)*) -> $ret $body
    };
}
pub(crate) use const_fn;

/// Asks the CPU to start loading the cache line at `pointer`, for a walk that will read it a
/// few steps later (a scrape reading thousands of series, each its own allocation). A hint
/// only: it never faults, whatever `pointer` is. Nothing on other targets and under loom.
#[inline(always)]
pub(crate) fn prefetch<T>(pointer: *const T) {
    #[cfg(all(target_arch = "x86_64", not(loom)))]
    // SAFETY: SSE is part of the x86-64 baseline; a prefetch reads nothing and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(pointer.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", not(loom))))]
    let _ = pointer;
}

/// The time for idle expiry: the real clock normally; under loom, a clock that only the model
/// moves ([`set_loom_clock`]), so that every execution of a model sees the same times.
#[cfg(not(loom))]
#[inline]
pub(crate) fn now() -> std::time::Instant {
    std::time::Instant::now()
}

#[cfg(loom)]
static LOOM_CLOCK_MILLIS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(loom)]
pub(crate) fn now() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
        + std::time::Duration::from_millis(
            LOOM_CLOCK_MILLIS.load(std::sync::atomic::Ordering::SeqCst),
        )
}

/// Sets the loom models' clock to `elapsed` after its start.
#[cfg(loom)]
#[doc(hidden)]
pub fn set_loom_clock(elapsed: std::time::Duration) {
    LOOM_CLOCK_MILLIS.store(
        u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        std::sync::atomic::Ordering::SeqCst,
    );
}
