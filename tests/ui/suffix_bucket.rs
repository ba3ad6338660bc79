// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntGauge};

/// Tokens in the rate limiter.
#[metric]
static RATE_LIMIT_BUCKET: IntGauge;

fn main() {}
