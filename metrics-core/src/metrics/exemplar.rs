//! Exemplars: a sample's link to the trace that produced it (e.g. `trace_id`), kept per counter
//! and per histogram bucket, exposed in OpenMetrics and protobuf (never in the text format
//! 0.0.4, which has no place for them).
//!
//! Each counter or bucket keeps one recent exemplar, in a slot allocated with its first
//! exemplar: an exemplar replaces the slot's if that one is at least
//! [`EXEMPLAR_MIN_INTERVAL_SECONDS`] old, so that a busy bucket costs a clock read per
//! observation, not a copy (a scrape every few seconds reads one exemplar per bucket anyway).
//! Storing takes no lock that can block: the slot is guarded by a flag that a writer takes with
//! one compare-and-swap and, if another thread holds it, skips (the other thread's exemplar is
//! just as recent). The label text is copied into a buffer the slot keeps, so once a slot
//! exists storing allocates nothing unless the labels are longer than any before.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};

use crate::Error;

/// The most UTF-8 characters the label names and values of one exemplar may have together
/// (OpenMetrics 1.0: "the combined length of the label names and values of an Exemplar's
/// LabelSet MUST NOT exceed 128 UTF-8 character code points").
pub const MAX_EXEMPLAR_LABEL_CHARS: usize = 128;

/// How old a counter's or bucket's exemplar must be before a new one replaces it, in seconds.
pub const EXEMPLAR_MIN_INTERVAL_SECONDS: f64 = 0.01;

/// An exemplar as stored: its labels, value and when it was recorded.
#[derive(Debug, Default)]
pub struct Exemplar {
    /// Every label name and value, one after the other.
    text: String,
    /// Where each name and value in `text` ends.
    ends: Vec<usize>,
    value: f64,
    timestamp: f64,
}

impl Exemplar {
    /// The label pairs, in the order they were given.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> {
        self.ends.chunks_exact(2).scan(0, |start, ends| {
            let name = &self.text[*start..ends[0]];
            let value = &self.text[ends[0]..ends[1]];
            *start = ends[1];
            Some((name, value))
        })
    }

    /// The observed value (for a counter, the increment).
    pub fn value(&self) -> f64 {
        self.value
    }

    /// When it was recorded, in seconds since the Unix epoch. Taken from a coarse clock (a
    /// few milliseconds of resolution), which costs a fraction of a precise one.
    pub fn timestamp(&self) -> f64 {
        self.timestamp
    }

    fn set(&mut self, labels: &[(&str, &str)], value: f64, timestamp: f64) {
        self.text.clear();
        self.ends.clear();
        for (name, label_value) in labels {
            self.text.push_str(name);
            self.ends.push(self.text.len());
            self.text.push_str(label_value);
            self.ends.push(self.text.len());
        }
        self.value = value;
        self.timestamp = timestamp;
    }
}

/// Where a counter or a histogram bucket keeps its recent exemplar; encoders
/// [`read`](Self::read) it.
#[derive(Debug, Default)]
pub struct ExemplarSlot {
    busy: AtomicBool,
    /// When the stored exemplar was recorded, in microseconds since the Unix epoch (0: none),
    /// readable without `busy`.
    stored_at: AtomicU64,
    /// Whether `exemplar` holds one; written and read only with `busy` held.
    filled: UnsafeCell<bool>,
    exemplar: UnsafeCell<Exemplar>,
}

// SAFETY: `filled` and `exemplar` are only accessed by the thread that holds `busy` (taken
// with Acquire, released with Release), so accesses never overlap and each sees the last
// holder's writes.
unsafe impl Sync for ExemplarSlot {}

