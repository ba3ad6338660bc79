// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounter};

/// Voice calls.
#[metric(name = "__voice_calls_total")]
static VOICE_CALLS_TOTAL: IntCounter;

fn main() {}
