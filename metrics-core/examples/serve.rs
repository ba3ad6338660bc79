use metrics_core::{IntCounter, metric};

/// Jobs processed.
#[metric]
static JOBS_PROCESSED_TOTAL: IntCounter;

fn main() -> std::io::Result<()> {
    let server = metrics_core::serve("0.0.0.0:9100")?;
    println!("metrics at http://{}/metrics", server.local_addr());
    loop {
        JOBS_PROCESSED_TOTAL.inc();
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
