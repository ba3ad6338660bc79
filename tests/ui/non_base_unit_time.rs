// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Histogram};

/// Request duration.
#[metric]
static HTTP_REQUEST_DURATION_MILLISECONDS: Histogram;

fn main() {}
