//! Native histograms: exponential buckets at a schema, a zero bucket, a bucket limit that
//! lowers the resolution, classic buckets alongside; exposed in protobuf, classic in text.

use std::sync::Barrier;

use metrics_core::encoding::proto;
use metrics_core::{
    Family, Format, LabelValue, NativeHistogram, NativeHistogramVec, metric, registry,
};
use prost::Message;

#[derive(Clone, Copy, LabelValue)]
enum Codec {
    Opus,
}

/// Call durations, natively.
#[metric(schema = 2, buckets = [1.0, 10.0])]
static NH_CALL_SECONDS: NativeHistogram;

/// Small limit: the resolution drops as observations spread.
#[metric(schema = 8, max_buckets = 20, zero_threshold = 0.001)]
static NH_SPREAD_SECONDS: NativeHistogram;

/// Labelled native histogram.
#[metric(labels = ["route"])]
static NH_ROUTE_SECONDS: NativeHistogramVec;

/// Typed native histogram.
#[metric(labels = ["codec"], schema = 0)]
static NH_CODEC_SECONDS: Family<Codec, NativeHistogram>;

/// Never observed.
#[metric]
static NH_EMPTY_SECONDS: NativeHistogram;

/// Observed from several threads while its layout grows.
#[metric(schema = 5, max_buckets = 64)]
static NH_CONCURRENT_SECONDS: NativeHistogram;

/// The bucket of `value` at `schema` by the definition: `ceil(log2(value) * 2^schema)`.
fn expected_index(value: f64, schema: i8) -> i32 {
    (value.log2() * 2f64.powi(i32::from(schema))).ceil() as i32
}

fn decode(name: &str) -> proto::MetricFamily {
    let bytes = registry().encode(Format::Protobuf, Some(&[name]));
    let mut input = &bytes[..];
    let family = proto::MetricFamily::decode_length_delimited(&mut input).unwrap();
    assert!(input.is_empty());
    family
}

