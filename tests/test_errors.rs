//! Bad input at run time: a `Result` with a clear message, or a documented behaviour that loses
//! nothing. Never a panic.

use metrics_core::{Counter, Error, Histogram, IntCounterVec, metric, registry};

/// Refunds, in currency units.
#[metric]
static ERRORS_REFUNDED_TOTAL: Counter;

/// Jitter per packet.
#[metric(buckets = [0.001, 0.01])]
static ERRORS_JITTER_SECONDS: Histogram;

/// Calls by status and region.
#[metric(labels = ["status", "region"])]
static ERRORS_CALLS_TOTAL: IntCounterVec;

/// Unbounded.
#[metric]
static ERRORS_UNBOUNDED_TOTAL: Counter;

#[test]
fn wrong_number_of_label_values_is_an_error_with_the_metric_and_its_labels() {
    let values: Vec<&str> = vec!["completed"];
    let error = ERRORS_CALLS_TOTAL
        .get_metric_with_label_values(&values)
        .err()
        .unwrap();
    assert_eq!(
        error,
        Error::LabelCount {
            metric: "errors_calls_total",
            expected: &["status", "region"],
            got: 1,
        }
    );
    assert_eq!(
        error.to_string(),
        "metric `errors_calls_total` has 2 label(s) [\"status\", \"region\"], but 1 value(s) were given"
    );
    let ok = ERRORS_CALLS_TOTAL
        .get_metric_with_label_values(&["completed", "eu"])
        .unwrap();
    ok.inc();
    assert_eq!(
        ERRORS_CALLS_TOTAL
            .with_label_values(&["completed", "eu"])
            .get(),
        1
    );
}

#[test]
fn removing_a_missing_series_is_an_error() {
    assert_eq!(
        ERRORS_CALLS_TOTAL
            .remove_label_values(&["failed", "mars"])
            .unwrap_err()
            .to_string(),
        "metric `errors_calls_total` has no series with label values [\"failed\", \"mars\"]"
    );
}

#[test]
fn a_negative_or_nan_counter_increment_is_rejected_and_counted() {
    ERRORS_REFUNDED_TOTAL.inc_by(2.5);
    assert_eq!(
        ERRORS_REFUNDED_TOTAL
            .try_inc_by(-1.0)
            .unwrap_err()
            .to_string(),
        "metric `errors_refunded_total` rejected the value -1: a counter cannot go down"
    );
    ERRORS_REFUNDED_TOTAL.inc_by(-1.0);
    ERRORS_REFUNDED_TOTAL.inc_by(f64::NAN);
    assert_eq!(ERRORS_REFUNDED_TOTAL.get(), 2.5);

    ERRORS_JITTER_SECONDS.observe(f64::NAN);
    assert!(ERRORS_JITTER_SECONDS.try_observe(f64::NAN).is_err());
    ERRORS_JITTER_SECONDS.observe(0.005);
    assert_eq!(ERRORS_JITTER_SECONDS.get_sample_count(), 1);

    // The rejected samples are not lost silently: they are on /metrics.
    assert_eq!(
        registry().render_only(&["metrics_core_rejected_samples_total"]),
        "# HELP metrics_core_rejected_samples_total Samples that were not recorded because the \
         value is invalid for the metric's type (a negative counter increment, a NaN \
         observation), by metric and reason.\n\
         # TYPE metrics_core_rejected_samples_total counter\n\
         metrics_core_rejected_samples_total{metric=\"errors_jitter_seconds\",reason=\"nan\"} 1\n\
         metrics_core_rejected_samples_total{metric=\"errors_refunded_total\",reason=\"nan\"} 1\n\
         metrics_core_rejected_samples_total{metric=\"errors_refunded_total\",reason=\"negative\"} 1\n"
    );
}

#[test]
fn positive_infinity_is_a_valid_counter_increment() {
    assert_eq!(ERRORS_UNBOUNDED_TOTAL.try_inc_by(f64::INFINITY), Ok(()));
    assert_eq!(ERRORS_UNBOUNDED_TOTAL.get(), f64::INFINITY);
}
