use metrics_core::LabelValue;

#[derive(Clone, Copy, LabelValue)]
enum CallStatus {}

fn main() {}
