use metrics_core::LabelValue;

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {
    Completed,
    #[label(rename = "")]
    Failed,
}

fn main() {}
