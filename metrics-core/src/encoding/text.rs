//! The Prometheus text exposition format, version 0.0.4.
//!
//! Written straight from the samples into one `String`: no intermediate model, no allocation
//! per sample. Exemplars, creation times and native buckets have no place in this format and
//! are left out.

use std::fmt::Write;

use super::{CounterSample, Encoder, HistogramSample, Labels, SummarySample, Value};
use crate::MetricType;

/// The `Content-Type` of the text exposition format that [`Registry::render`] produces.
///
/// [`Registry::render`]: crate::Registry::render
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Writes the text format 0.0.4 into a `String`.
pub struct TextEncoder<'a> {
    out: &'a mut String,
    /// The current family's name.
    name: String,
}

impl<'a> TextEncoder<'a> {
    /// An encoder appending to `out`.
    pub fn new(out: &'a mut String) -> Self {
        TextEncoder {
            out,
            name: String::new(),
        }
    }
}

impl Encoder for TextEncoder<'_> {
    fn family(&mut self, name: &str, help: &str, metric_type: MetricType) {
        let out = &mut *self.out;
        out.push_str("# HELP ");
        out.push_str(name);
        out.push(' ');
        escape_into(out, help, false);
        out.push_str("\n# TYPE ");
        out.push_str(name);
        out.push(' ');
        out.push_str(metric_type.as_str());
        out.push('\n');
        self.name.clear();
        self.name.push_str(name);
    }

    fn counter(&mut self, labels: &Labels<'_>, sample: &CounterSample<'_>) {
        self.gauge(labels, sample.value);
    }

    fn gauge(&mut self, labels: &Labels<'_>, value: Value) {
        write_sample_prefix(self.out, &self.name, "", labels.rendered());
        write_value(self.out, value);
        self.out.push('\n');
    }

    fn histogram(&mut self, labels: &Labels<'_>, sample: &HistogramSample<'_>) {
        let (out, name, labels) = (&mut *self.out, &self.name, labels.rendered());
        let bounds = sample.bounds.iter().copied().chain([f64::INFINITY]);
        for (bound, count) in bounds.zip(sample.cumulative) {
            write_bucket_prefix(out, name, labels);
            write_f64(out, bound);
            out.push_str("\"} ");
            write_u64(out, *count);
            out.push('\n');
        }
        write_sample_prefix(out, name, "_sum", labels);
        write_f64(out, sample.sum);
        out.push('\n');
        write_sample_prefix(out, name, "_count", labels);
        write_u64(out, sample.count());
        out.push('\n');
    }

    fn summary(&mut self, labels: &Labels<'_>, sample: &SummarySample<'_>) {
        let (out, name, labels) = (&mut *self.out, &self.name, labels.rendered());
        for (quantile, value) in sample.quantiles {
            write_quantile_prefix(out, name, labels);
            write_f64(out, *quantile);
            out.push_str("\"} ");
            write_f64(out, *value);
            out.push('\n');
        }
        write_sample_prefix(out, name, "_sum", labels);
        write_f64(out, sample.sum);
        out.push('\n');
        write_sample_prefix(out, name, "_count", labels);
        write_u64(out, sample.count);
        out.push('\n');
    }

    fn finish(&mut self) {}
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

/// Writes `name_bucket{labels,le="` up to the bound.
pub(crate) fn write_bucket_prefix(out: &mut String, name: &str, labels: &str) {
    out.push_str(name);
    out.push_str("_bucket{");
    if !labels.is_empty() {
        out.push_str(labels);
        out.push(',');
    }
    out.push_str("le=\"");
}

/// Writes `name{labels,quantile="` up to the quantile.
pub(crate) fn write_quantile_prefix(out: &mut String, name: &str, labels: &str) {
    out.push_str(name);
    out.push('{');
    if !labels.is_empty() {
        out.push_str(labels);
        out.push(',');
    }
    out.push_str("quantile=\"");
}

pub(crate) fn write_value(out: &mut String, value: Value) {
    match value {
        Value::Unsigned(value) => write_u64(out, value),
        Value::Signed(value) => write_i64(out, value),
        Value::Float(value) => write_f64(out, value),
    }
}

/// Floats as the Prometheus parsers read them: `+Inf`, `-Inf`, `NaN`, otherwise the shortest
/// decimal that reads back to the same value, never with an exponent (Rust's `Display`:
/// `1`, `0.25`, `0.0000001`).
///
/// `Display` for floats is slow, so the common cases take shortcuts that write the same text:
/// integral values below 2^53 as integers, others through `ryu`'s shortest digits when it
/// writes them without an exponent and with at most 15 significant digits.
pub(crate) fn write_f64(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
    } else if value == 0.0 {
        out.push_str(if value.is_sign_negative() { "-0" } else { "0" });
    } else if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        write_i64(out, value as i64);
    } else {
        let mut buffer = ryu::Buffer::new();
        let digits = buffer.format_finite(value);
        // Where 16 or 17 significant digits are needed, ryu and `Display` can choose different
        // last digits (both read back to the value): those go through `Display`.
        let significant = digits
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|digit| *digit == b'0')
            .count();
        if digits.contains('e') || significant > 15 {
            // Writing into a String cannot fail.
            let _ = write!(out, "{value}");
        } else {
            out.push_str(digits);
        }
    }
}

pub(crate) fn write_u64(out: &mut String, value: u64) {
    out.push_str(itoa::Buffer::new().format(value));
}

pub(crate) fn write_i64(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Help text escapes `\` and newline; label values also escape `"`.
pub(crate) fn escape_into(out: &mut String, text: &str, escape_quote: bool) {
    let special = |byte: &u8| *byte == b'\\' || *byte == b'\n' || (escape_quote && *byte == b'"');
    if !text.as_bytes().iter().any(special) {
        out.push_str(text);
        return;
    }
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
        assert_eq!(f64_text(-0.0), "-0");
        assert_eq!(f64_text(42.0), "42");
        assert_eq!(f64_text(-1.5), "-1.5");
        assert_eq!(f64_text(0.005), "0.005");
        assert_eq!(f64_text(1e-7), "0.0000001");
        assert_eq!(f64_text(1e21), "1000000000000000000000");
        assert_eq!(f64_text(f64::INFINITY), "+Inf");
        assert_eq!(f64_text(f64::NEG_INFINITY), "-Inf");
        assert_eq!(f64_text(f64::NAN), "NaN");
    }

    /// The shortcuts write exactly what `Display` writes, over values of every magnitude.
    #[test]
    fn fast_floats_equal_display() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let bits = next();
            let candidates = [
                f64::from_bits(bits),
                (bits % 1_000_000) as f64 / 1000.0,
                (bits % 10_000) as f64 * 0.1,
                (bits >> 11) as f64,
                -((bits % 100_000) as f64) / 7.0,
            ];
            for value in candidates.into_iter().filter(|value| value.is_finite()) {
                assert_eq!(f64_text(value), format!("{value}"), "{value:?}");
            }
        }
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
}
