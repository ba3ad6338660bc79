//! A label fed from outside cannot grow a family without bound: past `max_series`, new values
//! go to one overflow series, are counted, and memory stays flat.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use metrics_core::{DEFAULT_MAX_SERIES, IntCounterVec, OVERFLOW_LABEL_VALUE, metric, registry};

/// Counts live heap bytes, to measure what the series cost.
struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Requests by client-supplied path (a bad idea this test survives).
#[metric(labels = ["method", "path"], unbounded_labels = ["path"])]
static CARDINALITY_REQUESTS_TOTAL: IntCounterVec;

/// Logins by user name, with a small limit.
#[metric(labels = ["user"])]
static CARDINALITY_LOGINS_TOTAL: IntCounterVec;

#[test]
fn a_million_distinct_values_stay_within_the_limit() {
    assert_eq!(CARDINALITY_REQUESTS_TOTAL.max_series(), DEFAULT_MAX_SERIES);
    let million = if std::env::var("METRICS_LONG_TESTS").is_ok() {
        10_000_000
    } else {
        1_000_000
    };
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let mut path = String::new();
    for i in 0..million {
        use std::fmt::Write;
        path.clear();
        write!(path, "/users/{i}").unwrap();
        CARDINALITY_REQUESTS_TOTAL
            .with_label_values(&["GET", path.as_str()])
            .inc();
    }
    let grown = LIVE_BYTES.load(Ordering::Relaxed) - before;

    assert_eq!(CARDINALITY_REQUESTS_TOTAL.len(), DEFAULT_MAX_SERIES + 1);
    let overflowed = (million - DEFAULT_MAX_SERIES) as u64;
    assert_eq!(
        CARDINALITY_REQUESTS_TOTAL
            .with_label_values(&[OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE])
            .get(),
        overflowed
    );
    assert_eq!(
        CARDINALITY_REQUESTS_TOTAL
            .with_label_values(&["GET", "/users/9999"])
            .get(),
        1
    );
    let text = registry().render_only(&["metrics_core_cardinality_overflow_total"]);
    assert!(
        text.contains(&format!(
            "metrics_core_cardinality_overflow_total{{metric=\"cardinality_requests_total\"}} {}\n",
            // Looking up the overflow series by its own values above is not a redirection.
            overflowed
        )),
        "{text}"
    );
    let per_series = grown as usize / (DEFAULT_MAX_SERIES + 1);
    eprintln!(
        "{million} distinct values: {grown} bytes live for {} series, {per_series} bytes per series",
        DEFAULT_MAX_SERIES + 1
    );
    // Bounded by the series, not by the values seen: a few hundred bytes per series.
    assert!(per_series < 400, "{per_series} bytes per series");
}

#[test]
fn the_limit_can_be_changed_and_existing_series_are_kept() {
    CARDINALITY_LOGINS_TOTAL.set_max_series(2);
    for user in ["ada", "bob", "eve", "mallory", "ada"] {
        CARDINALITY_LOGINS_TOTAL.with_label_values(&[user]).inc();
    }
    assert_eq!(
        registry().render_only(&["cardinality_logins_total"]),
        "# HELP cardinality_logins_total Logins by user name, with a small limit.\n\
         # TYPE cardinality_logins_total counter\n\
         cardinality_logins_total{user=\"__overflow__\"} 2\n\
         cardinality_logins_total{user=\"ada\"} 2\n\
         cardinality_logins_total{user=\"bob\"} 1\n"
    );
    CARDINALITY_LOGINS_TOTAL.set_max_series(1);
    CARDINALITY_LOGINS_TOTAL.with_label_values(&["bob"]).inc();
    assert_eq!(
        CARDINALITY_LOGINS_TOTAL.with_label_values(&["bob"]).get(),
        2
    );
    assert_eq!(CARDINALITY_LOGINS_TOTAL.len(), 3);
}

/// A label named like an unbounded value is fine when its type is a closed set: the route
/// templates of a service, as an enum.
#[derive(Clone, Copy, metrics_core::LabelValue)]
enum Route {
    #[label(rename = "/users/{id}")]
    User,
    #[label(rename = "/calls")]
    Calls,
}

/// Requests, by route template.
#[metric(labels = ["path"])]
static CARDINALITY_ROUTE_REQUESTS_TOTAL: metrics_core::Family<Route, metrics_core::IntCounter>;

/// A label set whose open field says it is unbounded on purpose.
#[derive(metrics_core::LabelSet)]
struct SessionLabels<'a> {
    route: Route,
    #[label(unbounded)]
    session_id: &'a str,
}

/// Requests, by route and session (capped).
#[metric]
static CARDINALITY_SESSION_REQUESTS_TOTAL: metrics_core::Family<
    SessionLabels<'static>,
    metrics_core::IntCounter,
>;

#[test]
fn unbounded_looking_labels_build_when_closed_or_declared_unbounded() {
    CARDINALITY_ROUTE_REQUESTS_TOTAL.get(Route::User).inc();
    CARDINALITY_SESSION_REQUESTS_TOTAL
        .get(SessionLabels {
            route: Route::Calls,
            session_id: "s-1",
        })
        .inc();
    assert_eq!(
        metrics_core::registry().render_only(&[
            "cardinality_route_requests_total",
            "cardinality_session_requests_total",
        ]),
        "# HELP cardinality_route_requests_total Requests, by route template.\n\
         # TYPE cardinality_route_requests_total counter\n\
         cardinality_route_requests_total{path=\"/users/{id}\"} 1\n\
         cardinality_route_requests_total{path=\"/calls\"} 0\n\
         # HELP cardinality_session_requests_total Requests, by route and session (capped).\n\
         # TYPE cardinality_session_requests_total counter\n\
         cardinality_session_requests_total{route=\"/calls\",session_id=\"s-1\"} 1\n"
    );
}
