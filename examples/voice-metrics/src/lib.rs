//! The voice domain's metrics: calls by final status, their durations, calls in progress,
//! call setup time, the trunk's state, the service's voice configuration and call errors.
//!
//! Like every domain crate, it only annotates statics: no registry, no registration code.
//! Its `Cargo.toml` sets the namespace once (`[package.metadata.metrics] namespace = "voice"`),
//! so `CALLS_TOTAL` is exposed as `voice_calls_total`.

use metrics_core::{
    ErrorKind, Family, Gauge, Histogram, Info, IntCounter, IntCounterVec, IntGauge, LabelValue,
    NativeHistogram, StateSet, Summary, metric,
};

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
pub static CALLS_TOTAL: Family<CallStatus, IntCounter>;

/// Voice call duration.
#[metric(labels = ["status"], buckets = [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0])]
pub static CALL_DURATION_SECONDS: Family<CallStatus, Histogram>;

/// Voice call duration, as a native histogram: exponential buckets about 9% wide (schema 3),
/// which Prometheus reads over protobuf with `--enable-feature=native-histograms`.
#[metric(labels = ["status"], schema = 3)]
pub static CALL_DURATION_NATIVE_SECONDS: Family<CallStatus, NativeHistogram>;

/// Voice calls in progress.
#[metric]
pub static ACTIVE_CALLS: IntGauge;

/// When the last call ended, in seconds since the Unix epoch.
#[metric]
pub static LAST_CALL_END_TIMESTAMP_SECONDS: Gauge;

/// Time to set up a call, with its median and 99th percentile over the last 10 minutes.
#[metric(objectives = [(0.5, 0.05), (0.99, 0.001)], max_age = "10m", age_buckets = 5)]
pub static CALL_SETUP_SECONDS: Summary;

/// State of the SIP trunk the calls go through.
#[metric(states = ["up", "degraded", "down"])]
pub static TRUNK_STATE: StateSet;

/// The voice configuration the service runs with.
#[metric(labels = ["default_codec", "max_call_seconds"])]
pub static CONFIG_INFO: Info;

/// Call requests refused, by error kind.
#[metric(labels = ["kind"])]
pub static CALL_ERRORS_TOTAL: IntCounterVec;

/// Why a call request was refused; counted in `voice_call_errors_total{kind="..."}`.
#[derive(Debug, Clone, PartialEq, ErrorKind)]
pub enum CallError {
    /// The status is not one of `completed`, `failed`, `no_answer`.
    UnknownStatus(String),
    /// No call in progress has this id.
    UnknownCall(u64),
    /// A duration that is negative or not a number.
    InvalidDuration,
}

/// Records the end of a call: its final status and how long it lasted.
pub fn record_call_end(status: CallStatus, duration_seconds: f64) {
    CALLS_TOTAL.get(status).inc();
    CALL_DURATION_SECONDS.get(status).observe(duration_seconds);
    CALL_DURATION_NATIVE_SECONDS
        .get(status)
        .observe(duration_seconds);
    LAST_CALL_END_TIMESTAMP_SECONDS.set_to_current_time();
}
