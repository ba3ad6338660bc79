// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, GaugeFn};

fn queue_name() -> &'static str {
    "calls"
}

/// Calls waiting.
#[metric(callback = queue_name)]
static QUEUE_DEPTH: GaugeFn;

fn main() {}
