use metrics_core::{metric, IntCounter, IntGauge};

/// Jobs run.
#[metric]
static JOBS_TOTAL: IntCounter;

/// Jobs queued: in OpenMetrics, the same family as `jobs_total`.
#[metric]
static JOBS: IntGauge;

fn main() {}
