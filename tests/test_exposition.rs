//! The exact text each metric type renders in the Prometheus text format 0.0.4.

use metrics_core::{
    Counter, CounterVec, Gauge, Histogram, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, metric, registry,
};

/// Seconds of audio transcoded.
#[metric]
static EXPO_TRANSCODED_SECONDS_TOTAL: Counter;

/// Calls rejected before ringing.
#[metric]
static EXPO_REJECTED_CALLS_TOTAL: IntCounter;

/// Mean opinion score of the last call.
#[metric]
static EXPO_LAST_CALL_SCORE: Gauge;

/// Calls waiting in the queue.
#[metric]
static EXPO_QUEUED_CALLS: IntGauge;

/// Time to answer.
#[metric(buckets = [0.5, 1, 2.5])]
static EXPO_ANSWER_DELAY_SECONDS: Histogram;

/// Requests by method and path.
#[metric(labels = ["method", "path"], unbounded_labels = ["path"])]
static EXPO_REQUESTS_TOTAL: IntCounterVec;

/// Bytes sent, by peer.
#[metric(labels = ["peer"])]
static EXPO_SENT_BYTES_TOTAL: CounterVec;

/// Connections by state.
#[metric(labels = ["state"])]
static EXPO_CONNECTIONS: IntGaugeVec;

/// Call setup time by codec.
#[metric(labels = ["codec"], buckets = linear(1, 1, 3))]
static EXPO_SETUP_SECONDS: HistogramVec;

/// Never touched: exposed from the first scrape all the same.
#[metric]
static EXPO_UNTOUCHED_TOTAL: IntCounter;

/// Never touched, with labels.
#[metric(labels = ["kind"])]
static EXPO_UNTOUCHED_LABELLED_TOTAL: IntCounterVec;

/// Default buckets.
#[metric]
static EXPO_DEFAULT_BUCKETS_SECONDS: Histogram;

/// A help text with a backslash \ in it
/// and a second line in the same paragraph.
///
/// This second paragraph is rustdoc only.
#[metric]
static EXPO_HELP_ESCAPING: IntGauge;

fn render(name: &str) -> String {
    registry().render_only(&[name])
}

#[test]
fn counter() {
    EXPO_TRANSCODED_SECONDS_TOTAL.inc();
    EXPO_TRANSCODED_SECONDS_TOTAL.inc_by(0.25);
    assert_eq!(
        render("expo_transcoded_seconds_total"),
        "# HELP expo_transcoded_seconds_total Seconds of audio transcoded.\n\
         # TYPE expo_transcoded_seconds_total counter\n\
         expo_transcoded_seconds_total 1.25\n"
    );
}

#[test]
fn int_counter() {
    EXPO_REJECTED_CALLS_TOTAL.inc();
    EXPO_REJECTED_CALLS_TOTAL.inc_by(41);
    assert_eq!(
        render("expo_rejected_calls_total"),
        "# HELP expo_rejected_calls_total Calls rejected before ringing.\n\
         # TYPE expo_rejected_calls_total counter\n\
         expo_rejected_calls_total 42\n"
    );
}

#[test]
fn gauge() {
    EXPO_LAST_CALL_SCORE.set(4.5);
    EXPO_LAST_CALL_SCORE.dec();
    EXPO_LAST_CALL_SCORE.sub(0.25);
    assert_eq!(
        render("expo_last_call_score"),
        "# HELP expo_last_call_score Mean opinion score of the last call.\n\
         # TYPE expo_last_call_score gauge\n\
         expo_last_call_score 3.25\n"
    );
}

#[test]
fn int_gauge_goes_negative() {
    EXPO_QUEUED_CALLS.add(2);
    EXPO_QUEUED_CALLS.sub(5);
    assert_eq!(
        render("expo_queued_calls"),
        "# HELP expo_queued_calls Calls waiting in the queue.\n\
         # TYPE expo_queued_calls gauge\n\
         expo_queued_calls -3\n"
    );
}

#[test]
fn histogram_buckets_are_cumulative_and_inf_equals_count() {
    for value in [0.1, 0.5, 0.7, 2.5, 3.0, 100.0] {
        EXPO_ANSWER_DELAY_SECONDS.observe(value);
    }
    assert_eq!(
        render("expo_answer_delay_seconds"),
        "# HELP expo_answer_delay_seconds Time to answer.\n\
         # TYPE expo_answer_delay_seconds histogram\n\
         expo_answer_delay_seconds_bucket{le=\"0.5\"} 2\n\
         expo_answer_delay_seconds_bucket{le=\"1\"} 3\n\
         expo_answer_delay_seconds_bucket{le=\"2.5\"} 4\n\
         expo_answer_delay_seconds_bucket{le=\"+Inf\"} 6\n\
         expo_answer_delay_seconds_sum 106.8\n\
         expo_answer_delay_seconds_count 6\n"
    );
}

