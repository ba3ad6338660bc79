//! The external programs some tests need (Debian's `prometheus`, its `promtool`, and
//! `prometheus-pushgateway`), and how a test says that it skipped what needs one.
//!
//! Shared by the workspace's tests and the example service's (`#[path]`), so that every skip
//! reads the same and `METRICS_REQUIRE_TOOLS=1` means the same everywhere.

use std::io::Write;
use std::process::Command;

/// Whether `program` can be started. When it cannot, the calling test skips what needs it and
/// says so on the process's standard error (see [`report_skip`]); under
/// `METRICS_REQUIRE_TOOLS=1` (CI, which installs the packages) it fails instead.
pub fn tool_available(program: &str, package: &str) -> bool {
    if Command::new(program).arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var("METRICS_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{program} is required (METRICS_REQUIRE_TOOLS=1) but not installed: apt-get install {package}"
    );
    report_skip(&format!(
        "{program} not installed (apt-get install {package})"
    ));
    false
}

/// Writes `skipped <test>: <why>` to the process's standard error handle. The test harness
/// captures what `print!` and `eprint!` write for a test that passes, so an `eprintln!` here
/// would never be seen without `--nocapture`; a write to the handle itself is not captured and
/// shows in a plain `cargo test`, next to the test's `ok`.
pub fn report_skip(why: &str) {
    let thread = std::thread::current();
    // The harness names each test's thread after the test (with one test thread, it may run
    // them on `main`).
    let test = thread
        .name()
        .filter(|name| *name != "main")
        .unwrap_or("a test");
    // One write for the whole line, so that the lines of tests running in parallel stay whole.
    let line = format!("skipped {test}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
