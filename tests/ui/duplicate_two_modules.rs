use metrics_core::{metric, IntCounter};

mod http {
    use super::*;

    /// Requests served.
    #[metric]
    pub static HTTP_REQUESTS_TOTAL: IntCounter;
}

mod api {
    use super::*;

    /// API requests served: same exposed name, different Rust name.
    #[metric(name = "http_requests_total")]
    pub static API_REQUESTS_TOTAL: IntCounter;
}

fn main() {}
