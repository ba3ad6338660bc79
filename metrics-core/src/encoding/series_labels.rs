//! Series labels rendered once, when a series is created, for the text formats to copy.

use crate::Descriptor;
use crate::encoding::text::escape_into;

/// Renders `name1="value1",name2="value2"` (no braces), escaping the values. Label names were
/// validated by `#[metric]` and need no escaping.
pub(crate) fn render_label_pairs<V: AsRef<str>>(names: &[&str], values: &[V]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in names.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(name);
        out.push_str("=\"");
        escape_into(&mut out, value.as_ref(), true);
        out.push('"');
    }
    out
}

/// The rendered labels of one series: the descriptor's constant labels, then `names` with
/// `values`.
pub(crate) fn series_labels<V: AsRef<str>>(desc: &Descriptor, values: &[V]) -> String {
    let constant = desc.options.const_labels;
    if constant.is_empty() {
        return render_label_pairs(desc.labels, values);
    }
    let mut out = String::new();
    for (i, (name, value)) in constant.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(name);
        out.push_str("=\"");
        escape_into(&mut out, value, true);
        out.push('"');
    }
    let own = render_label_pairs(desc.labels, values);
    if !own.is_empty() {
        out.push(',');
        out.push_str(&own);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_label_pairs_in_order() {
        assert_eq!(
            render_label_pairs(&["method", "path"], &["GET", "/a\"b"]),
            r#"method="GET",path="/a\"b""#
        );
        assert_eq!(render_label_pairs::<&str>(&[], &[]), "");
    }
}
