use metrics_core::LabelSet;

#[derive(LabelSet)]
struct CallLabels {
    status: bool,
    #[label(rename = "status")]
    final_status: bool,
}

fn main() {}
