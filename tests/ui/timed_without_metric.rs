use metrics_core::timed;

#[timed]
fn lookup() {}

fn main() {
    lookup();
}
