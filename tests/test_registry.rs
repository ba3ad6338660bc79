//! One registry for the whole program: metrics declared in different crates, gathered once.

// Crates whose metrics we expect must be linked: a `use` is enough.
use http_metrics as _;
use voice_metrics as _;

use metrics_core::{IntCounterVec, MetricType, metric, registry};
use prometheus::Encoder;
use prometheus::proto;

/// Test-local metric, next to the ones of the example crates.
#[metric(labels = ["outcome"])]
static REGISTRY_TEST_EVENTS_TOTAL: IntCounterVec;

#[test]
fn metrics_of_every_linked_crate_are_in_the_one_registry() {
    let names: Vec<&str> = registry().families().map(|f| f.desc().name).collect();
    for expected in [
        // examples/http-metrics
        "cache_hits_total",
        "cache_misses_total",
        "http_request_duration_seconds",
        "http_requests_in_flight",
        "http_requests_total",
        "security_violations_total",
        // metrics-core itself
        "metrics_core_cardinality_overflow_total",
        "metrics_core_rejected_samples_total",
        // metrics-core's `metrics-facade` feature, which this package's dev-dependency turns on
        "metrics_core_facade_rejected_total",
        // metrics-core's `process` feature, which this package's dev-dependency turns on
        "process_cpu_seconds_total",
        "process_max_fds",
        "process_open_fds",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
        "process_virtual_memory_bytes",
        // this test crate
        "registry_test_events_total",
        // examples/voice-metrics
        "voice_active_calls",
        "voice_call_duration_native_seconds",
        "voice_call_duration_seconds",
        "voice_call_errors_total",
        "voice_call_setup_seconds",
        "voice_calls_total",
        "voice_config_info",
        "voice_last_call_end_timestamp_seconds",
        "voice_trunk_state",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(names.len(), 25, "unexpected families: {names:?}");
    assert_eq!(registry().check(), Ok(()));
    assert!(registry().duplicates().is_empty());
}

#[test]
fn descriptors_say_where_each_metric_was_defined() {
    let family = registry().get("voice_calls_total").unwrap();
    let desc = family.desc();
    assert_eq!(family.metric_type(), MetricType::Counter);
    assert_eq!(desc.labels, ["status"]);
    assert_eq!(desc.module_path, "voice_metrics");
    assert!(
        desc.file.ends_with("voice-metrics/src/lib.rs"),
        "{}",
        desc.file
    );
    assert_eq!(desc.line, 43);
    assert_eq!(
        registry()
            .get("voice_call_duration_seconds")
            .unwrap()
            .desc()
            .buckets,
        [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0]
    );
    assert!(registry().get("no_such_metric").is_none());
}

#[test]
fn gather_feeds_the_prometheus_crate_encoders() {
    REGISTRY_TEST_EVENTS_TOTAL
        .with_label_values(&["ok"])
        .inc_by(3);
    REGISTRY_TEST_EVENTS_TOTAL
        .with_label_values(&["error"])
        .inc();
    let families: Vec<proto::MetricFamily> = registry()
        .gather()
        .into_iter()
        .filter(|family| family.name() == "registry_test_events_total")
        .collect();
    assert_eq!(families.len(), 1);
    assert_eq!(families[0].get_field_type(), proto::MetricType::COUNTER);
    assert_eq!(families[0].get_metric().len(), 2);

    let mut encoded = Vec::new();
    prometheus::TextEncoder::new()
        .encode(&families, &mut encoded)
        .unwrap();
    // The `prometheus` crate's encoder and ours agree to the byte.
    assert_eq!(
        String::from_utf8(encoded).unwrap(),
        registry().render_only(&["registry_test_events_total"])
    );
}

#[test]
fn gather_leaves_out_labelled_families_without_series() {
    // Nothing in this test binary touches `cache_hits_total`.
    assert!(
        registry()
            .gather()
            .iter()
            .all(|family| family.name() != "cache_hits_total")
    );
    assert!(
        registry()
            .render()
            .contains("# TYPE cache_hits_total counter\n")
    );
    // A closed typed family always has all its series, at zero until used.
    let gathered = registry().gather();
    let violations = gathered
        .iter()
        .find(|family| family.name() == "security_violations_total")
        .expect("a closed family is always gathered");
    assert_eq!(violations.get_metric().len(), 3);
}
