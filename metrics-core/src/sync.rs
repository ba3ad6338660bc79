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
    AtomicBool, AtomicI64, AtomicPtr, AtomicU64, AtomicUsize, Ordering,
};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{
    AtomicBool, AtomicI64, AtomicPtr, AtomicU64, AtomicUsize, Ordering,
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
