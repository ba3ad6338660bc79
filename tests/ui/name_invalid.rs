// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Lives left.
#[metric(name = "9lives_total")]
static LIVES_TOTAL: IntCounter;

fn main() {}
