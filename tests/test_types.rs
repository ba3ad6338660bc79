//! The types and helpers beyond counters, gauges and histograms: Summary (and SummaryVec),
//! Info, StateSet, callback gauges and counters, in-progress guards, timers, constant labels.
//! Exact exposition in the text format, OpenMetrics and protobuf (`gather`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

use metrics_core::{
    CounterFn, Gauge, GaugeFn, Histogram, Info, IntCounterVec, IntGauge, StateSet, Summary,
    SummaryVec, metric, registry,
};
use prometheus::proto;

/// Call setup time.
#[metric(objectives = [(0.5, 0.05), (0.9, 0.01), (0.99, 0.001)])]
static TYPES_SETUP_SECONDS: Summary;

/// Payload sizes, without quantiles.
#[metric]
static TYPES_PAYLOAD_BYTES: Summary;

/// Answer delay by trunk.
#[metric(labels = ["trunk"], objectives = [(0.5, 0.05)], max_age = "1m", age_buckets = 2)]
static TYPES_ANSWER_SECONDS: SummaryVec;

/// Never observed.
#[metric(objectives = [(0.5, 0.05), (0.99, 0.001)])]
static TYPES_IDLE_SECONDS: Summary;

/// The configuration of the service.
#[metric(labels = ["region", "codec"])]
static TYPES_CONFIG_INFO: Info;

/// Never set.
#[metric(labels = ["peer"])]
static TYPES_UNSET_INFO: Info;

/// The state of the call router.
#[metric(states = ["starting", "serving", "draining"])]
static TYPES_ROUTER_STATE: StateSet;

static QUEUE: AtomicU64 = AtomicU64::new(0);

fn queue_len() -> u64 {
    QUEUE.load(Ordering::Relaxed)
}

/// Calls waiting for an agent.
#[metric(callback = queue_len)]
static TYPES_QUEUE_DEPTH: GaugeFn;

static FRAMES: AtomicU64 = AtomicU64::new(0);

/// Audio frames decoded.
#[metric(callback = || FRAMES.load(Ordering::Relaxed))]
static TYPES_DECODED_FRAMES_TOTAL: CounterFn;

/// Transcodes in progress.
#[metric]
static TYPES_TRANSCODES_IN_PROGRESS: IntGauge;

/// Float in-progress gauge.
#[metric]
static TYPES_JOBS_IN_PROGRESS: Gauge;

/// Last successful sync.
#[metric]
static TYPES_LAST_SYNC_TIMESTAMP_SECONDS: Gauge;

/// Time a lookup took.
#[metric(buckets = [0.001])]
static TYPES_LOOKUP_SECONDS: Histogram;

/// Time a flush took.
#[metric]
static TYPES_FLUSH_SECONDS: Summary;

/// Requests by method, in one region.
#[metric(labels = ["method"], const_labels = [("region", "eu-west"), ("zone", "b")])]
static TYPES_REGIONAL_REQUESTS_TOTAL: IntCounterVec;

/// Restarts, in one region.
#[metric(const_labels = [("region", "eu-west")])]
static TYPES_REGIONAL_RESTARTS: IntGauge;

/// The state of the regional router.
#[metric(states = ["up", "down"], const_labels = [("region", "eu-west")])]
static TYPES_REGIONAL_STATE: StateSet;

fn render(name: &str) -> String {
    registry().render_only(&[name])
}

fn openmetrics(name: &str) -> String {
    String::from_utf8(
        registry().encode_with_created(metrics_core::Format::OpenMetrics, Some(&[name])),
    )
    .unwrap()
}

fn gathered(name: &str) -> proto::MetricFamily {
    registry()
        .gather()
        .into_iter()
        .find(|family| family.name() == name)
        .unwrap_or_else(|| panic!("{name} not gathered"))
}

