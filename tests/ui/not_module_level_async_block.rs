use metrics_core::{metric, IntCounter};

fn main() {
    let _future = async {
        /// Jobs started.
        #[metric]
        static ASYNC_JOBS_TOTAL: IntCounter;

        ASYNC_JOBS_TOTAL.inc();
    };
}
