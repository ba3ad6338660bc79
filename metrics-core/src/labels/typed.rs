//! Typed labels: label values and label sets as Rust types instead of strings.
//!
//! A fieldless enum with `#[derive(LabelValue)]` is a closed set of values: a typo is a compile
//! error, every series of a [`Family`](crate::Family) keyed by it exists from the first scrape,
//! and finding a series is an array index.

use std::borrow::Cow;

/// A type whose values are the values of one label.
///
/// Derive it for a fieldless enum: `#[derive(LabelValue)]` takes the values from the variant
/// names in `snake_case`, and `#[label(rename = "...")]` on a variant overrides one. It is
/// implemented for `bool` (closed: `false`, `true`), and for `&str`, `String`, `Cow<str>` and
/// the integer types (open sets).
///
/// ```
/// use metrics_core::LabelValue;
///
/// #[derive(Clone, Copy, LabelValue)]
/// enum CallStatus {
///     Completed,
///     NoAnswer,
///     #[label(rename = "failed_other")]
///     Failed,
/// }
///
/// assert_eq!(CallStatus::VALUES, Some(&["completed", "no_answer", "failed_other"][..]));
/// assert_eq!(CallStatus::NoAnswer.index(), 1);
/// CallStatus::Failed.with_str(|value| assert_eq!(value, "failed_other"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a label value",
    label = "not a label value",
    note = "label values are fieldless enums with #[derive(LabelValue)], `bool`, integers, `&str`, `String` or `Cow<str>`"
)]
pub trait LabelValue: Send + Sync {
    /// The same type with every borrow `'static`: what a [`Family`](crate::Family) is declared
    /// with. A family declared with `&'static str` values is looked up with `&str` of any
    /// lifetime.
    type Static: LabelValue + 'static;

    /// Every value of a closed type, in [`index`](Self::index) order; `None` for open types.
    const VALUES: Option<&'static [&'static str]>;

    /// The position of this value in [`VALUES`](Self::VALUES). Open types return 0.
    fn index(&self) -> usize;

    /// Calls `f` with the value's text, without allocating.
    fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R;
}

/// A type whose values are the values of all the labels of a metric, the key of a
/// [`Family`](crate::Family).
///
/// Derive it for a struct whose fields are [`LabelValue`]s (`#[derive(LabelSet)]`: one label
/// per field, named after the field or its `#[label(rename = "...")]`); every `LabelValue` is
/// also a label set of one label, and so are tuples of up to five of them (then
/// `#[metric(labels = [...])]` names the labels).
///
/// ```
/// use metrics_core::{LabelSet, LabelValue};
///
/// #[derive(Clone, Copy, LabelValue)]
/// enum Direction {
///     Inbound,
///     Outbound,
/// }
///
/// #[derive(LabelSet)]
/// struct CallLabels {
///     direction: Direction,
///     recorded: bool,
/// }
///
/// assert_eq!(CallLabels::NAMES, Some(&["direction", "recorded"][..]));
/// assert_eq!(CallLabels::CARDINALITY, Some(4));
/// let labels = CallLabels { direction: Direction::Outbound, recorded: false };
/// assert_eq!(labels.series_index(), 2);
/// assert_eq!(CallLabels::closed_value(2, 0), "outbound");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a label set",
    label = "not a label set",
    note = "a label set is a struct with #[derive(LabelSet)], a label value (an enum with #[derive(LabelValue)], `bool`, an integer, a string) or a tuple of label values"
)]
pub trait LabelSet: Send + Sync {
    /// The same type with every borrow `'static`, as for [`LabelValue::Static`].
    type Static: LabelSet + 'static;

    /// The label names, when the type carries them (a derived struct).
    const NAMES: Option<&'static [&'static str]>;

    /// The number of labels.
    const LEN: usize;

    /// How many distinct label sets exist, if every label is a closed set.
    const CARDINALITY: Option<usize>;

    /// The position of this label set among all [`CARDINALITY`](Self::CARDINALITY) of them
    /// (closed sets only; any number for an open one): mixed-radix, the last label varying
    /// fastest.
    fn series_index(&self) -> usize;

    /// The value of label `label` in the label set at `index` (closed sets only; `""` out of
    /// range).
    fn closed_value(index: usize, label: usize) -> &'static str;

    /// Calls `f` with each label's position and value text, in label order, without
    /// allocating.
    fn for_each_value(&self, f: impl FnMut(usize, &str));
}

/// The value of a closed label at `index`, or `""`.
#[doc(hidden)]
pub fn __closed_value<V: LabelValue>(index: usize) -> &'static str {
    match V::VALUES {
        Some(values) => values.get(index).copied().unwrap_or(""),
        None => "",
    }
}

