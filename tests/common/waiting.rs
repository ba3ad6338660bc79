//! Waiting for what must happen, without a wall-clock margin.
//!
//! Shared by the workspace's tests and the example service's (`#[path]`).

use std::time::{Duration, Instant};

/// How long a test waits for something that must happen (an answer, a server becoming ready,
/// a connection being released) before it calls the program hung. It is not a timing claim: no
/// test asserts that anything happens within a time; on a machine too busy to answer within
/// this, the test fails as hung rather than waiting forever.
pub const HANG_GUARD: Duration = Duration::from_secs(120);

/// Polls `done` until it holds; panics with `what` only when [`HANG_GUARD`] has passed.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + HANG_GUARD;
    while !done() {
        assert!(Instant::now() < deadline, "hung: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}
