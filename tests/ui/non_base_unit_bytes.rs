// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntGauge};

/// Cache size.
#[metric]
static CACHE_SIZE_KILOBYTES: IntGauge;

fn main() {}
