//! The voice domain's metrics: calls by final status, their durations, and calls in progress.
//!
//! Like every domain crate, it only annotates statics: no registry, no registration code.

use metrics_core::{Family, Histogram, IntCounter, IntGauge, LabelValue, metric};

/// How a call ended: the only values the `status` label can take. A typo is a compile error,
/// and every status is exposed (at zero) from the first scrape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, LabelValue)]
pub enum CallStatus {
    /// The call was answered and ended normally.
    Completed,
    /// The call could not be set up.
    Failed,
    /// Nobody answered.
    NoAnswer,
}

impl CallStatus {
    /// Every status, in declaration order.
    pub const ALL: [CallStatus; 3] = [
        CallStatus::Completed,
        CallStatus::Failed,
        CallStatus::NoAnswer,
    ];

    /// The status whose label value is `text` (`"no_answer"`), if any.
    pub fn from_label(text: &str) -> Option<CallStatus> {
        CallStatus::ALL
            .into_iter()
            .find(|status| status.with_str(|value| value == text))
    }
}

/// Total voice calls, by final status.
#[metric(labels = ["status"])]
pub static VOICE_CALLS_TOTAL: Family<CallStatus, IntCounter>;

/// Voice call duration.
#[metric(labels = ["status"], buckets = [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0])]
pub static VOICE_CALL_DURATION_SECONDS: Family<CallStatus, Histogram>;

/// Voice calls in progress.
#[metric]
pub static VOICE_ACTIVE_CALLS: IntGauge;

/// Records the end of a call: its final status and how long it lasted.
pub fn record_call_end(status: CallStatus, duration_seconds: f64) {
    VOICE_CALLS_TOTAL.get(status).inc();
    VOICE_CALL_DURATION_SECONDS
        .get(status)
        .observe(duration_seconds);
}
