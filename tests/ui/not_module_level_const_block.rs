use metrics_core::{metric, IntCounter};

const _: () = {
    /// Requests served.
    #[metric]
    static HTTP_REQUESTS_TOTAL: IntCounter;
};

fn main() {}
