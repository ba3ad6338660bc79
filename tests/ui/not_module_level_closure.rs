use metrics_core::{metric, IntCounter};

fn main() {
    let handle = || {
        /// Requests served.
        #[metric]
        static HTTP_REQUESTS_TOTAL: IntCounter;

        HTTP_REQUESTS_TOTAL.inc();
    };
    handle();
}
