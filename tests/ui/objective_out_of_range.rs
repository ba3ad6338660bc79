// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Summary};

/// Request duration.
#[metric(objectives = [(0.5, 0.05), (1.5, 0.01), (0.9, 0.0), (0.5, 0.01)])]
static HTTP_REQUEST_DURATION_SECONDS: Summary;

fn main() {}
