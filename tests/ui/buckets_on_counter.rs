// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Requests served.
#[metric(buckets = [0.1, 1.0])]
static HTTP_REQUESTS_TOTAL: IntCounter;

fn main() {}
