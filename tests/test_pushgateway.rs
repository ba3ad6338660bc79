//! The Pushgateway client against the real `prometheus-pushgateway`, started on a free
//! loopback port. Skipped with a message where it is not installed, unless
//! `METRICS_REQUIRE_TOOLS=1`.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::tools::tool_available;
use common::{free_port, request, wait_until};
use metrics_core::push::{PushError, Pusher};
use metrics_core::{Gauge, IntCounter, metric};

/// Rows the batch job imported.
#[metric]
static BATCH_ROWS_IMPORTED_TOTAL: IntCounter;

/// When the batch job last succeeded, in seconds since the epoch.
#[metric]
static BATCH_LAST_SUCCESS_SECONDS: Gauge;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The gateway's `/metrics` lines for our job (its own metrics left out), sorted.
fn job_lines(addr: &str) -> Vec<String> {
    let mut lines: Vec<String> = request(addr, "GET", "/metrics", &[])
        .text()
        .lines()
        .filter(|line| line.starts_with("batch_"))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

#[test]
fn push_push_add_and_delete_with_grouping_keys() {
    if !tool_available("prometheus-pushgateway", "prometheus-pushgateway") {
        return;
    }
    let addr = format!("127.0.0.1:{}", free_port());
    let _gateway = Killed(
        Command::new("prometheus-pushgateway")
            .arg(format!("--web.listen-address={addr}"))
            .arg("--persistence.file=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus-pushgateway"),
    );
    wait_until("the pushgateway becomes ready", || {
        std::net::TcpStream::connect(&addr).is_ok()
            && request(&addr, "GET", "/-/ready", &[]).status == 200
    });

    BATCH_ROWS_IMPORTED_TOTAL.inc_by(1200);
    BATCH_LAST_SUCCESS_SECONDS.set(1_700_000_000.0);
    let url = format!("http://{addr}");
    let pusher = Pusher::new(&url, "nightly_import")
        .unwrap()
        .grouping("instance", "db-1")
        .grouping("path", "/var/data")
        .only(&["batch_rows_imported_total", "batch_last_success_seconds"]);
    pusher.push().unwrap();
    let grouping = r#"instance="db-1",job="nightly_import",path="/var/data""#;
    let lines = job_lines(&addr);
    assert_eq!(
        lines,
        [
            format!("batch_last_success_seconds{{{grouping}}} 1.7e+09"),
            format!("batch_rows_imported_total{{{grouping}}} 1200"),
        ]
    );

    // push-add (POST) replaces only the families it sends.
    BATCH_ROWS_IMPORTED_TOTAL.inc_by(34);
    BATCH_LAST_SUCCESS_SECONDS.set(1_800_000_000.0);
    Pusher::new(&url, "nightly_import")
        .unwrap()
        .grouping("instance", "db-1")
        .grouping("path", "/var/data")
        .only(&["batch_rows_imported_total"])
        .push_add()
        .unwrap();
    assert_eq!(
        job_lines(&addr),
        [
            format!("batch_last_success_seconds{{{grouping}}} 1.7e+09"),
            format!("batch_rows_imported_total{{{grouping}}} 1234"),
        ]
    );

    // push (PUT) replaces the whole group.
    Pusher::new(&url, "nightly_import")
        .unwrap()
        .grouping("instance", "db-1")
        .grouping("path", "/var/data")
        .only(&["batch_rows_imported_total"])
        .push()
        .unwrap();
    assert_eq!(
        job_lines(&addr),
        [format!("batch_rows_imported_total{{{grouping}}} 1234")]
    );

    // Another group of the same job is separate; deleting one leaves the other.
    Pusher::new(&url, "nightly_import")
        .unwrap()
        .grouping("instance", "db-2")
        .only(&["batch_rows_imported_total"])
        .push()
        .unwrap();
    pusher.delete().unwrap();
    assert_eq!(
        job_lines(&addr),
        [r#"batch_rows_imported_total{instance="db-2",job="nightly_import"} 1234"#]
    );

    // The gateway's refusals come back as errors with its status and message.
    let refused = Pusher::new(&format!("{url}/nowhere"), "j")
        .unwrap()
        .push()
        .unwrap_err();
    assert!(
        matches!(refused, PushError::Status { code: 404, .. }),
        "{refused}"
    );
    let unreachable = Pusher::new(&format!("http://127.0.0.1:{}", free_port()), "j")
        .unwrap()
        .timeout(Duration::from_secs(2))
        .push()
        .unwrap_err();
    assert!(matches!(unreachable, PushError::Io(_)), "{unreachable}");
}
