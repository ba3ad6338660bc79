use metrics_core::LabelSet;

#[derive(LabelSet)]
struct CallLabels {
    codec: &'static str,
    score: f64,
}

fn main() {}
