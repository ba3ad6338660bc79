// The failed declaration is not emitted, so the import is unused: not what this case is about.
#![allow(unused_imports)]

use metrics_core::{metric, IntCounterVec};

/// Requests by tenant.
#[metric(labels = ["tenant"], expire_after = "ten minutes")]
static TENANT_REQUESTS_TOTAL: IntCounterVec;

fn main() {}
