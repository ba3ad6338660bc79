// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Gauge};

fn queue_len() -> usize {
    0
}

/// Calls waiting.
#[metric(callback = queue_len)]
static QUEUE_DEPTH: Gauge;

fn main() {}
