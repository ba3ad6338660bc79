// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, HistogramVec};

/// Request duration.
#[metric(labels = ["le"])]
static HTTP_REQUEST_DURATION_SECONDS: HistogramVec;

fn main() {}
