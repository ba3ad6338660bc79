//! The OpenMetrics text format, version 1.0.0.
//!
//! Differences from the Prometheus text format that this encoder handles: a counter family is
//! named without `_total` (its samples keep it), counters, histograms and summaries may have
//! a `_created` sample (only when asked for: see [`OpenMetricsEncoder::created_lines`]), a family whose name ends in a base unit gets a `# UNIT` line, an info
//! family is named without `_info`, help text also escapes `"`, integral bucket bounds and
//! quantiles are written as floats (`le="5.0"`), counters and buckets carry their exemplars
//! (`... # {trace_id="..."} 0.42 1700000000.123`), and the exposition ends with `# EOF`.

use super::text::{
    escape_into, push_line, whole_micros, write_bucket_prefix, write_count, write_f64,
    write_f64_integral, write_sample_prefix, write_sum, write_summary, write_u64, write_value,
};
use super::{CounterSample, Encoder, HistogramSample, Labels, SummarySample, Value, with_exemplar};
use crate::MetricType;
use crate::metrics::exemplar::Exemplar;
use metrics_naming::{family_name, unit_of};

/// The `Content-Type` of the OpenMetrics exposition.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Writes OpenMetrics 1.0.0 text into a `String`.
pub struct OpenMetricsEncoder<'a> {
    out: &'a mut String,
    /// The current family's sample name (for counters, the family name).
    name: String,
    /// A counter family's `_total` sample name, written whole so that a sample line copies
    /// one name, as the text format's does.
    total_name: String,
    /// The whole seconds of the last creation time written, and their text: series made
    /// within the same second (most of a family's, usually) share it, so a `_created` line
    /// formats only its six fraction digits.
    created_seconds: (i64, String),
    /// Whether series get a `_created` line.
    created_lines: bool,
}

impl<'a> OpenMetricsEncoder<'a> {
    /// An encoder appending to `out`.
    pub fn new(out: &'a mut String) -> Self {
        OpenMetricsEncoder {
            out,
            name: String::new(),
            total_name: String::new(),
            created_seconds: (-1, String::new()),
            created_lines: false,
        }
    }

    /// Writes a `_created` line after each counter, histogram and summary series (off by
    /// default). OpenMetrics allows them, but Prometheus before 3.0 asks for OpenMetrics first
    /// and stores each `_created` line as a series of its own, doubling those families' series;
    /// the Go client leaves them out by default for the same reason. The creation time always
    /// goes out in protobuf (`created_timestamp`), which Prometheus reads without a new series.
    pub fn created_lines(mut self, on: bool) -> Self {
        self.created_lines = on;
        self
    }

    /// A counter's sample line other than the common one: a float or signed value, or an
    /// exemplar after it.
    #[inline(never)]
    fn counter_line(&mut self, labels: &str, sample: &CounterSample<'_>) {
        write_sample_prefix(self.out, &self.total_name, "", labels);
        write_value(self.out, sample.value);
        with_exemplar(sample.exemplar, |exemplar| {
            write_exemplar(self.out, exemplar);
        });
        self.out.push('\n');
    }

    /// The `_created` line of a series, if asked for: checked inline, written out of line.
    #[inline]
    fn write_created(&mut self, labels: &str, created: Option<f64>) {
        if self.created_lines
            && let Some(created) = created
        {
            self.write_created_line(labels, created);
        }
    }

    fn write_created_line(&mut self, labels: &str, created: f64) {
        // Creation times are kept in whole microseconds: what `write_float` writes for them,
        // `seconds.fraction` without trailing zeros, with the seconds' text reused.
        match whole_micros(created) {
            Some(micros) if micros > 0 && micros % 1_000_000 != 0 => {
                let seconds = micros / 1_000_000;
                let (cached, text) = &mut self.created_seconds;
                if *cached != seconds {
                    *cached = seconds;
                    text.clear();
                    text.push_str(itoa::Buffer::new().format(seconds));
                }
                let mut fraction = [0; 8];
                let fraction = micros_fraction(&mut fraction, (micros % 1_000_000) as u32);
                push_line(self.out, &self.name, "_created", labels, text, fraction);
            }
            _ => {
                write_sample_prefix(self.out, &self.name, "_created", labels);
                write_float(self.out, created);
                self.out.push('\n');
            }
        }
    }
}