impl ExemplarSlot {
    /// Stores an exemplar, unless another thread is storing or reading one right now. Out of
    /// line: it runs once per interval, and the path that finds a recent exemplar (the
    /// common one) stays small enough to inline.
    #[inline(never)]
    fn store(&self, labels: &[(&str, &str)], value: f64, micros: u64) {
        // Whole microseconds are exact as seconds in a double (and written fast).
        let timestamp = micros as f64 / 1e6;
        if self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        // SAFETY: `busy` is held.
        unsafe {
            (*self.exemplar.get()).set(labels, value, timestamp);
            *self.filled.get() = true;
        }
        self.stored_at.store(micros, Ordering::Relaxed);
        self.busy.store(false, Ordering::Release);
    }

    /// Calls `f` with the exemplar, if one was stored, holding the slot meanwhile (a writer
    /// holds it only for a copy, so this waits at most that long).
    pub fn read<R>(&self, f: impl FnOnce(Option<&Exemplar>) -> R) -> R {
        // SAFETY: `locked` holds `busy` while `f` runs.
        self.locked(|| unsafe {
            if *self.filled.get() {
                f(Some(&*self.exemplar.get()))
            } else {
                f(None)
            }
        })
    }

    /// Forgets the exemplar (the series was reset).
    pub(crate) fn clear(&self) {
        // SAFETY: `locked` holds `busy`.
        self.locked(|| unsafe { *self.filled.get() = false });
        self.stored_at.store(0, Ordering::Relaxed);
    }

    /// Runs `f` holding `busy`, waiting for a writer to finish its copy if need be.
    fn locked<R>(&self, f: impl FnOnce() -> R) -> R {
        while self
            .busy
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::thread::yield_now();
        }
        let result = f();
        self.busy.store(false, Ordering::Release);
        result
    }
}

/// An [`ExemplarSlot`] allocated on first use: a counter that never gets an exemplar pays one
/// pointer for it.
#[derive(Debug, Default)]
pub(crate) struct LazySlot(AtomicPtr<ExemplarSlot>);

impl LazySlot {
    pub(crate) const fn new() -> Self {
        LazySlot(AtomicPtr::new(std::ptr::null_mut()))
    }

    /// The slot, if an exemplar was ever stored.
    #[inline]
    pub(crate) fn get(&self) -> Option<&ExemplarSlot> {
        // SAFETY: a non-null pointer came from `Box::into_raw` in `get_or_init` and is freed
        // only in `Drop`, which `&self` rules out.
        unsafe { self.0.load(Ordering::Acquire).as_ref() }
    }

    #[inline]
    fn get_or_init(&self) -> &ExemplarSlot {
        match self.get() {
            Some(slot) => slot,
            None => self.init(),
        }
    }

    /// Allocates and publishes the slot (or finds another thread's).
    #[cold]
    fn init(&self) -> &ExemplarSlot {
        let new = Box::into_raw(Box::default());
        match self.0.compare_exchange(
            std::ptr::null_mut(),
            new,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            // SAFETY: just published; lives until `Drop`.
            Ok(_) => unsafe { &*new },
            Err(existing) => {
                // SAFETY: `new` was never shared; `existing` was published by another thread.
                unsafe {
                    drop(Box::from_raw(new));
                    &*existing
                }
            }
        }
    }

    /// Checks and stores an exemplar (see [`record`]).
    #[inline]
    pub(crate) fn record(
        &self,
        metric: &'static str,
        labels: &[(&str, &str)],
        value: f64,
    ) -> Result<(), Error> {
        record(self.get_or_init(), metric, labels, value)
    }

    pub(crate) fn clear(&self) {
        if let Some(slot) = self.get() {
            slot.clear();
        }
    }
}

impl Drop for LazySlot {
    fn drop(&mut self) {
        let pointer = *self.0.get_mut();
        if !pointer.is_null() {
            // SAFETY: from `Box::into_raw`, and no reference outlives `&mut self`.
            drop(unsafe { Box::from_raw(pointer) });
        }
    }
}

