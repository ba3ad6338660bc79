//! What the documentation shows that a program can check: the Prometheus configuration under
//! `docs/` (skipped with a message where `promtool` is not installed, unless
//! `METRICS_REQUIRE_TOOLS=1`) and the README's program.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::tools::tool_available;

fn promtool_check_config(file: &Path) -> Output {
    Command::new("promtool")
        .args(["check", "config"])
        .arg(file)
        .output()
        .expect("run promtool")
}

#[test]
fn the_prometheus_configuration_passes_promtool() {
    if !tool_available("promtool", "prometheus") {
        return;
    }
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/prometheus.yml");
    let output = promtool_check_config(&file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "promtool check config {}:\n{stdout}{}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.trim(),
        format!(
            "Checking {0}\n SUCCESS: {0} is valid prometheus config file syntax",
            file.display()
        )
    );

    // The check does fail on a mistake: the same file with a scrape timeout longer than its
    // interval.
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text.replace("scrape_timeout: 10s", "scrape_timeout: 20s");
    assert_ne!(broken, text);
    let dir = std::env::temp_dir().join(format!("metrics-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("prometheus.yml");
    std::fs::write(&copy, broken).unwrap();
    let output = promtool_check_config(&copy);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("scrape timeout greater than scrape interval"),
        "{stderr}"
    );
}

/// The program of the README's "Use it in your crate" is `metrics-core/examples/serve.rs`,
/// which every `cargo test` and `cargo clippy --all-targets` builds: the README shows it
/// unchanged.
#[test]
fn the_readme_program_is_the_example_that_is_built() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("metrics-core/examples/serve.rs")).unwrap();
    let section = &readme[readme
        .find("## Use it in your crate\n")
        .expect("the README's section \"Use it in your crate\"")..];
    let block = section
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n").next())
        .expect("a rust block in \"Use it in your crate\"");
    assert_eq!(block, example);
}
