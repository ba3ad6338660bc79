//! Series that come and go: label values that rotate (tenants, pods, versions) never fill a
//! family, removed series free their memory, idle ones expire, and a handle kept across a
//! removal stays sound.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use metrics_core::{
    Family, Format, IntCounter, IntCounterVec, IntGaugeVec, LabelSet, OVERFLOW_LABEL_VALUE, metric,
    registry,
};

/// Counts the live heap bytes of the current thread only (what it allocated minus what it
/// freed), so that the other tests of this binary, running at the same time, do not disturb
/// the count.
struct CountingAllocator;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + layout.size() as isize));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE_BYTES.try_with(|live| live.set(live.get() - layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn live_bytes() -> isize {
    LIVE_BYTES.with(Cell::get)
}

/// Requests by tenant; tenants come and go.
#[metric(labels = ["tenant"])]
static CHURN_TENANT_REQUESTS_TOTAL: IntCounterVec;

#[test]
fn rotating_tenants_never_overflow_and_the_heap_stays_flat() {
    const TENANTS: u64 = 1000;
    const ROUNDS: usize = 50;
    CHURN_TENANT_REQUESTS_TOTAL.set_max_series(TENANTS as usize);
    let mut heap = Vec::with_capacity(ROUNDS);
    let mut name = String::with_capacity(32);
    for round in 0..ROUNDS {
        for tenant in 0..TENANTS {
            name.clear();
            write!(name, "tenant-{round}-{tenant}").unwrap();
            CHURN_TENANT_REQUESTS_TOTAL
                .with_label_values(&[name.as_str()])
                .inc_by(tenant + 1);
        }
        assert_eq!(CHURN_TENANT_REQUESTS_TOTAL.len(), TENANTS as usize);
        let text = registry().render_only(&["churn_tenant_requests_total"]);
        // HELP, TYPE and one line per tenant: none went to the overflow series.
        assert_eq!(text.lines().count(), TENANTS as usize + 2, "round {round}");
        assert!(!text.contains(OVERFLOW_LABEL_VALUE), "round {round}");
        for tenant in [0, 1, TENANTS - 1] {
            let line = format!(
                "churn_tenant_requests_total{{tenant=\"tenant-{round}-{tenant}\"}} {}\n",
                tenant + 1
            );
            assert!(text.contains(&line), "round {round}: no {line:?}");
        }
        drop(text);
        for tenant in 0..TENANTS {
            name.clear();
            write!(name, "tenant-{round}-{tenant}").unwrap();
            CHURN_TENANT_REQUESTS_TOTAL
                .remove_label_values(&[name.as_str()])
                .unwrap();
        }
        assert_eq!(CHURN_TENANT_REQUESTS_TOTAL.len(), 0);
        heap.push(live_bytes());
    }
    let overflows = registry().render_only(&["metrics_core_cardinality_overflow_total"]);
    assert!(
        !overflows.contains("churn_tenant_requests_total"),
        "{overflows}"
    );
    // Flat from round 5 on. Freed memory is reclaimed in batches (of 32 retired objects), so
    // up to a batch of series and one retired table may be waiting at the end of a round:
    // far less than the 1,000 series (over 100 KB) a round would leak if removal kept them.
    const BATCH_SLACK: isize = 48 * 1024;
    let after_round_5 = heap[4];
    for (round, &bytes) in heap.iter().enumerate().skip(5) {
        assert!(
            bytes <= after_round_5 + BATCH_SLACK,
            "round {}: {bytes} live bytes, {after_round_5} after round 5 ({heap:?})",
            round + 1
        );
    }
    eprintln!(
        "live heap after rounds 5, 10, 25, 50: {} {} {} {} bytes",
        heap[4], heap[9], heap[24], heap[49]
    );
}

/// Open sessions by peer.
#[metric(labels = ["peer"])]
static CHURN_PEER_SESSIONS: IntGaugeVec;

#[test]
fn a_handle_kept_across_a_removal_writes_to_the_removed_series_only() {
    CHURN_PEER_SESSIONS.with_label_values(&["a"]).set(3);
    CHURN_PEER_SESSIONS.with_label_values(&["b"]).set(1);
    let kept = CHURN_PEER_SESSIONS.with_label_values(&["a"]);
    CHURN_PEER_SESSIONS.remove_label_values(&["a"]).unwrap();
    // Other series come and go meanwhile: the removed one is not reused or freed under the
    // handle.
    for peer in 0..200 {
        let peer = format!("p{peer}");
        CHURN_PEER_SESSIONS
            .with_label_values(&[peer.as_str()])
            .inc();
        CHURN_PEER_SESSIONS
            .remove_label_values(&[peer.as_str()])
            .unwrap();
    }
    kept.inc();
    assert_eq!(kept.get(), 4);
    drop(kept);
    assert_eq!(
        registry().render_only(&["churn_peer_sessions"]),
        "# HELP churn_peer_sessions Open sessions by peer.\n\
         # TYPE churn_peer_sessions gauge\n\
         churn_peer_sessions{peer=\"b\"} 1\n"
    );
    assert_eq!(CHURN_PEER_SESSIONS.with_label_values(&["a"]).get(), 0);
    let kept = CHURN_PEER_SESSIONS.with_label_values(&["b"]);
    CHURN_PEER_SESSIONS.reset();
    kept.set(9);
    drop(kept);
    assert!(CHURN_PEER_SESSIONS.is_empty());
    assert_eq!(CHURN_PEER_SESSIONS.with_label_values(&["b"]).get(), 0);
}

/// Jobs by worker, forgotten after an hour without one.
#[metric(labels = ["worker"], expire_after = "1h")]
static CHURN_WORKER_JOBS_TOTAL: IntCounterVec;

#[derive(LabelSet)]
struct Pod<'a> {
    pod: &'a str,
}

/// Restarts by pod, forgotten after ten minutes without one.
#[metric(expire_after = 600)]
static CHURN_POD_RESTARTS_TOTAL: Family<Pod<'static>, IntCounter>;

/// Connections by client, expiring after a few milliseconds in the test.
#[metric(labels = ["client"])]
static CHURN_CLIENT_CONNECTIONS_TOTAL: IntCounterVec;

/// The `_created` sample of a series in OpenMetrics.
fn created(client: &str) -> String {
    let text = String::from_utf8(registry().encode_with_created(
        Format::OpenMetrics,
        Some(&["churn_client_connections_total"]),
    ))
    .unwrap();
    let prefix = format!("churn_client_connections_created{{client=\"{client}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {text}"))
        .to_owned()
}

