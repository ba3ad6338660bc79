// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Histogram};

/// When jobs ran.
#[metric]
static JOB_RUN_TIMESTAMP_SECONDS: Histogram;

fn main() {}
