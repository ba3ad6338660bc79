use metrics_core::{metric, Family, IntCounter, LabelValue};

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {
    Completed,
    Failed,
}

/// Calls by final status.
#[metric]
static VOICE_CALLS_TOTAL: Family<CallStatus, IntCounter>;

fn main() {}
