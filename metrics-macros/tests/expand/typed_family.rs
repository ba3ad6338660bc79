/// Total voice calls, by final status.
#[metric(labels = ["status"])]
pub static VOICE_CALLS_TOTAL: Family<CallStatus, IntCounter>;
