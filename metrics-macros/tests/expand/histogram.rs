/// Time to answer a voice call.
#[metric(name = "voice_answer_delay_seconds", buckets = linear(0.5, 0.5, 4))]
pub(crate) static ANSWER_DELAY: Histogram;
