//! Exemplars on counters and histograms, unlabelled, labelled and typed: exposed in
//! OpenMetrics and protobuf, never in the text format 0.0.4; refused past 128 characters while
//! the sample itself is recorded; read by the Python client's strict OpenMetrics parser.

use std::io::Write;
use std::process::{Command, Stdio};

use metrics_core::encoding::proto;
use metrics_core::{
    Error, Family, Format, Histogram, HistogramVec, IntCounter, IntCounterVec, LabelValue, metric,
    registry,
};
use prost::Message;

#[derive(Clone, Copy, LabelValue)]
enum Route {
    Calls,
}

/// Calls answered.
#[metric]
static EX_ANSWERED_TOTAL: IntCounter;

/// Requests, by route.
#[metric(labels = ["route"])]
static EX_REQUESTS_TOTAL: IntCounterVec;

/// Time to set up a call.
#[metric(buckets = [0.5, 1.0])]
static EX_SETUP_SECONDS: Histogram;

/// Request durations, by route.
#[metric(labels = ["route"], buckets = [0.1, 1.0])]
static EX_REQUEST_SECONDS: HistogramVec;

/// Request durations, by typed route.
#[metric(labels = ["route"], buckets = [1.0])]
static EX_TYPED_SECONDS: Family<Route, Histogram>;

/// Refused exemplars.
#[metric(buckets = [1.0])]
static EX_REFUSED_SECONDS: Histogram;
/// Refused counter exemplars.
#[metric]
static EX_REFUSED_TOTAL: IntCounter;

/// Python's parser's counter.
#[metric]
static EX_PY_TOTAL: IntCounter;
/// Python's parser's histogram.
#[metric(labels = ["route"], buckets = [1.0])]
static EX_PY_SECONDS: Family<Route, Histogram>;

