// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Gauge};

/// Router state.
#[metric(states = ["idle", "busy"])]
static ROUTER_STATE: Gauge;

fn main() {}
