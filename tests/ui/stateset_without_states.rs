// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, StateSet};

/// Router state.
#[metric]
static ROUTER_STATE: StateSet;

fn main() {}
