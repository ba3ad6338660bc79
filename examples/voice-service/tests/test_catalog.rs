//! The binary's metric catalog (`--list-metrics`) and the Grafana dashboard generated from it,
//! which is checked in as `docs/grafana-voice-service.json`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn run(flag: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_voice-service"))
        .arg(flag)
        .output()
        .expect("run voice-service");
    assert!(output.status.success(), "{flag}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn dashboard_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/grafana-voice-service.json")
}

/// Fails when a metric was added, removed or changed without regenerating the dashboard;
/// `METRICS_UPDATE_DASHBOARD=1` rewrites it.
#[test]
fn the_checked_in_dashboard_is_the_generated_one() {
    let generated = run("--grafana-dashboard");
    let path = dashboard_path();
    if std::env::var("METRICS_UPDATE_DASHBOARD").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert!(
        checked_in == generated,
        "docs/grafana-voice-service.json is stale: regenerate it with \
         `cargo run -p voice-service -- --grafana-dashboard > docs/grafana-voice-service.json` \
         (or run this test with METRICS_UPDATE_DASHBOARD=1)"
    );
}

#[test]
fn the_json_catalog_lists_every_metric_with_its_source() {
    let catalog: Value = serde_json::from_str(&run("--list-metrics=json")).unwrap();
    let metrics = catalog["metrics"].as_array().unwrap();
    let names: Vec<&str> = metrics
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "cache_entries",
            "cache_hits_total",
            "cache_misses_total",
            "http_request_duration_seconds",
            "http_requests_in_flight",
            "http_requests_total",
            "metrics_core_cardinality_overflow_total",
            "metrics_core_facade_rejected_total",
            "metrics_core_rejected_samples_total",
            "process_cpu_seconds_total",
            "process_max_fds",
            "process_open_fds",
            "process_resident_memory_bytes",
            "process_start_time_seconds",
            "process_virtual_memory_bytes",
            "security_violations_total",
            "tokio_busy_ratio",
            "tokio_global_queue_depth",
            "tokio_live_tasks",
            "tokio_max_busy_duration_total",
            "tokio_max_park",
            "tokio_min_busy_duration_total",
            "tokio_min_park",
            "tokio_total_busy_duration_total",
            "tokio_total_park",
            "tokio_workers",
            "voice_active_calls",
            "voice_call_duration_native_seconds",
            "voice_call_duration_seconds",
            "voice_call_errors_total",
            "voice_call_setup_seconds",
            "voice_calls_total",
            "voice_config_info",
            "voice_last_call_end_timestamp_seconds",
            "voice_service_build_info",
            "voice_trunk_state",
        ]
    );
    let entry = |name: &str| metrics.iter().find(|m| m["name"] == name).unwrap().clone();
    let duration = entry("voice_call_duration_seconds");
    let line = duration["source"]["line"].clone();
    assert_eq!(
        duration,
        json!({
            "name": "voice_call_duration_seconds",
            "type": "histogram",
            "help": "Voice call duration.",
            "unit": "seconds",
            "labels": [{"name": "status", "values": ["completed", "failed", "no_answer"]}],
            "buckets": [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0],
            "source": {
                "kind": "metric",
                "crate": "voice_metrics",
                "module": "voice_metrics",
                "file": "examples/voice-metrics/src/lib.rs",
                "line": line,
            },
        })
    );
    assert!(line.as_u64().unwrap() > 0);
    assert_eq!(
        entry("voice_trunk_state")["labels"],
        json!([{"name": "voice_trunk_state", "values": ["up", "degraded", "down"]}])
    );
    assert_eq!(
        entry("cache_entries")["labels"],
        json!([{"name": "cache_key_prefix", "values": ["user"]}])
    );
    assert_eq!(
        entry("http_requests_total")["labels"],
        json!([
            {"name": "method", "values": null},
            {"name": "endpoint", "values": null},
            {"name": "status", "values": null},
        ])
    );
    // A metric of a third-party crate, reported through the `metrics` facade.
    assert_eq!(
        entry("tokio_total_busy_duration_total"),
        json!({
            "name": "tokio_total_busy_duration_total",
            "type": "counter",
            "help": "The amount of time worker threads were busy (unit: microseconds)",
            "unit": "microseconds",
            "labels": [],
            "buckets": [],
            "source": {
                "kind": "metrics-facade",
                "crate": "tokio_metrics",
                "module": "tokio_metrics::runtime::metrics_rs_integration",
                "file": null,
                "line": null,
            },
        })
    );
}

#[test]
fn the_markdown_catalog_has_a_row_per_metric() {
    let markdown = run("--list-metrics");
    assert_eq!(run("--list-metrics=md"), markdown);
    let lines: Vec<&str> = markdown.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "# Metrics",
            "",
            "36 metrics.",
            "",
            "| Metric | Type | Unit | Labels | Buckets | Help | Defined at |",
            "|---|---|---|---|---|---|---|",
        ]
    );
    assert_eq!(lines.len(), 6 + 36);
    let row = |name: &str| {
        *lines
            .iter()
            .find(|line| line.starts_with(&format!("| `{name}` |")))
            .unwrap()
    };
    let security = row("security_violations_total");
    assert!(
        security.starts_with(
            "| `security_violations_total` | counter |  | `violation_type`: \
             `rate_limit_exceeded`, `invalid_token`, `forbidden_path` |  | Total security \
             violations, by violation type. | http_metrics (examples/http-metrics/src/lib.rs:"
        ),
        "{security}"
    );
    assert_eq!(
        row("tokio_workers"),
        "| `tokio_workers` | gauge | count |  |  | The number of worker threads used by the \
         runtime | `metrics` facade, tokio_metrics::runtime::metrics_rs_integration |"
    );
}
