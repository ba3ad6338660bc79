use metrics_core::{metric, Family, IntCounter, LabelSet, LabelValue};

#[derive(Clone, Copy, LabelValue)]
enum Outcome {
    Ok,
    Failed,
}

#[derive(LabelSet)]
struct JobLabels<'a> {
    outcome: Outcome,
    request_id: &'a str,
}

/// Jobs, by outcome and request.
#[metric]
static JOBS_TOTAL: Family<JobLabels<'static>, IntCounter>;

fn main() {}