/// The number of values of a closed label (1 for an open one, which contributes one digit
/// of value 0 to an index).
#[doc(hidden)]
pub const fn __radix<V: LabelValue>() -> usize {
    match V::VALUES {
        Some(values) => values.len(),
        None => 1,
    }
}

/// The most label sets a closed [`Family`](crate::Family) creates up front, inside its
/// `static`; a closed set with more combinations is handled as an open one.
pub const MAX_CLOSED_SERIES: usize = 4096;

/// How many series a family keyed by `L` creates up front: all of a closed set (up to
/// [`MAX_CLOSED_SERIES`]), none of an open one. `#[metric]` sizes the family's array with it;
/// it is the third parameter of the family's full type, to name it outside the declaration:
/// `&'static Family<CallStatus, IntCounter, { metrics_core::closed_len::<CallStatus>() }>`.
pub const fn closed_len<L: LabelSet>() -> usize {
    match L::CARDINALITY {
        Some(cardinality) if cardinality <= MAX_CLOSED_SERIES => cardinality,
        _ => 0,
    }
}

/// `Some(a * b)` when both are closed: the cardinality of a combination of labels.
#[doc(hidden)]
pub const fn __product(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => a.checked_mul(b),
        _ => None,
    }
}

/// The cardinality of a single label.
#[doc(hidden)]
pub const fn __cardinality<V: LabelValue>() -> Option<usize> {
    match V::VALUES {
        Some(values) => Some(values.len()),
        None => None,
    }
}

/// Implements `LabelSet` for a `LabelValue` type: a label set of one label.
#[doc(hidden)]
#[macro_export]
macro_rules! __label_set_of_one_value {
    ($ty:ty) => {
        $crate::__label_set_of_one_value!(impl[] $ty);
    };
    (impl[$($generics:tt)*] $ty:ty) => {
        impl<$($generics)*> $crate::LabelSet for $ty {
            type Static = <$ty as $crate::LabelValue>::Static;
            const NAMES: ::core::option::Option<&'static [&'static str]> =
                ::core::option::Option::None;
            const LEN: usize = 1;
            const CARDINALITY: ::core::option::Option<usize> =
                $crate::__private::cardinality::<$ty>();

            #[inline]
            fn series_index(&self) -> usize {
                $crate::LabelValue::index(self)
            }

            fn closed_value(index: usize, label: usize) -> &'static str {
                if label == 0 {
                    $crate::__private::closed_value::<$ty>(index)
                } else {
                    ""
                }
            }

            #[inline]
            fn for_each_value(&self, mut f: impl FnMut(usize, &str)) {
                $crate::LabelValue::with_str(self, |value| f(0, value))
            }
        }
    };
}

impl LabelValue for bool {
    type Static = bool;
    const VALUES: Option<&'static [&'static str]> = Some(&["false", "true"]);

    #[inline]
    fn index(&self) -> usize {
        usize::from(*self)
    }

    #[inline]
    fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(if *self { "true" } else { "false" })
    }
}
__label_set_of_one_value!(bool);

impl LabelValue for &str {
    type Static = &'static str;
    const VALUES: Option<&'static [&'static str]> = None;

    #[inline]
    fn index(&self) -> usize {
        0
    }

    #[inline]
    fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}
__label_set_of_one_value!(impl['a] &'a str);

impl LabelValue for String {
    type Static = String;
    const VALUES: Option<&'static [&'static str]> = None;

    #[inline]
    fn index(&self) -> usize {
        0
    }

    #[inline]
    fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}
__label_set_of_one_value!(String);

impl LabelValue for Cow<'_, str> {
    type Static = Cow<'static, str>;
    const VALUES: Option<&'static [&'static str]> = None;

    #[inline]
    fn index(&self) -> usize {
        0
    }

    #[inline]
    fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}
__label_set_of_one_value!(impl['a] Cow<'a, str>);

/// Decimal text of an integer in a stack buffer: label values are formatted on every lookup of
/// an integer-keyed family, which must not allocate. `u64` arithmetic: 128-bit division is a
/// slow library call.
struct Decimal {
    bytes: [u8; 20],
    start: usize,
}

impl Decimal {
    #[inline]
    fn new(negative: bool, mut magnitude: u64) -> Decimal {
        let mut bytes = [0u8; 20];
        let mut start = bytes.len();
        loop {
            start -= 1;
            bytes[start] = b'0' + (magnitude % 10) as u8;
            magnitude /= 10;
            if magnitude == 0 {
                break;
            }
        }
        if negative {
            start -= 1;
            bytes[start] = b'-';
        }
        Decimal { bytes, start }
    }

    #[inline]
    fn as_str(&self) -> &str {
        let digits = &self.bytes[self.start..];
        // SAFETY: `new` wrote only ASCII digits and '-' from `start` on: valid UTF-8. (The
        // checked conversion is a measurable share of an integer-keyed lookup.)
        unsafe { std::str::from_utf8_unchecked(digits) }
    }
}

macro_rules! integer_label_values {
    ($($int:ty),*) => {$(
        impl LabelValue for $int {
            type Static = $int;
            const VALUES: Option<&'static [&'static str]> = None;

            #[inline]
            fn index(&self) -> usize {
                0
            }

            #[inline]
            #[allow(unused_comparisons, clippy::cast_lossless)]
            fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
                // Every implementing type fits in 64 bits; `as i64` of an unsigned value past
                // `i64::MAX` wraps negative, so unsigned values take the `as u64` branch.
                let decimal = if *self < 0 {
                    Decimal::new(true, (*self as i64).unsigned_abs())
                } else {
                    Decimal::new(false, *self as u64)
                };
                f(decimal.as_str())
            }
        }
        __label_set_of_one_value!($int);
    )*};
}

