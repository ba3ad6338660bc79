//! The cost of the types and helpers added beside counters, gauges and histograms: summary
//! observations (with and without quantiles), timers, in-progress guards, state changes.
//!
//! `cargo bench -p metrics-core --bench types`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_core::{Histogram, IntGauge, StateSet, Summary, metric, registry};

/// Summary with the Go client's usual three objectives.
#[metric(objectives = [(0.5, 0.05), (0.9, 0.01), (0.99, 0.001)])]
static BENCH_SETUP_SECONDS: Summary;

/// Summary without quantiles.
#[metric]
static BENCH_PAYLOAD_SECONDS: Summary;

/// Histogram, for comparison.
#[metric]
static BENCH_LATENCY_SECONDS: Histogram;

/// In-progress gauge.
#[metric]
static BENCH_IN_PROGRESS: IntGauge;

/// State set.
#[metric(states = ["idle", "busy", "draining"])]
static BENCH_STATE: StateSet;

fn types(c: &mut Criterion) {
    let mut values = (0..4096u64)
        .map(|i| (i * 7919 % 4096) as f64 / 4096.0)
        .cycle();
    c.bench_function("summary observe, 3 objectives", |b| {
        b.iter(|| BENCH_SETUP_SECONDS.observe(black_box(values.next().unwrap_or(0.5))))
    });
    c.bench_function("summary observe, no objectives", |b| {
        b.iter(|| BENCH_PAYLOAD_SECONDS.observe(black_box(0.25)))
    });
    c.bench_function("histogram observe, default buckets", |b| {
        b.iter(|| BENCH_LATENCY_SECONDS.observe(black_box(0.25)))
    });
    c.bench_function("histogram start_timer + drop", |b| {
        b.iter(|| drop(black_box(BENCH_LATENCY_SECONDS.start_timer())))
    });
    c.bench_function("track_inprogress + drop", |b| {
        b.iter(|| drop(black_box(BENCH_IN_PROGRESS.track_inprogress())))
    });
    c.bench_function("stateset set by name", |b| {
        b.iter(|| BENCH_STATE.set(black_box("busy")))
    });
    c.bench_function("render summary with 3 objectives", |b| {
        b.iter(|| black_box(registry().render_only(&["bench_setup_seconds"])))
    });
}

criterion_group!(benches, types);
criterion_main!(benches);
