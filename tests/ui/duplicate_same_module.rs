use metrics_core::{metric, IntCounter};

/// Requests served.
#[metric]
static HTTP_REQUESTS_TOTAL: IntCounter;

/// Requests served, declared again under another Rust name.
#[metric(name = "http_requests_total")]
static REQUESTS_TOTAL: IntCounter;

fn main() {}
