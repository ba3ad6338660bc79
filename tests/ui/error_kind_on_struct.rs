use metrics_core::ErrorKind;

#[derive(ErrorKind)]
struct LookupError {
    code: u16,
}

fn main() {}