#[test]
fn summary_quantiles_sum_and_count() {
    for value in 1..=100 {
        TYPES_SETUP_SECONDS.observe(value as f64 / 100.0);
    }
    // Estimates, each within its objective: rank 47 for 50 +- 5, 90 for 90 +- 1, 99 for
    // 99 +- 0.1.
    assert_eq!(
        render("types_setup_seconds"),
        "# HELP types_setup_seconds Call setup time.\n\
         # TYPE types_setup_seconds summary\n\
         types_setup_seconds{quantile=\"0.5\"} 0.47\n\
         types_setup_seconds{quantile=\"0.9\"} 0.9\n\
         types_setup_seconds{quantile=\"0.99\"} 0.99\n\
         types_setup_seconds_sum 50.5\n\
         types_setup_seconds_count 100\n"
    );
    let family = gathered("types_setup_seconds");
    assert_eq!(family.get_field_type(), proto::MetricType::SUMMARY);
    let summary = family.get_metric()[0].get_summary();
    assert_eq!(summary.sample_count(), 100);
    assert_eq!(summary.sample_sum(), 50.5);
    let quantiles: Vec<(f64, f64)> = summary
        .get_quantile()
        .iter()
        .map(|q| (q.quantile(), q.value()))
        .collect();
    assert_eq!(quantiles, [(0.5, 0.47), (0.9, 0.9), (0.99, 0.99)]);
}

/// Rank error on a known distribution.
#[metric(objectives = [(0.5, 0.05), (0.9, 0.01), (0.99, 0.001), (0.999, 0.0001)])]
static TYPES_UNIFORM_SECONDS: Summary;

#[test]
fn summary_quantiles_are_within_their_error_bounds_on_a_uniform_distribution() {
    // A permutation of 1..=n (a linear congruential shuffle): the value of rank r is r, so a
    // reported value v has rank error |v - q n| / n.
    let n = 50_000usize;
    let mut values: Vec<u64> = (1..=n as u64).collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        values.swap(i, (state >> 33) as usize % (i + 1));
    }
    for value in values {
        TYPES_UNIFORM_SECONDS.observe(value as f64);
    }
    for (objective, (quantile, value)) in TYPES_UNIFORM_SECONDS
        .objectives()
        .iter()
        .zip(TYPES_UNIFORM_SECONDS.get_quantiles())
    {
        assert_eq!(objective.quantile, quantile);
        let rank_error = (value - quantile * n as f64).abs() / n as f64;
        assert!(
            rank_error <= objective.error,
            "quantile {quantile}: {value} is {rank_error} away, more than {}",
            objective.error
        );
    }
}

#[test]
fn summary_without_objectives_is_sum_and_count() {
    TYPES_PAYLOAD_BYTES.observe(512.0);
    TYPES_PAYLOAD_BYTES.observe(1024.0);
    assert_eq!(TYPES_PAYLOAD_BYTES.get_quantiles(), []);
    assert_eq!(
        render("types_payload_bytes"),
        "# HELP types_payload_bytes Payload sizes, without quantiles.\n\
         # TYPE types_payload_bytes summary\n\
         types_payload_bytes_sum 1536\n\
         types_payload_bytes_count 2\n"
    );
}

#[test]
fn summary_with_an_empty_window_reports_nan() {
    assert_eq!(
        render("types_idle_seconds"),
        "# HELP types_idle_seconds Never observed.\n\
         # TYPE types_idle_seconds summary\n\
         types_idle_seconds{quantile=\"0.5\"} NaN\n\
         types_idle_seconds{quantile=\"0.99\"} NaN\n\
         types_idle_seconds_sum 0\n\
         types_idle_seconds_count 0\n"
    );
}

#[test]
fn summary_rejects_nan_without_panicking() {
    let error = TYPES_FLUSH_SECONDS.try_observe(f64::NAN).unwrap_err();
    assert_eq!(
        error.to_string(),
        "metric `types_flush_seconds` rejected the value NaN: a summary cannot observe NaN"
    );
}

