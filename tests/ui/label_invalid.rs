// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounterVec};

/// Requests served.
#[metric(labels = ["status-code"])]
static HTTP_REQUESTS_TOTAL: IntCounterVec;

fn main() {}
