//! The hot paths allocate nothing: every increment, set and observation, and a labelled lookup
//! of a series that exists. Proven with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use metrics_core::{
    Counter, Family, Gauge, Histogram, HistogramVec, IntCounter, IntCounterVec, IntGauge, LabelSet,
    LabelValue, metric,
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