#[test]
fn summary_vec_puts_quantile_after_the_labels_and_openmetrics_adds_created() {
    for value in [0.5, 1.5, 2.5] {
        TYPES_ANSWER_SECONDS
            .with_label_values(&["sip-1"])
            .observe(value);
    }
    assert_eq!(
        render("types_answer_seconds"),
        "# HELP types_answer_seconds Answer delay by trunk.\n\
         # TYPE types_answer_seconds summary\n\
         types_answer_seconds{trunk=\"sip-1\",quantile=\"0.5\"} 1.5\n\
         types_answer_seconds_sum{trunk=\"sip-1\"} 4.5\n\
         types_answer_seconds_count{trunk=\"sip-1\"} 3\n"
    );
    let text = openmetrics("types_answer_seconds");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "# HELP types_answer_seconds Answer delay by trunk.",
            "# TYPE types_answer_seconds summary",
            "# UNIT types_answer_seconds seconds",
            "types_answer_seconds{trunk=\"sip-1\",quantile=\"0.5\"} 1.5",
            "types_answer_seconds_sum{trunk=\"sip-1\"} 4.5",
            "types_answer_seconds_count{trunk=\"sip-1\"} 3",
        ]
    );
    assert!(lines[6].starts_with("types_answer_seconds_created{trunk=\"sip-1\"} "));
    assert_eq!(lines[7..], ["# EOF"]);
}

#[test]
fn info_is_a_gauge_of_one_in_text_and_an_info_family_in_openmetrics() {
    TYPES_CONFIG_INFO.set(&["eu-west", "opus"]);
    TYPES_CONFIG_INFO.set(&["eu-west", "g711"]);
    assert_eq!(
        TYPES_CONFIG_INFO.get(),
        Some(vec!["eu-west".to_owned(), "g711".to_owned()])
    );
    assert_eq!(
        render("types_config_info"),
        "# HELP types_config_info The configuration of the service.\n\
         # TYPE types_config_info gauge\n\
         types_config_info{region=\"eu-west\",codec=\"g711\"} 1\n"
    );
    assert_eq!(
        openmetrics("types_config_info"),
        "# HELP types_config The configuration of the service.\n\
         # TYPE types_config info\n\
         types_config_info{region=\"eu-west\",codec=\"g711\"} 1\n\
         # EOF\n"
    );
    let family = gathered("types_config_info");
    assert_eq!(family.get_field_type(), proto::MetricType::GAUGE);
    assert_eq!(family.get_metric()[0].get_gauge().value(), 1.0);
    assert_eq!(family.get_metric()[0].get_label().len(), 2);
}

#[test]
fn info_without_values_has_no_sample() {
    assert_eq!(TYPES_UNSET_INFO.get(), None);
    assert_eq!(
        render("types_unset_info"),
        "# HELP types_unset_info Never set.\n# TYPE types_unset_info gauge\n"
    );
    assert!(
        registry()
            .gather()
            .iter()
            .all(|family| family.name() != "types_unset_info")
    );
}

#[test]
fn stateset_has_exactly_one_state_at_one() {
    assert_eq!(TYPES_ROUTER_STATE.get(), "starting");
    TYPES_ROUTER_STATE.set("draining").unwrap();
    TYPES_ROUTER_STATE.set_index(1).unwrap();
    let error = TYPES_ROUTER_STATE.set("paused").unwrap_err();
    assert_eq!(
        error.to_string(),
        "metric `types_router_state` has no state `paused`; its states are \
         [\"starting\", \"serving\", \"draining\"]"
    );
    assert!(TYPES_ROUTER_STATE.set_index(3).is_err());
    assert_eq!(TYPES_ROUTER_STATE.get(), "serving");
    assert_eq!(
        render("types_router_state"),
        "# HELP types_router_state The state of the call router.\n\
         # TYPE types_router_state gauge\n\
         types_router_state{types_router_state=\"starting\"} 0\n\
         types_router_state{types_router_state=\"serving\"} 1\n\
         types_router_state{types_router_state=\"draining\"} 0\n"
    );
    assert_eq!(
        openmetrics("types_router_state"),
        "# HELP types_router_state The state of the call router.\n\
         # TYPE types_router_state stateset\n\
         types_router_state{types_router_state=\"starting\"} 0\n\
         types_router_state{types_router_state=\"serving\"} 1\n\
         types_router_state{types_router_state=\"draining\"} 0\n\
         # EOF\n"
    );
    let family = gathered("types_router_state");
    let values: Vec<f64> = family
        .get_metric()
        .iter()
        .map(|metric| metric.get_gauge().value())
        .collect();
    assert_eq!(values, [0.0, 1.0, 0.0]);
}

