use metrics_core::{metric, Family, Histogram, LabelSet};

#[derive(LabelSet)]
struct Bounds {
    le: bool,
}

/// Time to answer.
#[metric]
static VOICE_ANSWER_SECONDS: Family<Bounds, Histogram>;

fn main() {}
