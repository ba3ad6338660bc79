use http_metrics as _;
use metrics_core::registry;
use voice_metrics as _;

#[test]
fn smoke() {
    voice_metrics::record_call_end("completed", 12.0);
    print!("{}", registry().render());
    println!("{:?}", registry().gather().len());
}
