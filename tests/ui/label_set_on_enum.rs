use metrics_core::LabelSet;

#[derive(LabelSet)]
enum CallLabels {
    Inbound,
    Outbound,
}

fn main() {}