#[test]
fn idle_series_expire_at_scrape_and_come_back_at_zero_with_a_new_created_time() {
    assert_eq!(
        CHURN_WORKER_JOBS_TOTAL.expire_after(),
        Some(Duration::from_secs(3600))
    );
    assert_eq!(
        CHURN_POD_RESTARTS_TOTAL.expire_after(),
        Some(Duration::from_secs(600))
    );
    assert_eq!(CHURN_CLIENT_CONNECTIONS_TOTAL.expire_after(), None);

    // Nothing here depends on how fast the machine is: the sleeps are lower bounds.
    let after = Duration::from_millis(20);
    CHURN_CLIENT_CONNECTIONS_TOTAL.set_expire_after(Some(after));
    assert_eq!(CHURN_CLIENT_CONNECTIONS_TOTAL.expire_after(), Some(after));
    CHURN_CLIENT_CONNECTIONS_TOTAL
        .with_label_values(&["idle"])
        .inc_by(5);
    CHURN_CLIENT_CONNECTIONS_TOTAL
        .with_label_values(&["busy"])
        .inc();
    let idle_created = created("idle");
    std::thread::sleep(after + after / 2);
    // This scrape starts a new tick of the family's clock; "busy" is used during it.
    let _ = registry().render_only(&["churn_client_connections_total"]);
    CHURN_CLIENT_CONNECTIONS_TOTAL
        .with_label_values(&["busy"])
        .inc();
    std::thread::sleep(after + after / 2);
    // "idle" was last used before that tick started, more than `after` ago.
    assert_eq!(
        registry().render_only(&["churn_client_connections_total"]),
        "# HELP churn_client_connections_total Connections by client, expiring after a few \
         milliseconds in the test.\n\
         # TYPE churn_client_connections_total counter\n\
         churn_client_connections_total{client=\"busy\"} 2\n"
    );
    // Back at zero, as a new series: Prometheus sees a counter reset.
    assert_eq!(
        CHURN_CLIENT_CONNECTIONS_TOTAL
            .with_label_values(&["idle"])
            .get(),
        0
    );
    let new_created = created("idle");
    assert!(
        new_created.parse::<f64>().unwrap() > idle_created.parse::<f64>().unwrap(),
        "{new_created} after {idle_created}"
    );
    CHURN_CLIENT_CONNECTIONS_TOTAL.set_expire_after(None);
    std::thread::sleep(after * 2);
    let _ = registry().render_only(&["churn_client_connections_total"]);
    assert_eq!(CHURN_CLIENT_CONNECTIONS_TOTAL.len(), 2);
}