#[test]
fn callbacks_are_read_at_scrape_time() {
    QUEUE.store(7, Ordering::Relaxed);
    FRAMES.store(960, Ordering::Relaxed);
    assert_eq!(
        render("types_queue_depth"),
        "# HELP types_queue_depth Calls waiting for an agent.\n\
         # TYPE types_queue_depth gauge\n\
         types_queue_depth 7\n"
    );
    QUEUE.store(2, Ordering::Relaxed);
    assert_eq!(TYPES_QUEUE_DEPTH.get(), 2.0);
    assert_eq!(
        render("types_decoded_frames_total"),
        "# HELP types_decoded_frames_total Audio frames decoded.\n\
         # TYPE types_decoded_frames_total counter\n\
         types_decoded_frames_total 960\n"
    );
    assert_eq!(
        openmetrics("types_decoded_frames"),
        "# HELP types_decoded_frames Audio frames decoded.\n\
         # TYPE types_decoded_frames counter\n\
         types_decoded_frames_total 960\n\
         # EOF\n"
    );
    let family = gathered("types_decoded_frames_total");
    assert_eq!(family.get_field_type(), proto::MetricType::COUNTER);
    assert_eq!(family.get_metric()[0].get_counter().value(), 960.0);
}

#[test]
fn in_progress_guards_decrement_on_return_and_on_panic() {
    fn work(fail: bool) -> Result<(), &'static str> {
        let _guard = TYPES_TRANSCODES_IN_PROGRESS.track_inprogress();
        assert_eq!(TYPES_TRANSCODES_IN_PROGRESS.get(), 1);
        if fail {
            return Err("early return");
        }
        Ok(())
    }
    work(true).unwrap_err();
    work(false).unwrap();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let _guard = TYPES_TRANSCODES_IN_PROGRESS.track_inprogress();
        let _nested = TYPES_TRANSCODES_IN_PROGRESS.track_inprogress();
        assert_eq!(TYPES_TRANSCODES_IN_PROGRESS.get(), 2);
        panic!("transcoder crashed");
    }));
    assert!(panicked.is_err());
    assert_eq!(TYPES_TRANSCODES_IN_PROGRESS.get(), 0);

    let guard = TYPES_JOBS_IN_PROGRESS.track_inprogress();
    assert_eq!(TYPES_JOBS_IN_PROGRESS.get(), 1.0);
    drop(guard);
    assert_eq!(
        render("types_jobs_in_progress"),
        "# HELP types_jobs_in_progress Float in-progress gauge.\n\
         # TYPE types_jobs_in_progress gauge\n\
         types_jobs_in_progress 0\n"
    );
}

#[test]
fn set_to_current_time_is_unix_seconds() {
    // The time is kept in whole microseconds: compare in microseconds.
    let micros = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros()
    };
    let before = micros();
    TYPES_LAST_SYNC_TIMESTAMP_SECONDS.set_to_current_time();
    let after = micros();
    let value = (TYPES_LAST_SYNC_TIMESTAMP_SECONDS.get() * 1e6).round() as u128;
    assert!(
        before <= value && value <= after,
        "{before} <= {value} <= {after} (microseconds)"
    );
}

