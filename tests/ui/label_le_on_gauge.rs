// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntGaugeVec};

/// Connections by limit.
#[metric(labels = ["le"])]
static OPEN_CONNECTIONS: IntGaugeVec;

fn main() {}