/// Requests by route: some routes stay, others come and go.
#[metric(labels = ["route"])]
static CHURN_ROUTE_REQUESTS_TOTAL: IntCounterVec;

#[test]
fn writers_on_kept_series_stay_exact_while_others_come_and_go_under_a_scraper() {
    const KEPT: [&str; 4] = ["/a", "/b", "/c", "/d"];
    let operations: u64 = if std::env::var("METRICS_LONG_TESTS").is_ok() {
        1_000_000
    } else {
        50_000
    };
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let writers: Vec<_> = KEPT
            .iter()
            .enumerate()
            .map(|(writer, route)| {
                scope.spawn(move || {
                    for _ in 0..operations {
                        CHURN_ROUTE_REQUESTS_TOTAL.with_label_values(&[route]).inc();
                        CHURN_ROUTE_REQUESTS_TOTAL
                            .with_label_values(&[KEPT[(writer + 1) % KEPT.len()]])
                            .inc();
                    }
                })
            })
            .collect();
        let churner = scope.spawn(|| {
            let mut route = String::new();
            let mut churned = 0u64;
            while !done.load(Ordering::Acquire) {
                route.clear();
                write!(route, "/tmp/{churned}").unwrap();
                CHURN_ROUTE_REQUESTS_TOTAL
                    .with_label_values(&[route.as_str()])
                    .inc();
                CHURN_ROUTE_REQUESTS_TOTAL
                    .remove_label_values(&[route.as_str()])
                    .unwrap();
                churned += 1;
            }
            churned
        });
        let scraper = scope.spawn(|| {
            let mut previous = [0u64; 4];
            let mut scrapes = 0;
            while !done.load(Ordering::Acquire) || scrapes == 0 {
                let text = registry().render_only(&["churn_route_requests_total"]);
                for (index, route) in KEPT.iter().enumerate() {
                    let prefix = format!("churn_route_requests_total{{route=\"{route}\"}} ");
                    if let Some(value) = text.lines().find_map(|line| line.strip_prefix(&prefix)) {
                        let value: u64 = value.parse().unwrap();
                        assert!(value >= previous[index], "{route} went back");
                        previous[index] = value;
                    }
                }
                scrapes += 1;
            }
            scrapes
        });
        for writer in writers {
            writer.join().unwrap();
        }
        done.store(true, Ordering::Release);
        assert!(churner.join().unwrap() > 0);
        assert!(scraper.join().unwrap() > 0);
    });
    for route in KEPT {
        assert_eq!(
            CHURN_ROUTE_REQUESTS_TOTAL.with_label_values(&[route]).get(),
            2 * operations
        );
    }
    assert_eq!(CHURN_ROUTE_REQUESTS_TOTAL.len(), KEPT.len());
}
