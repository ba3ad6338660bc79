//! The OpenMetrics text format, version 1.0.0.
//!
//! Differences from the Prometheus text format that this writer handles: a counter family is
//! named without `_total` (its samples keep it), counters and histograms have a `_created`
//! sample, a family whose name ends in a base unit gets a `# UNIT` line, an info family is
//! named without `_info`, help text also escapes `"`, integral bucket bounds are written as
//! floats (`le="5.0"`), and the exposition ends with `# EOF`.

use metrics_naming::{family_name, unit_of};

use crate::MetricType;
use crate::encoding::text::{escape_into, write_f64};

/// The `Content-Type` of the OpenMetrics exposition.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `# HELP`, `# TYPE` and, where the name carries a unit, `# UNIT` lines of a family.
pub(crate) fn write_header(out: &mut String, name: &str, help: &str, metric_type: MetricType) {
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
    if let Some(unit) = unit_of(family) {
        out.push_str("# UNIT ");
        out.push_str(family);
        out.push(' ');
        out.push_str(unit);
        out.push('\n');
    }
}

/// The counter sample name: the family name plus `_total`.
pub(crate) fn counter_sample_name(name: &str) -> (&str, &'static str) {
    (family_name(name, MetricType::Counter), "_total")
}

/// A float as OpenMetrics writes it: integral values keep a `.0`, so `le="5.0"`.
pub(crate) fn write_float(out: &mut String, value: f64) {
    let start = out.len();
    write_f64(out, value);
    // `Display` for `f64` never uses an exponent, so a finite value without `.` is integral.
    if value.is_finite() && !out[start..].contains('.') {
        out.push_str(".0");
    }
}

/// `<family>_created{labels} <timestamp>`.
pub(crate) fn write_created(out: &mut String, family: &str, labels: &str, created: f64) {
    out.push_str(family);
    out.push_str("_created");
    if !labels.is_empty() {
        out.push('{');
        out.push_str(labels);
        out.push('}');
    }
    out.push(' ');
    write_float(out, created);
    out.push('\n');
}

/// A histogram bucket line with the bound written as OpenMetrics wants it.
pub(crate) fn write_bucket(out: &mut String, name: &str, labels: &str, le: f64, count: u64) {
    out.push_str(name);
    out.push_str("_bucket{");
    if !labels.is_empty() {
        out.push_str(labels);
        out.push(',');
    }
    out.push_str("le=\"");
    write_float(out, le);
    out.push_str("\"} ");
    crate::encoding::text::write_u64(out, count);
    out.push('\n');
}

/// The last line of every OpenMetrics exposition.
pub(crate) const EOF: &str = "# EOF\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn float(value: f64) -> String {
        let mut out = String::from("x ");
        write_float(&mut out, value);
        out.split_off(2)
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

    #[test]
    fn header_escapes_quotes_and_names_the_unit() {
        let mut out = String::new();
        write_header(
            &mut out,
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
