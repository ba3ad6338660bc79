// The failed declaration is not emitted, so the imports are unused: not what this case is about.
#![allow(unused_imports, dead_code)]

use metrics_core::{metric, LabelValue, StateSet};

#[derive(Clone, Copy, LabelValue)]
enum WorkerState {
    Idle,
    Busy,
}

/// What the worker is doing.
#[metric(states = ["idle", "busy"])]
static WORKER_STATE: StateSet<WorkerState>;

fn main() {}
