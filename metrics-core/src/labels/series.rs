//! The series of a labelled family: found without a lock, removed and freed while readers run.
//!
//! A lookup enters the family's collector ([`crate::reclaim`]), hashes the label values and
//! probes an open-addressing table of pointers with plain atomic loads: no lock, no reference
//! count, and nothing written unless idle expiry is on and the series was not used since the
//! family's clock last ticked. Writers (a new series, a removal, an expiry sweep) take a mutex
//! and publish with release stores.
//!
//! A removed series leaves a tombstone in its slot, is unlinked from the sorted list that
//! scrapes read, stops counting towards `max_series` at once, and is retired: freed once no
//! guard that could have seen it remains. A table with too many tombstones, or too full, is
//! rebuilt and the old one retired the same way. Handles returned to users hold the guard
//! (see [`SeriesRef`](crate::SeriesRef)), so none of them ever points at freed memory.
//!
//! Idle expiry: the family has a clock, `tick`, that sweeps (at scrape, or when a new series
//! is inserted) advance when enough time passed; a lookup stamps its series with the current
//! tick (one compare when it is already stamped). A sweep expires series whose stamp is older
//! than the last tick that started `expire_after` ago: their last use was before that tick
//! started. Stamp and expiry race through one compare-and-swap on the stamp, so a lookup that
//! wins keeps its series and one that loses goes to the slow path and gets a fresh one.

use std::collections::VecDeque;
use std::ptr::{self, NonNull};
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use crate::labels::reclaim::{Collector, Guard};
use crate::labels::series_ref::SeriesRef;
use crate::sync::{
    AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Mutex, MutexGuard, Ordering, const_fn,
};

/// The stamp of a removed series: a lookup that sees it takes the slow path.
const REMOVED: u32 = u32::MAX;

/// How many ticks of the expiry clock `expire_after` spans: a series expires between
/// `expire_after` and `expire_after * (1 + 1/TICKS_PER_EXPIRY)` (plus the time to the next
/// sweep) after its last use.
const TICKS_PER_EXPIRY: u32 = 16;

/// What the table needs from a key besides its order: the hash lookups use, recomputed when a
/// table is rebuilt (series do not store it, to stay small).
pub(crate) trait SeriesKey: Ord {
    fn key_hash(&self) -> u64;

    /// Starts loading what a scrape reads of the key, if it lives outside the series.
    #[cfg_attr(loom, allow(dead_code))]
    fn prefetch(&self) {}
}

/// One series: its key (label values, and whatever the family renders from them) and metric.
pub(crate) struct Series<K, M> {
    /// The family's tick when the series was last looked up; [`REMOVED`] once removed.
    seen: AtomicU32,
    /// Whether the series counts towards `max_series` (all but an overflow series created as
    /// such).
    counted: bool,
    key: Published<K>,
    pub(crate) metric: M,
}

impl<K, M> Series<K, M> {
    /// The label values.
    pub(crate) fn key(&self) -> &K {
        self.key.get()
    }

    /// Stamps the series with `tick`; `false` if it was removed meanwhile.
    #[inline]
    fn touch(&self, tick: u32) -> bool {
        let seen = self.seen.load(Ordering::Relaxed);
        seen == tick || self.restamp(seen, tick)
    }

    #[cold]
    fn restamp(&self, mut seen: u32, tick: u32) -> bool {
        // Relaxed: the stamp orders nothing but itself; what matters is who wins the race
        // between this and a sweep's swap to REMOVED, which one total order on `seen` decides.
        loop {
            if seen == REMOVED {
                return false;
            }
            match self
                .seen
                .compare_exchange_weak(seen, tick, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(now) => seen = now,
            }
        }
    }
}

/// A value written once by the thread that creates a series and then read by any thread that
/// finds the series: plain memory normally; under loom, a cell whose reads loom checks against
/// that write and against the free, so that a publication without the right ordering, or a
/// read of a freed series, fails the model.
#[cfg(not(loom))]
struct Published<T>(T);

#[cfg(not(loom))]
impl<T> Published<T> {
    fn new(value: T) -> Self {
        Published(value)
    }

    fn get(&self) -> &T {
        &self.0
    }
}

#[cfg(loom)]
struct Published<T>(loom::cell::UnsafeCell<Option<T>>);

