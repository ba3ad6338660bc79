use metrics_core::{LabelSet, LabelValue};

#[derive(LabelSet)]
struct CallLabels<S: LabelValue> {
    status: S,
}

fn main() {}
