//! `#[timed]` and `#[count_errors]` on sync and async fns and methods, and
//! `#[derive(ErrorKind)]`.

use std::future::Future;
use std::panic::catch_unwind;
use std::task::{Context, Waker};
use std::time::Duration;

use metrics_core::{
    ErrorKind, Histogram, HistogramVec, IntCounterVec, Summary, count_errors, metric, registry,
    timed,
};

// Durations are only known from below (a sleep lasts at least its time; a busy machine makes
// anything longer), so the timed functions sleep past the one bucket bound on every path and
// the tests assert exact bucket counts without an upper bound on any duration.

/// Time a lookup took.
#[metric(buckets = [0.005])]
static INSTR_LOOKUP_SECONDS: Histogram;

/// Time a request took, by route.
#[metric(labels = ["route"], buckets = [0.005])]
static INSTR_ROUTE_SECONDS: HistogramVec;

/// Time a flush took.
#[metric]
static INSTR_FLUSH_SECONDS: Summary;

/// Failed operations, by operation and kind.
#[metric(labels = ["operation", "kind"])]
static INSTR_ERRORS_TOTAL: IntCounterVec;

/// Failed reads, by kind.
#[metric(labels = ["kind"])]
static INSTR_READ_ERRORS_TOTAL: IntCounterVec;

#[derive(Debug, ErrorKind)]
enum StoreError {
    NotFound,
    InvalidKey(#[allow(dead_code)] String),
    Backend { code: u16 },
}

#[timed(INSTR_LOOKUP_SECONDS)]
fn lookup(id: u32) -> Option<u32> {
    // Past the 5 ms bound on every path: an early return or a panic timed up to its end lands
    // above it.
    std::thread::sleep(Duration::from_millis(6));
    if id == 0 {
        return None;
    }
    if id == 13 {
        panic!("unlucky id");
    }
    std::thread::sleep(Duration::from_millis(10));
    Some(id * 2)
}

#[timed(INSTR_ROUTE_SECONDS, labels = ["/users"])]
async fn get_user(id: u32) -> Option<u32> {
    // Pending on the first poll, whatever the machine's speed.
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    std::thread::sleep(Duration::from_millis(10));
    Some(id * 2)
}

#[timed(INSTR_FLUSH_SECONDS)]
fn flush() {}

struct Store {
    value: String,
}

impl Store {
    #[count_errors(INSTR_ERRORS_TOTAL, labels = ["get"])]
    fn get(&mut self, key: &str) -> Result<&mut String, StoreError> {
        match key {
            "" => Err(StoreError::InvalidKey(key.to_owned())),
            "value" => Ok(&mut self.value),
            _ => Err(StoreError::NotFound),
        }
    }

    #[count_errors(INSTR_ERRORS_TOTAL, labels = ["put"])]
    async fn put(&mut self, value: &str) -> Result<(), StoreError> {
        tokio::task::yield_now().await;
        let code: u16 = value
            .parse()
            .map_err(|_| StoreError::InvalidKey(value.into()))?;
        if code >= 500 {
            return Err(StoreError::Backend { code });
        }
        self.value = value.to_owned();
        Ok(())
    }
}

#[count_errors(INSTR_READ_ERRORS_TOTAL)]
fn read(path: &str) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    Ok(text)
}

#[test]
fn timed_observes_every_call_including_early_returns_and_panics() {
    assert_eq!(lookup(0), None);
    assert_eq!(lookup(21), Some(42));
    assert!(catch_unwind(|| lookup(13)).is_err());
    flush();
    // Three calls, each timed to its end: 6 ms for the early return and the panic, 16 ms for
    // the call that returns normally; none is under the 5 ms bound.
    assert_eq!(INSTR_LOOKUP_SECONDS.cumulative_counts(), [0, 3]);
    assert!(INSTR_LOOKUP_SECONDS.get_sample_sum() >= 0.028);
    assert_eq!(INSTR_FLUSH_SECONDS.get_sample_count(), 1);
}

#[tokio::test]
async fn timed_async_fn_covers_the_whole_future_and_cancellation() {
    let series = INSTR_ROUTE_SECONDS.with_label_values(&["/users"]);
    // Completed: timed across its awaits, 10 ms asleep and 10 ms blocking.
    assert_eq!(get_user(4).await, Some(8));
    assert_eq!(series.get_sample_count(), 1);
    assert!(series.get_sample_sum() >= 0.020);

    // Cancelled: polled once (pending), then dropped 6 ms later. Nothing is observed while it
    // is pending; the drop observes once, with the time up to the drop (past the 5 ms bound),
    // not up to the end of the first poll.
    let mut cancelled = Box::pin(get_user(5));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(cancelled.as_mut().poll(&mut cx).is_pending());
    assert_eq!(series.get_sample_count(), 1);
    std::thread::sleep(Duration::from_millis(6));
    drop(cancelled);
    assert_eq!(series.get_sample_count(), 2);
    assert_eq!(series.cumulative_counts(), [0, 2]);
    assert!(series.get_sample_sum() >= 0.026);
}

#[tokio::test]
async fn count_errors_labels_errors_by_variant() {
    let mut store = Store {
        value: "old".to_owned(),
    };
    store.get("value").unwrap().push_str("er");
    assert_eq!(store.value, "older");
    assert!(matches!(store.get("missing"), Err(StoreError::NotFound)));
    assert!(matches!(store.get(""), Err(StoreError::InvalidKey(_))));
    assert!(matches!(store.get("nope"), Err(StoreError::NotFound)));
    store.put("200").await.unwrap();
    assert!(matches!(
        store.put("x").await,
        Err(StoreError::InvalidKey(_))
    ));
    assert!(matches!(
        store.put("503").await,
        Err(StoreError::Backend { code: 503 })
    ));
    assert_eq!(
        registry().render_only(&["instr_errors_total"]),
        "# HELP instr_errors_total Failed operations, by operation and kind.\n\
         # TYPE instr_errors_total counter\n\
         instr_errors_total{operation=\"get\",kind=\"invalid_key\"} 1\n\
         instr_errors_total{operation=\"get\",kind=\"not_found\"} 2\n\
         instr_errors_total{operation=\"put\",kind=\"backend\"} 1\n\
         instr_errors_total{operation=\"put\",kind=\"invalid_key\"} 1\n"
    );
}

#[test]
fn count_errors_uses_the_io_error_kind() {
    assert!(read("/nonexistent/metrics-core-test").is_err());
    assert!(read(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).is_ok());
    assert_eq!(
        registry().render_only(&["instr_read_errors_total"]),
        "# HELP instr_read_errors_total Failed reads, by kind.\n\
         # TYPE instr_read_errors_total counter\n\
         instr_read_errors_total{kind=\"not_found\"} 1\n"
    );
}
