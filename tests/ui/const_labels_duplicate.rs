// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounterVec};

/// Calls answered.
#[metric(labels = ["region"], const_labels = [("region", "eu"), ("le", "1")])]
static CALLS_ANSWERED_TOTAL: IntCounterVec;

fn main() {}
