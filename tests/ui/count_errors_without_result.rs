// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{count_errors, metric, IntCounterVec};

/// Failed lookups, by kind.
#[metric(labels = ["kind"])]
static LOOKUP_ERRORS_TOTAL: IntCounterVec;

#[count_errors(LOOKUP_ERRORS_TOTAL)]
fn lookup() {}

fn main() {}
