//! The Prometheus text exposition format, version 0.0.4.
//!
//! Written straight from the atomics into one `String`: no intermediate `MetricFamily` values,
//! no per-sample allocation.

use std::fmt::Write;

use crate::{Descriptor, MetricType};

/// The `Content-Type` of the text exposition format that [`Registry::render`] produces.
///
/// [`Registry::render`]: crate::Registry::render
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `# HELP` and `# TYPE` lines of a family.
pub(crate) fn write_header(out: &mut String, desc: &Descriptor, metric_type: MetricType) {
    out.push_str("# HELP ");
    out.push_str(desc.name);
    out.push(' ');
    escape_into(out, desc.help, false);
    out.push_str("\n# TYPE ");
    out.push_str(desc.name);
    out.push(' ');
    out.push_str(metric_type.as_str());
    out.push('\n');
}

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

/// The constant labels of a descriptor as protobuf label pairs.
pub(crate) fn const_label_pairs(desc: &Descriptor) -> Vec<prometheus::proto::LabelPair> {
    desc.options
        .const_labels
        .iter()
        .map(|(name, value)| crate::metrics::metric::label_pair(name, value))
        .collect()
}

/// Writes `name{labels} ` up to the value: `labels` is a rendered label list (possibly empty).
pub(crate) fn write_sample_prefix(out: &mut String, name: &str, suffix: &str, labels: &str) {
    out.push_str(name);
    out.push_str(suffix);
    if !labels.is_empty() {
        out.push('{');
        out.push_str(labels);
        out.push('}');
    }
    out.push(' ');
}

/// Writes a histogram bucket line: `name_bucket{labels,le="bound"} count`.
pub(crate) fn write_bucket(out: &mut String, name: &str, labels: &str, le: f64, count: u64) {
    out.push_str(name);
    out.push_str("_bucket{");
    if !labels.is_empty() {
        out.push_str(labels);
        out.push(',');
    }
    out.push_str("le=\"");
    write_f64(out, le);
    out.push_str("\"} ");
    write_u64(out, count);
    out.push('\n');
}

/// Floats as the Prometheus parsers read them: `+Inf`, `-Inf`, `NaN`, otherwise Rust's shortest
/// representation that reads back to the same value (`1`, `0.25`, `1e-7` is written out in full).
pub(crate) fn write_f64(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
    } else {
        // Writing into a String cannot fail.
        let _ = write!(out, "{value}");
    }
}

pub(crate) fn write_u64(out: &mut String, value: u64) {
    let _ = write!(out, "{value}");
}

pub(crate) fn write_i64(out: &mut String, value: i64) {
    let _ = write!(out, "{value}");
}

/// Help text escapes `\` and newline; label values also escape `"`.
pub(crate) fn escape_into(out: &mut String, text: &str, escape_quote: bool) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if escape_quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64_text(value: f64) -> String {
        let mut out = String::new();
        write_f64(&mut out, value);
        out
    }

    #[test]
    fn floats_read_back_by_prometheus() {
        assert_eq!(f64_text(0.0), "0");
        assert_eq!(f64_text(42.0), "42");
        assert_eq!(f64_text(-1.5), "-1.5");
        assert_eq!(f64_text(0.005), "0.005");
        assert_eq!(f64_text(f64::INFINITY), "+Inf");
        assert_eq!(f64_text(f64::NEG_INFINITY), "-Inf");
        assert_eq!(f64_text(f64::NAN), "NaN");
    }

    #[test]
    fn escapes_label_values_and_help() {
        let mut out = String::new();
        escape_into(&mut out, "a\\b\"c\nd", true);
        assert_eq!(out, r#"a\\b\"c\nd"#);
        let mut help = String::new();
        escape_into(&mut help, "say \"hi\"\\\n", false);
        assert_eq!(help, r#"say "hi"\\\n"#);
    }

    #[test]
    fn renders_label_pairs_in_order() {
        assert_eq!(
            render_label_pairs(&["method", "path"], &["GET", "/a\"b"]),
            r#"method="GET",path="/a\"b""#
        );
        assert_eq!(render_label_pairs::<&str>(&[], &[]), "");
    }
}
