//! The voice domain's metrics: calls by final status, their durations, and calls in progress.
//!
//! Like every domain crate, it only annotates statics: no registry, no registration code.

use metrics_core::{HistogramVec, IntCounterVec, IntGauge, metric};

/// Total voice calls, by final status.
///
/// `status` is one of `completed`, `failed`, `no_answer`.
#[metric(labels = ["status"])]
pub static VOICE_CALLS_TOTAL: IntCounterVec;

/// Voice call duration.
#[metric(labels = ["status"], buckets = [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0])]
pub static VOICE_CALL_DURATION_SECONDS: HistogramVec;

/// Voice calls in progress.
#[metric]
pub static VOICE_ACTIVE_CALLS: IntGauge;

/// Records the end of a call: its final status and how long it lasted.
pub fn record_call_end(status: &str, duration_seconds: f64) {
    VOICE_CALLS_TOTAL.with_label_values(&[status]).inc();
    VOICE_CALL_DURATION_SECONDS
        .with_label_values(&[status])
        .observe(duration_seconds);
}
