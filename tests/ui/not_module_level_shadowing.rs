use metrics_core::{metric, IntCounter};

/// Requests served.
#[metric]
static REQUESTS_TOTAL: IntCounter;

fn handle_request() {
    /// Requests served by this fn: same Rust name as the module-level static, another metric.
    #[metric(name = "handler_requests_total")]
    static REQUESTS_TOTAL: IntCounter;

    REQUESTS_TOTAL.inc();
}

fn main() {
    handle_request();
}
