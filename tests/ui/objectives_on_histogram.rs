// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Histogram};

/// Request duration.
#[metric(objectives = [(0.5, 0.05)])]
static HTTP_REQUEST_DURATION_SECONDS: Histogram;

fn main() {}
