//! The `metrics` facade's recorder: facade metrics in the one registry, in every format, with
//! their descriptions; refusals counted and reported, never a panic.

use std::sync::{Arc, Mutex};

use metrics::{Unit, with_local_recorder};
use metrics_core::facade::FacadeRecorder;
use metrics_core::{Format, IntCounter, metric, registry};

#[test]
fn counters_gauges_and_histograms_land_in_the_registry_in_every_format() {
    let recorder = FacadeRecorder::new().buckets_for("facade_job_", &[0.5, 2.0]);
    with_local_recorder(&recorder, || {
        metrics::describe_counter!("facade_jobs_total", "Jobs finished, by queue.");
        metrics::describe_histogram!("facade_job_seconds", Unit::Seconds, "Time to run a job.");
        metrics::describe_gauge!(
            "facade_queue_depth",
            Unit::Microseconds,
            "Oldest job's age."
        );
        metrics::counter!("facade_jobs_total", "queue" => "mail", "tier" => "free").increment(2);
        // The same labels in another order are the same series.
        metrics::counter!("facade_jobs_total", "tier" => "free", "queue" => "mail").increment(1);
        metrics::counter!("facade_jobs_total", "queue" => "sms", "tier" => "paid").absolute(7);
        // `absolute` never moves a counter backwards.
        metrics::counter!("facade_jobs_total", "queue" => "sms", "tier" => "paid").absolute(5);
        metrics::gauge!("facade_queue_depth").set(4.0);
        metrics::gauge!("facade_queue_depth").decrement(1.5);
        metrics::histogram!("facade_job_seconds").record(0.25);
        metrics::histogram!("facade_job_seconds").record(1.0);
        metrics::histogram!("facade_job_seconds").record(9.0);
        // Not described: the help says where it comes from.
        metrics::counter!("facade_undescribed_total").increment(1);
        // A counter named without `_total` gets it, as OpenMetrics would add it anyway.
        metrics::describe_counter!("facade_retries", Unit::Count, "Retries.");
        metrics::counter!("facade_retries").increment(2);
        // Described after its first use: the help follows.
        metrics::gauge!("facade_late").set(1.0);
        metrics::describe_gauge!("facade_late", "Described late.");
    });
    assert_eq!(
        registry().render_only(&["facade_late"]),
        "# HELP facade_late Described late.\n# TYPE facade_late gauge\nfacade_late 1\n"
    );
    let names = [
        "facade_jobs_total",
        "facade_job_seconds",
        "facade_queue_depth",
        "facade_undescribed_total",
        "facade_retries",
    ];
    assert_eq!(
        registry().render_only(&names),
        "# HELP facade_job_seconds Time to run a job.\n\
         # TYPE facade_job_seconds histogram\n\
         facade_job_seconds_bucket{le=\"0.5\"} 1\n\
         facade_job_seconds_bucket{le=\"2\"} 2\n\
         facade_job_seconds_bucket{le=\"+Inf\"} 3\n\
         facade_job_seconds_sum 10.25\n\
         facade_job_seconds_count 3\n\
         # HELP facade_jobs_total Jobs finished, by queue.\n\
         # TYPE facade_jobs_total counter\n\
         facade_jobs_total{queue=\"mail\",tier=\"free\"} 3\n\
         facade_jobs_total{queue=\"sms\",tier=\"paid\"} 7\n\
         # HELP facade_queue_depth Oldest job's age. (unit: microseconds)\n\
         # TYPE facade_queue_depth gauge\n\
         facade_queue_depth 2.5\n\
         # HELP facade_retries_total Retries.\n\
         # TYPE facade_retries_total counter\n\
         facade_retries_total 2\n\
         # HELP facade_undescribed_total Reported through the `metrics` facade by test_facade.\n\
         # TYPE facade_undescribed_total counter\n\
         facade_undescribed_total 1\n"
    );
    let openmetrics = String::from_utf8(registry().encode(
        Format::OpenMetrics,
        Some(&["facade_job_seconds", "facade_jobs"]),
    ))
    .unwrap();
    assert_eq!(
        openmetrics,
        "# HELP facade_job_seconds Time to run a job.\n\
         # TYPE facade_job_seconds histogram\n\
         # UNIT facade_job_seconds seconds\n\
         facade_job_seconds_bucket{le=\"0.5\"} 1\n\
         facade_job_seconds_bucket{le=\"2.0\"} 2\n\
         facade_job_seconds_bucket{le=\"+Inf\"} 3\n\
         facade_job_seconds_count 3\n\
         facade_job_seconds_sum 10.25\n\
         # HELP facade_jobs Jobs finished, by queue.\n\
         # TYPE facade_jobs counter\n\
         facade_jobs_total{queue=\"mail\",tier=\"free\"} 3\n\
         facade_jobs_total{queue=\"sms\",tier=\"paid\"} 7\n\
         # EOF\n"
    );
    let protobuf = registry().gather();
    let jobs = protobuf
        .iter()
        .find(|family| family.name() == "facade_jobs_total")
        .unwrap();
    assert_eq!(jobs.get_metric().len(), 2);
    assert_eq!(jobs.get_metric()[1].get_counter().value(), 7.0);
    assert!(recorder.errors().is_empty());
}

/// Jobs the program counts itself.
#[metric]
static FACADE_OWN_JOBS_TOTAL: IntCounter;

