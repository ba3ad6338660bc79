//! This crate against a raw-atomic baseline and the peer crates, in one process and one run, so
//! the numbers are comparable as ratios on a noisy machine.
//!
//! `cargo bench -p metrics-core --bench peers`, then `python3 metrics-core/benches/ratios.py`
//! prints the medians and ratios as a table.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, OnceLock};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_core::{
    Family, Format, Histogram, IntCounter, IntCounterVec, LabelSet, LabelValue, NativeHistogram,
    metric, registry,
};
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter as PcCounter;
use prometheus_client::metrics::family::Family as PcFamily;
use prometheus_client::metrics::histogram::Histogram as PcHistogram;

/// Unlabelled counter.
#[metric]
static BENCH_EVENTS_TOTAL: IntCounter;

/// Unlabelled counter with exemplars.
#[metric]
static BENCH_TRACED_EVENTS_TOTAL: IntCounter;

/// Native histogram, default schema 3, no classic buckets.
#[metric]
static BENCH_NATIVE_SECONDS: NativeHistogram;

/// One label, five values.
#[metric(labels = ["status"])]
static BENCH_CALLS_TOTAL: IntCounterVec;

/// One typed label, five values.
#[metric(labels = ["status"])]
static BENCH_TYPED_CALLS_TOTAL: Family<CallStatus, IntCounter>;

/// Three labels.
#[metric(labels = ["method", "endpoint", "status"])]
static BENCH_REQUESTS_TOTAL: IntCounterVec;

/// Three typed labels, all closed.
#[metric]
static BENCH_TYPED_CLOSED_REQUESTS_TOTAL: Family<ClosedRequest, IntCounter>;

/// Three typed labels, the endpoint an open string.
#[metric]
static BENCH_TYPED_OPEN_REQUESTS_TOTAL: Family<OpenRequest<'static>, IntCounter>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelValue, EncodeLabelValue)]
enum CallStatus {
    Completed,
    Failed,
    NoAnswer,
    Busy,
    Rejected,
}

const CALL_STATUSES: [CallStatus; 5] = [
    CallStatus::Completed,
    CallStatus::Failed,
    CallStatus::NoAnswer,
    CallStatus::Busy,
    CallStatus::Rejected,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelValue, EncodeLabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelValue, EncodeLabelValue)]
enum Endpoint {
    Users,
    Metrics,
    Calls,
    CallEnd,
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelValue, EncodeLabelValue)]
enum Status {
    Ok,
    Created,
    Forbidden,
    NotFound,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, LabelSet, EncodeLabelSet)]
struct ClosedRequest {
    method: Method,
    endpoint: Endpoint,
    status: Status,
}

#[derive(LabelSet)]
struct OpenRequest<'a> {
    method: Method,
    endpoint: &'a str,
    status: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct PcCallLabels {
    status: CallStatus,
}

const CLOSED_REQUESTS: [ClosedRequest; 5] = [
    ClosedRequest {
        method: Method::Get,
        endpoint: Endpoint::Users,
        status: Status::Ok,
    },
    ClosedRequest {
        method: Method::Get,
        endpoint: Endpoint::Metrics,
        status: Status::Ok,
    },
    ClosedRequest {
        method: Method::Post,
        endpoint: Endpoint::Calls,
        status: Status::Created,
    },
    ClosedRequest {
        method: Method::Post,
        endpoint: Endpoint::CallEnd,
        status: Status::NotFound,
    },
    ClosedRequest {
        method: Method::Get,
        endpoint: Endpoint::Admin,
        status: Status::Forbidden,
    },
];

const OPEN_REQUESTS: [(Method, &str, u16); 5] = [
    (Method::Get, "/users/{id}", 200),
    (Method::Get, "/metrics", 200),
    (Method::Post, "/calls", 201),
    (Method::Post, "/calls/{id}/end", 404),
    (Method::Get, "/admin", 403),
];

/// Ten buckets.
#[metric(buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])]
static BENCH_LATENCY_10_SECONDS: Histogram;

