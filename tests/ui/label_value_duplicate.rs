use metrics_core::LabelValue;

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {
    Failed,
    #[label(rename = "failed")]
    Rejected,
}

fn main() {}
