//! The key of a series of a string-keyed family: its label values and its rendered label list,
//! in one allocation.

use std::cmp::Ordering;

use crate::Descriptor;
use crate::encoding::series_labels::series_labels;
use crate::labels::series::SeriesKey;
use crate::labels::vec::ValuesHasher;

/// Each label value followed by `0xFF` (a byte no UTF-8 text contains), then the label list
/// rendered for the text format (`name="value",...`, escaped), which a scrape copies as is.
///
/// One allocation and one pointer instead of a boxed slice of boxed values plus a boxed
/// string: about 50 bytes less per series.
pub(crate) struct LabelKey(Box<[u8]>);

/// Ends every value in a [`LabelKey`].
const END: u8 = 0xFF;

impl LabelKey {
    /// The key of `values` in the family described by `desc`.
    pub(crate) fn new<V: AsRef<str>>(desc: &Descriptor, values: &[V]) -> Self {
        let rendered = series_labels(desc, values);
        let length = values
            .iter()
            .map(|value| value.as_ref().len() + 1)
            .sum::<usize>()
            + rendered.len();
        let mut bytes = Vec::with_capacity(length);
        for value in values {
            bytes.extend_from_slice(value.as_ref().as_bytes());
            bytes.push(END);
        }
        bytes.extend_from_slice(rendered.as_bytes());
        LabelKey(bytes.into_boxed_slice())
    }

    /// Where the rendered labels start: after the last value's end.
    fn split(&self) -> usize {
        self.0
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
        let bytes = &self.0;
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
        let values = &self.0[..self.split()];
        values
            .split(|&byte| byte == END)
            .take(values.iter().filter(|&&byte| byte == END).count())
            // SAFETY: each part was a `&str` in `new`.
            .map(|value| unsafe { std::str::from_utf8_unchecked(value) })
    }

    /// The label values of a key of `count` values, in label order, as a scrape reads them:
    /// the first `count` parts before an end mark, without looking for where they stop.
    pub(crate) fn values_in(&self, count: usize) -> impl Iterator<Item = &str> {
        self.0
            .split(|&byte| byte == END)
            .take(count)
            // SAFETY: each part was a `&str` in `new`.
            .map(|value| unsafe { std::str::from_utf8_unchecked(value) })
    }

    /// Whether the `position`-th value starts at `*at` and is `value`; moves `*at` past it.
    /// Families look keys up with as many values as they were built with, so no count check.
    #[inline]
    pub(crate) fn next_is(&self, at: &mut usize, value: &str) -> bool {
        let value = value.as_bytes();
        let end = *at + value.len();
        let same = self.0.get(*at..end) == Some(value) && self.0.get(end) == Some(&END);
        *at = end + 1;
        same
    }

    /// Whether the values are `values`.
    #[inline]
    pub(crate) fn matches<V: AsRef<str>>(&self, values: &[V]) -> bool {
        let mut at = 0;
        values
            .iter()
            .all(|value| self.next_is(&mut at, value.as_ref()))
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
        // The rendered labels are at the end; a key of up to two cache lines is loaded whole.
        crate::sync::prefetch(self.0.as_ptr());
        crate::sync::prefetch(self.0.as_ptr().wrapping_add(self.0.len().saturating_sub(1)));
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
}
