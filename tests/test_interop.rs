//! Collectors written for the `prometheus` crate, registered into the one registry.

use metrics_core::{Error, Format, IntCounter, metric, registry};
use prometheus::{Gauge, HistogramOpts, HistogramVec, IntCounterVec, Opts};

/// Requests the interop test makes.
#[metric]
static INTEROP_OWN_TOTAL: IntCounter;

#[test]
fn third_party_collectors_join_the_registry_and_clashes_are_refused() {
    let jobs =
        IntCounterVec::new(Opts::new("interop_jobs_total", "Jobs, by kind."), &["kind"]).unwrap();
    jobs.with_label_values(&["import"]).inc_by(2);
    let latency = HistogramVec::new(
        HistogramOpts::new("interop_latency_seconds", "Latency.").buckets(vec![0.1, 1.0]),
        &[],
    )
    .unwrap();
    latency.with_label_values::<&str>(&[]).observe(0.5);
    registry().register(Box::new(jobs.clone())).unwrap();
    registry().register(Box::new(latency)).unwrap();
    INTEROP_OWN_TOTAL.inc();

    let names = [
        "interop_jobs_total",
        "interop_latency_seconds",
        "interop_own_total",
    ];
    assert_eq!(
        registry().render_only(&names),
        "# HELP interop_jobs_total Jobs, by kind.\n\
         # TYPE interop_jobs_total counter\n\
         interop_jobs_total{kind=\"import\"} 2\n\
         # HELP interop_latency_seconds Latency.\n\
         # TYPE interop_latency_seconds histogram\n\
         interop_latency_seconds_bucket{le=\"0.1\"} 0\n\
         interop_latency_seconds_bucket{le=\"1\"} 1\n\
         interop_latency_seconds_bucket{le=\"+Inf\"} 1\n\
         interop_latency_seconds_sum 0.5\n\
         interop_latency_seconds_count 1\n\
         # HELP interop_own_total Requests the interop test makes.\n\
         # TYPE interop_own_total counter\n\
         interop_own_total 1\n"
    );
    // The `prometheus` crate's own text encoder agrees on its families.
    let theirs: Vec<_> = registry()
        .gather()
        .into_iter()
        .filter(|family| family.name().starts_with("interop_jobs"))
        .collect();
    let mut encoded = Vec::new();
    prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &theirs, &mut encoded).unwrap();
    assert_eq!(
        String::from_utf8(encoded).unwrap(),
        registry().render_only(&["interop_jobs_total"])
    );
    let openmetrics =
        String::from_utf8(registry().encode(Format::OpenMetrics, Some(&["interop_jobs"]))).unwrap();
    assert_eq!(
        openmetrics,
        "# HELP interop_jobs Jobs, by kind.\n\
         # TYPE interop_jobs counter\n\
         interop_jobs_total{kind=\"import\"} 2\n\
         # EOF\n"
    );

    // A name a `#[metric]` already exposes, in either format, is refused.
    let clash = Gauge::new("interop_own", "Clashes in OpenMetrics.").unwrap();
    let error = registry().register(Box::new(clash)).unwrap_err();
    assert!(matches!(error, Error::NameClash { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "cannot register the collector: its metric name `interop_own` clashes with \
             `interop_own_total` defined at {}; rename its metric or leave it out",
            registry()
                .get("interop_own_total")
                .unwrap()
                .desc()
                .location()
        )
    );
    // So is a second collector with a registered collector's name.
    let again = registry().register(Box::new(jobs)).unwrap_err();
    assert_eq!(
        again.to_string(),
        "cannot register the collector: its metric name `interop_jobs` clashes with a \
         collector registered earlier; rename its metric or leave it out"
    );
    // A histogram's `_count` sample is its own too.
    let count = Gauge::new("interop_latency_seconds_count", "Clash.").unwrap();
    assert!(registry().register(Box::new(count)).is_err());
}
