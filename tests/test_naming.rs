//! One table of names through both sides: what `#[metric]` decides when it compiles a
//! declaration (`metrics_macros::__naming_verdicts!` runs the attribute on each) against what the
//! runtime decides about the same name (`metrics_core::naming`, `testing::lint_text` on an
//! exposition, the OpenMetrics family the registry checks clashes by). They share
//! `metrics-naming`; this catches either side applying a rule the other does not.

use metrics_core::naming::{self, MetricType};
use metrics_core::{ErrorKind, LabelValue, testing};

/// `(# TYPE word, name, label, Ok(family) | Err(every error message))`, decided by the
/// attribute.
type Verdict = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Result<&'static str, &'static [&'static str]>,
);

const METRIC_NAMES: &[Verdict] = metrics_macros::__naming_verdicts! {
    IntCounter "voice_calls_total",
    Counter "job_seconds_total",
    Gauge "voice_active_calls",
    Histogram "voice_call_duration_seconds",
    Summary "rpc_duration_seconds",
    Gauge "process_start_time_seconds",
    Gauge "node_boot_timestamp_seconds",
    Gauge "ms_queue_depth",
    Gauge "cache_hit_ratio",
    Info "voice_build_info" ["version"],
    StateSet "voice_worker_state",
    IntCounter "jobs",
    IntCounter "jobs_count",
    Gauge "jobs_total",
    Gauge "queue_bucket",
    Gauge "queue_count",
    Summary "queue_sum",
    Histogram "wait_bucket",
    Histogram "last_run_timestamp_seconds",
    Gauge "queue_gauge_items",
    Histogram "latency_histogram",
    Gauge "cache_size_kilobytes",
    Histogram "request_latency_milliseconds",
    Gauge "uptime_hours",
    Histogram "request_latency_ms",
    Gauge "uptime_h",
    Gauge "queueTime",
    Gauge "queueHTTPErrors",
    IntCounter "httpRequests",
    Info "voice_build" ["version"],
    Gauge "job:calls",
    Gauge "__up",
    Gauge "5xx_errors",
    IntCounterVec "calls_total" ["status"],
    IntCounterVec "calls_total" ["statusCode"],
    IntCounterVec "calls_total" ["le"],
    HistogramVec "call_seconds" ["le"],
    GaugeVec "queue_depth" ["quantile"],
    IntCounterVec "calls_total" ["__shard"],
};

/// The `# TYPE` line word of a verdict, as the runtime reads it.
fn runtime_type(word: &str) -> MetricType {
    MetricType::from_type_line(word).expect("the macro names a known type")
}

/// The exposition a family of this name and type would have (one series), for `lint_text`.
fn exposition(word: &str, name: &str, label: Option<&str>) -> String {
    let labels = label
        .map(|label| format!("{{{label}=\"x\"}}"))
        .unwrap_or_default();
    format!("# HELP {name} Checked.\n# TYPE {name} {word}\n{name}{labels} 1\n")
}

#[test]
fn the_attribute_and_the_runtime_agree_on_every_name() {
    for &(word, name, label, verdict) in METRIC_NAMES {
        let metric_type = runtime_type(word);
        let context = format!("{word} `{name}`: the attribute said {verdict:?}");
        if let Err(invalid) = naming::check_metric_name(name) {
            // Invalid names are refused before any lint, with the shared message.
            assert_eq!(
                verdict,
                Err(&[invalid.to_string().as_str()][..]),
                "{context}"
            );
            continue;
        }
        let mut problems = naming::lint_metric_name(name, metric_type);
        if let Some(label) = label {
            if let Err(invalid) = naming::check_label_name(label) {
                assert_eq!(
                    verdict,
                    Err(&[invalid.to_string().as_str()][..]),
                    "{context}"
                );
                continue;
            }
            problems.extend(naming::lint_label_name(label, metric_type));
        }

        // The runtime lint of the exposition reports exactly these problems (promtool's words;
        // a histogram's own `le` is not exposed as a declared label, so it is left out there).
        let linted = testing::lint_text(&exposition(word, name, label));
        let mut expected: Vec<String> = Vec::new();
        for problem in &problems {
            let own_label = matches!(
                problem,
                naming::Problem::ReservedLabel {
                    label: "le",
                    metric_type: MetricType::Histogram
                } | naming::Problem::ReservedLabel {
                    label: "quantile",
                    metric_type: MetricType::Summary
                }
            );
            let line = format!("{name}: {problem}");
            if !own_label && !expected.contains(&line) {
                expected.push(line);
            }
        }
        assert_eq!(linted, expected, "{context}");

        match verdict {
            Ok(family) => {
                assert_eq!(problems, [], "{context}");
                // The family the attribute's duplicate check uses is the registry's.
                assert_eq!(family, naming::family_name(name, metric_type), "{context}");
                assert!(
                    naming::exposed_names(name, metric_type).contains(&family.to_owned()),
                    "{context}"
                );
            }
            Err(messages) => {
                assert_eq!(messages.len(), problems.len(), "{context}");
                for (message, problem) in messages.iter().zip(&problems) {
                    let names_the_fix = match problem {
                        naming::Problem::ReservedLabel { label, .. } => {
                            message.contains(&format!("the label `{label}` is reserved"))
                        }
                        naming::Problem::LabelCamelCase { suggested, .. } => {
                            message.ends_with(&format!("write `\"{suggested}\"`"))
                        }
                        other => message
                            .contains(&format!("`name = \"{}\"`", other.suggested().unwrap())),
                    };
                    assert!(names_the_fix, "{context}: `{message}` vs {problem:?}");
                }
            }
        }
    }
}

/// snake_case is the attribute's derives' (label values, error kinds) and the runtime's
/// (suggested names) alike: `HTTPError` is `http_error` everywhere.
#[derive(Clone, Copy, Debug, LabelValue, ErrorKind)]
#[allow(clippy::upper_case_acronyms)]
enum Outcome {
    Completed,
    NoAnswer,
    HTTPError,
    IPv4,
    Io2Failure,
    Status5xx,
}

#[test]
fn snake_case_is_one_function() {
    for (value, rust_name) in [
        (Outcome::Completed, "Completed"),
        (Outcome::NoAnswer, "NoAnswer"),
        (Outcome::HTTPError, "HTTPError"),
        (Outcome::IPv4, "IPv4"),
        (Outcome::Io2Failure, "Io2Failure"),
        (Outcome::Status5xx, "Status5xx"),
    ] {
        let snake = naming::snake_case(rust_name);
        assert_eq!(value.with_str(str::to_owned), snake);
        assert_eq!(value.error_kind(), snake);
    }
    assert_eq!(naming::snake_case("HTTPError"), "http_error");
    assert_eq!(naming::snake_case("queueHTTPErrors"), "queue_http_errors");
}