#[test]
fn refused_keys_get_no_op_handles_and_are_counted_and_reported_once() {
    let reported = Arc::new(Mutex::new(Vec::new()));
    let sink = reported.clone();
    let recorder =
        FacadeRecorder::new().on_error(move |error| sink.lock().unwrap().push(error.to_string()));
    with_local_recorder(&recorder, || {
        for _ in 0..3 {
            metrics::counter!("facade-bad name").increment(1);
        }
        metrics::counter!("facade_labels_total", "1st" => "x").increment(1);
        metrics::counter!("facade_labels_total", "a" => "x", "a" => "y").increment(1);
        metrics::gauge!("facade_kind").set(1.0);
        metrics::histogram!("facade_kind").record(1.0);
        // The static's name, and its OpenMetrics family name, are taken.
        metrics::counter!("facade_own_jobs_total").increment(1);
        metrics::gauge!("facade_own_jobs").set(1.0);
    });
    FACADE_OWN_JOBS_TOTAL.inc();
    let location = registry()
        .get("facade_own_jobs_total")
        .unwrap()
        .desc()
        .location();
    let expected = [
        "invalid metric name `facade-bad name`: use letters, digits and `_`, not starting with a \
         digit"
            .to_owned(),
        "invalid label name `1st`: use letters, digits and `_`, not starting with a digit"
            .to_owned(),
        "`metrics` facade metric `facade_labels_total` has the label `a` twice; give each label \
         once"
            .to_owned(),
        "`metrics` facade metric `facade_kind` is a gauge already; it cannot also be a \
         histogram: use another name"
            .to_owned(),
        format!(
            "`metrics` facade counter `facade_own_jobs_total` is refused: the `#[metric]` static \
             `facade_own_jobs_total` defined at {location} already exposes the name \
             `facade_own_jobs`; rename one of them"
        ),
        format!(
            "`metrics` facade gauge `facade_own_jobs` is refused: the `#[metric]` static \
             `facade_own_jobs_total` defined at {location} already exposes the name \
             `facade_own_jobs`; rename one of them"
        ),
    ];
    let errors: Vec<String> = recorder.errors().iter().map(ToString::to_string).collect();
    assert_eq!(errors, expected);
    assert_eq!(*reported.lock().unwrap(), expected);
    // The static is untouched; the refused gauge left no family behind.
    assert_eq!(
        registry().render_only(&[
            "facade_own_jobs_total",
            "facade_kind",
            "facade_labels_total"
        ]),
        format!(
            "# HELP facade_kind Reported through the `metrics` facade by test_facade.\n\
             # TYPE facade_kind gauge\n\
             facade_kind 1\n\
             # HELP facade_own_jobs_total Jobs the program counts itself.\n\
             # TYPE facade_own_jobs_total counter\n\
             facade_own_jobs_total 1\n"
        )
    );
    let rejected = registry().render_only(&["metrics_core_facade_rejected_total"]);
    for line in [
        "metrics_core_facade_rejected_total{reason=\"invalid_name\"} ",
        "metrics_core_facade_rejected_total{reason=\"invalid_label\"} ",
        "metrics_core_facade_rejected_total{reason=\"type_mismatch\"} ",
        "metrics_core_facade_rejected_total{reason=\"name_clash\"} ",
    ] {
        assert!(rejected.contains(line), "{line} missing from {rejected}");
    }
}

#[test]
fn histograms_with_buckets_out_of_order_are_refused() {
    let recorder = FacadeRecorder::new()
        .buckets_for("facade_bad_", &[1.0, 1.0])
        .on_error(|_| {});
    with_local_recorder(&recorder, || {
        metrics::histogram!("facade_bad_seconds").record(1.0);
        metrics::histogram!("facade_good_seconds").record(1.0);
    });
    let errors: Vec<String> = recorder.errors().iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "the buckets of `facade_bad_seconds` must be non-empty and strictly increasing, got \
          [1.0, 1.0]"
        ]
    );
    assert_eq!(registry().render_only(&["facade_bad_seconds"]), "");
    assert!(
        registry()
            .render_only(&["facade_good_seconds"])
            .contains("facade_good_seconds_count 1\n")
    );
}

#[test]
fn a_family_past_its_limit_sends_new_label_values_to_one_overflow_series() {
    let recorder = FacadeRecorder::new().max_series(2);
    with_local_recorder(&recorder, || {
        for user in 0..50 {
            metrics::counter!("facade_logins_total", "user" => user.to_string()).increment(1);
        }
    });
    assert_eq!(
        registry().render_only(&["facade_logins_total"]),
        "# HELP facade_logins_total Reported through the `metrics` facade by test_facade.\n\
         # TYPE facade_logins_total counter\n\
         facade_logins_total{user=\"0\"} 1\n\
         facade_logins_total{user=\"1\"} 1\n\
         facade_logins_total{user=\"__overflow__\"} 48\n"
    );
    assert!(
        registry()
            .render_only(&["metrics_core_cardinality_overflow_total"])
            .contains(
                "metrics_core_cardinality_overflow_total{metric=\"facade_logins_total\"} 48\n"
            )
    );
}

#[test]
fn the_installed_recorder_receives_every_crates_macros() {
    let recorder = FacadeRecorder::new().install().unwrap();
    let second = FacadeRecorder::new().install().unwrap_err();
    assert_eq!(
        second.to_string(),
        "attempted to set a recorder after the metrics system was already initialized"
    );
    let handle = metrics::counter!("facade_global_total", "path" => "/");
    handle.increment(4);
    metrics::gauge!("facade_global_temperature").set(-3.5);
    assert_eq!(
        registry().render_only(&["facade_global_total", "facade_global_temperature"]),
        "# HELP facade_global_temperature Reported through the `metrics` facade by test_facade.\n\
         # TYPE facade_global_temperature gauge\n\
         facade_global_temperature -3.5\n\
         # HELP facade_global_total Reported through the `metrics` facade by test_facade.\n\
         # TYPE facade_global_total counter\n\
         facade_global_total{path=\"/\"} 4\n"
    );
    assert!(recorder.errors().is_empty());
}