/// Thirty buckets.
#[metric(buckets = exponential(0.0001, 1.5, 30))]
static BENCH_LATENCY_30_SECONDS: Histogram;

/// The render benchmark's 10,100 series.
#[metric(labels = ["route", "status"])]
static BENCH_RENDER_TOTAL: IntCounterVec;

const STATUSES: [&str; 5] = ["completed", "failed", "no_answer", "busy", "rejected"];
const REQUESTS: [[&str; 3]; 5] = [
    ["GET", "/users/{id}", "200"],
    ["GET", "/metrics", "200"],
    ["POST", "/calls", "201"],
    ["POST", "/calls/{id}/end", "404"],
    ["GET", "/admin", "403"],
];

fn buckets_10() -> Vec<f64> {
    vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]
}

fn buckets_30() -> Vec<f64> {
    (0..30).map(|i| 0.0001 * 1.5f64.powi(i)).collect()
}

/// Observations spread over the whole bucket range.
fn observations() -> Vec<f64> {
    (0..64).map(|i| 0.0001 * 1.3f64.powi(i)).collect()
}

/// The baseline for histograms: what one would write by hand with atomics.
struct HandHistogram {
    bounds: Vec<f64>,
    counts: Vec<AtomicU64>,
    sum: AtomicU64,
}

impl HandHistogram {
    fn new(bounds: Vec<f64>) -> Self {
        let counts = (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect();
        HandHistogram {
            bounds,
            counts,
            sum: AtomicU64::new(0),
        }
    }

    fn observe(&self, value: f64) {
        let bucket = self.bounds.partition_point(|bound| *bound < value);
        self.counts[bucket].fetch_add(1, Ordering::Relaxed);
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + value).to_bits())
            });
    }
}

/// The `metrics` crate needs a global recorder; its Prometheus exporter is the comparable one.
fn metrics_handle() -> &'static metrics_exporter_prometheus::PrometheusHandle {
    static HANDLE: OnceLock<metrics_exporter_prometheus::PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets(&buckets_10())
            .expect("valid buckets")
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).expect("one recorder");
        handle
    })
}

type PcLabels = Vec<(String, String)>;

fn unlabelled_inc(c: &mut Criterion) {
    let mut group = c.benchmark_group("unlabelled_inc");
    let raw = AtomicU64::new(0);
    group.bench_function("raw_atomic", |b| {
        b.iter(|| black_box(&raw).fetch_add(1, Ordering::Relaxed))
    });
    group.bench_function("metrics_core", |b| {
        b.iter(|| black_box(&BENCH_EVENTS_TOTAL).inc())
    });
    let prom = prometheus::IntCounter::new("bench_events_total", "h").unwrap();
    group.bench_function("prometheus", |b| b.iter(|| black_box(&prom).inc()));
    let pc: PcCounter = PcCounter::default();
    group.bench_function("prometheus_client", |b| b.iter(|| black_box(&pc).inc()));
    metrics_handle();
    let handle = metrics::counter!("bench_events_total");
    group.bench_function("metrics", |b| b.iter(|| black_box(&handle).increment(1)));
    group.finish();
}

