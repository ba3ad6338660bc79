use metrics_core::{metric, IntCounter};

fn handle_request() {
    /// Requests served.
    #[metric]
    static HTTP_REQUESTS_TOTAL: IntCounter;

    HTTP_REQUESTS_TOTAL.inc();
}

fn main() {
    handle_request();
}
