//! The key of a series of a string-keyed family: its label values and its rendered label list,
//! in one allocation.

use std::cmp::Ordering;
use std::hash::{BuildHasher, Hasher};
use std::ptr::{self, NonNull};

use foldhash::fast::FixedState;

use crate::Descriptor;
use crate::encoding::series_labels::series_labels;
use crate::labels::series::SeriesKey;

/// Fixed seed: the hash only has to be consistent within the process, and a constant keeps
/// the table constructible in a `static`.
const HASHER: FixedState = FixedState::with_seed(0x6d65_7472_6963_7321);

/// The hash of a list of label values, fed one at a time.
pub(crate) struct ValuesHasher(foldhash::fast::FoldHasher<'static>);

impl ValuesHasher {
    #[inline]
    pub(crate) fn new() -> Self {
        ValuesHasher(HASHER.build_hasher())
    }

    #[inline]
    pub(crate) fn value(&mut self, value: &str) {
        self.0.write(value.as_bytes());
        // A separator that no UTF-8 text contains, so ["ab", "c"] and ["a", "bc"] differ.
        self.0.write_u8(0xff);
    }

    #[inline]
    pub(crate) fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// Each label value followed by `0xFF` (a byte no UTF-8 text contains), then the label list
/// rendered for the text format (`name="value",...`, escaped), which a scrape copies as is.
///
/// One allocation behind one thin pointer instead of a boxed slice of boxed values plus a boxed
/// string: the allocation starts with its own length (one byte up to [`SHORT`] bytes, nine
/// beyond), so that the key takes 8 bytes in its series instead of a boxed slice's 16.
pub(crate) struct LabelKey(NonNull<u8>);

/// Ends every value in a [`LabelKey`].
const END: u8 = 0xFF;

/// The longest length that fits in the first byte; a first byte of `LONG` is followed by the
/// length as 8 little-endian bytes.
const SHORT: usize = 254;
const LONG: u8 = 0xFF;

// SAFETY: a `LabelKey` owns its bytes, like a `Box<[u8]>`, and never changes them.
unsafe impl Send for LabelKey {}
// SAFETY: as above: shared access only reads.
unsafe impl Sync for LabelKey {}

impl LabelKey {
    /// The key of `values` in the family described by `desc`.
    pub(crate) fn new<V: AsRef<str>>(desc: &Descriptor, values: &[V]) -> Self {
        let rendered = series_labels(desc, values);
        let length = values
            .iter()
            .map(|value| value.as_ref().len() + 1)
            .sum::<usize>()
            + rendered.len();
        let mut bytes = Vec::with_capacity(length + 9);
        if length <= SHORT {
            bytes.push(length as u8);
        } else {
            bytes.push(LONG);
            bytes.extend_from_slice(&(length as u64).to_le_bytes());
        }
        for value in values {
            bytes.extend_from_slice(value.as_ref().as_bytes());
            bytes.push(END);
        }
        bytes.extend_from_slice(rendered.as_bytes());
        let whole = Box::into_raw(bytes.into_boxed_slice());
        // SAFETY: from `Box::into_raw`, never null; `Drop` rebuilds the `Box` from it.
        LabelKey(unsafe { NonNull::new_unchecked(whole.cast::<u8>()) })
    }

    /// Where the bytes after the length start, and how many there are.
    #[inline]
    fn header(&self) -> (usize, usize) {
        let base = self.0.as_ptr();
        // SAFETY: the allocation starts with the length, written in `new`.
        let first = unsafe { *base };
        if first != LONG {
            (1, usize::from(first))
        } else {
            // SAFETY: a `LONG` first byte is followed by 8 bytes of length.
            let length = u64::from_le_bytes(unsafe { base.add(1).cast::<[u8; 8]>().read() });
            (9, length as usize)
        }
    }

    /// The values and the rendered labels, after the length.
    #[inline]
    fn bytes(&self) -> &[u8] {
        let (start, length) = self.header();
        // SAFETY: `new` wrote `length` bytes after the `start` bytes of the length itself, and
        // they live as long as `self`.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(start), length) }
    }

    /// Where the rendered labels start: after the last value's end.
    fn split(&self) -> usize {
        self.bytes()
            .iter()
            .rposition(|&byte| byte == END)
            .map_or(0, |end| end + 1)
    }

    /// The label list rendered for the text format (`name="value",...`), for a key of `count`
    /// values in a family whose rendering adds `fixed` bytes to the values
    /// ([`rendered_len_without_values`](crate::encoding::series_labels::rendered_len_without_values)),
    /// as a scrape reads it: without a search when no value needed escaping (the key is then
    /// the values with their ends, `fixed` bytes, and the values again).
    ///
    /// When a value was escaped, the computed start lies past the true one, inside the
    /// rendered text, which holds no `0xFF`: the check fails and the search finds it.
    #[inline]
    pub(crate) fn labels_in(&self, count: usize, fixed: usize) -> &str {
        let bytes = self.bytes();
        let doubled = bytes.len().wrapping_sub(count + fixed);
        let guess = doubled / 2 + count;
        let found = doubled <= bytes.len()
            && doubled.is_multiple_of(2)
            && guess <= bytes.len()
            && if guess == 0 {
                count == 0
            } else {
                bytes[guess - 1] == END
            };
        let split = if found { guess } else { self.split() };
        debug_assert_eq!(split, self.split());
        // SAFETY: copied from a `String` in `new`; `split` is 0 or just past a `0xFF`, which
        // `String`s never contain, so it is on a character boundary.
        unsafe { std::str::from_utf8_unchecked(&bytes[split..]) }
    }

    /// The label values, in label order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &str> {
        let values = &self.bytes()[..self.split()];
        values
            .split(|&byte| byte == END)
            .take(values.iter().filter(|&&byte| byte == END).count())
            // SAFETY: each part was a `&str` in `new`.
            .map(|value| unsafe { std::str::from_utf8_unchecked(value) })
    }

    /// The label values of a key of `count` values, in label order, as a scrape reads them:
    /// the first `count` parts before an end mark, without looking for where they stop.
    pub(crate) fn values_in(&self, count: usize) -> impl Iterator<Item = &str> {
        self.bytes()
            .split(|&byte| byte == END)
            .take(count)
            // SAFETY: each part was a `&str` in `new`.
            .map(|value| unsafe { std::str::from_utf8_unchecked(value) })
    }

    /// Reads the values one after the other, to compare them with a lookup's.
    #[inline]
    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor {
            bytes: self.bytes(),
            at: 0,
        }
    }

    /// Whether the values are `values`.
    // `always`: the lookups' key test; out of line, its call was a fifth of a three-label
    // lookup's compare.
    #[inline(always)]
    pub(crate) fn matches<V: AsRef<str>>(&self, values: &[V]) -> bool {
        let mut cursor = self.cursor();
        // A loop, not `Iterator::all`, which the compiler leaves out of line.
        for value in values {
            if !cursor.next_is(value.as_ref()) {
                return false;
            }
        }
        true
    }
}