#[test]
fn timers_observe_on_drop_record_or_discard() {
    // Each timed stretch sleeps past the 1 ms bucket bound: a duration is known from below
    // only, so every one lands in +Inf, whatever the machine's load.
    let work = || std::thread::sleep(std::time::Duration::from_millis(2));
    {
        let _timer = TYPES_LOOKUP_SECONDS.start_timer();
        work();
    }
    let timer = TYPES_LOOKUP_SECONDS.start_timer();
    work();
    let recorded = timer.stop_and_record();
    let timer = TYPES_LOOKUP_SECONDS.start_timer();
    work();
    let discarded = timer.stop_and_discard();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let _timer = TYPES_LOOKUP_SECONDS.start_timer();
        work();
        panic!("lookup failed");
    }));
    assert!(panicked.is_err());
    let value = TYPES_LOOKUP_SECONDS.observe_closure_duration(|| {
        work();
        42
    });
    assert_eq!(value, 42);
    assert!(recorded >= 0.002 && discarded >= 0.002);
    // Drop, stop_and_record, panic, closure: four; discard: none.
    assert_eq!(TYPES_LOOKUP_SECONDS.get_sample_count(), 4);
    assert_eq!(TYPES_LOOKUP_SECONDS.cumulative_counts(), [0, 4]);
    assert!(TYPES_LOOKUP_SECONDS.get_sample_sum() >= 0.008);

    TYPES_FLUSH_SECONDS.start_timer().observe_duration();
    TYPES_FLUSH_SECONDS.observe_closure_duration(|| ());
    assert_eq!(TYPES_FLUSH_SECONDS.get_sample_count(), 2);
}

#[test]
fn constant_labels_come_first_on_every_series() {
    TYPES_REGIONAL_REQUESTS_TOTAL
        .with_label_values(&["GET"])
        .inc();
    TYPES_REGIONAL_RESTARTS.set(2);
    TYPES_REGIONAL_STATE.set("down").unwrap();
    assert_eq!(
        registry().render_only(&[
            "types_regional_requests_total",
            "types_regional_restarts",
            "types_regional_state"
        ]),
        "# HELP types_regional_requests_total Requests by method, in one region.\n\
         # TYPE types_regional_requests_total counter\n\
         types_regional_requests_total{region=\"eu-west\",zone=\"b\",method=\"GET\"} 1\n\
         # HELP types_regional_restarts Restarts, in one region.\n\
         # TYPE types_regional_restarts gauge\n\
         types_regional_restarts{region=\"eu-west\"} 2\n\
         # HELP types_regional_state The state of the regional router.\n\
         # TYPE types_regional_state gauge\n\
         types_regional_state{region=\"eu-west\",types_regional_state=\"up\"} 0\n\
         types_regional_state{region=\"eu-west\",types_regional_state=\"down\"} 1\n"
    );
    let family = gathered("types_regional_requests_total");
    let labels: Vec<(String, String)> = family.get_metric()[0]
        .get_label()
        .iter()
        .map(|pair| (pair.name().to_owned(), pair.value().to_owned()))
        .collect();
    assert_eq!(
        labels,
        [
            ("region".to_owned(), "eu-west".to_owned()),
            ("zone".to_owned(), "b".to_owned()),
            ("method".to_owned(), "GET".to_owned())
        ]
    );
}

/// Written by four threads while a fifth scrapes.
#[metric(labels = ["worker"], objectives = [(0.5, 0.05), (0.99, 0.001)])]
static TYPES_CONCURRENT_SECONDS: SummaryVec;

#[test]
fn concurrent_observers_and_scrapes_lose_nothing() {
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let scraper = scope.spawn(|| {
            let mut scrapes = 0;
            while !done.load(Ordering::Relaxed) {
                let text = render("types_concurrent_seconds");
                assert!(text.starts_with("# HELP types_concurrent_seconds "));
                scrapes += 1;
            }
            scrapes
        });
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let series = TYPES_CONCURRENT_SECONDS.with_label_values(&["all"]);
                    for i in 0..10_000 {
                        series.observe(if i % 100 >= 98 { 2.0 } else { 1.0 });
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        assert!(scraper.join().unwrap() > 0);
    });
    // 40,000 observations, 2% of them 2: the median is 1; the 99th percentile (rank 39,600
    // +- 40) lies among the twos (ranks 39,201 to 40,000) whatever the interleaving.
    assert_eq!(
        render("types_concurrent_seconds"),
        "# HELP types_concurrent_seconds Written by four threads while a fifth scrapes.\n\
         # TYPE types_concurrent_seconds summary\n\
         types_concurrent_seconds{worker=\"all\",quantile=\"0.5\"} 1\n\
         types_concurrent_seconds{worker=\"all\",quantile=\"0.99\"} 2\n\
         types_concurrent_seconds_sum{worker=\"all\"} 40800\n\
         types_concurrent_seconds_count{worker=\"all\"} 40000\n"
    );
}