/// Checks an exemplar's labels and stores it in `slot`: label names must be valid Prometheus
/// label names and names and values together at most [`MAX_EXEMPLAR_LABEL_CHARS`] characters.
/// A refused exemplar is not stored; the caller has recorded the sample itself already.
///
/// Inlined into `inc_with_exemplar` and `observe_with_exemplar`: the common case (valid labels,
/// a recent exemplar in the slot) is a few checks and a clock read.
#[inline(always)]
pub(crate) fn record(
    slot: &ExemplarSlot,
    metric: &'static str,
    labels: &[(&str, &str)],
    value: f64,
) -> Result<(), Error> {
    check_labels(metric, labels)?;
    store_at(slot, labels, value, now_coarse_micros());
    Ok(())
}

/// [`EXEMPLAR_MIN_INTERVAL_SECONDS`] in microseconds.
const MIN_INTERVAL_MICROS: u64 = (EXEMPLAR_MIN_INTERVAL_SECONDS * 1e6) as u64;

/// Stores an exemplar recorded at `now` (microseconds since the Unix epoch) unless the slot's
/// is more recent than [`EXEMPLAR_MIN_INTERVAL_SECONDS`]: integers, so that the common case,
/// a recent one, costs no float work.
#[inline(always)]
fn store_at(slot: &ExemplarSlot, labels: &[(&str, &str)], value: f64, now: u64) {
    let stored_at = slot.stored_at.load(Ordering::Relaxed);
    // A clock that went back counts as old enough.
    if now < stored_at || now - stored_at >= MIN_INTERVAL_MICROS {
        slot.store(labels, value, now);
    }
}

#[inline(always)]
fn check_labels(metric: &'static str, labels: &[(&str, &str)]) -> Result<(), Error> {
    let mut bytes = 0;
    let mut valid = true;
    for (name, value) in labels {
        valid &= is_label_name(name);
        bytes += name.len() + value.len();
    }
    if !valid {
        return Err(invalid_name(metric, labels));
    }
    // A character is at least one byte: only text longer than the limit in bytes needs its
    // characters counted (names are ASCII; a value's characters are its bytes that do not
    // continue one).
    if bytes <= MAX_EXEMPLAR_LABEL_CHARS {
        return Ok(());
    }
    check_chars(metric, labels)
}

/// The character count of labels longer than the limit in bytes.
#[cold]
fn check_chars(metric: &'static str, labels: &[(&str, &str)]) -> Result<(), Error> {
    let chars: usize = labels
        .iter()
        .map(|(name, value)| {
            name.len() + value.bytes().filter(|byte| (byte & 0xc0) != 0x80).count()
        })
        .sum();
    if chars > MAX_EXEMPLAR_LABEL_CHARS {
        return Err(Error::ExemplarTooLong { metric, chars });
    }
    Ok(())
}

/// The error for the first invalid label name of `labels`.
#[cold]
fn invalid_name(metric: &'static str, labels: &[(&str, &str)]) -> Error {
    let name = labels
        .iter()
        .map(|(name, _)| *name)
        .find(|name| !is_label_name(name))
        .unwrap_or_default();
    Error::InvalidExemplarLabel {
        metric,
        label: name.to_owned(),
    }
}

/// Whether `name` is a valid label name, `[a-zA-Z_][a-zA-Z0-9_]*`: every byte looked up and
/// the results combined without a branch per byte (names are short; an early exit would
/// cost more than it saves).
#[inline]
fn is_label_name(name: &str) -> bool {
    /// Bit 0: may start a name; bit 1: may continue one.
    const CLASS: [u8; 256] = {
        let mut class = [0u8; 256];
        let mut byte = 0;
        while byte < 256 {
            let c = byte as u8;
            if c.is_ascii_alphabetic() || c == b'_' {
                class[byte] = 0b11;
            } else if c.is_ascii_digit() {
                class[byte] = 0b10;
            }
            byte += 1;
        }
        class
    };
    // The names OpenTelemetry exemplars carry (and this crate's own `otel` feature and tower
    // layer write): a length check and a word compare each.
    if name == "trace_id" || name == "span_id" {
        return true;
    }
    let bytes = name.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    let all = bytes
        .iter()
        .fold(0b10, |all, byte| all & CLASS[usize::from(*byte)]);
    (CLASS[usize::from(*first)] & 1) & (all >> 1) != 0
}

