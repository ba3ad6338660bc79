//! An `f64` stored in an `AtomicU64`, for the floating-point metric types.

use crate::sync::{AtomicU64, Ordering, const_fn};

/// Relaxed ordering everywhere: a metric value is an independent cell; nothing else is published
/// through it, and scrapes only need each load to be atomic, not ordered against other cells.
pub(crate) struct AtomicF64(AtomicU64);

impl AtomicF64 {
    const_fn! {
        /// `0.0` has the all-zero bit pattern, so this is a plain zeroed atomic.
        pub(crate) fn zero() -> Self {
            AtomicF64(AtomicU64::new(0))
        }
    }

    #[inline]
    pub(crate) fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }

    #[inline]
    pub(crate) fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }

    /// There is no hardware float add, so this is a compare-and-swap loop; it retries only when
    /// another thread changed the value in between.
    #[inline]
    pub(crate) fn add(&self, delta: f64) {
        let mut current = self.0.load(Ordering::Relaxed);
        loop {
            let next = (f64::from_bits(current) + delta).to_bits();
            match self
                .0
                .compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(seen) => current = seen,
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::AtomicF64;

    #[test]
    fn adds_and_sets() {
        let value = AtomicF64::zero();
        assert_eq!(value.get(), 0.0);
        value.add(1.5);
        value.add(-0.25);
        assert_eq!(value.get(), 1.25);
        value.set(-3.0);
        assert_eq!(value.get(), -3.0);
    }

    #[test]
    fn concurrent_adds_are_exact() {
        let value = AtomicF64::zero();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..10_000 {
                        value.add(1.0);
                    }
                });
            }
        });
        assert_eq!(value.get(), 40_000.0);
    }
}
