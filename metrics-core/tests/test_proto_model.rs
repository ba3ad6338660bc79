//! The protobuf model in `src/encoding/proto/` is generated from the vendored `metrics.proto`
//! with protox (a pure-Rust protobuf compiler, so no `protoc` is needed) and prost-build, and
//! checked in. This test generates it again and fails when the checked-in code has drifted
//! from the `.proto` or from the generator; run it with `REGENERATE_PROTO=1` to rewrite it.

use std::path::Path;

const PROTO_DIR: &str = "src/encoding/proto";
const GENERATED: &str = "src/encoding/proto/io.prometheus.client.rs";

fn generate() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let descriptors =
        protox::compile(["metrics.proto"], [root.join(PROTO_DIR)]).expect("metrics.proto compiles");
    let out = tempdir();
    prost_build::Config::new()
        .out_dir(&out)
        .compile_fds(descriptors)
        .expect("prost-build generates the model");
    let code = std::fs::read_to_string(out.join("io.prometheus.client.rs")).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    code
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("metrics-core-proto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn checked_in_model_matches_the_proto() {
    let generated = generate();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATED);
    if std::env::var_os("REGENERATE_PROTO").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{GENERATED} differs from what metrics.proto generates; regenerate it with \
         `REGENERATE_PROTO=1 cargo test -p metrics-core --test test_proto_model`"
    );
}
