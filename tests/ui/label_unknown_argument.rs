use metrics_core::LabelValue;

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {
    Completed,
    #[label(name = "failed_other")]
    Failed,
}

fn main() {}
