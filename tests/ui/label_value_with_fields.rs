use metrics_core::LabelValue;

#[derive(Clone, LabelValue)]
enum CallStatus {
    Completed,
    Failed(String),
}

fn main() {}
