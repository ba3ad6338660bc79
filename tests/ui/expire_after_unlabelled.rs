// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Requests.
#[metric(expire_after = "10m")]
static REQUESTS_TOTAL: IntCounter;

fn main() {}
