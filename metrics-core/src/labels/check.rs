//! The label names of a [`Family`](crate::Family), checked while compiling.
//!
//! `#[metric]` cannot see the label type's definition, so whether the names come from the type
//! (a derived struct) or from `labels = [...]` (a single value or a tuple) is decided by this
//! `const fn`, evaluated in the metric's descriptor: a mistake is a compile error ("evaluation
//! of static initializer failed") carrying one of the messages below.

use metrics_naming::RESERVED_LABELS;

use crate::LabelSet;

/// The label names of a family keyed by `L`: `L`'s own (then `given` must be empty) or
/// `given` (then their number must match). None may be `le` or `quantile` (whatever the metric
/// type, as for `labels = [...]`), or one of the `constant` labels' names.
pub const fn family_labels<L: LabelSet>(
    given: &'static [&'static str],
    constant: &'static [&'static str],
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
        let mut r = 0;
        while r < RESERVED_LABELS.len() {
            if same(names[i], RESERVED_LABELS[r].0) {
                panic!(
                    "a label of this family is named `le` or `quantile`, which histograms and summaries reserve for their buckets and quantiles: rename it (`#[label(rename = \"...\")]` on the field)"
                );
            }
            r += 1;
        }
        let mut k = 0;
        while k < constant.len() {
            if same(names[i], constant[k]) {
                panic!(
                    "a label of this family has the name of one of its `const_labels`: rename one of them"
                );
            }
            k += 1;
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

pub(crate) const fn same(a: &str, b: &str) -> bool {
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
