use metrics_core::{metric, Family, IntCounter};

/// Calls by status and whether they were recorded.
#[metric(labels = ["status"])]
static VOICE_CALLS_TOTAL: Family<(String, bool), IntCounter>;

fn main() {}
