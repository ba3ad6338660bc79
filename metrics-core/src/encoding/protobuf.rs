//! The protobuf exposition: `io.prometheus.client.MetricFamily` messages of this crate's
//! [`proto`] model, each preceded by its length as a varint
//! (`encoding=delimited`), which is what Prometheus asks for first when native histograms are
//! enabled.
//!
//! Unlike the text formats, protobuf carries creation timestamps for counters, histograms and
//! summaries, and the native buckets of native histograms. A family without series is left
//! out, as the Go client does.

use prost::Message;

use super::proto;
use super::{
    CounterSample, Encoder, HistogramSample, Labels, NativeBuckets, NativeSample, SummarySample,
    Value, with_exemplar,
};
use crate::MetricType;
use crate::metrics::exemplar::Exemplar;

/// The `Content-Type` of the protobuf exposition: length-delimited `MetricFamily` messages.
pub const PROTOBUF_CONTENT_TYPE: &str = "application/vnd.google.protobuf; \
     proto=io.prometheus.client.MetricFamily; encoding=delimited";

/// Writes the exposition as length-delimited [`proto::MetricFamily`] messages.
///
/// Each series is built as one reused [`proto::Metric`] (its label strings keep their
/// capacity) and encoded at once into its family's body, so a scrape allocates per family,
/// not per series.
#[derive(Default)]
pub struct ProtobufEncoder {
    /// Finished families, each preceded by its length.
    out: Vec<u8>,
    /// The current family's fields: name, help, type, then its metrics.
    body: Vec<u8>,
    /// How many metrics the current family has; a family without any is left out.
    metrics: usize,
    metric_type: Option<MetricType>,
    /// The series being encoded, reused.
    metric: proto::Metric,
}

/// `MetricFamily.metric` (field 4, length-delimited) as its key byte.
const METRIC_KEY: u8 = 4 << 3 | 2;

impl ProtobufEncoder {
    /// An encoder with no family yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// An encoder whose output starts with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        ProtobufEncoder {
            out: Vec::with_capacity(bytes),
            ..Self::default()
        }
    }

    /// The families encoded so far (call [`Encoder::finish`] first), in order, decoded into
    /// the model.
    pub fn into_families(self) -> Vec<proto::MetricFamily> {
        let mut input = &self.out[..];
        let mut families = Vec::new();
        while !input.is_empty() {
            match proto::MetricFamily::decode_length_delimited(&mut input) {
                Ok(family) => families.push(family),
                Err(error) => {
                    debug_assert!(false, "our own encoding decodes: {error}");
                    break;
                }
            }
        }
        families
    }

    /// The families encoded so far, each as a length-delimited message: the body of a
    /// protobuf scrape.
    pub fn into_delimited(self) -> Vec<u8> {
        self.out
    }

    fn end_family(&mut self) {
        if self.metrics > 0 {
            prost::encoding::encode_varint(self.body.len() as u64, &mut self.out);
            self.out.extend_from_slice(&self.body);
        }
        self.body.clear();
        self.metrics = 0;
        self.metric_type = None;
    }

    fn push(&mut self, labels: &Labels<'_>, fill: impl FnOnce(&mut proto::Metric)) {
        if self.metric_type.is_none() {
            debug_assert!(false, "a sample before its family");
            return;
        }
        let metric = &mut self.metric;
        let mut count = 0;
        labels.for_each(|name, value| {
            if count == metric.label.len() {
                metric.label.push(proto::LabelPair::default());
            }
            let pair = &mut metric.label[count];
            set_text(&mut pair.name, name);
            set_text(&mut pair.value, value);
            count += 1;
        });
        metric.label.truncate(count);
        metric.gauge = None;
        metric.counter = None;
        metric.summary = None;
        metric.untyped = None;
        metric.histogram = None;
        fill(metric);
        self.body.push(METRIC_KEY);
        // Writing into a Vec cannot run out of space.
        let _ = metric.encode_length_delimited(&mut self.body);
        self.metrics += 1;
    }
}

/// Sets an optional string field to `text`, reusing its allocation.
fn set_text(field: &mut Option<String>, text: &str) {
    let field = field.get_or_insert_with(String::new);
    field.clear();
    field.push_str(text);
}