#[cfg(loom)]
impl<T> Published<T> {
    fn new(value: T) -> Self {
        let cell = loom::cell::UnsafeCell::new(None);
        // A write loom sees, so that a read not ordered after it fails the model.
        // SAFETY: the cell is not shared yet.
        cell.with_mut(|slot| unsafe { *slot = Some(value) });
        Published(cell)
    }

    fn get(&self) -> &T {
        // SAFETY: never written after `new` but by `drop`; `with` only lets loom check the read.
        self.0
            .with(|value| unsafe { &*value })
            .as_ref()
            .expect("written in `new`")
    }
}

#[cfg(loom)]
impl<T> Drop for Published<T> {
    fn drop(&mut self) {
        // A write loom sees: a read of a series that is not ordered before its free fails.
        // SAFETY: `&mut self`.
        self.0.with_mut(|slot| unsafe { *slot = None });
    }
}

/// A power-of-two array of slots, each null (never used), a tombstone (a series was removed
/// from it) or a series.
struct Table<K, M> {
    slots: Box<[AtomicPtr<Series<K, M>>]>,
}

/// The pointer a removed series leaves in its slot, so that probe sequences through it go on.
/// Never dereferenced.
fn tombstone<K, M>() -> *mut Series<K, M> {
    NonNull::dangling().as_ptr()
}

/// What only writers touch, under the mutex.
struct Writer<K, M> {
    /// Every series, sorted by key, kept sorted at insertion (rare) so that a scrape (often)
    /// does not sort. Raw pointers from `Box::into_raw`: readers hold pointers into them,
    /// which a `Box` moved around in a `Vec` would invalidate under Rust's aliasing rules.
    sorted: Vec<*mut Series<K, M>>,
    /// Slots of the current table that are not null (series and tombstones).
    used: usize,
    /// When each recent tick of the expiry clock started, oldest first.
    ticks: VecDeque<(u32, Instant)>,
    /// The expiry cutoff of the last sweep: series stamped before it are gone already.
    swept: Option<u32>,
}

pub(crate) struct SeriesTable<K, M> {
    current: AtomicPtr<Table<K, M>>,
    /// The expiry clock; stays 0 while expiry is off, so lookups never write.
    tick: AtomicU32,
    writer: Mutex<Writer<K, M>>,
    max_series: AtomicUsize,
    /// Series that count towards `max_series`. Written under the writers' lock, read without
    /// it by lookups of a full family.
    capped: AtomicUsize,
    /// The overflow series once it exists, so that a full family redirects new label values
    /// to it without taking the lock or allocating.
    overflow: AtomicPtr<Series<K, M>>,
    /// Idle expiry, in milliseconds; 0: never.
    expire_after: AtomicU64,
    collector: Collector,
}

/// The overflow series of a table: its hash, a test for its key, and how to build it.
pub(crate) struct Overflow<E, F> {
    pub(crate) hash: u64,
    pub(crate) eq: E,
    pub(crate) make: F,
}

/// The series a scrape reads, with the guard that keeps them valid while it reads.
pub(crate) struct Scrape<'a, K, M> {
    series: Vec<*const Series<K, M>>,
    _guard: Guard<'a>,
}

/// How many series ahead a scrape starts loading a series, and half as many ahead its key's
/// out-of-line part, which needs the series loaded to be found. Each series is its own
/// allocation: without this, a scrape of thousands of series mostly waits for memory.
const PREFETCH_AHEAD: usize = 8;

impl<K: SeriesKey, M> Scrape<'_, K, M> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Series<K, M>> {
        let list = &self.series;
        list.iter().enumerate().map(move |(index, &series)| {
            if let Some(&ahead) = list.get(index + PREFETCH_AHEAD) {
                crate::sync::prefetch(ahead);
            }
            // (Not under loom, where reading a key is a modelled access.)
            #[cfg(not(loom))]
            if let Some(&ahead) = list.get(index + PREFETCH_AHEAD / 2) {
                // SAFETY: as below.
                unsafe { &*ahead }.key().prefetch();
            }
            // SAFETY: listed under the writers' lock while `_guard` was active, so not freed
            // before `_guard` is dropped, which `&self` prevents.
            unsafe { &*series }
        })
    }
}

