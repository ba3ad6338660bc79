// The failed declaration is not emitted, so the imports are unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, subsystem, IntCounter};

/// SIP registrations sent.
#[subsystem("trunk")]
#[metric]
static REGISTRATIONS_TOTAL: IntCounter;

fn main() {
    REGISTRATIONS_TOTAL.inc();
}
