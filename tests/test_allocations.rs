//! The hot paths allocate nothing: every increment, set and observation, and a labelled lookup
//! of a series that exists. Proven with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use metrics_core::{
    Counter, ErrorKind, Family, Gauge, Histogram, HistogramVec, IntCounter, IntCounterVec,
    IntGauge, LabelSet, LabelValue, StateSet, Summary, count_errors, metric, timed,
};

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {
    Completed,
    Failed,
}

/// An open label set: a closed enum, a borrowed string and an integer.
#[derive(LabelSet)]
struct RouteLabels<'a> {
    status: CallStatus,
    route: &'a str,
    code: u16,
}

/// Counts allocations made by the current thread only, so the test harness's other threads do
/// not disturb the count.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Unlabelled integer counter.
#[metric]
static ALLOC_EVENTS_TOTAL: IntCounter;
/// Unlabelled float counter.
#[metric]
static ALLOC_SECONDS_TOTAL: Counter;
/// Float gauge.
#[metric]
static ALLOC_RATIO: Gauge;
/// Integer gauge.
#[metric]
static ALLOC_IN_FLIGHT: IntGauge;
/// Histogram with 30 buckets.
#[metric(buckets = exponential(0.0001, 1.5, 30))]
static ALLOC_LATENCY_SECONDS: Histogram;
/// Labelled counter.
#[metric(labels = ["method", "status"])]
static ALLOC_REQUESTS_TOTAL: IntCounterVec;
/// Labelled histogram.
#[metric(labels = ["route"])]
static ALLOC_REQUEST_SECONDS: HistogramVec;
/// Typed, closed labels.
#[metric(labels = ["status"])]
static ALLOC_CALLS_TOTAL: Family<CallStatus, IntCounter>;
/// Typed, open labels.
#[metric]
static ALLOC_ROUTES_TOTAL: Family<RouteLabels<'static>, IntCounter>;
/// Typed closed labels on a histogram.
#[metric(labels = ["status"])]
static ALLOC_CALL_SECONDS: Family<CallStatus, Histogram>;