impl<K: SeriesKey, M> SeriesTable<K, M> {
    const_fn! {
        /// A table of at most `max_series` series (not counting the overflow series) that
        /// expires series idle for `expire_after_seconds` (0: never).
        pub(crate) fn new(max_series: usize, expire_after_seconds: u64) -> Self {
            SeriesTable {
                current: AtomicPtr::new(ptr::null_mut()),
                tick: AtomicU32::new(0),
                writer: Mutex::new(Writer {
                    sorted: Vec::new(),
                    used: 0,
                    ticks: VecDeque::new(),
                    swept: None,
                }),
                max_series: AtomicUsize::new(max_series),
                capped: AtomicUsize::new(0),
                overflow: AtomicPtr::new(ptr::null_mut()),
                expire_after: AtomicU64::new(expire_after_seconds.saturating_mul(1000)),
                collector: Collector::new(),
            }
        }
    }

    fn writer(&self) -> MutexGuard<'_, Writer<K, M>> {
        // Nothing inside the lock panics short of an allocation failure, so a poisoned lock
        // still guards consistent data.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The slot and series whose key satisfies `eq`, without locking. The pointer is the one
    /// from `Box::into_raw` (what a removal retires), valid while `guard` lives.
    #[inline]
    fn find(
        &self,
        guard: &Guard<'_>,
        hash: u64,
        eq: impl Fn(&K) -> bool,
    ) -> Option<(usize, *mut Series<K, M>)> {
        let table = guard.protect(&self.current);
        if table.is_null() {
            return None;
        }
        // SAFETY: protected by `guard`: a table is retired only after it stops being current.
        let slots = unsafe { &(*table).slots };
        let mask = slots.len() - 1;
        let mut index = hash as usize & mask;
        // Terminates: a table is never more than three quarters used, so a null slot is
        // always reached.
        loop {
            let slot = guard.protect(&slots[index]);
            if slot.is_null() {
                return None;
            }
            if slot != tombstone() {
                // SAFETY: a series is fully built before its pointer is stored with `Release`
                // (paired with the `Acquire` of `protect`), and retired only after its slot
                // holds a tombstone, so `guard` keeps it valid.
                if eq(unsafe { &*slot }.key()) {
                    return Some((index, slot));
                }
            }
            index = (index + 1) & mask;
        }
    }

