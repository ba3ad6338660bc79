//! Safe memory reclamation for the series table, from the `seize` crate.
//!
//! A lookup enters the family's [`Collector`] and keeps the returned [`Guard`] for as long as
//! it uses what it found; a removed series or a replaced table is retired, and freed once every
//! guard that could have seen it is dropped.
//!
//! Why `seize` (and not `crossbeam-epoch` or hazard pointers): each family owns its collector,
//! so a guard kept on one family delays the reclamation of that family only, and dropping a
//! family frees everything it retired (no process-wide garbage queue, no leak for Miri to
//! report); entering costs a store and a compiler fence (the expensive barrier is paid by the
//! reclaiming side, through `membarrier` on Linux); and it is maintained, Miri-tested and the
//! reclamation scheme of `papaya`. Hazard pointers (`haphazard`) would need one slot per
//! handle a thread holds, which a handle that users keep cannot bound.
//!
//! Under loom the collector is a small model with the same contract (a mutex-guarded count of
//! active guards; a retired pointer is freed when the count is zero), so that the models check
//! the table's use of it: a read that a free is not ordered after fails the model.

#[cfg(not(loom))]
pub(crate) use self::seized::{Collector, Guard};

#[cfg(loom)]
pub(crate) use self::model::{Collector, Guard};

#[cfg(not(loom))]
mod seized {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicPtr, Ordering};

    use seize::Guard as _;

    /// A family's collector, created on first use so that the family stays `const`.
    pub(crate) struct Collector(OnceLock<seize::Collector>);

    /// Protects what a lookup loaded until it is dropped.
    pub(crate) struct Guard<'a>(seize::LocalGuard<'a>);

    impl Collector {
        pub(crate) const fn new() -> Self {
            Collector(OnceLock::new())
        }

        #[inline]
        fn get(&self) -> &seize::Collector {
            self.0.get_or_init(seize::Collector::new)
        }

        #[inline]
        pub(crate) fn enter(&self) -> Guard<'_> {
            Guard(self.get().enter())
        }

        /// Frees `pointer` (a `Box`) once no guard that could have loaded it remains.
        ///
        /// # Safety
        ///
        /// `pointer` comes from `Box::into_raw`, is retired once, and is no longer reachable
        /// by a thread that enters after this call.
        pub(crate) unsafe fn retire<T>(&self, pointer: *mut T) {
            // SAFETY: as the caller promises; `boxed` frees a `Box`.
            unsafe { self.get().retire(pointer, seize::reclaim::boxed) }
        }
    }

    impl Guard<'_> {
        /// Loads a pointer that may be retired: what it points to stays valid while `self`
        /// lives.
        #[inline]
        pub(crate) fn protect<T>(&self, pointer: &AtomicPtr<T>) -> *mut T {
            self.0.protect(pointer, Ordering::Acquire)
        }
    }
}

#[cfg(loom)]
mod model {
    use loom::sync::Mutex;
    use loom::sync::atomic::{AtomicPtr, Ordering};

    /// A retired pointer and how to free it.
    type Retired = (usize, unsafe fn(usize));

    pub(crate) struct Collector {
        state: Mutex<State>,
    }

    struct State {
        active: usize,
        retired: Vec<Retired>,
    }

    pub(crate) struct Guard<'a>(&'a Collector);

    unsafe fn free<T>(address: usize) {
        // SAFETY: from `Box::into_raw` (see `retire`).
        drop(unsafe { Box::from_raw(address as *mut T) });
    }

    impl Collector {
        pub(crate) fn new() -> Self {
            Collector {
                state: Mutex::new(State {
                    active: 0,
                    retired: Vec::new(),
                }),
            }
        }

        pub(crate) fn enter(&self) -> Guard<'_> {
            self.state.lock().unwrap().active += 1;
            Guard(self)
        }

        /// # Safety
        ///
        /// As the `seize` version's.
        pub(crate) unsafe fn retire<T>(&self, pointer: *mut T) {
            let mut state = self.state.lock().unwrap();
            if state.active == 0 {
                drop(state);
                // SAFETY: no guard is active, and the caller made it unreachable.
                unsafe { free::<T>(pointer as usize) };
            } else {
                state.retired.push((pointer as usize, free::<T>));
            }
        }
    }

    impl Guard<'_> {
        pub(crate) fn protect<T>(&self, pointer: &AtomicPtr<T>) -> *mut T {
            pointer.load(Ordering::Acquire)
        }
    }

    impl Drop for Guard<'_> {
        fn drop(&mut self) {
            let mut state = self.0.state.lock().unwrap();
            state.active -= 1;
            let retired = if state.active == 0 {
                std::mem::take(&mut state.retired)
            } else {
                Vec::new()
            };
            drop(state);
            for (address, free) in retired {
                // SAFETY: retired while a guard was active, and now none is.
                unsafe { free(address) };
            }
        }
    }

    impl Drop for Collector {
        fn drop(&mut self) {
            let state = self.state.get_mut().unwrap();
            for (address, free) in std::mem::take(&mut state.retired) {
                // SAFETY: `&mut self`: no guard is left.
                unsafe { free(address) };
            }
        }
    }
}
