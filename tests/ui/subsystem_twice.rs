#[metrics_core::subsystem("trunk")]
mod trunk {
    use metrics_core::{metric, IntCounter};

    /// SIP registrations sent.
    #[metric(subsystem = "sip")]
    pub static REGISTRATIONS_TOTAL: IntCounter;
}

fn main() {}
