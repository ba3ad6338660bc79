// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, GaugeFn};

/// Calls waiting.
#[metric]
static QUEUE_DEPTH: GaugeFn;

fn main() {}
