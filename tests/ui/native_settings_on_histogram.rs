// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Histogram, NativeHistogram};

/// Request durations.
#[metric(schema = 3, max_buckets = 100)]
static HTTP_REQUEST_DURATION_SECONDS: Histogram;

/// Call durations.
#[metric(schema = 9)]
static CALL_DURATION_SECONDS: NativeHistogram;

fn main() {}
