//! The series of a labelled family, found without a lock and without writing shared memory.
//!
//! A lookup hashes the label values and probes an open-addressing table of pointers with plain
//! atomic loads: no lock, no reference count, nothing written, so readers on many threads never
//! contend with each other. Writers (a new series, a removal, a revival) take a mutex and
//! publish with release stores.
//!
//! Nothing a reader can reach is freed before the table itself: a grown table's old array and
//! every series stay allocated until the family is dropped, which for a `static` is never. That
//! is what lets a lookup hand out a plain `&M`. A removed series is only hidden: asking for the
//! same label values again revives it at zero instead of allocating, so memory is bounded by
//! the number of distinct label sets ever used, which `max_series` caps (it counts removed
//! series too).

use std::ptr;
use std::sync::PoisonError;

use crate::sync::{AtomicBool, AtomicPtr, AtomicUsize, Mutex, MutexGuard, Ordering, const_fn};

/// One series: its key (label values), its label list already rendered for the text format,
/// and the metric.
pub(crate) struct Series<K, M> {
    hash: u64,
    /// `false` once removed, until revived: hidden from scrapes and from `len`.
    live: AtomicBool,
    key: Published<K>,
    /// `name="value",...`, escaped once at creation so that a scrape only copies it.
    pub(crate) labels: Box<str>,
    pub(crate) metric: M,
}

impl<K, M> Series<K, M> {
    /// The label values.
    pub(crate) fn key(&self) -> &K {
        self.key.get()
    }
}

/// A value written once by the thread that creates a series and then read by any thread that
/// finds the series: plain memory normally; under loom, a cell whose reads loom checks against
/// that write, so that a publication without the right ordering fails the model.
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
        // SAFETY: never written after `new`; `with` only lets loom check the read.
        self.0
            .with(|value| unsafe { &*value })
            .as_ref()
            .expect("written in `new`")
    }
}

/// A power-of-two array of slots, each null (free) or a series. Slots are never cleared, so a
/// probe sequence never breaks.
struct Table<K, M> {
    slots: Box<[AtomicPtr<Series<K, M>>]>,
}

/// What only writers touch, under the mutex.
struct Writer<K, M> {
    /// Series currently exposed.
    live: usize,
    /// Every table ever published, the current one last: kept so readers holding an old one
    /// stay valid. Raw pointers from `Box::into_raw`, freed by `Drop`: readers hold pointers
    /// into them, which a `Box` moved around in a `Vec` would invalidate under Rust's aliasing
    /// rules.
    tables: Vec<*mut Table<K, M>>,
    /// Every series ever created, removed ones included (handles may still point at them), as
    /// `tables`; sorted by key, kept sorted at insertion (rare) so that a scrape (often) does
    /// not sort.
    sorted: Vec<*mut Series<K, M>>,
}

pub(crate) struct SeriesTable<K, M> {
    current: AtomicPtr<Table<K, M>>,
    writer: Mutex<Writer<K, M>>,
    max_series: AtomicUsize,
    /// Series that count towards `max_series`: all but the overflow series, removed ones too.
    /// Written under the writers' lock, read without it by lookups of a full family.
    capped: AtomicUsize,
    /// The overflow series once it exists, so that a full family redirects new label values
    /// to it without taking the lock or allocating.
    overflow: AtomicPtr<Series<K, M>>,
}

/// The overflow series of a table: its hash, a test for its key, and how to build it.
pub(crate) struct Overflow<E, F> {
    pub(crate) hash: u64,
    pub(crate) eq: E,
    pub(crate) make: F,
}