/// Microseconds since the Unix epoch from the kernel's coarse clock (a few ns, where the
/// precise clock costs about 20 ns, which would double the cost of an observation).
#[cfg(target_os = "linux")]
#[inline]
fn now_coarse_micros() -> u64 {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid timespec to write to.
    if unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut time) } == 0 {
        // `time_t` and `c_long` are 32 bits on some targets.
        #[allow(clippy::unnecessary_cast)]
        let micros = time.tv_sec as i64 * 1_000_000 + time.tv_nsec as i64 / 1_000;
        u64::try_from(micros).unwrap_or(0)
    } else {
        now_micros()
    }
}

#[cfg(not(target_os = "linux"))]
fn now_coarse_micros() -> u64 {
    now_micros()
}

fn now_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_an_exemplar_and_its_labels() {
        let slot = LazySlot::new();
        assert!(slot.get().is_none());
        slot.record("m", &[("trace_id", "abc"), ("span_id", "d")], 1.5)
            .unwrap();
        slot.get().unwrap().read(|exemplar| {
            let exemplar = exemplar.unwrap();
            let labels: Vec<_> = exemplar.labels().collect();
            assert_eq!(labels, [("trace_id", "abc"), ("span_id", "d")]);
            assert_eq!(exemplar.value(), 1.5);
            assert!(exemplar.timestamp() > 1.6e9);
        });
        slot.clear();
        slot.get()
            .unwrap()
            .read(|exemplar| assert!(exemplar.is_none()));
    }

    /// A newer exemplar replaces the slot's once that one is at least the interval old; a
    /// clock that went back counts as old enough.
    #[test]
    fn a_recent_exemplar_is_kept_an_older_one_replaced() {
        let slot = ExemplarSlot::default();
        let latest = |slot: &ExemplarSlot| {
            slot.read(|exemplar| {
                let exemplar = exemplar.unwrap();
                let trace = exemplar.labels().next().unwrap().1.to_owned();
                (trace, exemplar.timestamp())
            })
        };
        store_at(&slot, &[("trace_id", "a")], 1.0, 1_000_000_000);
        store_at(&slot, &[("trace_id", "b")], 1.0, 1_000_009_999);
        assert_eq!(latest(&slot), ("a".to_owned(), 1000.0));
        store_at(&slot, &[("trace_id", "c")], 1.0, 1_000_010_000);
        assert_eq!(latest(&slot), ("c".to_owned(), 1000.01));
        store_at(&slot, &[("trace_id", "d")], 1.0, 999_000_000);
        assert_eq!(latest(&slot), ("d".to_owned(), 999.0));
    }

    #[test]
    fn refuses_long_labels_and_bad_names() {
        let slot = LazySlot::new();
        // 8 + 120 = 128 characters (the value's are 2-byte 'é's: characters, not bytes).
        let value = "é".repeat(120);
        slot.record("m", &[("trace_id", &value)], 1.0).unwrap();
        let value = "é".repeat(121);
        let error = slot.record("m", &[("trace_id", &value)], 1.0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "metric `m` refused an exemplar: its label names and values have 129 characters, \
             more than the 128 OpenMetrics allows; the sample itself was recorded"
        );
        let error = slot.record("m", &[("trace-id", "a")], 1.0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "metric `m` refused an exemplar: `trace-id` is not a valid label name \
             ([a-zA-Z_][a-zA-Z0-9_]*); the sample itself was recorded"
        );
        let error = slot
            .record("m", &[("trace_id", "a"), ("span-id", "b")], 1.0)
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`span-id` is not a valid label name")
        );
        for name in ["", "1trace", "trace id", "trace_id\u{e9}"] {
            let error = slot.record("m", &[(name, "a")], 1.0).unwrap_err();
            assert!(error.to_string().contains(&format!("`{name}`")), "{error}");
        }
        slot.record("m", &[("_Trace_9", "a"), ("span_id", "b")], 1.0)
            .unwrap();
    }
}