fn one_label_of_five(c: &mut Criterion) {
    let mut group = c.benchmark_group("inc_one_label_5_values");
    let raw: [AtomicU64; 5] = Default::default();
    let mut i = 0;
    group.bench_function("raw_atomic", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            raw[black_box(i)].fetch_add(1, Ordering::Relaxed)
        })
    });
    group.bench_function("metrics_core", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            BENCH_CALLS_TOTAL
                .with_label_values(&[black_box(STATUSES[i])])
                .inc()
        })
    });
    group.bench_function("metrics_core_typed", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            BENCH_TYPED_CALLS_TOTAL
                .get(black_box(CALL_STATUSES[i]))
                .inc()
        })
    });
    let prom = prometheus::IntCounterVec::new(
        prometheus::Opts::new("bench_calls_total", "h"),
        &["status"],
    )
    .unwrap();
    group.bench_function("prometheus", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            prom.with_label_values(&[black_box(STATUSES[i])]).inc()
        })
    });
    let pc: PcFamily<PcLabels, PcCounter> = PcFamily::default();
    let keys: Vec<PcLabels> = STATUSES
        .iter()
        .map(|s| vec![("status".to_owned(), s.to_string())])
        .collect();
    group.bench_function("prometheus_client", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            pc.get_or_create(black_box(&keys[i])).inc()
        })
    });
    let pc_typed: PcFamily<PcCallLabels, PcCounter> = PcFamily::default();
    group.bench_function("prometheus_client_typed", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            pc_typed
                .get_or_create(&PcCallLabels {
                    status: black_box(CALL_STATUSES[i]),
                })
                .inc()
        })
    });
    metrics_handle();
    group.bench_function("metrics", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            metrics::counter!("bench_calls_total", "status" => black_box(STATUSES[i])).increment(1)
        })
    });
    group.finish();
}

fn three_labels(c: &mut Criterion) {
    let mut group = c.benchmark_group("inc_three_labels");
    let mut i = 0;
    let raw: [AtomicU64; 5] = Default::default();
    group.bench_function("raw_atomic", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            raw[black_box(i)].fetch_add(1, Ordering::Relaxed)
        })
    });
    group.bench_function("metrics_core", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            BENCH_REQUESTS_TOTAL
                .with_label_values(black_box(&REQUESTS[i]))
                .inc()
        })
    });
    group.bench_function("metrics_core_typed", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            BENCH_TYPED_CLOSED_REQUESTS_TOTAL
                .get(black_box(&CLOSED_REQUESTS[i]))
                .inc()
        })
    });
    group.bench_function("metrics_core_typed_open", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            let (method, endpoint, status) = black_box(OPEN_REQUESTS[i]);
            BENCH_TYPED_OPEN_REQUESTS_TOTAL
                .get(OpenRequest {
                    method,
                    endpoint,
                    status,
                })
                .inc()
        })
    });
    let prom = prometheus::IntCounterVec::new(
        prometheus::Opts::new("bench_requests_total", "h"),
        &["method", "endpoint", "status"],
    )
    .unwrap();
    group.bench_function("prometheus", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            prom.with_label_values(black_box(&REQUESTS[i])).inc()
        })
    });
    let pc: PcFamily<PcLabels, PcCounter> = PcFamily::default();
    let keys: Vec<PcLabels> = REQUESTS
        .iter()
        .map(|[m, e, s]| {
            vec![
                ("method".to_owned(), m.to_string()),
                ("endpoint".to_owned(), e.to_string()),
                ("status".to_owned(), s.to_string()),
            ]
        })
        .collect();
    group.bench_function("prometheus_client", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            pc.get_or_create(black_box(&keys[i])).inc()
        })
    });
    let pc_typed: PcFamily<ClosedRequest, PcCounter> = PcFamily::default();
    group.bench_function("prometheus_client_typed", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            pc_typed.get_or_create(black_box(&CLOSED_REQUESTS[i])).inc()
        })
    });
    metrics_handle();
    group.bench_function("metrics", |b| {
        b.iter(|| {
            i = (i + 1) % 5;
            let [m, e, s] = black_box(REQUESTS[i]);
            metrics::counter!("bench_requests_total", "method" => m, "endpoint" => e, "status" => s)
                .increment(1)
        })
    });
    group.finish();
}