#[test]
fn protobuf_carries_summaries_state_sets_info_and_callbacks() {
    // The same values the info test ends with, so the two tests can run in any order.
    TYPES_CONFIG_INFO.set(&["eu-west", "g711"]);
    let bytes = registry().encode(
        metrics_core::Format::Protobuf,
        Some(&[
            "types_payload_bytes",
            "types_router_state",
            "types_config_info",
            "types_queue_depth",
        ]),
    );
    let mut input = protobuf::CodedInputStream::from_bytes(&bytes);
    let mut decoded = Vec::new();
    while !input.eof().unwrap() {
        let family: proto::MetricFamily = input.read_message().unwrap();
        decoded.push((
            family.name().to_owned(),
            family.get_field_type(),
            family.get_metric().len(),
        ));
    }
    assert_eq!(
        decoded,
        [
            ("types_config_info".to_owned(), proto::MetricType::GAUGE, 1),
            (
                "types_payload_bytes".to_owned(),
                proto::MetricType::SUMMARY,
                1
            ),
            ("types_queue_depth".to_owned(), proto::MetricType::GAUGE, 1),
            ("types_router_state".to_owned(), proto::MetricType::GAUGE, 3),
        ]
    );
}

#[metrics_core::subsystem("types_trunk")]
mod trunk {
    use metrics_core::{IntCounter, metric};

    /// SIP registrations sent.
    #[metric]
    pub static REGISTRATIONS_TOTAL: IntCounter;

    pub mod channels {
        use metrics_core::IntGaugeVec;

        /// Channels by direction.
        #[metrics_core::metric(labels = ["direction"],)]
        pub static OPEN: IntGaugeVec;
    }

    /// Not a metric attribute: left alone.
    #[allow(dead_code)]
    pub static LIMIT: u32 = 30;

    pub use channels::OPEN as OPEN_CHANNELS;
}

#[test]
fn a_module_subsystem_prefixes_every_metric_in_it() {
    trunk::REGISTRATIONS_TOTAL.inc();
    trunk::OPEN_CHANNELS.with_label_values(&["inbound"]).set(4);
    assert_eq!(trunk::LIMIT, 30);
    assert_eq!(
        registry().render_only(&["types_trunk_registrations_total", "types_trunk_open"]),
        "# HELP types_trunk_open Channels by direction.\n\
         # TYPE types_trunk_open gauge\n\
         types_trunk_open{direction=\"inbound\"} 4\n\
         # HELP types_trunk_registrations_total SIP registrations sent.\n\
         # TYPE types_trunk_registrations_total counter\n\
         types_trunk_registrations_total 1\n"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, metrics_core::LabelValue)]
enum WorkerState {
    Idle,
    Busy,
    ShuttingDown,
}

/// What the transcoding worker is doing.
#[metric]
static TYPES_WORKER_STATE: StateSet<WorkerState>;

#[test]
fn stateset_from_an_enum_takes_the_enum() {
    assert_eq!(TYPES_WORKER_STATE.state(), Some(WorkerState::Idle));
    TYPES_WORKER_STATE.set(WorkerState::ShuttingDown);
    assert_eq!(TYPES_WORKER_STATE.state(), Some(WorkerState::ShuttingDown));
    assert_eq!(TYPES_WORKER_STATE.get(), "shutting_down");
    assert_eq!(
        render("types_worker_state"),
        "# HELP types_worker_state What the transcoding worker is doing.\n\
         # TYPE types_worker_state gauge\n\
         types_worker_state{types_worker_state=\"idle\"} 0\n\
         types_worker_state{types_worker_state=\"busy\"} 0\n\
         types_worker_state{types_worker_state=\"shutting_down\"} 1\n"
    );
}