/// A position in the values of a [`LabelKey`].
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Whether the next value is `value`; moves past it. Families look keys up with as many
    /// values as they were built with, so no count check.
    // `always`: on every lookup's path, and a call costs more than the compare.
    #[inline(always)]
    pub(crate) fn next_is(&mut self, value: &str) -> bool {
        let value = value.as_bytes();
        let end = self.at + value.len();
        // The end mark first: a value of another length fails there without comparing bytes.
        let same =
            self.bytes.get(end) == Some(&END) && same_bytes(&self.bytes[self.at..end], value);
        self.at = end + 1;
        same
    }
}

/// `stored == value` for two slices of the same length, without a call to `memcmp` for the
/// short values labels usually have (a call costs more than the compare itself).
#[inline(always)]
fn same_bytes(stored: &[u8], value: &[u8]) -> bool {
    fn word<const W: usize>(bytes: &[u8], at: usize) -> [u8; W] {
        bytes[at..at + W].try_into().expect("W bytes")
    }
    let length = value.len();
    debug_assert_eq!(stored.len(), length);
    match length {
        // Two overlapping words cover the whole value.
        8..=16 => {
            word::<8>(stored, 0) == word::<8>(value, 0)
                && word::<8>(stored, length - 8) == word::<8>(value, length - 8)
        }
        4..=7 => {
            word::<4>(stored, 0) == word::<4>(value, 0)
                && word::<4>(stored, length - 4) == word::<4>(value, length - 4)
        }
        1..=3 => {
            stored[0] == value[0]
                && stored[length / 2] == value[length / 2]
                && stored[length - 1] == value[length - 1]
        }
        0 => true,
        _ => stored == value,
    }
}

impl Drop for LabelKey {
    fn drop(&mut self) {
        let (start, length) = self.header();
        let whole = ptr::slice_from_raw_parts_mut(self.0.as_ptr(), start + length);
        // SAFETY: the whole allocation `new` got from `Box::into_raw`, dropped once.
        drop(unsafe { Box::from_raw(whole) });
    }
}

