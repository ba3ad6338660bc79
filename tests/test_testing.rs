//! The `metrics_core::testing` API: sample values, snapshot deltas that parallel tests do not
//! disturb, exposition comparison with a diff, series counts, lint.

use std::panic::catch_unwind;

use metrics_core::testing;
use metrics_core::{HistogramVec, IntCounterVec, IntGauge, Summary, metric};

/// Jobs run, by queue.
#[metric(labels = ["queue"])]
static TESTING_JOBS_TOTAL: IntCounterVec;

/// Job duration, by queue.
#[metric(labels = ["queue"], buckets = [1.0, 5.0])]
static TESTING_JOB_SECONDS: HistogramVec;

/// Job setup time.
#[metric(objectives = [(0.5, 0.05)])]
static TESTING_SETUP_SECONDS: Summary;

/// Workers busy.
#[metric]
static TESTING_WORKERS_BUSY: IntGauge;

/// Queue length, only set by the diff test.
#[metric]
static TESTING_QUEUE_LENGTH: IntGauge;

/// Retries, by queue.
#[metric(labels = ["queue"])]
static TESTING_RETRIES_TOTAL: IntCounterVec;

#[test]
fn sample_values_by_name_and_labels() {
    TESTING_JOB_SECONDS
        .with_label_values(&["mail"])
        .observe(3.0);
    TESTING_SETUP_SECONDS.observe(0.25);
    TESTING_WORKERS_BUSY.set(3);
    let value = |name, labels: &[(&str, &str)]| testing::get_sample_value(name, labels);
    assert_eq!(value("testing_workers_busy", &[]), Some(3.0));
    assert_eq!(
        value(
            "testing_job_seconds_bucket",
            &[("le", "5"), ("queue", "mail")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            "testing_job_seconds_bucket",
            &[("queue", "mail"), ("le", "1")]
        ),
        Some(0.0)
    );
    assert_eq!(
        value("testing_job_seconds_sum", &[("queue", "mail")]),
        Some(3.0)
    );
    assert_eq!(
        value("testing_setup_seconds", &[("quantile", "0.5")]),
        Some(0.25)
    );
    assert_eq!(value("testing_setup_seconds_count", &[]), Some(1.0));
    // Wrong labels, or a subset of them, match nothing.
    assert_eq!(value("testing_job_seconds_sum", &[("queue", "sms")]), None);
    assert_eq!(
        value("testing_job_seconds_bucket", &[("queue", "mail")]),
        None
    );
    assert_eq!(value("testing_no_such_metric", &[]), None);
}

#[test]
fn deltas_ignore_what_parallel_writers_do_to_other_series() {
    let before = testing::snapshot();
    std::thread::scope(|scope| {
        // Another "test" hammering a neighbouring series of the same family meanwhile.
        scope.spawn(|| {
            for _ in 0..1000 {
                TESTING_JOBS_TOTAL.with_label_values(&["noisy"]).inc();
            }
        });
        for _ in 0..5 {
            TESTING_JOBS_TOTAL.with_label_values(&["mine"]).inc();
        }
    });
    before.assert_delta("testing_jobs_total", &[("queue", "mine")], 5.0);
    assert_eq!(before.get("testing_jobs_total", &[("queue", "mine")]), None);
    assert_eq!(
        before.delta("testing_jobs_total", &[("queue", "mine")]),
        Some(5.0)
    );
    assert_eq!(
        before.delta("testing_jobs_total", &[("queue", "none")]),
        None
    );

    let failure = catch_unwind(|| {
        before.assert_delta("testing_jobs_total", &[("queue", "mine")], 4.0);
    })
    .unwrap_err();
    assert_eq!(
        failure.downcast_ref::<String>().unwrap(),
        "testing_jobs_total{queue=\"mine\"}: expected a change of 4, got 5\n  \
         before: no sample\n  now:    5"
    );
}

#[test]
fn exposition_comparison_shows_a_line_diff() {
    TESTING_RETRIES_TOTAL
        .with_label_values(&["video"])
        .inc_by(2);
    TESTING_RETRIES_TOTAL.with_label_values(&["audio"]).inc();
    testing::assert_exposition(
        &["testing_retries_total"],
        r#"
        # HELP testing_retries_total Retries, by queue.
        # TYPE testing_retries_total counter
        testing_retries_total{queue="audio"} 1
        testing_retries_total{queue="video"} 2
        "#,
    );

    TESTING_QUEUE_LENGTH.set(4);
    let failure = catch_unwind(|| {
        testing::assert_exposition(
            &["testing_queue_length"],
            "
            # HELP testing_queue_length Queue length, only set by the diff test.
            # TYPE testing_queue_length gauge
            testing_queue_length 7
            ",
        );
    })
    .unwrap_err();
    assert_eq!(
        failure.downcast_ref::<String>().unwrap(),
        "the exposition of [\"testing_queue_length\"] differs (- expected, + actual):\n  \
         # HELP testing_queue_length Queue length, only set by the diff test.\n  \
         # TYPE testing_queue_length gauge\n\
         - testing_queue_length 7\n\
         + testing_queue_length 4\n"
    );
}

#[test]
fn series_are_counted_per_family() {
    assert_eq!(testing::series_count("testing_workers_busy"), 1);
    assert_eq!(testing::series_count("testing_no_such_metric"), 0);
    TESTING_JOB_SECONDS.with_label_values(&["a"]).observe(1.0);
    TESTING_JOB_SECONDS.with_label_values(&["b"]).observe(1.0);
    assert!(testing::series_count("testing_job_seconds") >= 2);
}

#[test]
fn the_registry_is_lint_clean_and_foreign_names_are_checked() {
    testing::assert_lint_clean();
    assert_eq!(testing::lint(), Vec::<String>::new());
    // Another library's output, e.g. a collector registered at run time.
    let foreign = "# HELP legacyRequests Requests.\n# TYPE legacyRequests counter\n\
                   legacyRequests 3\n# TYPE cache_size_kilobytes gauge\ncache_size_kilobytes 1\n";
    assert_eq!(
        testing::lint_text(foreign),
        [
            "legacyRequests: metric names should be written in 'snake_case' not 'camelCase'",
            "legacyRequests: counter metrics should have \"_total\" suffix",
            "cache_size_kilobytes: no help text",
            "cache_size_kilobytes: use base unit \"bytes\" instead of \"kilobytes\"",
        ]
    );
}
