//! Collectors from the `prometheus` crate's world, registered into the one registry at run
//! time, and the reader that describes their `MetricFamily` values to the encoders.

use std::collections::BTreeSet;

use prometheus::core::Collector;
use prometheus::proto;

use crate::encoding::text::escape_into;
use crate::encoding::{CounterSample, Encoder, HistogramSample, Labels, SummarySample, Value};
use crate::metrics::metric::MetricType;
use metrics_naming::exposed_names;

/// What was added to the registry at run time, and the sample names it may expose.
pub(crate) struct Foreign {
    pub(crate) source: Source,
    pub(crate) names: BTreeSet<String>,
}

/// Where the families of a [`Foreign`] entry come from.
pub(crate) enum Source {
    /// A collector written for the `prometheus` crate: read through its `MetricFamily` model.
    Collector(Box<dyn Collector>),
    /// This crate's own families made at run time (the tower layer's configured names): they
    /// describe themselves to the encoder, exemplars and creation times included.
    #[cfg(feature = "tower")]
    Families(Vec<&'static dyn crate::Collect>),
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

/// Describes one `prometheus` family to `encoder`, as the crate's own families describe
/// themselves. A `MetricFamily` carries no creation times or exemplars.
pub(crate) fn encode_family(family: &proto::MetricFamily, encoder: &mut dyn Encoder) {
    let metric_type = match family.get_field_type() {
        proto::MetricType::COUNTER => MetricType::Counter,
        proto::MetricType::GAUGE => MetricType::Gauge,
        proto::MetricType::HISTOGRAM => MetricType::Histogram,
        proto::MetricType::SUMMARY => MetricType::Summary,
        proto::MetricType::UNTYPED => MetricType::Untyped,
    };
    encoder.family(family.name(), family.help(), metric_type);
    let mut bounds = Vec::new();
    let mut cumulative = Vec::new();
    let mut quantiles = Vec::new();
    for metric in family.get_metric() {
        let rendered = rendered_labels(metric);
        let pairs = |f: &mut dyn FnMut(&str, &str)| {
            for pair in metric.get_label() {
                f(pair.name(), pair.value());
            }
        };
        let labels = Labels::new(&rendered, &pairs);
        match metric_type {
            MetricType::Counter => {
                let sample = CounterSample {
                    value: Value::Float(metric.get_counter().value()),
                    created: None,
                    exemplar: None,
                };
                encoder.counter(&labels, &sample);
            }
            MetricType::Histogram => {
                let histogram = metric.get_histogram();
                bounds.clear();
                cumulative.clear();
                for bucket in histogram.get_bucket() {
                    if bucket.upper_bound().is_infinite() {
                        continue;
                    }
                    bounds.push(bucket.upper_bound());
                    cumulative.push(bucket.cumulative_count());
                }
                cumulative.push(histogram.get_sample_count());
                let sample = HistogramSample {
                    bounds: &bounds,
                    cumulative: &cumulative,
                    sum: histogram.get_sample_sum(),
                    created: None,
                    exemplars: &[],
                    native: None,
                };
                encoder.histogram(&labels, &sample);
            }
            MetricType::Summary => {
                let summary = metric.get_summary();
                quantiles.clear();
                quantiles.extend(
                    summary
                        .get_quantile()
                        .iter()
                        .map(|quantile| (quantile.quantile(), quantile.value())),
                );
                let sample = SummarySample {
                    quantiles: &quantiles,
                    sum: summary.sample_sum(),
                    count: summary.sample_count(),
                    created: None,
                };
                encoder.summary(&labels, &sample);
            }
            MetricType::Untyped => encoder.gauge(&labels, Value::Float(metric.untyped.value())),
            _ => encoder.gauge(&labels, Value::Float(metric.get_gauge().value())),
        }
    }
}
