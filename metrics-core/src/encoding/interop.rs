//! Collectors from the `prometheus` crate's world, registered into the one registry at run
//! time, and the writers that put their `MetricFamily` values in the text formats.

use std::collections::BTreeSet;

use prometheus::core::Collector;
use prometheus::proto;

use crate::encoding::openmetrics;
use crate::encoding::text::{escape_into, write_f64, write_sample_prefix, write_u64};
use metrics_naming::exposed_names;

use crate::metrics::metric::MetricType;

/// A registered third-party collector and the sample names it may expose.
pub(crate) struct Foreign {
    pub(crate) collector: Box<dyn Collector>,
    pub(crate) names: BTreeSet<String>,
}

/// How the metric type of a `prometheus` family maps onto ours, for the name-clash check;
/// summaries and untyped families own their name and `_sum`/`_count`.
pub(crate) fn proto_exposed_names(name: &str, metric_type: proto::MetricType) -> Vec<String> {
    match metric_type {
        proto::MetricType::COUNTER => exposed_names(name, MetricType::Counter),
        proto::MetricType::HISTOGRAM => exposed_names(name, MetricType::Histogram),
        proto::MetricType::SUMMARY => vec![
            name.to_owned(),
            format!("{name}_count"),
            format!("{name}_sum"),
            format!("{name}_created"),
        ],
        _ => vec![name.to_owned()],
    }
}

/// The metric type whose descriptor a `prometheus` `Desc` most likely belongs to: the crate's
/// descriptors carry no type, so the name decides (`_total` counters); the check then covers
/// the names both a counter and a gauge would own.
pub(crate) fn desc_exposed_names(name: &str) -> Vec<String> {
    let mut names = exposed_names(name, MetricType::Gauge);
    if name.ends_with("_total") {
        names.extend(exposed_names(name, MetricType::Counter));
    } else {
        names.extend(exposed_names(name, MetricType::Histogram));
    }
    names.sort();
    names.dedup();
    names
}

fn rendered_labels(metric: &proto::Metric) -> String {
    let mut out = String::new();
    for (i, pair) in metric.get_label().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(pair.name());
        out.push_str("=\"");
        escape_into(&mut out, pair.value(), true);
        out.push('"');
    }
    out
}

/// One `prometheus` family in the text format 0.0.4 (or, with `openmetrics`, in OpenMetrics,
/// without `_created`: a `MetricFamily` does not carry it).
pub(crate) fn write_family(family: &proto::MetricFamily, openmetrics: bool, out: &mut String) {
    let name = family.name();
    let (ours, type_name) = match family.get_field_type() {
        proto::MetricType::COUNTER => (Some(MetricType::Counter), "counter"),
        proto::MetricType::GAUGE => (Some(MetricType::Gauge), "gauge"),
        proto::MetricType::HISTOGRAM => (Some(MetricType::Histogram), "histogram"),
        proto::MetricType::SUMMARY => (None, "summary"),
        proto::MetricType::UNTYPED => (None, if openmetrics { "unknown" } else { "untyped" }),
    };
    if openmetrics {
        match ours {
            Some(metric_type) => {
                openmetrics::write_header(out, name, family.help(), metric_type);
            }
            None => {
                out.push_str("# HELP ");
                out.push_str(name);
                out.push(' ');
                escape_into(out, family.help(), true);
                out.push_str("\n# TYPE ");
                out.push_str(name);
                out.push(' ');
                out.push_str(type_name);
                out.push('\n');
            }
        }
    } else {
        out.push_str("# HELP ");
        out.push_str(name);
        out.push(' ');
        escape_into(out, family.help(), false);
        out.push_str("\n# TYPE ");
        out.push_str(name);
        out.push(' ');
        out.push_str(type_name);
        out.push('\n');
    }
    for metric in family.get_metric() {
        let labels = rendered_labels(metric);
        match family.get_field_type() {
            proto::MetricType::COUNTER => {
                let (sample, suffix) = if openmetrics {
                    openmetrics::counter_sample_name(name)
                } else {
                    (name, "")
                };
                write_value(out, sample, suffix, &labels, metric.get_counter().value());
            }
            proto::MetricType::GAUGE => {
                write_value(out, name, "", &labels, metric.get_gauge().value());
            }
            proto::MetricType::UNTYPED => {
                write_value(out, name, "", &labels, metric.untyped.value());
            }
            proto::MetricType::HISTOGRAM => {
                let histogram = metric.get_histogram();
                let mut inf_written = false;
                for bucket in histogram.get_bucket() {
                    inf_written |= bucket.upper_bound().is_infinite();
                    write_bucket(
                        out,
                        name,
                        &labels,
                        bucket.upper_bound(),
                        bucket.cumulative_count(),
                        openmetrics,
                    );
                }
                if !inf_written {
                    write_bucket(
                        out,
                        name,
                        &labels,
                        f64::INFINITY,
                        histogram.get_sample_count(),
                        openmetrics,
                    );
                }
                write_sample_prefix(out, name, "_sum", &labels);
                write_f64(out, histogram.get_sample_sum());
                out.push('\n');
                write_sample_prefix(out, name, "_count", &labels);
                write_u64(out, histogram.get_sample_count());
                out.push('\n');
            }
            proto::MetricType::SUMMARY => {
                let summary = metric.get_summary();
                for quantile in summary.get_quantile() {
                    out.push_str(name);
                    out.push('{');
                    if !labels.is_empty() {
                        out.push_str(&labels);
                        out.push(',');
                    }
                    out.push_str("quantile=\"");
                    if openmetrics {
                        openmetrics::write_float(out, quantile.quantile());
                    } else {
                        write_f64(out, quantile.quantile());
                    }
                    out.push_str("\"} ");
                    write_f64(out, quantile.value());
                    out.push('\n');
                }
                write_sample_prefix(out, name, "_sum", &labels);
                write_f64(out, summary.sample_sum());
                out.push('\n');
                write_sample_prefix(out, name, "_count", &labels);
                write_u64(out, summary.sample_count());
                out.push('\n');
            }
        }
    }
}

fn write_value(out: &mut String, name: &str, suffix: &str, labels: &str, value: f64) {
    write_sample_prefix(out, name, suffix, labels);
    write_f64(out, value);
    out.push('\n');
}

fn write_bucket(
    out: &mut String,
    name: &str,
    labels: &str,
    le: f64,
    count: u64,
    openmetrics: bool,
) {
    if openmetrics {
        openmetrics::write_bucket(out, name, labels, le, count);
    } else {
        crate::encoding::text::write_bucket(out, name, labels, le, count);
    }
}
