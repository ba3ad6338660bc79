/// Total voice calls, by final status.
///
/// Only the first paragraph is the help text.
#[metric(labels = ["status"])]
#[cfg(feature = "voice")]
pub static VOICE_CALLS_TOTAL: metrics_core::IntCounterVec;