#[test]
fn buckets_spans_and_classic_buckets() {
    for value in [0.8, 0.9, 3.0, 3.0, 1000.0, -2.0, 0.0] {
        NH_CALL_SECONDS.observe(value);
    }
    assert_eq!(NH_CALL_SECONDS.schema(), 2);
    // 0.8 in (2^(-2/4), 2^(-1/4)] = bucket -1; 0.9 in (2^(-1/4), 1] = 0; 3 in
    // (2^(6/4), 2^(7/4)] = 7; 1000 in 40.
    assert_eq!(
        NH_CALL_SECONDS.native_buckets(),
        [(-1, 1), (0, 1), (7, 2), (40, 1)]
    );
    assert_eq!(NH_CALL_SECONDS.negative_buckets(), [(4, 1)]);
    assert_eq!(NH_CALL_SECONDS.zero_count(), 1);

    let family = decode("nh_call_seconds");
    assert_eq!(family.r#type(), proto::MetricType::Histogram);
    let histogram = family.metric[0].histogram.clone().unwrap();
    assert_eq!(histogram.sample_count(), 7);
    assert_eq!(histogram.sample_sum(), 0.8 + 0.9 + 3.0 + 3.0 + 1000.0 - 2.0);
    assert_eq!(histogram.schema(), 2);
    assert_eq!(histogram.zero_count(), 1);
    assert_eq!(histogram.zero_threshold(), 2.938_735_877_055_719e-39);
    let spans = |spans: &[proto::BucketSpan]| -> Vec<(i32, u32)> {
        spans
            .iter()
            .map(|span| (span.offset(), span.length()))
            .collect()
    };
    // Buckets -1 and 0, then 7 (gap 6), then 40 (gap 32).
    assert_eq!(spans(&histogram.positive_span), [(-1, 2), (6, 1), (32, 1)]);
    assert_eq!(histogram.positive_delta, [1, 0, 1, -1]);
    assert_eq!(spans(&histogram.negative_span), [(4, 1)]);
    assert_eq!(histogram.negative_delta, [1]);
    // The classic buckets ride along: -2, 0, 0.8, 0.9 <= 1; 3, 3 <= 10.
    let classic: Vec<(f64, u64)> = histogram
        .bucket
        .iter()
        .map(|bucket| (bucket.upper_bound(), bucket.cumulative_count()))
        .collect();
    assert_eq!(classic, [(1.0, 4), (10.0, 6)]);

    // The text format shows the classic histogram.
    assert_eq!(
        registry().render_only(&["nh_call_seconds"]),
        "# HELP nh_call_seconds Call durations, natively.\n\
         # TYPE nh_call_seconds histogram\n\
         nh_call_seconds_bucket{le=\"1\"} 4\n\
         nh_call_seconds_bucket{le=\"10\"} 6\n\
         nh_call_seconds_bucket{le=\"+Inf\"} 7\n\
         nh_call_seconds_sum 1005.7\n\
         nh_call_seconds_count 7\n"
    );
}

/// Observations spread over 2^-8 .. 2^12 need far more than 20 buckets at schema 8: the
/// histogram lowers its schema until they fit, and every observation is still counted, in
/// the bucket the definition gives at the final schema.
#[test]
fn the_bucket_limit_lowers_the_resolution() {
    let values: Vec<f64> = (0..2000)
        .map(|i| 2f64.powf(-8.0 + f64::from(i) * 0.01))
        .collect();
    for value in &values {
        NH_SPREAD_SECONDS.observe(*value);
    }
    NH_SPREAD_SECONDS.observe(0.0005); // within the zero threshold
    NH_SPREAD_SECONDS.observe(-0.001); // at the threshold: zero bucket too
    let schema = NH_SPREAD_SECONDS.schema();
    // Schema 0 would need buckets -8 to 12: 21, one more than allowed; schema -1 needs 11.
    assert_eq!(schema, -1);
    let buckets = NH_SPREAD_SECONDS.native_buckets();
    let mut expected = std::collections::BTreeMap::new();
    for value in &values {
        *expected
            .entry(expected_index(*value, schema))
            .or_insert(0u64) += 1;
    }
    assert_eq!(buckets, expected.into_iter().collect::<Vec<_>>());
    assert!(buckets.len() <= 20);
    assert_eq!(NH_SPREAD_SECONDS.zero_count(), 2);
    assert_eq!(NH_SPREAD_SECONDS.get_sample_count(), 2002);

    let histogram = decode("nh_spread_seconds").metric[0]
        .histogram
        .clone()
        .unwrap();
    assert_eq!(histogram.schema(), -1);
    assert_eq!(histogram.zero_threshold(), 0.001);
    assert_eq!(histogram.sample_count(), 2002);
    let total: i64 = histogram
        .positive_delta
        .iter()
        .scan(0i64, |count, delta| {
            *count += delta;
            Some(*count)
        })
        .sum();
    assert_eq!(total, 2000);
}

#[test]
fn labelled_and_typed_forms_and_an_empty_histogram() {
    NH_ROUTE_SECONDS
        .with_label_values(&["/calls"])
        .observe(0.25);
    NH_CODEC_SECONDS.get(Codec::Opus).observe(3.0);

    let family = decode("nh_route_seconds");
    let metric = &family.metric[0];
    assert_eq!(metric.label[0].name(), "route");
    assert_eq!(metric.label[0].value(), "/calls");
    let histogram = metric.histogram.as_ref().unwrap();
    // Default schema 3: 0.25 = 2^-2 is the upper bound of bucket -16.
    assert_eq!(histogram.schema(), 3);
    assert_eq!(histogram.positive_span[0].offset(), -16);
    // No classic buckets declared: none in protobuf, only `+Inf` in text.
    assert!(histogram.bucket.is_empty());
    assert!(
        registry()
            .render_only(&["nh_route_seconds"])
            .contains("nh_route_seconds_bucket{route=\"/calls\",le=\"+Inf\"} 1\n")
    );

    // Schema 0: 3 is in (2, 4], bucket 2.
    assert_eq!(NH_CODEC_SECONDS.get(Codec::Opus).native_buckets(), [(2, 1)]);

    // A native histogram without observations has a no-op span, so that Prometheus reads it
    // as native.
    let family = decode("nh_empty_seconds");
    let histogram = family.metric[0].histogram.as_ref().unwrap();
    assert_eq!(histogram.sample_count(), 0);
    let spans: Vec<(i32, u32)> = histogram
        .positive_span
        .iter()
        .map(|span| (span.offset(), span.length()))
        .collect();
    assert_eq!(spans, [(0, 0)]);
    assert!(histogram.positive_delta.is_empty());
}

/// Four threads observe values that keep widening the histogram (each new range publishes a
/// new layout) while a scraper reads it: every observation ends up counted.
#[test]
fn growth_under_concurrent_observers_loses_nothing() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 5000;
    let barrier = Barrier::new(THREADS + 1);
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let barrier = &barrier;
            scope.spawn(move || {
                barrier.wait();
                for i in 0..PER_THREAD {
                    let spread = (i % 500) as f64 * 0.05 - 12.0 + thread as f64;
                    NH_CONCURRENT_SECONDS.observe(spread.exp2());
                }
            });
        }
        barrier.wait();
        for _ in 0..50 {
            let _ = registry().encode(Format::Protobuf, Some(&["nh_concurrent_seconds"]));
        }
    });
    let total: u64 = NH_CONCURRENT_SECONDS
        .native_buckets()
        .iter()
        .map(|(_, count)| count)
        .sum();
    assert_eq!(total, (THREADS * PER_THREAD) as u64);
    assert_eq!(
        NH_CONCURRENT_SECONDS.get_sample_count(),
        (THREADS * PER_THREAD) as u64
    );
    assert!(NH_CONCURRENT_SECONDS.native_buckets().len() <= 64);
}

/// Native histogram with exemplars and no classic buckets.
#[metric(schema = 1)]
static NH_TRACED_SECONDS: NativeHistogram;

/// A native histogram's exemplars are in the protobuf `exemplars` field, with timestamps, even
/// without classic buckets to carry them.
#[test]
fn native_exemplars_are_in_their_own_field() {
    NH_TRACED_SECONDS
        .observe_with_exemplar(0.3, &[("trace_id", "0af7651916cd43dd8448eb211c80319c")])
        .unwrap();
    let histogram = decode("nh_traced_seconds").metric[0]
        .histogram
        .clone()
        .unwrap();
    assert!(histogram.bucket.is_empty());
    assert_eq!(histogram.exemplars.len(), 1);
    let exemplar = &histogram.exemplars[0];
    assert_eq!(exemplar.value(), 0.3);
    assert_eq!(
        exemplar.label[0].value(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    assert!(exemplar.timestamp.is_some());
}