fn histogram_observe(c: &mut Criterion) {
    let values = observations();
    for (buckets, ours) in [
        (buckets_10(), &BENCH_LATENCY_10_SECONDS),
        (buckets_30(), &BENCH_LATENCY_30_SECONDS),
    ] {
        let mut group = c.benchmark_group(format!("histogram_observe_{}_buckets", buckets.len()));
        let mut i = 0;
        let hand = HandHistogram::new(buckets.clone());
        group.bench_function("hand_written", |b| {
            b.iter(|| {
                i = (i + 1) % values.len();
                hand.observe(black_box(values[i]))
            })
        });
        group.bench_function("metrics_core", |b| {
            b.iter(|| {
                i = (i + 1) % values.len();
                ours.observe(black_box(values[i]))
            })
        });
        let prom = prometheus::Histogram::with_opts(
            prometheus::HistogramOpts::new("bench_latency_seconds", "h").buckets(buckets.clone()),
        )
        .unwrap();
        group.bench_function("prometheus", |b| {
            b.iter(|| {
                i = (i + 1) % values.len();
                prom.observe(black_box(values[i]))
            })
        });
        let pc = PcHistogram::new(buckets.iter().copied());
        group.bench_function("prometheus_client", |b| {
            b.iter(|| {
                i = (i + 1) % values.len();
                pc.observe(black_box(values[i]))
            })
        });
        metrics_handle();
        let handle = metrics::histogram!(format!("bench_latency_{}_seconds", buckets.len()));
        group.bench_function("metrics", |b| {
            b.iter(|| {
                i = (i + 1) % values.len();
                handle.record(black_box(values[i]))
            })
        });
        group.finish();
    }
}

/// A native histogram's observation against a classic one's (10 buckets), on the same values.
fn native_histogram_observe(c: &mut Criterion) {
    let values = observations();
    let mut group = c.benchmark_group("native_histogram_observe");
    let mut i = 0;
    group.bench_function("hand_written", |b| {
        let hand = HandHistogram::new(buckets_10());
        b.iter(|| {
            i = (i + 1) % values.len();
            hand.observe(black_box(values[i]))
        })
    });
    group.bench_function("metrics_core", |b| {
        b.iter(|| {
            i = (i + 1) % values.len();
            BENCH_LATENCY_10_SECONDS.observe(black_box(values[i]))
        })
    });
    for value in &values {
        BENCH_NATIVE_SECONDS.observe(*value);
    }
    group.bench_function("metrics_core_native", |b| {
        b.iter(|| {
            i = (i + 1) % values.len();
            BENCH_NATIVE_SECONDS.observe(black_box(values[i]))
        })
    });
    group.finish();
}