impl Encoder for ProtobufEncoder {
    fn family(&mut self, name: &str, help: &str, metric_type: MetricType) {
        self.end_family();
        let field_type = match metric_type {
            MetricType::Counter => proto::MetricType::Counter,
            MetricType::Gauge | MetricType::Info | MetricType::StateSet => proto::MetricType::Gauge,
            MetricType::Histogram => proto::MetricType::Histogram,
            MetricType::Summary => proto::MetricType::Summary,
            MetricType::Untyped => proto::MetricType::Untyped,
        };
        let header = proto::MetricFamily {
            name: Some(name.to_owned()),
            help: Some(help.to_owned()),
            r#type: Some(field_type as i32),
            ..Default::default()
        };
        // Writing into a Vec cannot run out of space.
        let _ = header.encode(&mut self.body);
        self.metric_type = Some(metric_type);
    }

    fn counter(&mut self, labels: &Labels<'_>, sample: &CounterSample<'_>) {
        let counter = proto::Counter {
            value: Some(sample.value.as_f64()),
            exemplar: with_exemplar(sample.exemplar, |exemplar| exemplar.map(to_exemplar)),
            created_timestamp: sample.created.map(timestamp),
        };
        self.push(labels, |metric| metric.counter = Some(counter));
    }

    fn gauge(&mut self, labels: &Labels<'_>, value: Value) {
        let value = Some(value.as_f64());
        if self.metric_type == Some(MetricType::Untyped) {
            self.push(labels, |metric| {
                metric.untyped = Some(proto::Untyped { value })
            });
        } else {
            self.push(labels, |metric| metric.gauge = Some(proto::Gauge { value }));
        }
    }

    fn histogram(&mut self, labels: &Labels<'_>, sample: &HistogramSample<'_>) {
        // The `+Inf` bucket is left implicit: it is the sample count.
        let bucket = sample
            .bounds
            .iter()
            .zip(sample.cumulative)
            .enumerate()
            .map(|(index, (bound, count))| proto::Bucket {
                cumulative_count: Some(*count),
                upper_bound: Some(*bound),
                exemplar: with_exemplar(sample.exemplar(index), |e| e.map(to_exemplar)),
                ..Default::default()
            })
            .collect();
        let mut histogram = proto::Histogram {
            sample_count: Some(sample.count()),
            sample_sum: Some(sample.sum),
            bucket,
            created_timestamp: sample.created.map(timestamp),
            ..Default::default()
        };
        if let Some(native) = sample.native {
            add_native(&mut histogram, native);
            // A native histogram's exemplars go in their own field too, the `+Inf` bucket's
            // included (a native histogram without classic buckets has only that one).
            histogram.exemplars = (0..sample.cumulative.len())
                .filter_map(|index| with_exemplar(sample.exemplar(index), |e| e.map(to_exemplar)))
                .collect();
        }
        self.push(labels, |metric| metric.histogram = Some(histogram));
    }

    fn summary(&mut self, labels: &Labels<'_>, sample: &SummarySample<'_>) {
        let summary = proto::Summary {
            sample_count: Some(sample.count),
            sample_sum: Some(sample.sum),
            quantile: sample
                .quantiles
                .iter()
                .map(|(quantile, value)| proto::Quantile {
                    quantile: Some(*quantile),
                    value: Some(*value),
                })
                .collect(),
            created_timestamp: sample.created.map(timestamp),
        };
        self.push(labels, |metric| metric.summary = Some(summary));
    }

    fn finish(&mut self) {
        self.end_family();
    }
}

/// The native part of a histogram: schema, zero bucket, and each sign's buckets as spans of
/// consecutive indices and the differences between consecutive counts.
fn add_native(histogram: &mut proto::Histogram, native: &NativeSample) {
    // The native buckets are read before the count (and an observation counts in the classic
    // part first), so the count is never below their total, as Prometheus requires.
    let count = native.count().max(histogram.sample_count());
    histogram.sample_count = Some(count);
    histogram.schema = Some(i32::from(native.schema));
    histogram.zero_threshold = Some(native.zero_threshold);
    histogram.zero_count = Some(native.zero_count);
    let (spans, deltas) = spans_and_deltas(&native.positive);
    histogram.positive_span = spans;
    histogram.positive_delta = deltas;
    let (spans, deltas) = spans_and_deltas(&native.negative);
    histogram.negative_span = spans;
    histogram.negative_delta = deltas;
    if histogram.positive_span.is_empty() && histogram.negative_span.is_empty() {
        // A native histogram without buckets is told apart from a classic one by a no-op span.
        histogram.positive_span.push(proto::BucketSpan {
            offset: Some(0),
            length: Some(0),
        });
    }
}

