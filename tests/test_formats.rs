//! Exact expositions in the three formats, and `Accept` negotiation choosing between them.

use metrics_core::http::{MetricsEndpoint, ScrapeRequest};
use metrics_core::{
    Format, Gauge, HistogramVec, IntCounter, IntCounterVec, OPENMETRICS_CONTENT_TYPE,
    PROTOBUF_CONTENT_TYPE, TEXT_CONTENT_TYPE, metric, registry,
};
use prometheus::proto;
use protobuf::{CodedInputStream, Message};

/// Jobs run, by outcome.
#[metric(labels = ["outcome"])]
static FMT_JOBS_TOTAL: IntCounterVec;

/// Time a job took.
#[metric(labels = ["queue"], buckets = [0.5, 1.0, 2.5])]
static FMT_JOB_DURATION_SECONDS: HistogramVec;

/// Share of the "fast" queue in use.
#[metric]
static FMT_QUEUE_USAGE_RATIO: Gauge;

/// Jobs started since the process began.
#[metric]
static FMT_STARTED_TOTAL: IntCounter;

metrics_core::build_info!(channel = "stable");

const NAMES: &[&str] = &[
    "fmt_jobs_total",
    "fmt_job_duration_seconds",
    "fmt_queue_usage_ratio",
    "fmt_started",
    "test_formats_build_info",
];

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Replaces each `_created` value with `<created>` after checking it lies in `range`.
fn check_created(text: &str, range: (f64, f64)) -> String {
    text.lines()
        .map(|line| {
            let Some((series, value)) = line.rsplit_once(' ') else {
                return line.to_owned();
            };
            if !series.split('{').next().unwrap().ends_with("_created") {
                return line.to_owned();
            }
            let value: f64 = value.parse().unwrap();
            assert!(
                range.0 <= value && value <= range.1,
                "{line}: not within {range:?}"
            );
            format!("{series} <created>")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn the_same_metrics_in_text_openmetrics_and_protobuf() {
    let before = now();
    FMT_JOBS_TOTAL.with_label_values(&["ok"]).inc_by(3);
    FMT_JOBS_TOTAL.with_label_values(&["failed \"hard\""]).inc();
    FMT_JOB_DURATION_SECONDS
        .with_label_values(&["fast"])
        .observe(0.75);
    FMT_JOB_DURATION_SECONDS
        .with_label_values(&["fast"])
        .observe(3.0);
    FMT_QUEUE_USAGE_RATIO.set(0.5);
    FMT_STARTED_TOTAL.inc_by(4);
    let after = now();

    let text = String::from_utf8(registry().encode(Format::Text, Some(NAMES))).unwrap();
    assert_eq!(
        text,
        r#"# HELP fmt_job_duration_seconds Time a job took.
# TYPE fmt_job_duration_seconds histogram
fmt_job_duration_seconds_bucket{queue="fast",le="0.5"} 0
fmt_job_duration_seconds_bucket{queue="fast",le="1"} 1
fmt_job_duration_seconds_bucket{queue="fast",le="2.5"} 1
fmt_job_duration_seconds_bucket{queue="fast",le="+Inf"} 2
fmt_job_duration_seconds_sum{queue="fast"} 3.75
fmt_job_duration_seconds_count{queue="fast"} 2
# HELP fmt_jobs_total Jobs run, by outcome.
# TYPE fmt_jobs_total counter
fmt_jobs_total{outcome="failed \"hard\""} 1
fmt_jobs_total{outcome="ok"} 3
# HELP fmt_queue_usage_ratio Share of the "fast" queue in use.
# TYPE fmt_queue_usage_ratio gauge
fmt_queue_usage_ratio 0.5
# HELP fmt_started_total Jobs started since the process began.
# TYPE fmt_started_total counter
fmt_started_total 4
# HELP test_formats_build_info Build information about metrics-tests, as labels; the value is always 1.
# TYPE test_formats_build_info gauge
test_formats_build_info{version="0.1.0",channel="stable"} 1
"#
    );

    let openmetrics =
        String::from_utf8(registry().encode_with_created(Format::OpenMetrics, Some(NAMES)))
            .unwrap();
    // Labelled series were created during this test; the unlabelled counter with the process.
    let (series, statics) = openmetrics.split_at(openmetrics.find("# HELP fmt_queue").unwrap());
    let process_start = {
        let text = registry().render_only(&["process_start_time_seconds"]);
        let value = text.lines().last().unwrap().rsplit_once(' ').unwrap().1;
        value.parse::<f64>().unwrap()
    };
    let openmetrics = check_created(series, (before, after))
        + &check_created(statics, (process_start, process_start));
    assert_eq!(
        openmetrics,
        r#"# HELP fmt_job_duration_seconds Time a job took.
# TYPE fmt_job_duration_seconds histogram
# UNIT fmt_job_duration_seconds seconds
fmt_job_duration_seconds_bucket{queue="fast",le="0.5"} 0
fmt_job_duration_seconds_bucket{queue="fast",le="1.0"} 1
fmt_job_duration_seconds_bucket{queue="fast",le="2.5"} 1
fmt_job_duration_seconds_bucket{queue="fast",le="+Inf"} 2
fmt_job_duration_seconds_count{queue="fast"} 2
fmt_job_duration_seconds_sum{queue="fast"} 3.75
fmt_job_duration_seconds_created{queue="fast"} <created>
# HELP fmt_jobs Jobs run, by outcome.
# TYPE fmt_jobs counter
fmt_jobs_total{outcome="failed \"hard\""} 1
fmt_jobs_created{outcome="failed \"hard\""} <created>
fmt_jobs_total{outcome="ok"} 3
fmt_jobs_created{outcome="ok"} <created>
# HELP fmt_queue_usage_ratio Share of the \"fast\" queue in use.
# TYPE fmt_queue_usage_ratio gauge
# UNIT fmt_queue_usage_ratio ratio
fmt_queue_usage_ratio 0.5
# HELP fmt_started Jobs started since the process began.
# TYPE fmt_started counter
fmt_started_total 4
fmt_started_created <created>
# HELP test_formats_build Build information about metrics-tests, as labels; the value is always 1.
# TYPE test_formats_build info
test_formats_build_info{version="0.1.0",channel="stable"} 1
# EOF
"#
    );
    // By default the same, without the `_created` lines (Prometheus 2 would store each as a
    // series of its own).
    let default = String::from_utf8(registry().encode(Format::OpenMetrics, Some(NAMES))).unwrap();
    let without_created: String = openmetrics
        .lines()
        .filter(|line| !line.contains("_created"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(default, without_created);

    // Protobuf: length-delimited `MetricFamily` messages, the same data as `gather`.
    let bytes = registry().encode(Format::Protobuf, Some(NAMES));
    let mut input = CodedInputStream::from_bytes(&bytes);
    let mut decoded = Vec::new();
    while !input.eof().unwrap() {
        let family: proto::MetricFamily = input.read_message().unwrap();
        decoded.push(family);
    }
    let names: Vec<&str> = decoded.iter().map(|family| family.name()).collect();
    assert_eq!(
        names,
        [
            "fmt_job_duration_seconds",
            "fmt_jobs_total",
            "fmt_queue_usage_ratio",
            "fmt_started_total",
            "test_formats_build_info",
        ]
    );
    let expected: Vec<proto::MetricFamily> = registry()
        .gather()
        .into_iter()
        .filter(|family| names.contains(&family.name()))
        .collect();
    assert_eq!(decoded, expected);
    let jobs = &decoded[1];
    assert_eq!(jobs.get_metric()[1].get_counter().value(), 3.0);
    assert_eq!(
        decoded[0].get_metric()[0].get_histogram().get_sample_sum(),
        3.75
    );
    assert_eq!(
        decoded[0].write_to_bytes().unwrap(),
        expected[0].write_to_bytes().unwrap()
    );
}

#[test]
fn accept_header_picks_the_format() {
    let endpoint = MetricsEndpoint::new();
    let scrape = |accept: Option<&str>| {
        endpoint.respond(&ScrapeRequest {
            method: "GET",
            path: Some("/metrics"),
            query: Some("name[]=fmt_queue_usage_ratio"),
            accept,
            accept_encoding: None,
            authorization: None,
        })
    };
    let cases = [
        (None, TEXT_CONTENT_TYPE),
        (Some("*/*"), TEXT_CONTENT_TYPE),
        (
            Some("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"),
            OPENMETRICS_CONTENT_TYPE,
        ),
        (
            Some("application/openmetrics-text;q=0.3,text/plain;version=0.0.4;q=0.5"),
            TEXT_CONTENT_TYPE,
        ),
        (
            Some(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
                 encoding=delimited;q=0.9,text/plain;q=0.2",
            ),
            PROTOBUF_CONTENT_TYPE,
        ),
    ];
    for (accept, content_type) in cases {
        let response = scrape(accept);
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("content-type"),
            Some(content_type),
            "{accept:?}"
        );
    }
    FMT_QUEUE_USAGE_RATIO.set(0.5);
    assert_eq!(
        String::from_utf8(scrape(Some("application/openmetrics-text")).body).unwrap(),
        "# HELP fmt_queue_usage_ratio Share of the \\\"fast\\\" queue in use.\n\
         # TYPE fmt_queue_usage_ratio gauge\n\
         # UNIT fmt_queue_usage_ratio ratio\n\
         fmt_queue_usage_ratio 0.5\n\
         # EOF\n"
    );
}