/// What a lookup found.
pub(crate) enum Lookup<'a, M> {
    Found(&'a M),
    /// The family is full: the caller gets its overflow series and should count the event.
    Overflow(&'a M),
}

impl<K: Ord, M> SeriesTable<K, M> {
    const_fn! {
        pub(crate) fn new(max_series: usize) -> Self {
            SeriesTable {
                current: AtomicPtr::new(ptr::null_mut()),
                writer: Mutex::new(Writer {
                    live: 0,
                    tables: Vec::new(),
                    sorted: Vec::new(),
                }),
                max_series: AtomicUsize::new(max_series),
                capped: AtomicUsize::new(0),
                overflow: AtomicPtr::new(ptr::null_mut()),
            }
        }
    }

    fn writer(&self) -> MutexGuard<'_, Writer<K, M>> {
        // Nothing inside the lock panics short of an allocation failure, so a poisoned lock
        // still guards consistent data.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The series whose key satisfies `eq`, live or not, without locking.
    #[inline]
    fn find(&self, hash: u64, eq: impl Fn(&K) -> bool) -> Option<&Series<K, M>> {
        let table = self.current.load(Ordering::Acquire);
        if table.is_null() {
            return None;
        }
        // SAFETY: every published table is kept in `writer.tables` until `self` is dropped.
        let slots = unsafe { &(*table).slots };
        let mask = slots.len() - 1;
        let mut index = hash as usize & mask;
        // Terminates: a table is never more than half full, so a null slot is always reached.
        loop {
            let slot = slots[index].load(Ordering::Acquire);
            if slot.is_null() {
                return None;
            }
            // SAFETY: a series is fully built before its pointer is stored with `Release`
            // (paired with the `Acquire` load above), and it is kept in `writer.sorted` until
            // `self` is dropped.
            let series = unsafe { &*slot };
            if series.hash == hash && eq(series.key()) {
                return Some(series);
            }
            index = (index + 1) & mask;
        }
    }

    /// The live series for a key; if there is none, `make` builds it (key, rendered labels,
    /// metric) unless the family is full, in which case the overflow series is returned:
    /// `overflow` gives its hash, key test and builder, and it is a series like the others
    /// (found by its own label values, exposed in order) that does not count towards the cap.
    /// A removed series is revived: `reset` sets it back to zero first.
    #[inline]
    pub(crate) fn get_or_insert<E, F>(
        &self,
        hash: u64,
        eq: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, Box<str>, M),
        overflow: impl FnOnce() -> Overflow<E, F>,
        reset: impl Fn(&M),
    ) -> Lookup<'_, M>
    where
        E: Fn(&K) -> bool,
        F: FnOnce() -> (K, Box<str>, M),
    {
        match self.find(hash, &eq) {
            // Acquire, paired with the revival's Release: a lookup that sees the series live
            // again also sees it reset, so its increment lands after the reset, not before.
            Some(series) if series.live.load(Ordering::Acquire) => {
                return Lookup::Found(&series.metric);
            }
            Some(_) => {}
            // A full family under a flood of new values: straight to the overflow series.
            None if self.capped.load(Ordering::Relaxed) >= self.max_series() => {
                let pointer = self.overflow.load(Ordering::Acquire);
                if !pointer.is_null() {
                    // SAFETY: published with Release once fully built, as in `find`.
                    let series = unsafe { &*pointer };
                    if series.live.load(Ordering::Acquire) {
                        return Lookup::Overflow(&series.metric);
                    }
                }
            }
            None => {}
        }
        self.insert_slow(hash, eq, make, overflow, reset)
    }

    #[cold]
    fn insert_slow<E, F>(
        &self,
        hash: u64,
        eq: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, Box<str>, M),
        overflow: impl FnOnce() -> Overflow<E, F>,
        reset: impl Fn(&M),
    ) -> Lookup<'_, M>
    where
        E: Fn(&K) -> bool,
        F: FnOnce() -> (K, Box<str>, M),
    {
        let mut writer = self.writer();
        // Writers publish under this lock, so the current table is up to date now.
        if let Some(series) = self.find(hash, &eq) {
            Self::revive(&mut writer, series, &reset);
            return Lookup::Found(&series.metric);
        }
        let capped = self.capped.load(Ordering::Relaxed);
        if capped < self.max_series() {
            self.capped.store(capped + 1, Ordering::Relaxed);
            return Lookup::Found(&self.insert(&mut writer, hash, make).metric);
        }
        let overflow = overflow();
        let series = match self.find(overflow.hash, &overflow.eq) {
            Some(series) => {
                Self::revive(&mut writer, series, &reset);
                series
            }
            None => self.insert(&mut writer, overflow.hash, overflow.make),
        };
        self.overflow
            .store(ptr::from_ref(series).cast_mut(), Ordering::Release);
        Lookup::Overflow(&series.metric)
    }

    fn revive(writer: &mut Writer<K, M>, series: &Series<K, M>, reset: impl Fn(&M)) {
        if !series.live.load(Ordering::Relaxed) {
            reset(&series.metric);
            series.live.store(true, Ordering::Release);
            writer.live += 1;
        }
    }

    fn insert(
        &self,
        writer: &mut Writer<K, M>,
        hash: u64,
        make: impl FnOnce() -> (K, Box<str>, M),
    ) -> &Series<K, M> {
        let (key, labels, metric) = make();
        let pointer = Box::into_raw(Box::new(Series {
            hash,
            live: AtomicBool::new(true),
            key: Published::new(key),
            labels,
            metric,
        }));
        // SAFETY: just allocated; freed only when `self` is dropped.
        let series = unsafe { &*pointer };
        let position = writer
            .sorted
            // SAFETY: as in `find`.
            .partition_point(|other| unsafe { (**other).key() } < series.key());
        writer.sorted.insert(position, pointer);
        self.publish(writer, hash, pointer);
        writer.live += 1;
        series
    }

    /// Stores `pointer` in the current table, first growing the table when it would become
    /// more than half full.
    fn publish(&self, writer: &mut Writer<K, M>, hash: u64, pointer: *mut Series<K, M>) {
        // SAFETY: tables are freed only when `self` is dropped.
        let capacity = writer
            .tables
            .last()
            .map_or(0, |&table| unsafe { &*table }.slots.len());
        // `writer.sorted` already holds the new series.
        if writer.sorted.len() * 2 > capacity {
            self.grow(writer, pointer);
        }
        let Some(&table) = writer.tables.last() else {
            unreachable!("grow publishes a table");
        };
        // SAFETY: as above.
        Self::place(unsafe { &(*table).slots }, hash, pointer, Ordering::Release);
    }

    /// Stores `pointer` in the first free slot of its probe sequence.
    fn place(
        slots: &[AtomicPtr<Series<K, M>>],
        hash: u64,
        pointer: *mut Series<K, M>,
        order: Ordering,
    ) {
        let mask = slots.len() - 1;
        let mut index = hash as usize & mask;
        while !slots[index].load(Ordering::Relaxed).is_null() {
            index = (index + 1) & mask;
        }
        slots[index].store(pointer, order);
    }

    /// Publishes a table four times the number of series, holding all of them.
    fn grow(&self, writer: &mut Writer<K, M>, new: *mut Series<K, M>) {
        let capacity = (writer.sorted.len() * 4).next_power_of_two().max(8);
        let slots: Box<[AtomicPtr<Series<K, M>>]> = (0..capacity)
            .map(|_| AtomicPtr::new(ptr::null_mut()))
            .collect();
        // The one being inserted is placed by `publish` afterwards.
        for &pointer in writer.sorted.iter().filter(|&&pointer| pointer != new) {
            // SAFETY: series are freed only when `self` is dropped.
            let hash = unsafe { (*pointer).hash };
            Self::place(&slots, hash, pointer, Ordering::Relaxed);
        }
        let table = Box::into_raw(Box::new(Table { slots }));
        // The Release store publishes the slots filled above.
        self.current.store(table, Ordering::Release);
        writer.tables.push(table);
    }

    /// Hides the live series whose key satisfies `eq`; `false` if there is none.
    pub(crate) fn remove(&self, hash: u64, eq: impl Fn(&K) -> bool) -> bool {
        let mut writer = self.writer();
        match self.find(hash, eq) {
            Some(series) if series.live.load(Ordering::Relaxed) => {
                series.live.store(false, Ordering::Relaxed);
                writer.live -= 1;
                true
            }
            _ => false,
        }
    }

    /// Hides every series.
    pub(crate) fn clear(&self) {
        let mut writer = self.writer();
        for &series in &writer.sorted {
            // SAFETY: series are freed only when `self` is dropped.
            unsafe { (*series).live.store(false, Ordering::Relaxed) };
        }
        writer.live = 0;
    }

    /// How many series are exposed, the overflow series included.
    pub(crate) fn len(&self) -> usize {
        self.writer().live
    }

    pub(crate) fn max_series(&self) -> usize {
        self.max_series.load(Ordering::Relaxed)
    }

    pub(crate) fn set_max_series(&self, limit: usize) {
        self.max_series.store(limit, Ordering::Relaxed);
    }

    /// Every live series, sorted by key. Holds the writers' lock only to copy the pointers:
    /// lookups never wait, and a new series waits for the copy, not for the scrape.
    pub(crate) fn sorted(&self) -> Vec<&Series<K, M>> {
        let writer = self.writer();
        writer
            .sorted
            .iter()
            // SAFETY: as in `find`.
            .map(|pointer| unsafe { &**pointer })
            .filter(|series| series.live.load(Ordering::Relaxed))
            .collect()
    }
}

