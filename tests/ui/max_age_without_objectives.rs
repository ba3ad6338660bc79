// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Summary};

/// Request duration.
#[metric(max_age = 600, age_buckets = 5)]
static HTTP_REQUEST_DURATION_SECONDS: Summary;

fn main() {}
