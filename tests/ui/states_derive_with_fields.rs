use metrics_core::States;

#[derive(Clone, Copy, States)]
enum WorkerState {
    Idle,
    Busy(u32),
}

fn main() {}
