// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Requests served.
#[metric(labels = ["status"])]
static HTTP_REQUESTS_TOTAL: IntCounter;

fn main() {}
