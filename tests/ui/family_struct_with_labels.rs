use metrics_core::{metric, Family, IntCounter, LabelSet, LabelValue};

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {
    Completed,
    Failed,
}

#[derive(LabelSet)]
struct CallLabels {
    status: CallStatus,
}

/// Calls by final status.
#[metric(labels = ["status"])]
static VOICE_CALLS_TOTAL: Family<CallLabels, IntCounter>;

fn main() {}