    /// The series for a key; if there is none, `make` builds it (key, metric) unless the
    /// family is full, in which case the overflow series is returned (`true`): `overflow`
    /// gives its hash, key test and builder, and it is a series like the others (found by its
    /// own label values, exposed in order) that does not count towards the cap.
    #[inline]
    pub(crate) fn get_or_insert<E, F>(
        &self,
        hash: u64,
        eq: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, M),
        overflow: impl FnOnce() -> Overflow<E, F>,
    ) -> (SeriesRef<'_, M>, bool)
    where
        E: Fn(&K) -> bool,
        F: FnOnce() -> (K, M),
    {
        let guard = self.collector.enter();
        let tick = self.tick.load(Ordering::Relaxed);
        match self.find(&guard, hash, &eq) {
            Some((_, series)) => {
                // SAFETY: `find` returned it under `guard`.
                let series = unsafe { &*series };
                if series.touch(tick) {
                    let metric: *const M = &series.metric;
                    // SAFETY: `find` returned it under `guard`, which the handle keeps.
                    return (unsafe { SeriesRef::guarded(&*metric, guard) }, false);
                }
            }
            // A full family under a flood of new values: straight to the overflow series.
            None if self.capped.load(Ordering::Relaxed) >= self.max_series() => {
                let pointer = guard.protect(&self.overflow);
                if !pointer.is_null() {
                    // SAFETY: published with Release once fully built and retired only after
                    // this pointer is cleared, so `guard` keeps it valid.
                    let series = unsafe { &*pointer };
                    if series.touch(tick) {
                        let metric: *const M = &series.metric;
                        // SAFETY: as above.
                        return (unsafe { SeriesRef::guarded(&*metric, guard) }, true);
                    }
                }
            }
            None => {}
        }
        self.insert_slow(guard, hash, eq, make, overflow)
    }

    #[cold]
    fn insert_slow<'a, E, F>(
        &'a self,
        guard: Guard<'a>,
        hash: u64,
        eq: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, M),
        overflow: impl FnOnce() -> Overflow<E, F>,
    ) -> (SeriesRef<'a, M>, bool)
    where
        E: Fn(&K) -> bool,
        F: FnOnce() -> (K, M),
    {
        let mut writer = self.writer();
        if self.expire_after.load(Ordering::Relaxed) != 0 {
            self.sweep(&mut writer, crate::sync::now());
        }
        let tick = self.tick.load(Ordering::Relaxed);
        // Writers publish under this lock, so the current table is up to date now, and every
        // series in it is live (removals unlink under the lock).
        let (series, overflowed) = if let Some((_, series)) = self.find(&guard, hash, &eq) {
            // SAFETY: `find` returned it under `guard`.
            unsafe { &*series }.seen.store(tick, Ordering::Relaxed);
            (series, false)
        } else {
            let capped = self.capped.load(Ordering::Relaxed);
            if capped < self.max_series() {
                self.capped.store(capped + 1, Ordering::Relaxed);
                (self.insert(&mut writer, hash, make, true), false)
            } else {
                let overflow = overflow();
                let series = match self.find(&guard, overflow.hash, &overflow.eq) {
                    Some((_, series)) => {
                        // SAFETY: `find` returned it under `guard`.
                        unsafe { &*series }.seen.store(tick, Ordering::Relaxed);
                        series
                    }
                    None => self.insert(&mut writer, overflow.hash, overflow.make, false),
                };
                self.overflow.store(series, Ordering::Release);
                (series, true)
            }
        };
        drop(writer);
        // SAFETY: linked in the table while `guard` is active: retired only after a later
        // removal, so freed only after `guard` (kept by the handle) is dropped.
        let metric: *const M = unsafe { &(*series).metric };
        (unsafe { SeriesRef::guarded(&*metric, guard) }, overflowed)
    }

    fn insert(
        &self,
        writer: &mut Writer<K, M>,
        hash: u64,
        make: impl FnOnce() -> (K, M),
        counted: bool,
    ) -> *mut Series<K, M> {
        let (key, metric) = make();
        let pointer = Box::into_raw(Box::new(Series {
            seen: AtomicU32::new(self.tick.load(Ordering::Relaxed)),
            counted,
            key: Published::new(key),
            metric,
        }));
        // SAFETY: just allocated; freed only after it is removed.
        let series = unsafe { &*pointer };
        let position = writer
            .sorted
            // SAFETY: every listed series is live; the lock is held.
            .partition_point(|other| unsafe { (**other).key() } < series.key());
        if writer.sorted.len() == writer.sorted.capacity() {
            // An eighth more room, not twice as much: the list keeps a pointer per series for
            // the family's life, and growing by an eighth copies about eight pointers per
            // insertion (amortized), on a path that allocates the series and shifts the
            // pointers after `position` anyway.
            let more = writer.sorted.len() / 8 + 4;
            writer.sorted.reserve_exact(more);
        }
        writer.sorted.insert(position, pointer);
        self.publish(writer, hash, pointer);
        pointer
    }

    /// Stores `pointer` in the current table, first rebuilding the table when it would be
    /// more than three quarters used.
    fn publish(&self, writer: &mut Writer<K, M>, hash: u64, pointer: *mut Series<K, M>) {
        let table = self.current.load(Ordering::Relaxed);
        // SAFETY: the current table is retired only by a writer, and the lock is held.
        let capacity = if table.is_null() {
            0
        } else {
            unsafe { &*table }.slots.len()
        };
        if (writer.used + 1) * 4 > capacity * 3 {
            // `writer.sorted` already holds the new series: the rebuild places it.
            self.rebuild(writer);
            return;
        }
        // SAFETY: as above.
        let slots = unsafe { &(*table).slots };
        let mask = slots.len() - 1;
        let mut index = hash as usize & mask;
        loop {
            let slot = slots[index].load(Ordering::Relaxed);
            if slot.is_null() {
                writer.used += 1;
                break;
            }
            if slot == tombstone() {
                break;
            }
            index = (index + 1) & mask;
        }
        // Release: publishes the series built above to lookups.
        slots[index].store(pointer, Ordering::Release);
    }

    /// Publishes a table with room for twice the live series and no tombstones, holding all
    /// of them, and retires the old one.
    fn rebuild(&self, writer: &mut Writer<K, M>) {
        let capacity = (writer.sorted.len() * 2).next_power_of_two().max(8);
        let slots: Box<[AtomicPtr<Series<K, M>>]> = (0..capacity)
            .map(|_| AtomicPtr::new(ptr::null_mut()))
            .collect();
        let mask = capacity - 1;
        for &pointer in &writer.sorted {
            // SAFETY: every listed series is live; the lock is held.
            let mut index = unsafe { (*pointer).key() }.key_hash() as usize & mask;
            while !slots[index].load(Ordering::Relaxed).is_null() {
                index = (index + 1) & mask;
            }
            slots[index].store(pointer, Ordering::Relaxed);
        }
        let table = Box::into_raw(Box::new(Table { slots }));
        // The Release store publishes the slots filled above.
        let old = self.current.swap(table, Ordering::AcqRel);
        writer.used = writer.sorted.len();
        if !old.is_null() {
            // SAFETY: from `Box::into_raw`, no longer current, retired once.
            unsafe { self.collector.retire(old) };
        }
    }

    /// Removes the series whose key satisfies `eq`; `false` if there is none.
    pub(crate) fn remove(&self, hash: u64, eq: impl Fn(&K) -> bool) -> bool {
        let guard = self.collector.enter();
        let mut writer = self.writer();
        let Some((index, pointer)) = self.find(&guard, hash, eq) else {
            return false;
        };
        // SAFETY: `find` returned it under `guard`.
        unsafe { &*pointer }.seen.store(REMOVED, Ordering::Relaxed);
        self.unlink(&mut writer, index, pointer);
        true
    }

    /// Takes a series that is marked [`REMOVED`] out of the current table (its slot `index`),
    /// the sorted list and the cap, and retires it.
    fn unlink(&self, writer: &mut Writer<K, M>, index: usize, pointer: *mut Series<K, M>) {
        // SAFETY: the current table, under the lock.
        let slots = unsafe { &(*self.current.load(Ordering::Relaxed)).slots };
        slots[index].store(tombstone(), Ordering::Release);
        // SAFETY: live until retired below; the lock is held.
        let series = unsafe { &*pointer };
        if let Ok(position) = writer
            .sorted
            // SAFETY: as above.
            .binary_search_by(|other| unsafe { (**other).key() }.cmp(series.key()))
        {
            writer.sorted.remove(position);
        }
        self.forget(series);
        // SAFETY: from `Box::into_raw`, unreachable from the table, the list and the overflow
        // pointer for any lookup that starts from now on, retired once.
        unsafe { self.collector.retire(pointer) };
    }

    /// Drops what the table counts or caches about a series being removed.
    fn forget(&self, series: &Series<K, M>) {
        if self.overflow.load(Ordering::Relaxed) == ptr::from_ref(series).cast_mut() {
            self.overflow.store(ptr::null_mut(), Ordering::Relaxed);
        }
        if series.counted {
            self.capped.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Removes every series.
    pub(crate) fn clear(&self) {
        let mut writer = self.writer();
        let old = self.current.swap(ptr::null_mut(), Ordering::AcqRel);
        self.overflow.store(ptr::null_mut(), Ordering::Relaxed);
        self.capped.store(0, Ordering::Relaxed);
        writer.used = 0;
        for pointer in std::mem::take(&mut writer.sorted) {
            // SAFETY: live until retired here; the lock is held.
            unsafe { (*pointer).seen.store(REMOVED, Ordering::Relaxed) };
            // SAFETY: unreachable now that the table is gone; retired once.
            unsafe { self.collector.retire(pointer) };
        }
        if !old.is_null() {
            // SAFETY: no longer current; retired once.
            unsafe { self.collector.retire(old) };
        }
    }

    /// How many series are exposed, the overflow series included.
    pub(crate) fn len(&self) -> usize {
        self.writer().sorted.len()
    }

    pub(crate) fn max_series(&self) -> usize {
        self.max_series.load(Ordering::Relaxed)
    }

    pub(crate) fn set_max_series(&self, limit: usize) {
        self.max_series.store(limit, Ordering::Relaxed);
    }

    /// How long a series may go without a lookup before it is removed; `None`: forever.
    pub(crate) fn expire_after(&self) -> Option<Duration> {
        match self.expire_after.load(Ordering::Relaxed) {
            0 => None,
            millis => Some(Duration::from_millis(millis)),
        }
    }

    /// Sets [`expire_after`](Self::expire_after), counting idle time from `now` for series
    /// that exist already. Below a millisecond counts as a millisecond.
    pub(crate) fn set_expire_after(&self, after: Option<Duration>, now: Instant) {
        let mut writer = self.writer();
        let millis = after.map_or(0, |after| {
            u64::try_from(after.as_millis()).unwrap_or(u64::MAX).max(1)
        });
        self.expire_after.store(millis, Ordering::Relaxed);
        writer.ticks.clear();
        writer.swept = None;
        if millis != 0 {
            // Every existing series is stamped with the current tick: idle from now on.
            self.advance(&mut writer, now);
        }
    }

    /// Starts a new tick of the expiry clock at `now`.
    fn advance(&self, writer: &mut Writer<K, M>, now: Instant) {
        let tick = match self.tick.load(Ordering::Relaxed).wrapping_add(1) {
            REMOVED => 0,
            tick => tick,
        };
        self.tick.store(tick, Ordering::Relaxed);
        writer.ticks.push_back((tick, now));
    }

    /// Advances the expiry clock if a tick's worth of time passed, and removes the series idle
    /// for at least `expire_after` at `now`.
    fn sweep(&self, writer: &mut Writer<K, M>, now: Instant) {
        let Some(after) = self.expire_after() else {
            return;
        };
        let last_start = writer.ticks.back().map(|&(_, start)| start);
        if last_start
            .is_none_or(|start| now.saturating_duration_since(start) >= after / TICKS_PER_EXPIRY)
        {
            self.advance(writer, now);
        }
        // The newest tick that started at least `after` ago: a series stamped before it was
        // last used before it started.
        let Some(cutoff) = writer
            .ticks
            .iter()
            .rev()
            .find(|&&(_, start)| now.saturating_duration_since(start) >= after)
            .map(|&(tick, _)| tick)
        else {
            return;
        };
        while writer
            .ticks
            .front()
            .is_some_and(|&(tick, _)| tick != cutoff)
        {
            writer.ticks.pop_front();
        }
        if writer.swept == Some(cutoff) {
            // Nothing became idle enough since the last sweep.
            return;
        }
        writer.swept = Some(cutoff);
        let current = self.tick.load(Ordering::Relaxed);
        let cutoff_age = current.wrapping_sub(cutoff);
        // SAFETY: the current table, under the lock; not null while a series exists.
        let table = self.current.load(Ordering::Relaxed);
        let mut removed = 0;
        writer.sorted.retain(|&pointer| {
            // SAFETY: live until retired below; the lock is held.
            let series = unsafe { &*pointer };
            let seen = series.seen.load(Ordering::Relaxed);
            if current.wrapping_sub(seen) <= cutoff_age
                || series
                    .seen
                    .compare_exchange(seen, REMOVED, Ordering::Relaxed, Ordering::Relaxed)
                    .is_err()
            {
                // Used since the cutoff, or just now by a lookup that won the race.
                return true;
            }
            // SAFETY: `table` is current and holds every listed series.
            let slots = unsafe { &(*table).slots };
            let mask = slots.len() - 1;
            let mut index = series.key().key_hash() as usize & mask;
            while slots[index].load(Ordering::Relaxed) != pointer {
                index = (index + 1) & mask;
            }
            slots[index].store(tombstone(), Ordering::Release);
            self.forget(series);
            // SAFETY: unreachable for new lookups (tombstone, off the list and the overflow
            // pointer), retired once.
            unsafe { self.collector.retire(pointer) };
            removed += 1;
            false
        });
        if removed > 0 && writer.sorted.len() * 4 < writer.used {
            // Mostly tombstones: a smaller table probes faster and frees the memory.
            self.rebuild(writer);
        }
    }

    /// Every live series, sorted by key, after removing the expired ones. Holds the writers'
    /// lock only to copy the pointers: lookups never wait, and a new series waits for the
    /// copy, not for the scrape.
    pub(crate) fn scrape(&self) -> Scrape<'_, K, M> {
        self.scrape_at(crate::sync::now())
    }

    pub(crate) fn scrape_at(&self, now: Instant) -> Scrape<'_, K, M> {
        let guard = self.collector.enter();
        let mut writer = self.writer();
        self.sweep(&mut writer, now);
        Scrape {
            series: writer
                .sorted
                .iter()
                .map(|&series| series.cast_const())
                .collect(),
            _guard: guard,
        }
    }
}

