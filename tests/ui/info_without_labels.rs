// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, Info};

/// Service configuration.
#[metric]
static SERVICE_CONFIG_INFO: Info;

fn main() {}