#[test]
fn labelled_series_are_sorted_by_label_values() {
    EXPO_REQUESTS_TOTAL
        .with_label_values(&["POST", "/calls"])
        .inc();
    EXPO_REQUESTS_TOTAL
        .with_label_values(&["GET", "/users"])
        .inc_by(3);
    EXPO_REQUESTS_TOTAL
        .with_label_values(&["GET", "/calls"])
        .inc();
    assert_eq!(
        render("expo_requests_total"),
        "# HELP expo_requests_total Requests by method and path.\n\
         # TYPE expo_requests_total counter\n\
         expo_requests_total{method=\"GET\",path=\"/calls\"} 1\n\
         expo_requests_total{method=\"GET\",path=\"/users\"} 3\n\
         expo_requests_total{method=\"POST\",path=\"/calls\"} 1\n"
    );
}

#[test]
fn label_values_are_escaped() {
    EXPO_SENT_BYTES_TOTAL
        .with_label_values(&["quote\" backslash\\ newline\n"])
        .inc_by(512.0);
    EXPO_SENT_BYTES_TOTAL
        .with_label_values(&["ünïcode ☎"])
        .inc();
    assert_eq!(
        render("expo_sent_bytes_total"),
        "# HELP expo_sent_bytes_total Bytes sent, by peer.\n\
         # TYPE expo_sent_bytes_total counter\n\
         expo_sent_bytes_total{peer=\"quote\\\" backslash\\\\ newline\\n\"} 512\n\
         expo_sent_bytes_total{peer=\"ünïcode ☎\"} 1\n"
    );
}

#[test]
fn gauge_vec_and_removal() {
    EXPO_CONNECTIONS.with_label_values(&["open"]).set(7);
    EXPO_CONNECTIONS.with_label_values(&["closing"]).set(1);
    EXPO_CONNECTIONS.remove_label_values(&["closing"]).unwrap();
    assert_eq!(
        render("expo_connections"),
        "# HELP expo_connections Connections by state.\n\
         # TYPE expo_connections gauge\n\
         expo_connections{state=\"open\"} 7\n"
    );
}

#[test]
fn histogram_vec_puts_le_after_the_labels() {
    EXPO_SETUP_SECONDS.with_label_values(&["opus"]).observe(1.0);
    EXPO_SETUP_SECONDS.with_label_values(&["opus"]).observe(2.5);
    EXPO_SETUP_SECONDS.with_label_values(&["g711"]).observe(9.0);
    assert_eq!(
        render("expo_setup_seconds"),
        "# HELP expo_setup_seconds Call setup time by codec.\n\
         # TYPE expo_setup_seconds histogram\n\
         expo_setup_seconds_bucket{codec=\"g711\",le=\"1\"} 0\n\
         expo_setup_seconds_bucket{codec=\"g711\",le=\"2\"} 0\n\
         expo_setup_seconds_bucket{codec=\"g711\",le=\"3\"} 0\n\
         expo_setup_seconds_bucket{codec=\"g711\",le=\"+Inf\"} 1\n\
         expo_setup_seconds_sum{codec=\"g711\"} 9\n\
         expo_setup_seconds_count{codec=\"g711\"} 1\n\
         expo_setup_seconds_bucket{codec=\"opus\",le=\"1\"} 1\n\
         expo_setup_seconds_bucket{codec=\"opus\",le=\"2\"} 1\n\
         expo_setup_seconds_bucket{codec=\"opus\",le=\"3\"} 2\n\
         expo_setup_seconds_bucket{codec=\"opus\",le=\"+Inf\"} 2\n\
         expo_setup_seconds_sum{codec=\"opus\"} 3.5\n\
         expo_setup_seconds_count{codec=\"opus\"} 2\n"
    );
}

#[test]
fn untouched_metrics_are_exposed_from_the_first_scrape() {
    assert_eq!(
        render("expo_untouched_total"),
        "# HELP expo_untouched_total Never touched: exposed from the first scrape all the same.\n\
         # TYPE expo_untouched_total counter\n\
         expo_untouched_total 0\n"
    );
    assert_eq!(
        render("expo_untouched_labelled_total"),
        "# HELP expo_untouched_labelled_total Never touched, with labels.\n\
         # TYPE expo_untouched_labelled_total counter\n"
    );
    assert_eq!(
        render("expo_default_buckets_seconds"),
        "# HELP expo_default_buckets_seconds Default buckets.\n\
         # TYPE expo_default_buckets_seconds histogram\n\
         expo_default_buckets_seconds_bucket{le=\"0.005\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"0.01\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"0.025\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"0.05\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"0.1\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"0.25\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"0.5\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"1\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"2.5\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"5\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"10\"} 0\n\
         expo_default_buckets_seconds_bucket{le=\"+Inf\"} 0\n\
         expo_default_buckets_seconds_sum 0\n\
         expo_default_buckets_seconds_count 0\n"
    );
}

#[test]
fn help_is_the_first_paragraph_escaped() {
    assert_eq!(
        render("expo_help_escaping"),
        "# HELP expo_help_escaping A help text with a backslash \\\\ in it and a second line \
         in the same paragraph.\n\
         # TYPE expo_help_escaping gauge\n\
         expo_help_escaping 0\n"
    );
}

#[test]
fn the_whole_registry_is_sorted_by_name_with_one_family_per_name() {
    let text = registry().render();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .map(|rest| rest.split(' ').next().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted);
    assert!(names.contains(&"expo_untouched_total"));
    assert!(names.contains(&"metrics_core_rejected_samples_total"));
}