impl<K, M> Drop for SeriesTable<K, M> {
    fn drop(&mut self) {
        // Nothing can hold a reference into the table any more: `&mut self`.
        let writer = self
            .writer
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for &series in &writer.sorted {
            // SAFETY: from `Box::into_raw` in `insert`, freed only here.
            drop(unsafe { Box::from_raw(series) });
        }
        for &table in &writer.tables {
            // SAFETY: from `Box::into_raw` in `grow`, freed only here.
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

    use super::{Lookup, Overflow, SeriesTable};

    type Table = SeriesTable<u32, AtomicU32>;

    const OVERFLOW: u32 = u32::MAX;

    fn hash(key: u32) -> u64 {
        // Poor on purpose: many collisions exercise the probing.
        u64::from(key % 7)
    }

    /// The series' value and whether it was the overflow series.
    fn get(table: &Table, key: u32) -> (&AtomicU32, bool) {
        match table.get_or_insert(
            hash(key),
            |k| *k == key,
            || (key, key.to_string().into(), AtomicU32::new(key * 10)),
            || Overflow {
                hash: hash(OVERFLOW),
                eq: |k: &u32| *k == OVERFLOW,
                make: || (OVERFLOW, "overflow".into(), AtomicU32::new(0)),
            },
            |metric| metric.store(0, Ordering::Relaxed),
        ) {
            Lookup::Found(metric) => (metric, false),
            Lookup::Overflow(metric) => (metric, true),
        }
    }

    fn value(table: &Table, key: u32) -> (u32, bool) {
        let (metric, overflow) = get(table, key);
        (metric.load(Ordering::Relaxed), overflow)
    }

    fn by_key(table: &Table) -> Vec<u32> {
        table.sorted().iter().map(|series| *series.key()).collect()
    }

    #[test]
    fn inserts_finds_grows_and_removes() {
        let table = Table::new(usize::MAX);
        for key in 0..1000 {
            assert_eq!(value(&table, key), (key * 10, false));
        }
        assert_eq!(table.len(), 1000);
        let handle = get(&table, 500).0;
        assert!(table.remove(hash(500), |k| *k == 500));
        assert!(!table.remove(hash(500), |k| *k == 500));
        assert_eq!(table.len(), 999);
        assert_eq!(by_key(&table).len(), 999);
        assert!(!by_key(&table).contains(&500));
        // Revived at zero, as the same series: no new allocation.
        assert_eq!(value(&table, 500), (0, false));
        assert!(std::ptr::eq(handle, get(&table, 500).0));
        assert_eq!(table.len(), 1000);
        assert_eq!(by_key(&table), (0..1000).collect::<Vec<_>>());
        table.clear();
        assert_eq!(table.len(), 0);
        assert!(by_key(&table).is_empty());
        assert_eq!(value(&table, 1), (0, false));
        assert_eq!(by_key(&table), [1]);
    }

    #[test]
    fn full_table_hands_out_the_overflow_series() {
        let table = Table::new(2);
        assert_eq!(value(&table, 1), (10, false));
        assert_eq!(value(&table, 2), (20, false));
        assert_eq!(value(&table, 3), (0, true));
        assert_eq!(value(&table, 1), (10, false));
        // Removed series still hold their memory, so they still count towards the cap.
        assert!(table.remove(hash(2), |k| *k == 2));
        assert_eq!(value(&table, 4), (0, true));
        assert_eq!(value(&table, 2), (0, false));
        // The overflow series is a series: found by its key (not a redirection), listed.
        assert_eq!(value(&table, OVERFLOW), (0, false));
        assert_eq!(by_key(&table), [1, 2, OVERFLOW]);
        assert_eq!(table.len(), 3);
    }

    #[test]
    fn concurrent_inserts_and_lookups_agree() {
        let table = Table::new(usize::MAX);
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let table = &table;
                scope.spawn(move || {
                    for round in 0..5000 {
                        let key = (round * 7 + thread) % 600;
                        get(table, key).0.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        assert_eq!(table.len(), 600);
        let total: u32 = (0..600).map(|key| value(&table, key).0 - key * 10).sum();
        assert_eq!(total, 4 * 5000);
    }
}
