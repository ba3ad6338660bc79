/// Voice calls rejected before ringing.
#[metric]
static VOICE_CALLS_REJECTED_TOTAL: IntCounter;
