//! The Prometheus text exposition format, version 0.0.4.
//!
//! Written straight from the samples into one `String`: no intermediate model, no allocation
//! per sample. Exemplars, creation times and native buckets have no place in this format and
//! are left out.

use std::fmt::Write;
use std::ptr;

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

    #[inline]
    fn gauge(&mut self, labels: &Labels<'_>, value: Value) {
        let mut digits = itoa::Buffer::new();
        let digits = match value {
            Value::Unsigned(value) => digits.format(value),
            Value::Signed(value) => digits.format(value),
            Value::Float(value) => {
                write_sample_prefix(self.out, &self.name, "", labels.rendered());
                write_f64(self.out, value);
                self.out.push('\n');
                return;
            }
        };
        push_line(self.out, &self.name, "", labels.rendered(), digits, "");
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
        write_sum(out, name, labels, sample.sum);
        write_count(out, name, labels, sample.count());
    }

    fn summary(&mut self, labels: &Labels<'_>, sample: &SummarySample<'_>) {
        write_summary(self.out, &self.name, labels.rendered(), sample, write_f64);
    }

    fn finish(&mut self) {}
}

/// Writes `name{labels} ` up to the value: `labels` is a rendered label list (possibly empty).
#[inline]
pub(crate) fn write_sample_prefix(out: &mut String, name: &str, suffix: &str, labels: &str) {
    // One capacity check for the line (the value and newline included).
    out.reserve(name.len() + suffix.len() + labels.len() + 32);
    out.push_str(name);
    out.push_str(suffix);
    if !labels.is_empty() {
        out.push('{');
        out.push_str(labels);
        out.push('}');
    }
    out.push(' ');
}

/// `name suffix{labels} value more` and a newline (without braces when there are no
/// labels): the line of nearly every series of a scrape (integer counters and gauges, and
/// OpenMetrics' `_created`), written with one capacity check and one length update instead
/// of one of each per piece.
#[inline]
pub(crate) fn push_line(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &str,
    value: &str,
    more: &str,
) {
    let braces = if labels.is_empty() { 0 } else { 2 };
    let total =
        name.len() + suffix.len() + braces + labels.len() + 1 + value.len() + more.len() + 1;
    out.reserve(total);
    // SAFETY: `reserve` made room for the `total` bytes written after the end; they are whole
    // `str`s and ASCII punctuation, so the string stays UTF-8.
    unsafe {
        let bytes = out.as_mut_vec();
        let start = bytes.len();
        let line = bytes.as_mut_ptr().add(start);
        let mut at = 0;
        macro_rules! put {
            ($piece:expr) => {{
                let piece: &[u8] = $piece;
                ptr::copy_nonoverlapping(piece.as_ptr(), line.add(at), piece.len());
                at += piece.len();
            }};
        }
        put!(name.as_bytes());
        put!(suffix.as_bytes());
        if braces > 0 {
            put!(b"{");
            put!(labels.as_bytes());
            put!(b"}");
        }
        put!(b" ");
        // Numbers: short, and mostly as long as the last series' (well-predicted branches
        // instead of calls).
        copy_number(value.as_bytes(), line.add(at));
        at += value.len();
        copy_number(more.as_bytes(), line.add(at));
        at += more.len();
        put!(b"\n");
        debug_assert_eq!(at, total);
        bytes.set_len(start + total);
    }
}

/// Copies `source` to `target` as at most two overlapping loads and stores when it has up to
/// 16 bytes (a number), with `copy_nonoverlapping` otherwise.
///
/// # Safety
///
/// `target` is valid for `source.len()` bytes of writes and does not overlap `source`.
#[inline(always)]
unsafe fn copy_number(source: &[u8], target: *mut u8) {
    /// # Safety
    ///
    /// `from` is valid for `N` bytes of reads, `to` for `N` bytes of writes.
    #[inline(always)]
    unsafe fn block<const N: usize>(from: *const u8, to: *mut u8) {
        // SAFETY: as the caller promises; unaligned accesses of a byte array.
        unsafe { ptr::write_unaligned(to.cast::<[u8; N]>(), ptr::read_unaligned(from.cast())) }
    }
    let length = source.len();
    let from = source.as_ptr();
    // SAFETY: every access is within `source[..length]` and `target[..length]`.
    unsafe {
        match length {
            0 => {}
            1 => *target = *from,
            2..=3 => {
                block::<2>(from, target);
                block::<2>(from.add(length - 2), target.add(length - 2));
            }
            4..=7 => {
                block::<4>(from, target);
                block::<4>(from.add(length - 4), target.add(length - 4));
            }
            8..=16 => {
                block::<8>(from, target);
                block::<8>(from.add(length - 8), target.add(length - 8));
            }
            _ => ptr::copy_nonoverlapping(from, target, length),
        }
    }
}