/// An observation or increment with an exemplar (a trace and a span id) against one without.
fn exemplar_observe(c: &mut Criterion) {
    let values = observations();
    let exemplar = [
        ("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
        ("span_id", "00f067aa0ba902b7"),
    ];
    let mut group = c.benchmark_group("exemplar_observe");
    let mut i = 0;
    group.bench_function("hand_written", |b| {
        let hand = HandHistogram::new(buckets_10());
        b.iter(|| {
            i = (i + 1) % values.len();
            hand.observe(black_box(values[i]))
        })
    });
    group.bench_function("metrics_core", |b| {
        b.iter(|| {
            i = (i + 1) % values.len();
            BENCH_LATENCY_10_SECONDS.observe(black_box(values[i]))
        })
    });
    group.bench_function("metrics_core_exemplar", |b| {
        b.iter(|| {
            i = (i + 1) % values.len();
            BENCH_LATENCY_10_SECONDS
                .observe_with_exemplar(black_box(values[i]), black_box(&exemplar))
        })
    });
    group.bench_function("counter_inc", |b| {
        b.iter(|| black_box(&BENCH_TRACED_EVENTS_TOTAL).inc())
    });
    group.bench_function("counter_inc_exemplar", |b| {
        b.iter(|| black_box(&BENCH_TRACED_EVENTS_TOTAL).inc_with_exemplar(black_box(&exemplar)))
    });
    group.finish();
}

/// Time per increment as each of two threads sees it, both hammering one counter.
fn contended(iters: u64, inc: &(dyn Fn() + Sync)) -> Duration {
    let barrier = Barrier::new(2);
    let elapsed: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        inc();
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    elapsed.into_iter().max().unwrap()
}

fn contended_inc(c: &mut Criterion) {
    let mut group = c.benchmark_group("inc_2_threads_contended");
    let raw = AtomicU64::new(0);
    group.bench_function("raw_atomic", |b| {
        b.iter_custom(|iters| {
            contended(iters, &|| {
                black_box(&raw).fetch_add(1, Ordering::Relaxed);
            })
        })
    });
    group.bench_function("metrics_core", |b| {
        b.iter_custom(|iters| contended(iters, &|| black_box(&BENCH_EVENTS_TOTAL).inc()))
    });
    let prom = prometheus::IntCounter::new("bench_events_total", "h").unwrap();
    group.bench_function("prometheus", |b| {
        b.iter_custom(|iters| contended(iters, &|| black_box(&prom).inc()))
    });
    let pc: PcCounter = PcCounter::default();
    group.bench_function("prometheus_client", |b| {
        b.iter_custom(|iters| {
            contended(iters, &|| {
                black_box(&pc).inc();
            })
        })
    });
    metrics_handle();
    let handle = metrics::counter!("bench_contended_total");
    group.bench_function("metrics", |b| {
        b.iter_custom(|iters| contended(iters, &|| black_box(&handle).increment(1)))
    });
    group.finish();
}

/// 100 routes x 101 statuses = 10,100 series in one family, rendered to the text format (and,
/// for this crate, OpenMetrics and protobuf too).
fn render_10k_series(c: &mut Criterion) {
    let routes: Vec<String> = (0..100).map(|r| format!("/api/v1/resource_{r}")).collect();
    let statuses: Vec<String> = (0..101).map(|s| (200 + s).to_string()).collect();
    let mut group = c.benchmark_group("render_10100_series");
    group.sample_size(20);

    BENCH_RENDER_TOTAL.set_max_series(20_000);
    let prom_registry = prometheus::Registry::new();
    let prom = prometheus::IntCounterVec::new(
        prometheus::Opts::new("bench_render_total", "h"),
        &["route", "status"],
    )
    .unwrap();
    prom_registry.register(Box::new(prom.clone())).unwrap();
    let mut pc_registry = prometheus_client::registry::Registry::default();
    let pc: PcFamily<PcLabels, PcCounter> = PcFamily::default();
    pc_registry.register("bench_render", "h", pc.clone());
    let handle = metrics_handle();
    for route in &routes {
        for status in &statuses {
            BENCH_RENDER_TOTAL
                .with_label_values(&[route, status])
                .inc_by(7);
            prom.with_label_values(&[route, status]).inc_by(7);
            pc.get_or_create(&vec![
                ("route".to_owned(), route.clone()),
                ("status".to_owned(), status.clone()),
            ])
            .inc_by(7);
            metrics::counter!("bench_render_total", "route" => route.clone(), "status" => status.clone())
                .increment(7);
        }
    }

    group.bench_function("metrics_core", |b| {
        b.iter(|| registry().render_only(&["bench_render_total"]))
    });
    group.bench_function("metrics_core_openmetrics", |b| {
        b.iter(|| registry().encode(Format::OpenMetrics, Some(&["bench_render_total"])))
    });
    group.bench_function("metrics_core_openmetrics_created", |b| {
        b.iter(|| {
            registry().encode_with_created(Format::OpenMetrics, Some(&["bench_render_total"]))
        })
    });
    group.bench_function("metrics_core_protobuf", |b| {
        b.iter(|| registry().encode(Format::Protobuf, Some(&["bench_render_total"])))
    });
    group.bench_function("prometheus", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            prometheus::Encoder::encode(
                &prometheus::TextEncoder::new(),
                &prom_registry.gather(),
                &mut out,
            )
            .unwrap();
            out
        })
    });
    group.bench_function("prometheus_client", |b| {
        b.iter(|| {
            let mut out = String::new();
            encode(&mut out, &pc_registry).unwrap();
            out
        })
    });
    group.bench_function("metrics", |b| b.iter(|| handle.render()));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = unlabelled_inc, one_label_of_five, three_labels, histogram_observe, contended_inc,
        render_10k_series, native_histogram_observe, exemplar_observe
}
criterion_main!(benches);
