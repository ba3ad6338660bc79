// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Histogram};

/// Request duration.
#[metric(buckets = [0.1, 0.5, 0.25, 1.0])]
static HTTP_REQUEST_DURATION_SECONDS: Histogram;

fn main() {}
