use metrics_core::{metric, Family, IntCounter};

/// Logins, by user: a `&str` is any value.
#[metric(labels = ["user_id"])]
static LOGINS_TOTAL: Family<&'static str, IntCounter>;

fn main() {}
