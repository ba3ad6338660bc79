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

/// How many bytes [`series_labels`] renders for `desc` besides the label values themselves:
/// the constant labels, each label's name, `="` and `"`, and the commas. Rendered labels whose
/// values needed no escaping are this much longer than the values.
pub(crate) fn rendered_len_without_values(desc: &Descriptor) -> usize {
    let constant: usize = desc
        .options
        .const_labels
        .iter()
        .map(|(name, value)| name.len() + 3 + escaped_len(value))
        .sum();
    let own: usize = desc.labels.iter().map(|name| name.len() + 3).sum();
    let pairs = desc.options.const_labels.len() + desc.labels.len();
    constant + own + pairs.saturating_sub(1)
}

/// The length of a label value escaped by `escape_into`.
fn escaped_len(value: &str) -> usize {
    value.len()
        + value
            .bytes()
            .filter(|byte| matches!(byte, b'\\' | b'\n' | b'"'))
            .count()
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

    #[test]
    fn length_without_values_is_the_rendering_of_empty_values() {
        let mut desc = Descriptor {
            name: "m_total",
            help: "h",
            labels: &["method", "path"],
            buckets: &[],
            module_path: "m",
            file: "m.rs",
            line: 1,
            options: crate::Options::NONE,
        };
        assert_eq!(
            rendered_len_without_values(&desc),
            series_labels(&desc, &["", ""]).len()
        );
        desc.options.const_labels = &[("zone", "a\"b"), ("dc", "x")];
        assert_eq!(
            rendered_len_without_values(&desc),
            series_labels(&desc, &["", ""]).len()
        );
        desc.labels = &[];
        assert_eq!(
            rendered_len_without_values(&desc),
            series_labels::<&str>(&desc, &[]).len()
        );
    }
}
