//! The Pushgateway client against the real `prometheus-pushgateway`, started on a free
//! loopback port. Skipped with a message where it is not installed, unless
//! `METRICS_REQUIRE_TOOLS=1`.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::tools::tool_available;
use common::{free_port, parse_response, request, wait_until};
use metrics_core::push::{PushError, Pusher};
use metrics_core::{Gauge, IntCounter, IntGauge, metric};

/// Rows the batch job imported.
#[metric]
static BATCH_ROWS_IMPORTED_TOTAL: IntCounter;

/// When the batch job last succeeded, in seconds since the epoch.
#[metric]
static BATCH_LAST_SUCCESS_SECONDS: Gauge;

/// Items a long-running job processed (the periodic push tests).
#[metric]
static PERIODIC_ITEMS_TOTAL: IntCounter;

/// Items waiting in the long-running job's queue.
#[metric]
static PERIODIC_QUEUE_ITEMS: IntGauge;

/// Secrets pushed over HTTPS with basic auth.
#[metric]
static SECURE_PUSHES_TOTAL: IntCounter;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The gateway's `/metrics` lines for our job (its own metrics left out), sorted.
fn job_lines(addr: &str) -> Vec<String> {
    lines_starting(&request(addr, "GET", "/metrics", &[]).text(), "batch_")
}

/// Waits until the gateway shows exactly `expected` for the job: it applies pushes and deletes
/// asynchronously (a delete is answered 202 before it is applied).
fn assert_job_lines<S: AsRef<str>>(addr: &str, expected: &[S]) {
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    eventually(&format!("the gateway shows {expected:?}"), || {
        job_lines(addr) == expected
    });
}

/// The lines of an exposition that start with `prefix`, sorted.
fn lines_starting(text: &str, prefix: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with(prefix))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// Starts a Pushgateway on a free loopback port with these extra flags; waits until it
/// answers `ready` (`ready`: whether it does, by whatever protocol it speaks).
fn start_gateway(flags: &[String], ready: impl Fn(&str) -> bool) -> (Killed, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let gateway = Killed(
        Command::new("prometheus-pushgateway")
            .arg(format!("--web.listen-address={addr}"))
            .arg("--persistence.file=")
            .args(flags)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus-pushgateway"),
    );
    wait_until("the pushgateway becomes ready", || {
        std::net::TcpStream::connect(&addr).is_ok() && ready(&addr)
    });
    (gateway, addr)
}

fn plain_gateway() -> (Killed, String) {
    start_gateway(&[], |addr| {
        request(addr, "GET", "/-/ready", &[]).status == 200
    })
}

/// Waits until `condition` holds (polled; the hang guard only catches a hang).
fn eventually(what: &str, condition: impl Fn() -> bool) {
    wait_until(what, condition);
}

