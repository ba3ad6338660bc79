// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Calls answered.
#[metric(subsystem = "calls")]
static CALLS_ANSWERED_TOTAL: IntCounter;

fn main() {}
