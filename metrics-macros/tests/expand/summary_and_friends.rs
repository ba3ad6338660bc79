/// Call setup time.
#[metric(objectives = [(0.5, 0.05), (0.99, 0.001)], max_age = "2m", age_buckets = 4, subsystem = "calls")]
pub static SETUP_SECONDS: Summary;

/// The router's state.
#[metric(states = ["starting", "serving"], const_labels = [("region", "eu")])]
static VOICE_ROUTER_STATE: StateSet;

/// Calls waiting for an agent.
#[metric(callback = queue_len)]
static VOICE_QUEUE_DEPTH: GaugeFn;

/// The configuration.
#[metric(labels = ["codec"])]
static VOICE_CONFIG_INFO: Info;

/// What the worker is doing.
#[metric]
static VOICE_WORKER_STATE: StateSet<WorkerState>;
