use metrics_core::LabelSet;

#[derive(LabelSet)]
struct CallLabels {
    #[label(rename = "__name__")]
    name: bool,
}

fn main() {}