impl Encoder for OpenMetricsEncoder<'_> {
    fn family(&mut self, name: &str, help: &str, metric_type: MetricType) {
        let out = &mut *self.out;
        let family = family_name(name, metric_type);
        out.push_str("# HELP ");
        out.push_str(family);
        out.push(' ');
        escape_into(out, help, true);
        out.push_str("\n# TYPE ");
        out.push_str(family);
        out.push(' ');
        out.push_str(metric_type.openmetrics_str());
        out.push('\n');
        if metric_type != MetricType::Untyped
            && let Some(unit) = unit_of(family)
        {
            out.push_str("# UNIT ");
            out.push_str(family);
            out.push(' ');
            out.push_str(unit);
            out.push('\n');
        }
        self.name.clear();
        self.name.push_str(match metric_type {
            MetricType::Counter => counter_sample_name(name).0,
            _ => name,
        });
        if metric_type == MetricType::Counter {
            self.total_name.clear();
            self.total_name.push_str(&self.name);
            self.total_name.push_str("_total");
        }
    }

    fn counter(&mut self, labels: &Labels<'_>, sample: &CounterSample<'_>) {
        let labels = labels.rendered();
        match sample.value {
            // The common line: an integer counter without an exemplar.
            Value::Unsigned(value) if sample.exemplar.is_none() => {
                let mut digits = itoa::Buffer::new();
                push_line(
                    self.out,
                    &self.total_name,
                    "",
                    labels,
                    digits.format(value),
                    "",
                );
            }
            _ => self.counter_line(labels, sample),
        }
        self.write_created(labels, sample.created);
    }

    fn gauge(&mut self, labels: &Labels<'_>, value: Value) {
        write_sample_prefix(self.out, &self.name, "", labels.rendered());
        write_value(self.out, value);
        self.out.push('\n');
    }

    fn histogram(&mut self, labels: &Labels<'_>, sample: &HistogramSample<'_>) {
        let labels = labels.rendered();
        let (out, name) = (&mut *self.out, &self.name);
        let bounds = sample.bounds.iter().copied().chain([f64::INFINITY]);
        for (index, (bound, count)) in bounds.zip(sample.cumulative).enumerate() {
            write_bucket_prefix(out, name, labels);
            write_float(out, bound);
            out.push_str("\"} ");
            write_u64(out, *count);
            with_exemplar(sample.exemplar(index), |exemplar| {
                write_exemplar(out, exemplar);
            });
            out.push('\n');
        }
        write_count(out, name, labels, sample.count());
        write_sum(out, name, labels, sample.sum);
        self.write_created(labels, sample.created);
    }

    fn summary(&mut self, labels: &Labels<'_>, sample: &SummarySample<'_>) {
        let labels = labels.rendered();
        write_summary(self.out, &self.name, labels, sample, write_float);
        self.write_created(labels, sample.created);
    }

    fn finish(&mut self) {
        self.out.push_str("# EOF\n");
    }
}

/// ` # {labels} value timestamp` after a sample's value.
fn write_exemplar(out: &mut String, exemplar: Option<&Exemplar>) {
    let Some(exemplar) = exemplar else {
        return;
    };
    out.push_str(" # {");
    for (index, (name, value)) in exemplar.labels().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(name);
        out.push_str("=\"");
        escape_into(out, value, true);
        out.push('"');
    }
    out.push_str("} ");
    write_f64(out, exemplar.value());
    out.push(' ');
    write_float(out, exemplar.timestamp());
}

/// `.` and the six digits of `micros` (1 to 999,999) without trailing zeros, in `buffer`.
fn micros_fraction(buffer: &mut [u8; 8], mut micros: u32) -> &str {
    buffer[0] = b'.';
    let mut end = 7;
    let mut significant = false;
    for at in (1..7).rev() {
        let digit = (micros % 10) as u8;
        micros /= 10;
        buffer[at] = b'0' + digit;
        if !significant && digit == 0 {
            end = at;
        } else {
            significant = true;
        }
    }
    // SAFETY: only ASCII was written.
    unsafe { std::str::from_utf8_unchecked(&buffer[..end]) }
}

/// A float as OpenMetrics writes it: integral values keep a `.0`, so `le="5.0"`.
pub(crate) fn write_float(out: &mut String, value: f64) {
    if write_f64_integral(out, value) {
        out.push_str(".0");
    }
}

/// The counter sample name: the family name plus `_total`.
pub(crate) fn counter_sample_name(name: &str) -> (&str, &'static str) {
    match name.strip_suffix("_total") {
        Some(family) if !family.is_empty() => (family, "_total"),
        _ => (name, "_total"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(value: f64) -> String {
        let mut out = String::new();
        write_float(&mut out, value);
        out
    }

    #[test]
    fn floats_keep_a_decimal_point() {
        assert_eq!(float(5.0), "5.0");
        assert_eq!(float(0.25), "0.25");
        assert_eq!(float(-3.0), "-3.0");
        assert_eq!(float(1e21), "1000000000000000000000.0");
        assert_eq!(float(f64::INFINITY), "+Inf");
        assert_eq!(float(f64::NAN), "NaN");
    }

    /// Creation times written with the seconds' text reused are what `write_float` writes.
    #[test]
    fn created_lines_match_floats() {
        let mut out = String::new();
        let mut encoder = OpenMetricsEncoder::new(&mut out).created_lines(true);
        encoder.family("c_total", "h", MetricType::Counter);
        let mut expected = String::new();
        let times = [
            1_700_000_000.5,
            1_700_000_000.000_001,
            1_700_000_000.123_456,
            1_700_000_001.1,
            1_700_000_001.0,
            0.25,
            -2.5,
            1e10 + 0.5,
            f64::NAN,
        ];
        for created in times {
            encoder.write_created("a=\"b\"", Some(created));
            expected.push_str("c_created{a=\"b\"} ");
            write_float(&mut expected, created);
            expected.push('\n');
        }
        drop(encoder);
        assert_eq!(out.split_once("\n# TYPE c counter\n").unwrap().1, expected);
        assert!(expected.contains("c_created{a=\"b\"} 1700000000.000001\n"));
        assert!(expected.contains("c_created{a=\"b\"} 1700000001.0\n"));
    }

    #[test]
    fn header_escapes_quotes_and_names_the_unit() {
        let mut out = String::new();
        OpenMetricsEncoder::new(&mut out).family(
            "job_seconds_total",
            "Time \"spent\"\\ in jobs.",
            MetricType::Counter,
        );
        assert_eq!(
            out,
            "# HELP job_seconds Time \\\"spent\\\"\\\\ in jobs.\n\
             # TYPE job_seconds counter\n\
             # UNIT job_seconds seconds\n"
        );
    }
}