const NAMES: &[&str] = &[
    "ex_answered_total",
    "ex_request_seconds",
    "ex_requests_total",
    "ex_setup_seconds",
    "ex_typed_seconds",
];

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// Replaces each exemplar's timestamp (the last field after ` # {...} value `) and each
/// `_created` value with a placeholder, after checking that they are recent times.
fn without_times(text: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let recent = |value: &str| {
        let value: f64 = value.parse().unwrap();
        assert!(
            value > now - 3600.0 && value < now + 1.0,
            "{value} is not recent"
        );
    };
    text.lines()
        .map(|line| {
            if line.contains("_created") {
                let (sample, created) = line.rsplit_once(' ').unwrap();
                recent(created);
                return format!("{sample} <created>");
            }
            match line.split_once(" # {") {
                Some((sample, exemplar)) => {
                    let (rest, timestamp) = exemplar.rsplit_once(' ').unwrap();
                    recent(timestamp);
                    format!("{sample} # {{{rest} <time>")
                }
                None => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn record() {
    EX_ANSWERED_TOTAL
        .inc_with_exemplar(&[("trace_id", TRACE)])
        .unwrap();
    EX_REQUESTS_TOTAL
        .with_label_values(&["/calls"])
        .inc_by_with_exemplar(3, &[("trace_id", "a-b")])
        .unwrap();
    EX_SETUP_SECONDS
        .observe_with_exemplar(0.7, &[("trace_id", TRACE), ("span_id", "00f067aa0ba902b7")])
        .unwrap();
    EX_SETUP_SECONDS.observe(0.8);
    EX_SETUP_SECONDS
        .observe_with_exemplar(3.0, &[("trace_id", "late")])
        .unwrap();
    EX_REQUEST_SECONDS
        .with_label_values(&["/calls"])
        .observe_with_exemplar(0.05, &[("trace_id", "fast")])
        .unwrap();
    EX_TYPED_SECONDS
        .get(Route::Calls)
        .observe_with_exemplar(0.5, &[("trace_id", "typed")])
        .unwrap();
}

#[test]
fn exemplars_in_openmetrics_and_protobuf_not_in_text() {
    record();

    let openmetrics =
        String::from_utf8(registry().encode_with_created(Format::OpenMetrics, Some(NAMES)))
            .unwrap();
    assert_eq!(
        without_times(&openmetrics),
        r#"# HELP ex_answered Calls answered.
# TYPE ex_answered counter
ex_answered_total 1 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 1 <time>
ex_answered_created <created>
# HELP ex_request_seconds Request durations, by route.
# TYPE ex_request_seconds histogram
# UNIT ex_request_seconds seconds
ex_request_seconds_bucket{route="/calls",le="0.1"} 1 # {trace_id="fast"} 0.05 <time>
ex_request_seconds_bucket{route="/calls",le="1.0"} 1
ex_request_seconds_bucket{route="/calls",le="+Inf"} 1
ex_request_seconds_count{route="/calls"} 1
ex_request_seconds_sum{route="/calls"} 0.05
ex_request_seconds_created{route="/calls"} <created>
# HELP ex_requests Requests, by route.
# TYPE ex_requests counter
ex_requests_total{route="/calls"} 3 # {trace_id="a-b"} 3 <time>
ex_requests_created{route="/calls"} <created>
# HELP ex_setup_seconds Time to set up a call.
# TYPE ex_setup_seconds histogram
# UNIT ex_setup_seconds seconds
ex_setup_seconds_bucket{le="0.5"} 0
ex_setup_seconds_bucket{le="1.0"} 2 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.7 <time>
ex_setup_seconds_bucket{le="+Inf"} 3 # {trace_id="late"} 3 <time>
ex_setup_seconds_count 3
ex_setup_seconds_sum 4.5
ex_setup_seconds_created <created>
# HELP ex_typed_seconds Request durations, by typed route.
# TYPE ex_typed_seconds histogram
# UNIT ex_typed_seconds seconds
ex_typed_seconds_bucket{route="calls",le="1.0"} 1 # {trace_id="typed"} 0.5 <time>
ex_typed_seconds_bucket{route="calls",le="+Inf"} 1
ex_typed_seconds_count{route="calls"} 1
ex_typed_seconds_sum{route="calls"} 0.5
ex_typed_seconds_created{route="calls"} <created>
# EOF
"#
    );

    // The text format 0.0.4 has no exemplars.
    let text = registry().render_only(NAMES);
    assert!(text.lines().all(|line| !line.contains(" # ")), "{text}");
    assert!(text.contains("ex_setup_seconds_bucket{le=\"1\"} 2\n"));

    // Protobuf: on the counter and on the finite buckets (`+Inf` is implicit there).
    let bytes = registry().encode(
        Format::Protobuf,
        Some(&["ex_answered_total", "ex_setup_seconds"]),
    );
    let mut input = &bytes[..];
    let answered = proto::MetricFamily::decode_length_delimited(&mut input).unwrap();
    let setup = proto::MetricFamily::decode_length_delimited(&mut input).unwrap();
    assert!(input.is_empty());
    let exemplar = answered.metric[0]
        .counter
        .as_ref()
        .unwrap()
        .exemplar
        .clone()
        .unwrap();
    assert_eq!(exemplar.label[0].name(), "trace_id");
    assert_eq!(exemplar.label[0].value(), TRACE);
    assert_eq!(exemplar.value(), 1.0);
    assert!(exemplar.timestamp.unwrap().seconds > 1_600_000_000);
    let buckets = &setup.metric[0].histogram.as_ref().unwrap().bucket;
    assert_eq!(buckets.len(), 2);
    assert!(buckets[0].exemplar.is_none());
    let exemplar = buckets[1].exemplar.as_ref().unwrap();
    let labels: Vec<(&str, &str)> = exemplar
        .label
        .iter()
        .map(|l| (l.name(), l.value()))
        .collect();
    assert_eq!(
        labels,
        [("trace_id", TRACE), ("span_id", "00f067aa0ba902b7")]
    );
    assert_eq!(exemplar.value(), 0.7);
}

/// Limit: 128 characters of names and values together, counted as characters, not bytes.
/// A longer exemplar is refused with an error, the sample is recorded, and the bucket keeps
/// its previous exemplar.
#[test]
fn a_long_exemplar_is_refused_and_the_sample_recorded() {
    EX_REFUSED_SECONDS
        .observe_with_exemplar(0.5, &[("trace_id", "kept")])
        .unwrap();
    let long = "ü".repeat(121); // 8 + 121 = 129 characters, 250 bytes
    let error = EX_REFUSED_SECONDS
        .observe_with_exemplar(0.25, &[("trace_id", &long)])
        .unwrap_err();
    assert_eq!(
        error,
        Error::ExemplarTooLong {
            metric: "ex_refused_seconds",
            chars: 129
        }
    );
    assert_eq!(
        error.to_string(),
        "metric `ex_refused_seconds` refused an exemplar: its label names and values have 129 \
         characters, more than the 128 OpenMetrics allows; the sample itself was recorded"
    );
    assert_eq!(EX_REFUSED_SECONDS.get_sample_count(), 2);
    assert_eq!(EX_REFUSED_SECONDS.get_sample_sum(), 0.75);

    let error = EX_REFUSED_TOTAL
        .inc_with_exemplar(&[("trace id", "x")])
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "metric `ex_refused_total` refused an exemplar: `trace id` is not a valid label name \
         ([a-zA-Z_][a-zA-Z0-9_]*); the sample itself was recorded"
    );
    assert_eq!(EX_REFUSED_TOTAL.get(), 1);

    let openmetrics = registry().render_openmetrics_with_created();
    let bucket = openmetrics
        .lines()
        .find(|line| line.starts_with("ex_refused_seconds_bucket{le=\"1.0\"}"))
        .unwrap();
    assert!(
        bucket.starts_with("ex_refused_seconds_bucket{le=\"1.0\"} 2 # {trace_id=\"kept\"} 0.5 ")
    );
    assert!(openmetrics.contains("ex_refused_total 1\n"));
}

/// The Python client's strict OpenMetrics parser reads the whole exposition, exemplars
/// included (`pip install prometheus-client`; `.ci/run` installs it).
#[test]
fn python_openmetrics_parser_reads_the_exemplars() {
    let python = Command::new("python3")
        .args(["-c", "import prometheus_client"])
        .status()
        .is_ok_and(|status| status.success());
    if !python {
        assert!(
            std::env::var("METRICS_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "python3 with prometheus_client is required (METRICS_REQUIRE_TOOLS=1): \
             pip install prometheus-client"
        );
        eprintln!("skipped: python3 -m pip install prometheus-client");
        return;
    }
    EX_PY_SECONDS
        .get(Route::Calls)
        .observe_with_exemplar(0.25, &[("trace_id", "py")])
        .unwrap();
    EX_PY_TOTAL
        .inc_with_exemplar(&[("trace_id", "python")])
        .unwrap();
    let script = r#"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        if sample.exemplar is not None and family.name.startswith("ex_"):
            print(sample.name, sorted(sample.exemplar.labels.items()), sample.exemplar.value)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The whole registry: every family of this test binary must parse.
    let body = registry().render_openmetrics_with_created();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "parser failed: {stderr}\n{body}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("ex_py_total [('trace_id', 'python')] 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ex_py_seconds_bucket [('trace_id', 'py')] 0.25\n"),
        "{stdout}"
    );
}
