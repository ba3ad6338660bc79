use metrics_core::LabelSet;

#[derive(LabelSet)]
struct CallLabels(bool, bool);

fn main() {}
