//! The concurrency cap and the scrape timeout, with a collector that blocks until released.
//! In its own test binary: the blocking collector would stall any other scrape.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use common::{request, wait_until};
use metrics_core::http::MetricsEndpoint;
use metrics_core::{IntCounter, IntCounterVec, metric};
use prometheus::core::{Collector, Desc};
use prometheus::proto;

/// Work the program does while a scrape is stuck.
#[metric]
static LIMITS_JOBS_TOTAL: IntCounter;

/// Work the program does while a scrape is stuck, by a label seen for the first time.
#[metric(labels = ["kind"])]
static LIMITS_TASKS_TOTAL: IntCounterVec;

/// A collector whose `collect` waits until the gate opens.
struct Gate {
    open: Arc<(Mutex<bool>, Condvar)>,
    desc: Desc,
}

impl Collector for Gate {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<proto::MetricFamily> {
        let (lock, condvar) = &*self.open;
        let mut open = lock.lock().unwrap();
        while !*open {
            open = condvar.wait(open).unwrap();
        }
        Vec::new()
    }
}

#[test]
fn slow_scrapes_time_out_and_excess_scrapes_are_refused() {
    let open = Arc::new((Mutex::new(false), Condvar::new()));
    let desc = Desc::new(
        "limits_gate".into(),
        "A gate.".into(),
        vec![],
        Default::default(),
    )
    .unwrap();
    metrics_core::registry()
        .register(Box::new(Gate {
            open: Arc::clone(&open),
            desc,
        }))
        .unwrap();
    let endpoint = MetricsEndpoint::new()
        .max_concurrent_scrapes(1)
        .timeout(Duration::from_millis(300));
    let server = metrics_core::serve_endpoint("127.0.0.1:0", endpoint).unwrap();
    let addr = server.local_addr().to_string();

    // The gate stays closed until the end of the test: only the timeout can answer this scrape
    // (and not before its time), so no bound on the time from above is needed.
    let started = Instant::now();
    let slow = request(&addr, "GET", "/metrics", &[]);
    let waited = started.elapsed();
    assert_eq!(slow.status, 503);
    assert_eq!(
        slow.text(),
        "scrape timed out after 300 ms: the registry took too long to render\n"
    );
    assert!(waited >= Duration::from_millis(300), "{waited:?}");

    // The rendering is still stuck in the registry. The program's own work goes on, new
    // series included, and the server answers other requests: all of it done while the gate is
    // closed is done without waiting for the stuck rendering.
    for i in 0..1000 {
        LIMITS_JOBS_TOTAL.inc();
        LIMITS_TASKS_TOTAL
            .with_label_values(&[format!("kind-{i}")])
            .inc();
    }
    assert_eq!(LIMITS_JOBS_TOTAL.get(), 1000);
    assert_eq!(LIMITS_TASKS_TOTAL.len(), 1000);
    let missing = request(&addr, "GET", "/elsewhere", &[]);
    assert_eq!(missing.status, 404);

    // The timed-out rendering still holds the only slot.
    let refused = request(&addr, "GET", "/metrics", &[]);
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(
        refused.text(),
        "too many concurrent scrapes (limit 1); retry later\n"
    );

    {
        let (lock, condvar) = &*open;
        *lock.lock().unwrap() = true;
        condvar.notify_all();
    }
    // The slot comes back once the rendering ends (and until then, scrapes are refused).
    let mut response = request(&addr, "GET", "/metrics", &[]);
    wait_until("the scrape slot comes back", || {
        if response.status == 200 {
            return true;
        }
        assert_eq!(response.status, 503);
        response = request(&addr, "GET", "/metrics", &[]);
        false
    });
    assert!(
        response
            .text()
            .contains("# TYPE metrics_core_rejected_samples_total counter\n")
    );
}
