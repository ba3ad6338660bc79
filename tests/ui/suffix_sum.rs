// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Gauge};

/// Money in the till.
#[metric(name = "till_sum")]
static TILL: Gauge;

fn main() {}