impl<K, M> Drop for SeriesTable<K, M> {
    fn drop(&mut self) {
        // Nothing can hold a reference into the table any more: `&mut self`. What was retired
        // is freed when `collector` is dropped, after this.
        let writer = self
            .writer
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for &series in &writer.sorted {
            // SAFETY: from `Box::into_raw` in `insert`, live (not retired).
            drop(unsafe { Box::from_raw(series) });
        }
        let table = self.current.load(Ordering::Relaxed);
        if !table.is_null() {
            // SAFETY: from `Box::into_raw` in `rebuild`, current (not retired).
            drop(unsafe { Box::from_raw(table) });
        }
    }
}

// SAFETY: the raw pointers only ever point into `Box`es owned by the same table, and are shared
// between threads exactly as `&Series<K, M>` would be: the table is `Send`/`Sync` when the keys
// and metrics are.
unsafe impl<K: Send + Sync, M: Send + Sync> Sync for SeriesTable<K, M> {}
// SAFETY: as above.
unsafe impl<K: Send + Sync, M: Send + Sync> Send for SeriesTable<K, M> {}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, Instant};

    use super::{Overflow, SeriesKey, SeriesTable};

    type Table = SeriesTable<u32, AtomicU32>;

    const OVERFLOW: u32 = u32::MAX;

    fn hash(key: u32) -> u64 {
        // Poor on purpose: many collisions exercise the probing.
        u64::from(key % 7)
    }

    impl SeriesKey for u32 {
        fn key_hash(&self) -> u64 {
            hash(*self)
        }
    }

    /// The series' value and whether it was the overflow series.
    fn value(table: &Table, key: u32) -> (u32, bool) {
        let (metric, overflow) = table.get_or_insert(
            hash(key),
            |k| *k == key,
            || (key, AtomicU32::new(key * 10)),
            || Overflow {
                hash: hash(OVERFLOW),
                eq: |k: &u32| *k == OVERFLOW,
                make: || (OVERFLOW, AtomicU32::new(0)),
            },
        );
        (metric.load(Ordering::Relaxed), overflow)
    }

    fn add(table: &Table, key: u32, n: u32) {
        let (metric, _) = table.get_or_insert(
            hash(key),
            |k| *k == key,
            || (key, AtomicU32::new(0)),
            || Overflow {
                hash: hash(OVERFLOW),
                eq: |k: &u32| *k == OVERFLOW,
                make: || (OVERFLOW, AtomicU32::new(0)),
            },
        );
        metric.fetch_add(n, Ordering::Relaxed);
    }

    fn by_key(table: &Table) -> Vec<u32> {
        table.scrape().iter().map(|series| *series.key()).collect()
    }

    #[test]
    fn inserts_finds_grows_and_removes() {
        let table = Table::new(usize::MAX, 0);
        for key in 0..1000 {
            assert_eq!(value(&table, key), (key * 10, false));
        }
        assert_eq!(table.len(), 1000);
        assert!(table.remove(hash(500), |k| *k == 500));
        assert!(!table.remove(hash(500), |k| *k == 500));
        assert_eq!(table.len(), 999);
        assert_eq!(by_key(&table).len(), 999);
        assert!(!by_key(&table).contains(&500));
        // A new series, built again.
        assert_eq!(value(&table, 500), (5000, false));
        assert_eq!(table.len(), 1000);
        assert_eq!(by_key(&table), (0..1000).collect::<Vec<_>>());
        table.clear();
        assert_eq!(table.len(), 0);
        assert!(by_key(&table).is_empty());
        assert_eq!(value(&table, 1), (10, false));
        assert_eq!(by_key(&table), [1]);
    }

    #[test]
    fn a_handle_kept_across_a_removal_stays_valid_and_detached() {
        let table = Table::new(usize::MAX, 0);
        add(&table, 3, 1);
        let (handle, _) = table.get_or_insert(
            hash(3),
            |k| *k == 3,
            || unreachable!("exists"),
            || Overflow {
                hash: 0,
                eq: |_: &u32| false,
                make: || unreachable!("not full"),
            },
        );
        assert!(table.remove(hash(3), |k| *k == 3));
        // Churn so that the removed series would be reused or freed if it could be.
        for key in 100..400 {
            add(&table, key, 1);
            assert!(table.remove(hash(key), |k| *k == key));
        }
        handle.fetch_add(5, Ordering::Relaxed);
        assert_eq!(handle.load(Ordering::Relaxed), 6);
        drop(handle);
        assert_eq!(value(&table, 3), (30, false));
    }

    #[test]
    fn removal_frees_the_place_under_the_cap_at_once() {
        let table = Table::new(2, 0);
        assert_eq!(value(&table, 1), (10, false));
        assert_eq!(value(&table, 2), (20, false));
        assert_eq!(value(&table, 3), (0, true));
        assert_eq!(value(&table, 1), (10, false));
        assert!(table.remove(hash(2), |k| *k == 2));
        assert_eq!(value(&table, 4), (40, false));
        assert_eq!(value(&table, 5), (0, true));
        // The overflow series is a series: found by its key (not a redirection), listed.
        assert_eq!(value(&table, OVERFLOW), (0, false));
        assert_eq!(by_key(&table), [1, 4, OVERFLOW]);
        assert_eq!(table.len(), 3);
        // Removing the overflow series does not free a place (it never took one), and the
        // next redirection builds a new one.
        assert!(table.remove(hash(OVERFLOW), |k| *k == OVERFLOW));
        assert_eq!(value(&table, 6), (0, true));
        assert_eq!(by_key(&table), [1, 4, OVERFLOW]);
    }

    #[test]
    fn rotating_keys_keep_the_table_small() {
        let table = Table::new(100, 0);
        let rounds = if cfg!(miri) { 4 } else { 50 };
        for round in 0..rounds {
            for key in round * 100..round * 100 + 100 {
                assert_eq!(value(&table, key), (key * 10, false), "round {round}");
            }
            for key in round * 100..round * 100 + 100 {
                assert!(table.remove(hash(key), |k| *k == key));
            }
        }
        assert_eq!(table.len(), 0);
        let writer = table.writer();
        assert!(writer.used <= 256, "{} slots used", writer.used);
    }

    #[test]
    fn idle_series_expire_and_come_back_new() {
        let table = Table::new(usize::MAX, 0);
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        table.set_expire_after(Some(minute), start);
        add(&table, 1, 1);
        add(&table, 2, 1);
        // A tick later, 2 is used again.
        let _ = table.scrape_at(start + minute / 8);
        add(&table, 2, 1);
        // One minute after the first tick ended, 1 was idle for at least a minute.
        assert_eq!(
            table
                .scrape_at(start + minute + minute / 8)
                .iter()
                .map(|s| *s.key())
                .collect::<Vec<_>>(),
            [2]
        );
        assert_eq!(value(&table, 2), (2, false));
        assert_eq!(value(&table, 1), (10, false));
        // Never early: not expired before a minute passed.
        let later = start + minute * 3;
        let _ = table.scrape_at(later);
        add(&table, 1, 0);
        let _ = table.scrape_at(later + minute / 2);
        assert_eq!(table.len(), 2);
        table.set_expire_after(None, later);
        let _ = table.scrape_at(later + minute * 100);
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn concurrent_inserts_lookups_and_removals_agree() {
        // Miri runs every step a few thousand times slower.
        const ROUNDS: u32 = if cfg!(miri) { 40 } else { 2000 };
        const KEYS: u32 = if cfg!(miri) { 20 } else { 600 };
        let table = Table::new(usize::MAX, 0);
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let table = &table;
                scope.spawn(move || {
                    for round in 0..ROUNDS {
                        let key = (round * 7 + thread) % KEYS;
                        add(table, key, 1);
                        // Keys past KEYS come and go.
                        let gone = 1000 + thread * 10_000 + round;
                        add(table, gone, 1);
                        assert!(table.remove(hash(gone), |k| *k == gone));
                    }
                });
            }
        });
        assert_eq!(table.len(), KEYS as usize);
        let total: u32 = (0..KEYS).map(|key| value(&table, key).0).sum();
        assert_eq!(total, 4 * ROUNDS);
    }
}
