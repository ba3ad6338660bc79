// The failed declaration is not emitted, so the imports are unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Family};

/// Calls.
#[metric(labels = ["recorded"])]
static VOICE_CALLS_TOTAL: Family<bool>;

fn main() {}