/// Spans over the populated buckets (a gap of up to two empty buckets is kept inside a span,
/// which costs less than a new span) and the count deltas of the buckets they cover.
fn spans_and_deltas(buckets: &NativeBuckets) -> (Vec<proto::BucketSpan>, Vec<i64>) {
    let mut spans: Vec<proto::BucketSpan> = Vec::new();
    let mut deltas = Vec::new();
    let mut previous_count = 0i64;
    // The index just past the last bucket written.
    let mut next_index: Option<i32> = None;
    for (index, count) in (buckets.offset..).zip(&buckets.counts) {
        if *count == 0 {
            continue;
        }
        let gap = next_index.map(|next| index - next);
        match (gap, spans.last_mut()) {
            (Some(gap), Some(span)) if gap <= 2 => {
                // Continue the span, with zeros for the gap.
                for _ in 0..gap {
                    deltas.push(-previous_count);
                    previous_count = 0;
                }
                span.length = Some(span.length() + gap as u32 + 1);
            }
            _ => spans.push(proto::BucketSpan {
                offset: Some(gap.unwrap_or(index)),
                length: Some(1),
            }),
        }
        let count = *count as i64;
        deltas.push(count - previous_count);
        previous_count = count;
        next_index = Some(index + 1);
    }
    (spans, deltas)
}

fn to_exemplar(exemplar: &Exemplar) -> proto::Exemplar {
    proto::Exemplar {
        label: exemplar
            .labels()
            .map(|(name, value)| proto::LabelPair {
                name: Some(name.to_owned()),
                value: Some(value.to_owned()),
            })
            .collect(),
        value: Some(exemplar.value()),
        timestamp: Some(timestamp(exemplar.timestamp())),
    }
}

/// One series of ours as a `prometheus` crate `Metric` with `labels` (for the facade's
/// histograms, which join the registry as a `prometheus` collector).
#[cfg(feature = "metrics-facade")]
pub(crate) fn metric_to_prometheus<M: crate::Metric>(
    metric: &M,
    labels: &[(String, String)],
) -> prometheus::proto::Metric {
    use prost::Message as _;
    use protobuf::Message as _;
    let mut encoder = ProtobufEncoder::new();
    encoder.family("series", "", M::TYPE);
    let pairs = |f: &mut dyn FnMut(&str, &str)| {
        for (name, value) in labels {
            f(name, value);
        }
    };
    metric.__encode(&crate::encoding::Labels::new("", &pairs), &mut encoder);
    encoder.finish();
    encoder
        .into_families()
        .first()
        .and_then(|ours| {
            prometheus::proto::MetricFamily::parse_from_bytes(&ours.encode_to_vec()).ok()
        })
        .and_then(|mut family| family.take_metric().into_iter().next())
        .unwrap_or_default()
}

/// Seconds since the Unix epoch as a protobuf `Timestamp`.
pub(crate) fn timestamp(seconds: f64) -> prost_types::Timestamp {
    let whole = seconds.floor();
    prost_types::Timestamp {
        seconds: whole as i64,
        nanos: (((seconds - whole) * 1e9) as i32).clamp(0, 999_999_999),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_populated_buckets_and_short_gaps() {
        let buckets = NativeBuckets {
            offset: -3,
            counts: vec![0, 2, 3, 0, 0, 1, 0, 0, 0, 4, 0],
        };
        let (spans, deltas) = spans_and_deltas(&buckets);
        let spans: Vec<(i32, u32)> = spans.iter().map(|s| (s.offset(), s.length())).collect();
        // Buckets -2..=2 (a gap of two kept), then bucket 6 after a gap of three.
        assert_eq!(spans, [(-2, 5), (3, 1)]);
        assert_eq!(deltas, [2, 1, -3, 0, 1, 3]);
        assert_eq!(
            spans_and_deltas(&NativeBuckets::default()),
            (vec![], vec![])
        );
    }

    #[test]
    fn timestamps_split_seconds_and_nanos() {
        let stamp = timestamp(1_700_000_000.25);
        assert_eq!((stamp.seconds, stamp.nanos), (1_700_000_000, 250_000_000));
        let stamp = timestamp(-1.5);
        assert_eq!((stamp.seconds, stamp.nanos), (-2, 500_000_000));
    }
}
