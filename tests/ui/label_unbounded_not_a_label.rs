use metrics_core::{metric, IntCounterVec};

/// Logins, by user.
#[metric(labels = ["user"], unbounded_labels = ["user_id"])]
static LOGINS_TOTAL: IntCounterVec;

fn main() {}
