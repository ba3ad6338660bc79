use metrics_core::{metric, IntCounter};

struct Handler;

impl Handler {
    fn handle(&self) {
        /// Requests handled.
        #[metric]
        static HANDLER_REQUESTS_TOTAL: IntCounter;

        HANDLER_REQUESTS_TOTAL.inc();
    }
}

fn main() {
    Handler.handle();
}