impl SeriesKey for LabelKey {
    fn key_hash(&self) -> u64 {
        let mut hasher = ValuesHasher::new();
        for value in self.values() {
            hasher.value(value);
        }
        hasher.finish()
    }

    #[inline]
    fn prefetch(&self) {
        // The rendered labels are at the end, and the length is only known once the first
        // line has arrived: a key of up to two cache lines is loaded whole.
        crate::sync::prefetch(self.0.as_ptr());
        crate::sync::prefetch(self.0.as_ptr().wrapping_add(64));
    }
}

impl PartialEq for LabelKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for LabelKey {}

impl PartialOrd for LabelKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By values, value by value (so `"a"` before `"ab"`).
impl Ord for LabelKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.values().cmp(other.values())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::series_labels::rendered_len_without_values;
    use crate::{Descriptor, Options};

    /// The rendered labels are found by their computed start when no value was escaped, and
    /// by the search when one was (the computed start then falls inside the rendered text).
    #[test]
    fn finds_the_rendered_labels_with_and_without_escapes() {
        let mut desc = Descriptor {
            name: "m_total",
            help: "h",
            labels: &["route", "status"],
            buckets: &[],
            module_path: "m",
            file: "m.rs",
            line: 1,
            options: Options::NONE,
        };
        for constant in [&[][..], &[("zone", "a\"b")][..]] {
            desc.options.const_labels = constant;
            let fixed = rendered_len_without_values(&desc);
            for values in [
                ["/a", "200"],
                ["", ""],
                ["a\"b", "2"],
                ["\\\\", "\n"],
                ["é", "x\"\"\""],
                ["\"", ""],
                // An even number of added bytes: the computed start is a whole byte off.
                ["\"\"", ""],
                ["a\"b", "\""],
            ] {
                let key = LabelKey::new(&desc, &values);
                let expected = series_labels(&desc, &values);
                assert_eq!(key.labels_in(2, fixed), expected, "{values:?}");
                assert_eq!(key.values().collect::<Vec<_>>(), values);
                assert_eq!(key.values_in(2).collect::<Vec<_>>(), values);
            }
        }
        desc.labels = &[];
        let key = LabelKey::new::<&str>(&desc, &[]);
        let fixed = rendered_len_without_values(&desc);
        assert_eq!(key.labels_in(0, fixed), series_labels::<&str>(&desc, &[]));
    }

    static DESC: Descriptor = Descriptor {
        name: "key_total",
        help: "Test.",
        labels: &["a", "b"],
        buckets: &[],
        module_path: "tests",
        file: "key.rs",
        line: 1,
        options: Options::NONE,
    };

    #[test]
    fn values_labels_and_matches_round_trip_at_every_length() {
        // Every length the compare treats differently, and one past the one-byte length.
        for length in [0, 1, 2, 3, 4, 7, 8, 9, 16, 17, 300] {
            let long = "x".repeat(length);
            let key = LabelKey::new(&DESC, &[long.as_str(), "\"q\""]);
            assert_eq!(key.values().collect::<Vec<_>>(), [long.as_str(), "\"q\""]);
            assert_eq!(
                key.labels_in(2, rendered_len_without_values(&DESC)),
                format!("a=\"{long}\",b=\"\\\"q\\\"\"")
            );
            assert!(key.matches(&[long.as_str(), "\"q\""]));
            // Same length, one byte different: first, middle and last.
            for at in [0, length / 2, length.saturating_sub(1)] {
                if length > 0 {
                    let mut other = long.clone().into_bytes();
                    other[at] = b'y';
                    let other = String::from_utf8(other).unwrap();
                    assert!(!key.matches(&[other.as_str(), "\"q\""]), "{length} at {at}");
                }
            }
            // A prefix, a longer value, values moved between labels.
            assert!(!key.matches(&[&long[..length.saturating_sub(1)], "\"q\""]) || length == 0);
            assert!(!key.matches(&[format!("{long}x").as_str(), "\"q\""]));
            assert!(!key.matches(&[format!("{long}\"").as_str(), "q\""]));
        }
    }

    #[test]
    fn keys_order_by_values() {
        let a = LabelKey::new(&DESC, &["a", "z"]);
        let ab = LabelKey::new(&DESC, &["ab", "a"]);
        assert!(a < ab);
        assert!(LabelKey::new(&DESC, &["a", "z"]) == a);
    }
}