integer_label_values!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// A reference to a label set looks up the same series as the label set.
impl<L: LabelSet + ?Sized> LabelSet for &L {
    type Static = L::Static;
    const NAMES: Option<&'static [&'static str]> = L::NAMES;
    const LEN: usize = L::LEN;
    const CARDINALITY: Option<usize> = L::CARDINALITY;

    #[inline]
    fn series_index(&self) -> usize {
        (**self).series_index()
    }

    fn closed_value(index: usize, label: usize) -> &'static str {
        L::closed_value(index, label)
    }

    #[inline]
    fn for_each_value(&self, f: impl FnMut(usize, &str)) {
        (**self).for_each_value(f)
    }
}

/// Tuples of label values: the index is mixed-radix, the last element varying fastest.
macro_rules! tuple_label_sets {
    ($(($($name:ident $field:tt),+))*) => {$(
        impl<$($name: LabelValue),+> LabelSet for ($($name,)+) {
            type Static = ($($name::Static,)+);
            const NAMES: Option<&'static [&'static str]> = None;
            const LEN: usize = [$(stringify!($name)),+].len();
            const CARDINALITY: Option<usize> = {
                let product = Some(1);
                $(let product = __product(product, __cardinality::<$name>());)+
                product
            };

            #[inline]
            fn series_index(&self) -> usize {
                let index = 0usize;
                // Wrapping: meaningful only for closed sets, whose index fits; an open or
                // oversized set never uses it, and must not panic if asked.
                $(let index = index
                    .wrapping_mul(__radix::<$name>())
                    .wrapping_add(self.$field.index());)+
                index
            }

            fn closed_value(index: usize, label: usize) -> &'static str {
                let radices = [$(__radix::<$name>()),+];
                let values = [$(__closed_value::<$name> as fn(usize) -> &'static str),+];
                // Digits after `label` vary faster: divide them away.
                let mut rest = index;
                for radix in radices.iter().skip(label.saturating_add(1)) {
                    rest /= radix;
                }
                match (radices.get(label), values.get(label)) {
                    (Some(radix), Some(value)) => value(rest % radix),
                    _ => "",
                }
            }

            #[inline]
            fn for_each_value(&self, mut f: impl FnMut(usize, &str)) {
                $(self.$field.with_str(|value| f($field, value));)+
            }
        }
    )*};
}

tuple_label_sets! {
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
}

#[cfg(test)]
mod tests {
    use super::{LabelSet, LabelValue};

    fn text<V: LabelValue>(value: V) -> String {
        value.with_str(str::to_owned)
    }

    #[test]
    fn integers_format_without_allocating_like_display() {
        for value in [0i64, 7, -7, 42, i64::MIN, i64::MAX] {
            assert_eq!(text(value), value.to_string());
        }
        assert_eq!(text(u64::MAX), u64::MAX.to_string());
        assert_eq!(text(200u16), "200");
        assert_eq!(text(i8::MIN), "-128");
    }

    #[test]
    fn tuples_index_mixed_radix_and_decode_back() {
        type Set = (bool, bool, bool);
        assert_eq!(Set::CARDINALITY, Some(8));
        assert_eq!(Set::LEN, 3);
        for index in 0..8 {
            let set = (
                Set::closed_value(index, 0) == "true",
                Set::closed_value(index, 1) == "true",
                Set::closed_value(index, 2) == "true",
            );
            assert_eq!(set.series_index(), index);
        }
        assert_eq!((true, false).series_index(), 2);
        assert_eq!(<(bool, String)>::CARDINALITY, None);
        let mut seen = Vec::new();
        (false, "x".to_owned()).for_each_value(|position, value| {
            seen.push(format!("{position}={value}"));
        });
        assert_eq!(seen, ["0=false", "1=x"]);
    }
}