#[test]
fn increments_sets_and_observations_allocate_nothing() {
    // First use allocates once: the histogram's bucket array, each labelled series.
    ALLOC_LATENCY_SECONDS.observe(0.1);
    ALLOC_REQUESTS_TOTAL
        .with_label_values(&["GET", "200"])
        .inc();
    ALLOC_REQUEST_SECONDS
        .with_label_values(&["/calls"])
        .observe(0.2);
    ALLOC_CALLS_TOTAL.get(CallStatus::Completed).inc();
    ALLOC_CALL_SECONDS.get(CallStatus::Failed).observe(1.0);
    let route = String::from("/calls");
    let route_labels = |code| RouteLabels {
        status: CallStatus::Failed,
        route: &route,
        code,
    };
    ALLOC_ROUTES_TOTAL.get(route_labels(503)).inc();

    let status = String::from("200");
    let allocations = allocations_during(|| {
        for i in 0..10_000 {
            ALLOC_EVENTS_TOTAL.inc();
            ALLOC_EVENTS_TOTAL.inc_by(2);
            ALLOC_SECONDS_TOTAL.inc_by(0.5);
            ALLOC_RATIO.set(0.25);
            ALLOC_RATIO.add(1.0);
            ALLOC_IN_FLIGHT.inc();
            ALLOC_IN_FLIGHT.dec();
            ALLOC_LATENCY_SECONDS.observe(i as f64 * 0.001);
            // Label values borrowed from an owned String: still no allocation on a hit.
            ALLOC_REQUESTS_TOTAL
                .with_label_values(&["GET", status.as_str()])
                .inc();
            ALLOC_REQUEST_SECONDS
                .with_label_values(&["/calls"])
                .observe(0.3);
            ALLOC_CALLS_TOTAL.get(CallStatus::Completed).inc();
            ALLOC_CALL_SECONDS.get(CallStatus::Failed).observe(2.0);
            ALLOC_ROUTES_TOTAL.get(route_labels(503)).inc();
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(ALLOC_ROUTES_TOTAL.get(route_labels(503)).get(), 10_001);
    assert_eq!(ALLOC_EVENTS_TOTAL.get(), 30_000);
    assert_eq!(ALLOC_LATENCY_SECONDS.get_sample_count(), 10_001);
}

#[test]
fn a_new_series_allocates_and_is_counted_by_this_test() {
    // Guards the guard: the allocator does see allocations on this thread.
    let allocations = allocations_during(|| {
        ALLOC_REQUESTS_TOTAL
            .with_label_values(&["POST", "201"])
            .inc();
    });
    assert!(allocations > 0);
}

/// Summary with quantiles.
#[metric(objectives = [(0.5, 0.05), (0.9, 0.01), (0.99, 0.001)])]
static ALLOC_SETUP_SECONDS: Summary;
/// Summary without quantiles.
#[metric]
static ALLOC_PAYLOAD_BYTES: Summary;
/// State set.
#[metric(states = ["idle", "busy"])]
static ALLOC_WORKER_STATE: StateSet;
/// Timed histogram.
#[metric]
static ALLOC_TIMED_SECONDS: Histogram;
/// In-progress gauge.
#[metric]
static ALLOC_WORKERS_BUSY: IntGauge;

/// Values from a fixed pseudo-random sequence, in [0, 1).
fn values(count: usize, seed: u64) -> impl Iterator<Item = f64> {
    let mut state = seed;
    (0..count).map(move |_| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[test]
fn guards_timers_states_and_plain_summaries_allocate_nothing() {
    ALLOC_TIMED_SECONDS.observe(0.1);
    let allocations = allocations_during(|| {
        for i in 0..10_000 {
            let _in_progress = ALLOC_WORKERS_BUSY.track_inprogress();
            let _timer = ALLOC_TIMED_SECONDS.start_timer();
            ALLOC_PAYLOAD_BYTES.observe(i as f64);
            ALLOC_WORKER_STATE.set_index(i % 2).unwrap();
            ALLOC_WORKER_STATE.set("busy").unwrap();
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(ALLOC_PAYLOAD_BYTES.get_sample_count(), 10_000);
    assert_eq!(ALLOC_TIMED_SECONDS.get_sample_count(), 10_001);
    assert_eq!(ALLOC_WORKERS_BUSY.get(), 0);
}

#[test]
fn a_summary_with_quantiles_stops_allocating_once_its_streams_have_grown() {
    // The first observation allocates the buffer and the streams; merging grows the streams
    // to the size the objectives need for this many observations.
    for value in values(50_000, 1) {
        ALLOC_SETUP_SECONDS.observe(value);
    }
    let allocations = allocations_during(|| {
        for value in values(50_000, 2) {
            ALLOC_SETUP_SECONDS.observe(value);
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(ALLOC_SETUP_SECONDS.get_sample_count(), 100_000);
}

/// Timed by the attribute.
#[metric]
static ALLOC_HANDLER_SECONDS: Histogram;
/// Errors by kind.
#[metric(labels = ["kind"])]
static ALLOC_ERRORS_TOTAL: IntCounterVec;

#[derive(Debug, ErrorKind)]
enum AllocError {
    Odd,
}

#[timed(ALLOC_HANDLER_SECONDS)]
#[count_errors(ALLOC_ERRORS_TOTAL)]
fn handler(i: u64) -> Result<u64, AllocError> {
    if i % 2 == 1 {
        return Err(AllocError::Odd);
    }
    Ok(i / 2)
}

#[test]
fn timed_and_counted_functions_allocate_nothing() {
    // The first error creates the `kind="odd"` series.
    assert!(handler(1).is_err());
    let allocations = allocations_during(|| {
        for i in 0..10_000 {
            let _ = std::hint::black_box(handler(i));
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(ALLOC_HANDLER_SECONDS.get_sample_count(), 10_001);
    assert_eq!(ALLOC_ERRORS_TOTAL.with_label_values(&["odd"]).get(), 5_001);
}

/// Capped at one series, then flooded.
#[metric(labels = ["peer"])]
static ALLOC_FLOODED_TOTAL: IntCounterVec;

#[test]
fn a_full_family_redirects_new_values_without_allocating() {
    ALLOC_FLOODED_TOTAL.set_max_series(1);
    ALLOC_FLOODED_TOTAL.with_label_values(&["first"]).inc();
    // The first redirection creates the overflow series and its counter.
    ALLOC_FLOODED_TOTAL.with_label_values(&["second"]).inc();
    let peers: Vec<String> = (0..1000).map(|i| format!("peer-{i}")).collect();
    let allocations = allocations_during(|| {
        for peer in &peers {
            ALLOC_FLOODED_TOTAL
                .with_label_values(&[peer.as_str()])
                .inc();
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(
        ALLOC_FLOODED_TOTAL
            .with_label_values(&[metrics_core::OVERFLOW_LABEL_VALUE])
            .get(),
        1001
    );
}

/// Counter with exemplars.
#[metric]
static ALLOC_EXEMPLAR_EVENTS_TOTAL: IntCounter;
/// Labelled histogram with exemplars.
#[metric(labels = ["route"], buckets = [0.1, 0.5, 1.0])]
static ALLOC_EXEMPLAR_SECONDS: HistogramVec;

/// Once a counter's exemplar slot and a histogram's bucket slots exist (the first exemplar
/// allocates them), recording exemplars of the same or shorter length allocates nothing.
#[test]
fn exemplars_allocate_nothing_once_their_slots_exist() {
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let span = "00f067aa0ba902b7";
    let exemplar = [("trace_id", trace), ("span_id", span)];
    ALLOC_EXEMPLAR_EVENTS_TOTAL
        .inc_with_exemplar(&exemplar)
        .unwrap();
    let series = ALLOC_EXEMPLAR_SECONDS.with_label_values(&["/calls"]);
    for value in [0.05, 0.3, 0.7, 5.0] {
        series.observe_with_exemplar(value, &exemplar).unwrap();
    }
    let allocations = allocations_during(|| {
        for i in 0..10_000 {
            ALLOC_EXEMPLAR_EVENTS_TOTAL
                .inc_by_with_exemplar(2, &[("trace_id", &trace[i % 8..])])
                .unwrap();
            ALLOC_EXEMPLAR_SECONDS
                .with_label_values(&["/calls"])
                .observe_with_exemplar(i as f64 * 0.0002, &exemplar)
                .unwrap();
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(ALLOC_EXEMPLAR_EVENTS_TOTAL.get(), 20_001);
    assert_eq!(series.get_sample_count(), 10_004);
}

/// Native histogram.
#[metric(buckets = [0.5])]
static ALLOC_NATIVE_SECONDS: metrics_core::NativeHistogram;

/// Once its buckets cover the observed range (the first observations build them), a native
/// histogram observes without allocating.
#[test]
fn native_observations_allocate_nothing_once_their_buckets_exist() {
    let observations: Vec<f64> = values(10_000, 7).map(|value| value * 10.0).collect();
    for value in &observations {
        ALLOC_NATIVE_SECONDS.observe(*value);
        ALLOC_NATIVE_SECONDS.observe(-*value);
    }
    let allocations = allocations_during(|| {
        for value in &observations {
            ALLOC_NATIVE_SECONDS.observe(*value);
            ALLOC_NATIVE_SECONDS.observe(-*value);
        }
    });
    assert_eq!(allocations, 0);
    assert_eq!(ALLOC_NATIVE_SECONDS.get_sample_count(), 40_000);
}