/// Writes `name_bucket{labels,le="` up to the bound.
#[inline]
pub(crate) fn write_bucket_prefix(out: &mut String, name: &str, labels: &str) {
    out.push_str(name);
    out.push_str("_bucket{");
    if !labels.is_empty() {
        out.push_str(labels);
        out.push(',');
    }
    out.push_str("le=\"");
}

/// `name_sum{labels} sum`.
pub(crate) fn write_sum(out: &mut String, name: &str, labels: &str, sum: f64) {
    write_sample_prefix(out, name, "_sum", labels);
    write_f64(out, sum);
    out.push('\n');
}

/// `name_count{labels} count`.
pub(crate) fn write_count(out: &mut String, name: &str, labels: &str, count: u64) {
    write_sample_prefix(out, name, "_count", labels);
    write_u64(out, count);
    out.push('\n');
}

/// A summary's quantile lines (the quantile written by `write_quantile`), `_sum` and `_count`:
/// the same in both text formats but for how a quantile is written.
pub(crate) fn write_summary(
    out: &mut String,
    name: &str,
    labels: &str,
    sample: &SummarySample<'_>,
    write_quantile: fn(&mut String, f64),
) {
    for (quantile, value) in sample.quantiles {
        write_quantile_prefix(out, name, labels);
        write_quantile(out, *quantile);
        out.push_str("\"} ");
        write_f64(out, *value);
        out.push('\n');
    }
    write_sum(out, name, labels, sample.sum);
    write_count(out, name, labels, sample.count);
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

#[inline]
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
/// writes them without an exponent and they are not an exact tie (see `is_decimal_tie`).
pub(crate) fn write_f64(out: &mut String, value: f64) {
    write_f64_integral(out, value);
}

/// [`write_f64`], returning whether what it wrote is integral text (no `.`; `NaN` and the
/// infinities count as not integral), so that OpenMetrics can add `.0` without searching.
pub(crate) fn write_f64_integral(out: &mut String, value: f64) -> bool {
    if value.is_nan() {
        out.push_str("NaN");
        false
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
        false
    } else if value == 0.0 {
        out.push_str(if value.is_sign_negative() { "-0" } else { "0" });
        true
    } else if value.abs() < 9_007_199_254_740_992.0 && (value as i64) as f64 == value {
        // (An `as` cast is one instruction; `fract` and `round` are library calls on the
        // baseline x86-64.)
        write_i64(out, value as i64);
        true
    } else if let Some(micros) = whole_micros(value) {
        write_micros(out, micros);
        false
    } else {
        let mut buffer = ryu::Buffer::new();
        let digits = buffer.format_finite(value);
        // One pass over the few bytes: where the point is, and whether there is an exponent.
        let mut point = None;
        let mut exponent = false;
        for (index, byte) in digits.bytes().enumerate() {
            match byte {
                b'.' => point = Some(index),
                b'e' | b'E' => exponent = true,
                _ => {}
            }
        }
        // Both write the shortest digits that read back, and of those the closest to the
        // value; they can differ only where two candidates are exactly as close (a tie), which
        // then goes through `Display`.
        let tie = point.is_some_and(|point| is_decimal_tie(value, digits.len() - point - 1));
        if exponent || tie {
            let start = out.len();
            // Writing into a String cannot fail.
            let _ = write!(out, "{value}");
            !out.as_bytes()[start..].contains(&b'.')
        } else if let Some(integral) = digits.strip_suffix(".0") {
            // ryu writes integral values as `X.0`, `Display` as `X`.
            out.push_str(integral);
            true
        } else {
            out.push_str(digits);
            point.is_none()
        }
    }
}

/// `m` when `value` is the double nearest to `m / 10^6` and below 2^32 in magnitude: then its
/// shortest decimal is `m / 10^6` written out (the doubles there are less than 5e-7 apart, so
/// no decimal with fewer digits, and no other with as many, reads back to `value`). Creation
/// and exemplar timestamps are kept in whole microseconds to take this path, and so do most
/// bucket bounds and sums.
#[inline]
pub(crate) fn whole_micros(value: f64) -> Option<i64> {
    if value.abs() >= 4_294_967_296.0 {
        return None;
    }
    let scaled = value * 1e6;
    let truncated = scaled as i64;
    let rest = scaled - truncated as f64;
    let micros = if rest >= 0.5 {
        truncated + 1
    } else if rest <= -0.5 {
        truncated - 1
    } else {
        truncated
    };
    // Division is correctly rounded: equality means `value` is the nearest double to it.
    (micros as f64 / 1e6 == value).then_some(micros)
}

/// `micros / 10^6` as a decimal without trailing zeros; `micros` is not a multiple of 10^6.
fn write_micros(out: &mut String, micros: i64) {
    if micros < 0 {
        out.push('-');
    }
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(micros.unsigned_abs());
    let (whole, fraction) = match digits.len().checked_sub(6) {
        Some(split) if split > 0 => digits.split_at(split),
        _ => ("0", digits),
    };
    out.push_str(whole);
    out.push('.');
    for _ in fraction.len()..6 {
        out.push('0');
    }
    out.push_str(fraction.trim_end_matches('0'));
}

/// Whether `value` lies exactly halfway between two decimals of `fraction_digits` fractional
/// digits: `value * 2 * 10^f` is an odd integer. With `value = m * 2^e`, `m` odd, that is
/// `m * 5^f * 2^(e + 1 + f)`, odd exactly when `e + 1 + f = 0`.
fn is_decimal_tie(value: f64, fraction_digits: usize) -> bool {
    let bits = value.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let mut mantissa = bits & 0x000f_ffff_ffff_ffff;
    let mut exponent = if biased == 0 {
        -1074
    } else {
        mantissa |= 1 << 52;
        biased - 1075
    };
    if mantissa == 0 {
        return false;
    }
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    exponent += i64::from(zeros);
    debug_assert!(mantissa % 2 == 1);
    exponent + 1 + fraction_digits as i64 == 0
}

#[inline]
pub(crate) fn write_u64(out: &mut String, value: u64) {
    out.push_str(itoa::Buffer::new().format(value));
}

#[inline]
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
                // Creation and exemplar timestamps: 16 or 17 significant digits.
                1.7e9 + (bits % 1_000_000_000) as f64 * 1e-9,
                // ... and in whole microseconds, as they are kept.
                (1_700_000_000_000_000 + bits % 1_000_000_000_000) as f64 / 1e6,
                -((bits % 10_000_000) as f64) / 1e6,
                (bits % 100_000) as f64 / 1e6,
                // Exact ties at 17 digits: quarters of integers near 2^50.
                (bits >> 14) as f64 + 0.25 * (bits % 4) as f64,
            ];
            for value in candidates.into_iter().filter(|value| value.is_finite()) {
                assert_eq!(f64_text(value), format!("{value}"), "{value:?}");
            }
        }
    }

    /// Every length of value takes its copy path and lands exactly.
    #[test]
    fn lines_of_values_of_every_length() {
        let digits = "12345678901234567890123456789012345678901";
        for length in 0..digits.len() {
            for more in ["", ".5", ".123456"] {
                let mut out = String::from("#");
                push_line(&mut out, "m", "_x", "a=\"b\"", &digits[..length], more);
                push_line(&mut out, "m", "", "", &digits[..length], more);
                let value = &digits[..length];
                assert_eq!(
                    out,
                    format!("#m_x{{a=\"b\"}} {value}{more}\nm {value}{more}\n")
                );
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
