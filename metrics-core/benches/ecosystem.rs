//! The cost of meeting services where they are, each against a baseline in the same run:
//!
//! - the tower layer around an axum router, against the same router without metrics and with
//!   the metrics recorded by hand in a `middleware::from_fn` (what the example service did);
//! - a `metrics::counter!` through this crate's facade recorder, against the same macro
//!   through `metrics-exporter-prometheus`' recorder and an `#[metric]` static's `inc`.
//!
//! `cargo bench -p metrics-core --features tower,axum,metrics-facade --bench ecosystem`

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use metrics_core::facade::FacadeRecorder;
use metrics_core::http::tower::HttpMetricsLayer;
use metrics_core::{HistogramVec, IntCounter, IntCounterVec, IntGauge, metric};
use tower::ServiceExt;

/// Requests, recorded by the layer.
#[metric(labels = ["method", "endpoint", "status"])]
static BENCH_LAYER_REQUESTS_TOTAL: IntCounterVec;

/// Request durations, recorded by the layer.
#[metric(labels = ["method", "endpoint"])]
static BENCH_LAYER_REQUEST_DURATION_SECONDS: HistogramVec;

/// Requests in flight, tracked by the layer.
#[metric]
static BENCH_LAYER_REQUESTS_IN_FLIGHT: IntGauge;

/// Requests, recorded by hand.
#[metric(labels = ["method", "endpoint", "status"])]
static BENCH_HAND_REQUESTS_TOTAL: IntCounterVec;

/// Request durations, recorded by hand.
#[metric(labels = ["method", "endpoint"])]
static BENCH_HAND_REQUEST_DURATION_SECONDS: HistogramVec;

/// Requests in flight, tracked by hand.
#[metric]
static BENCH_HAND_REQUESTS_IN_FLIGHT: IntGauge;

/// Jobs, counted by a static.
#[metric]
static BENCH_STATIC_JOBS_TOTAL: IntCounter;

async fn record_by_hand(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let response = {
        let _in_flight = BENCH_HAND_REQUESTS_IN_FLIGHT.track_inprogress();
        next.run(request).await
    };
    BENCH_HAND_REQUESTS_TOTAL
        .with_label_values(&[
            method.as_str(),
            endpoint.as_str(),
            response.status().as_str(),
        ])
        .inc();
    BENCH_HAND_REQUEST_DURATION_SECONDS
        .with_label_values(&[method.as_str(), endpoint.as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}

fn routes() -> Router {
    Router::new().route("/users/{id}", get(|| async { "user" }))
}

fn middleware_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let apps = [
        ("axum request, no metrics", routes()),
        (
            "axum request, recorded by hand (from_fn)",
            routes().layer(middleware::from_fn(record_by_hand)),
        ),
        (
            "axum request, HttpMetricsLayer",
            routes().layer(HttpMetricsLayer::from_metrics(
                &BENCH_LAYER_REQUESTS_TOTAL,
                &BENCH_LAYER_REQUEST_DURATION_SECONDS,
                &BENCH_LAYER_REQUESTS_IN_FLIGHT,
            )),
        ),
    ];
    for (name, app) in apps {
        c.bench_function(name, |b| {
            b.iter(|| {
                let request = Request::get("/users/42").body(Body::empty()).unwrap();
                let response = runtime.block_on(app.clone().oneshot(request)).unwrap();
                black_box(response.status())
            })
        });
    }
}

fn facade(c: &mut Criterion) {
    let ours = FacadeRecorder::new();
    let peer = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    c.bench_function("static inc", |b| b.iter(|| BENCH_STATIC_JOBS_TOTAL.inc()));
    metrics::with_local_recorder(&ours, || {
        c.bench_function("facade counter! one label, FacadeRecorder", |b| {
            b.iter(|| metrics::counter!("bench_facade_jobs_total", "queue" => "mail").increment(1))
        });
        let handle = metrics::counter!("bench_facade_held_total");
        c.bench_function("facade held handle, FacadeRecorder", |b| {
            b.iter(|| handle.increment(1))
        });
    });
    metrics::with_local_recorder(&peer, || {
        c.bench_function(
            "facade counter! one label, metrics-exporter-prometheus",
            |b| {
                b.iter(|| {
                    metrics::counter!("bench_peer_jobs_total", "queue" => "mail").increment(1)
                })
            },
        );
        let handle = metrics::counter!("bench_peer_held_total");
        c.bench_function("facade held handle, metrics-exporter-prometheus", |b| {
            b.iter(|| handle.increment(1))
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = middleware_overhead, facade
}
criterion_main!(benches);
