use metrics_core::{metric};

/// Requests served.
#[metric]
static HTTP_REQUESTS_TOTAL: u64;

fn main() {}