#[test]
fn push_push_add_and_delete_with_grouping_keys() {
    if !tool_available("prometheus-pushgateway", "prometheus-pushgateway") {
        return;
    }
    let (_gateway, addr) = plain_gateway();

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
    assert_job_lines(
        &addr,
        &[
            format!("batch_last_success_seconds{{{grouping}}} 1.7e+09"),
            format!("batch_rows_imported_total{{{grouping}}} 1200"),
        ],
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
    assert_job_lines(
        &addr,
        &[
            format!("batch_last_success_seconds{{{grouping}}} 1.7e+09"),
            format!("batch_rows_imported_total{{{grouping}}} 1234"),
        ],
    );

    // push (PUT) replaces the whole group.
    Pusher::new(&url, "nightly_import")
        .unwrap()
        .grouping("instance", "db-1")
        .grouping("path", "/var/data")
        .only(&["batch_rows_imported_total"])
        .push()
        .unwrap();
    assert_job_lines(
        &addr,
        &[format!("batch_rows_imported_total{{{grouping}}} 1234")],
    );

    // Another group of the same job is separate; deleting one leaves the other.
    Pusher::new(&url, "nightly_import")
        .unwrap()
        .grouping("instance", "db-2")
        .only(&["batch_rows_imported_total"])
        .push()
        .unwrap();
    pusher.delete().unwrap();
    assert_job_lines(
        &addr,
        &[r#"batch_rows_imported_total{instance="db-2",job="nightly_import"} 1234"#],
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

#[test]
fn periodic_pushes_and_a_final_push_on_shutdown_and_drop() {
    if !tool_available("prometheus-pushgateway", "prometheus-pushgateway") {
        return;
    }
    let (_gateway, addr) = plain_gateway();
    let url = format!("http://{addr}");
    let lines = || lines_starting(&request(&addr, "GET", "/metrics", &[]).text(), "periodic_");
    let pusher = Pusher::new(&url, "long_import")
        .unwrap()
        .grouping("instance", "worker-1")
        .only(&["periodic_items_total", "periodic_queue_items"]);
    let grouping = r#"instance="worker-1",job="long_import""#;

    PERIODIC_ITEMS_TOTAL.inc_by(5);
    PERIODIC_QUEUE_ITEMS.set(7);
    let pushing = pusher.clone().every(Duration::from_millis(50)).unwrap();
    // The background thread pushes on its own, again and again.
    eventually("two periodic pushes", || pushing.succeeded() >= 2);
    assert_eq!(
        lines(),
        [
            format!("periodic_items_total{{{grouping}}} 5"),
            format!("periodic_queue_items{{{grouping}}} 7"),
        ]
    );
    PERIODIC_ITEMS_TOTAL.inc_by(6);
    eventually("a push of the new value", || {
        lines().contains(&format!("periodic_items_total{{{grouping}}} 11"))
    });
    assert_eq!((pushing.failed(), pushing.last_error()), (0, None));

    // The final push leaves the last values at the gateway, however short the last interval.
    PERIODIC_ITEMS_TOTAL.inc_by(100);
    PERIODIC_QUEUE_ITEMS.set(0);
    pushing.shutdown().unwrap();
    assert_eq!(
        lines(),
        [
            format!("periodic_items_total{{{grouping}}} 111"),
            format!("periodic_queue_items{{{grouping}}} 0"),
        ]
    );

    // Dropping pushes too, even before the first interval is over.
    let hourly = pusher.every(Duration::from_secs(3600)).unwrap();
    PERIODIC_ITEMS_TOTAL.inc_by(1000);
    drop(hourly);
    assert!(lines().contains(&format!("periodic_items_total{{{grouping}}} 1111")));

    // Failures are counted and told; the final push's error is `shutdown`'s.
    let nowhere = Pusher::new(&format!("http://127.0.0.1:{}", free_port()), "j")
        .unwrap()
        .timeout(Duration::from_secs(2))
        .every(Duration::from_millis(20))
        .unwrap();
    eventually("a failed push", || nowhere.failed() >= 1);
    assert_eq!(nowhere.succeeded(), 0);
    let message = nowhere.last_error().unwrap();
    assert!(
        message.starts_with("cannot reach the Pushgateway: "),
        "{message}"
    );
    assert!(matches!(nowhere.shutdown(), Err(PushError::Io(_))));
}

/// A file in a directory of this test's own, removed with it.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One HTTPS request to the gateway, trusting `certificate`, with an `Authorization` header.
fn https_get(
    addr: &str,
    certificate: &rcgen::Certificate,
    path: &str,
    authorization: &str,
) -> common::Response {
    use std::io::{Read, Write};
    use std::sync::Arc;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certificate.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let socket = std::net::TcpStream::connect(addr).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(connection, socket);
    tls.write_all(
        format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
             Connection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let mut raw = Vec::new();
    // Go's TLS closes without close_notify: what arrived before is the whole answer.
    let _ = tls.read_to_end(&mut raw);
    parse_response(&raw)
}

#[test]
fn https_and_basic_auth_against_a_local_certificate() {
    if !tool_available("prometheus-pushgateway", "prometheus-pushgateway") {
        return;
    }
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let dir = TempDir::new("metrics-core-pushgateway-tls");
    let cert = dir.write("cert.pem", &certified.cert.pem());
    let key = dir.write("key.pem", &certified.signing_key.serialize_pem());
    // bcrypt's lowest cost: the gateway checks the password on every request.
    let hash = bcrypt::hash("s3cret:with:colons", 4).unwrap();
    let config = dir.write(
        "web.yml",
        &format!(
            "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n\
             basic_auth_users:\n  pusher: '{hash}'\n"
        ),
    );
    // base64("pusher:s3cret:with:colons")
    let basic = "Basic cHVzaGVyOnMzY3JldDp3aXRoOmNvbG9ucw==";
    let (_gateway, addr) = start_gateway(&[format!("--web.config.file={config}")], |addr| {
        https_get(addr, &certified.cert, "/-/ready", basic).status == 200
    });
    let url = format!("https://{addr}");
    let trusted = || {
        Pusher::new(&url, "secure_job")
            .unwrap()
            .only(&["secure_pushes_total"])
            .tls_root_certificates_pem(certified.cert.pem().as_bytes())
            .unwrap()
    };

    SECURE_PUSHES_TOTAL.inc_by(3);
    trusted()
        .basic_auth("pusher", "s3cret:with:colons")
        .push()
        .unwrap();
    let text = https_get(&addr, &certified.cert, "/metrics", basic).text();
    assert_eq!(
        lines_starting(&text, "secure_"),
        [r#"secure_pushes_total{instance="",job="secure_job"} 3"#]
    );

    // Without credentials, or with wrong ones, the gateway refuses and says so.
    for pusher in [
        trusted(),
        trusted().basic_auth("pusher", "wrong"),
        trusted().bearer_token("s3cret:with:colons"),
    ] {
        let refused = pusher.push().unwrap_err();
        assert!(
            matches!(&refused, PushError::Status { code: 401, body } if body == "Unauthorized\n"),
            "{refused}"
        );
    }
    // A certificate nobody vouched for is refused before anything is sent.
    let untrusted = Pusher::new(&url, "secure_job")
        .unwrap()
        .basic_auth("pusher", "s3cret:with:colons")
        .push()
        .unwrap_err();
    assert!(matches!(untrusted, PushError::Io(_)), "{untrusted}");
    assert!(
        untrusted.to_string().contains("UnknownIssuer"),
        "{untrusted}"
    );
    // Plain HTTP to the HTTPS gateway fails too.
    let plain = Pusher::new(&format!("http://{addr}"), "secure_job")
        .unwrap()
        .push()
        .unwrap_err();
    assert!(
        matches!(plain, PushError::Status { code: 400, .. }),
        "{plain}"
    );

    let bad = Pusher::new(&url, "j")
        .unwrap()
        .tls_root_certificates_pem(b"no certificate here")
        .unwrap_err();
    assert_eq!(
        bad.to_string(),
        "invalid certificate to trust: no CERTIFICATE found in the PEM"
    );
}

#[test]
fn a_bearer_token_is_sent() {
    // No Pushgateway checks tokens by itself (a proxy in front does): this crate's own server
    // plays the proxy, and refuses the push only after it checked the token.
    let endpoint = metrics_core::http::MetricsEndpoint::new()
        .path("/metrics/job/j")
        .bearer_token("t0k3n");
    let server = metrics_core::serve_endpoint("127.0.0.1:0", endpoint).unwrap();
    let url = format!("http://{}", server.local_addr());
    let refused = |pusher: Pusher| match pusher.push().unwrap_err() {
        PushError::Status { code, body } => (code, body),
        other => panic!("{other}"),
    };
    assert_eq!(
        refused(Pusher::new(&url, "j").unwrap()),
        (401, "unauthorized: credentials required\n".to_owned())
    );
    assert_eq!(
        refused(Pusher::new(&url, "j").unwrap().bearer_token("t0k3n")),
        (405, "method PUT not allowed: use GET or HEAD\n".to_owned())
    );
}
