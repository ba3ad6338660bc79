use metrics_core::{metric, Family, IntCounter, LabelSet};

#[derive(LabelSet)]
struct RegionLabels {
    region: bool,
}

/// Calls, by region, with a constant region too.
#[metric(const_labels = [("region", "eu-west")])]
static VOICE_CALLS_TOTAL: Family<RegionLabels, IntCounter>;

fn main() {}
