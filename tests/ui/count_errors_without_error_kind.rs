use metrics_core::{count_errors, metric, IntCounterVec};

/// Failed lookups, by kind.
#[metric(labels = ["kind"])]
static LOOKUP_ERRORS_TOTAL: IntCounterVec;

#[derive(Debug)]
struct LookupError;

#[count_errors(LOOKUP_ERRORS_TOTAL)]
fn lookup() -> Result<(), LookupError> {
    Err(LookupError)
}

fn main() {
    lookup().unwrap_err();
}
