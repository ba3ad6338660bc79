//! The label names of a [`Family`](crate::Family), checked while compiling.
//!
//! `#[metric]` cannot see the label type's definition, so whether the names come from the type
//! (a derived struct) or from `labels = [...]` (a single value or a tuple) is decided by this
//! `const fn`, evaluated in the metric's descriptor: a mistake is a compile error ("evaluation
//! of static initializer failed") carrying one of the messages below.

use crate::LabelSet;

/// The label names of a family keyed by `L`: `L`'s own (then `given` must be empty) or
/// `given` (then their number must match). `reserved` is a name the metric type forbids
/// (`le` for a histogram), or `""`.
pub const fn family_labels<L: LabelSet>(
    given: &'static [&'static str],
    reserved: &'static str,
) -> &'static [&'static str] {
    let names = match L::NAMES {
        Some(names) => {
            if !given.is_empty() {
                panic!(
                    "this label set names its labels after its fields: remove `labels = [...]` from #[metric]"
                );
            }
            names
        }
        None => {
            if given.is_empty() {
                panic!(
                    "this label type does not name its labels: add `labels = [\"...\"]` to #[metric], one name per label value"
                );
            }
            if given.len() != L::LEN {
                panic!(
                    "`labels = [...]` must list exactly one name per value of the label type (a tuple has one per element)"
                );
            }
            given
        }
    };
    let mut i = 0;
    while i < names.len() {
        if !reserved.is_empty() && same(names[i], reserved) {
            panic!(
                "a label of this family has a name its metric type reserves (`le` for a histogram, `quantile` for a summary): rename it"
            );
        }
        let mut j = 0;
        while j < i {
            if same(names[i], names[j]) {
                panic!("two labels of this family have the same name");
            }
            j += 1;
        }
        i += 1;
    }
    names
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
