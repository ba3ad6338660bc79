// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntGauge};

/// Items waiting in the queue.
#[metric]
static QUEUE_ITEMS_COUNT: IntGauge;

fn main() {}
