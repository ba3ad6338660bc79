// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, GaugeVec};

/// Request duration percentiles, computed by the service.
#[metric(labels = ["quantile"])]
static HTTP_REQUEST_DURATION_SECONDS: GaugeVec;

fn main() {}
