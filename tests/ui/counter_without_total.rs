// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Jobs processed.
#[metric]
static JOBS_COUNT: IntCounter;

fn main() {}
