use metrics_core::LabelValue;

#[derive(Clone, Copy, LabelValue)]
struct CallStatus;

fn main() {}
