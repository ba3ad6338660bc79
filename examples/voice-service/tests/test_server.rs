//! Starts the real `voice-service` binary on a free port and talks HTTP to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

#[path = "../../../tests/common/tools.rs"]
mod tools;
#[allow(dead_code)] // wait_until
#[path = "../../../tests/common/waiting.rs"]
mod waiting;

use waiting::HANG_GUARD;

/// The service, killed when the test ends, even when it fails.
struct Service {
    child: Child,
    port: u16,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    /// `--port 0` lets the kernel pick a free port; the service prints the address it got.
    fn start() -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_voice-service"))
            .args(["--port", "0"])
            .env_remove("PORT")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start voice-service");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split("http://0.0.0.0:")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        Service { child, port }
    }

    fn request(&self, method: &str, path: &str) -> Response {
        self.request_with(method, path, &[])
    }

    /// A request with extra header lines (`"Accept: ..."`).
    fn request_with(&self, method: &str, path: &str, headers: &[&str]) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
        let extra: String = headers.iter().map(|line| format!("{line}\r\n")).collect();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(": "))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_owned(),
        }
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The lines of one family: its `# HELP` and `# TYPE` lines and its samples (`name`,
/// `name{...}`, and for summaries and histograms `name_sum`, `name_count`, `name_bucket`).
fn family(exposition: &str, name: &str) -> String {
    exposition
        .lines()
        .filter(|line| {
            let rest = line
                .strip_prefix("# HELP ")
                .or_else(|| line.strip_prefix("# TYPE "))
                .unwrap_or(line);
            rest.strip_prefix(name).is_some_and(|after| {
                ["", " ", "{", "_sum", "_count", "_bucket"]
                    .iter()
                    .any(|next| !next.is_empty() && after.starts_with(next))
            })
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

fn sample(exposition: &str, series: &str) -> Option<String> {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(str::to_owned)
}

#[test]
fn serves_every_metric_from_the_first_scrape() {
    let service = Service::start();
    let response = service.request("GET", "/metrics");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    for family in [
        "# TYPE cache_entries gauge",
        "# TYPE cache_hits_total counter",
        "# TYPE cache_misses_total counter",
        "# TYPE http_request_duration_seconds histogram",
        "# TYPE http_requests_in_flight gauge",
        "# TYPE http_requests_total counter",
        "# TYPE security_violations_total counter",
        "# TYPE voice_active_calls gauge",
        "# TYPE voice_call_duration_seconds histogram",
        "# TYPE voice_call_errors_total counter",
        "# TYPE voice_call_setup_seconds summary",
        "# TYPE voice_calls_total counter",
        "# TYPE voice_config_info gauge",
        "# TYPE voice_last_call_end_timestamp_seconds gauge",
        "# TYPE voice_trunk_state gauge",
    ] {
        assert!(response.body.contains(family), "{family} missing");
    }
    assert_eq!(
        sample(&response.body, "voice_active_calls").as_deref(),
        Some("0")
    );
    // Tokio's runtime metrics, from tokio-metrics through the `metrics` facade, with the
    // descriptions it gives them. `#[tokio::main]` starts a worker per available CPU.
    let workers = std::thread::available_parallelism().unwrap();
    assert_eq!(
        family(&response.body, "tokio_workers"),
        format!(
            "# HELP tokio_workers The number of worker threads used by the runtime\n\
             # TYPE tokio_workers gauge\n\
             tokio_workers {workers}\n"
        )
    );
    assert!(response.body.contains(
        "# HELP tokio_total_busy_duration_total The amount of time worker threads were busy \
         (unit: microseconds)\n# TYPE tokio_total_busy_duration_total counter\n"
    ));
    assert_eq!(
        family(&response.body, "cache_entries"),
        "# HELP cache_entries Entries in the cache, read from the cache itself at scrape time.\n\
         # TYPE cache_entries gauge\n\
         cache_entries{cache_key_prefix=\"user\"} 0\n"
    );
    assert_eq!(
        sample(&response.body, "voice_last_call_end_timestamp_seconds").as_deref(),
        Some("0")
    );
    // The scrape itself is the one request in flight.
    assert_eq!(
        family(&response.body, "http_requests_in_flight"),
        "# HELP http_requests_in_flight HTTP requests being handled right now.\n\
         # TYPE http_requests_in_flight gauge\n\
         http_requests_in_flight 1\n"
    );
    assert_eq!(
        family(&response.body, "voice_config_info"),
        "# HELP voice_config_info The voice configuration the service runs with.\n\
         # TYPE voice_config_info gauge\n\
         voice_config_info{default_codec=\"opus\",max_call_seconds=\"3600\"} 1\n"
    );
    assert_eq!(
        family(&response.body, "voice_call_setup_seconds"),
        "# HELP voice_call_setup_seconds Time to set up a call, with its median and 99th \
         percentile over the last 10 minutes.\n\
         # TYPE voice_call_setup_seconds summary\n\
         voice_call_setup_seconds{quantile=\"0.5\"} NaN\n\
         voice_call_setup_seconds{quantile=\"0.99\"} NaN\n\
         voice_call_setup_seconds_sum 0\n\
         voice_call_setup_seconds_count 0\n"
    );
    assert_eq!(
        family(&response.body, "voice_trunk_state"),
        "# HELP voice_trunk_state State of the SIP trunk the calls go through.\n\
         # TYPE voice_trunk_state gauge\n\
         voice_trunk_state{voice_trunk_state=\"up\"} 1\n\
         voice_trunk_state{voice_trunk_state=\"degraded\"} 0\n\
         voice_trunk_state{voice_trunk_state=\"down\"} 0\n"
    );
}

#[test]
fn routes_record_the_metrics_a_scrape_then_shows() {
    let service = Service::start();
    assert_eq!(
        service
            .request("POST", "/calls/simulate?status=completed&duration=42")
            .status,
        200
    );
    assert_eq!(
        service
            .request("POST", "/calls/simulate?status=completed&duration=7.5")
            .status,
        200
    );
    assert_eq!(
        service
            .request("POST", "/calls/simulate?status=failed&duration=3")
            .status,
        200
    );
    // An unknown status is refused, so the label keeps its three values.
    let refused = service.request("POST", "/calls/simulate?status=weird&duration=3");
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body,
        "unknown status \"weird\": expected one of [\"completed\", \"failed\", \"no_answer\"]\n"
    );

    let started = service.request("POST", "/calls");
    assert_eq!(started.status, 200);
    let id = started.body.trim().to_owned();
    let during = service.request("GET", "/metrics").body;
    assert_eq!(sample(&during, "voice_active_calls").as_deref(), Some("1"));
    assert_eq!(
        service
            .request("POST", &format!("/calls/{id}/end?status=no_answer"))
            .status,
        200
    );
    assert_eq!(
        service
            .request("POST", &format!("/calls/{id}/end?status=no_answer"))
            .status,
        404
    );

    assert_eq!(service.request("GET", "/users/7").body, "user 7 (loaded)\n");
    assert_eq!(service.request("GET", "/users/7").body, "user 7 (cached)\n");
    assert_eq!(service.request("GET", "/users/7").body, "user 7 (cached)\n");
    assert_eq!(service.request("GET", "/admin").status, 403);
    assert_eq!(
        service.request("POST", "/trunk?state=degraded").body,
        "trunk is degraded\n"
    );
    let refused = service.request("POST", "/trunk?state=broken");
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body,
        "metric `voice_trunk_state` has no state `broken`; its states are \
         [\"up\", \"degraded\", \"down\"]\n"
    );
    assert_eq!(
        service
            .request("POST", "/calls/simulate?status=failed&duration=-1")
            .status,
        400
    );

    let metrics = service.request("GET", "/metrics").body;
    assert_eq!(
        family(&metrics, "cache_entries"),
        "# HELP cache_entries Entries in the cache, read from the cache itself at scrape time.\n\
         # TYPE cache_entries gauge\n\
         cache_entries{cache_key_prefix=\"user\"} 1\n"
    );
    let last_call_end: f64 = sample(&metrics, "voice_last_call_end_timestamp_seconds")
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        now - 60.0 < last_call_end && last_call_end <= now,
        "{last_call_end} is not the time of the last call ({now})"
    );
    assert_eq!(
        family(&metrics, "voice_trunk_state"),
        "# HELP voice_trunk_state State of the SIP trunk the calls go through.\n\
         # TYPE voice_trunk_state gauge\n\
         voice_trunk_state{voice_trunk_state=\"up\"} 0\n\
         voice_trunk_state{voice_trunk_state=\"degraded\"} 1\n\
         voice_trunk_state{voice_trunk_state=\"down\"} 0\n"
    );
    assert_eq!(
        family(&metrics, "voice_call_errors_total"),
        "# HELP voice_call_errors_total Call requests refused, by error kind.\n\
         # TYPE voice_call_errors_total counter\n\
         voice_call_errors_total{kind=\"invalid_duration\"} 1\n\
         voice_call_errors_total{kind=\"unknown_call\"} 1\n\
         voice_call_errors_total{kind=\"unknown_status\"} 1\n"
    );
    // One call was started: its setup was timed (well under a second).
    expect_count_and_quantiles(&metrics);
    let expect = |series: &str, value: &str| {
        assert_eq!(sample(&metrics, series).as_deref(), Some(value), "{series}");
    };
    expect(r#"voice_calls_total{status="completed"}"#, "2");
    expect(r#"voice_calls_total{status="failed"}"#, "1");
    expect(r#"voice_calls_total{status="no_answer"}"#, "1");
    expect("voice_active_calls", "0");
    expect(
        r#"voice_call_duration_seconds_bucket{status="completed",le="5"}"#,
        "0",
    );
    expect(
        r#"voice_call_duration_seconds_bucket{status="completed",le="10"}"#,
        "1",
    );
    expect(
        r#"voice_call_duration_seconds_bucket{status="completed",le="60"}"#,
        "2",
    );
    expect(
        r#"voice_call_duration_seconds_bucket{status="completed",le="+Inf"}"#,
        "2",
    );
    expect(
        r#"voice_call_duration_seconds_sum{status="completed"}"#,
        "49.5",
    );
    expect(
        r#"voice_call_duration_seconds_count{status="completed"}"#,
        "2",
    );
    expect(r#"cache_misses_total{cache_key_prefix="user"}"#, "1");
    expect(r#"cache_hits_total{cache_key_prefix="user"}"#, "2");
    expect(
        r#"security_violations_total{violation_type="forbidden_path"}"#,
        "1",
    );
    expect(
        r#"http_requests_total{method="GET",endpoint="/users/{id}",status="200"}"#,
        "3",
    );
    expect(
        r#"http_requests_total{method="POST",endpoint="/calls/simulate",status="200"}"#,
        "3",
    );
    // The unknown status and the negative duration.
    expect(
        r#"http_requests_total{method="POST",endpoint="/calls/simulate",status="400"}"#,
        "2",
    );
    expect(
        r#"http_requests_total{method="POST",endpoint="/calls/{id}/end",status="404"}"#,
        "1",
    );
    expect(
        r#"http_request_duration_seconds_count{method="GET",endpoint="/users/{id}"}"#,
        "3",
    );
}

/// `voice_call_setup_seconds` after one timed call setup: a count of 1, and both quantiles
/// equal to that one observation, which is also the sum.
fn expect_count_and_quantiles(metrics: &str) {
    let sum: f64 = sample(metrics, "voice_call_setup_seconds_sum")
        .unwrap()
        .parse()
        .unwrap();
    assert!(sum > 0.0 && sum < 1.0, "{sum}");
    assert_eq!(
        family(metrics, "voice_call_setup_seconds"),
        format!(
            "# HELP voice_call_setup_seconds Time to set up a call, with its median and 99th \
             percentile over the last 10 minutes.\n\
             # TYPE voice_call_setup_seconds summary\n\
             voice_call_setup_seconds{{quantile=\"0.5\"}} {sum}\n\
             voice_call_setup_seconds{{quantile=\"0.99\"}} {sum}\n\
             voice_call_setup_seconds_sum {sum}\n\
             voice_call_setup_seconds_count 1\n"
        )
    );
}

#[test]
fn wrong_method_is_405_and_unknown_path_is_404() {
    let service = Service::start();
    let wrong_method = service.request("POST", "/metrics");
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("GET,HEAD"));
    assert_eq!(service.request("GET", "/nope").status, 404);
    let head = service.request("HEAD", "/metrics");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    let metrics = service.request("GET", "/metrics").body;
    assert_eq!(
        sample(
            &metrics,
            r#"http_requests_total{method="POST",endpoint="/metrics",status="405"}"#
        )
        .as_deref(),
        Some("1")
    );
    assert_eq!(
        sample(
            &metrics,
            r#"http_requests_total{method="GET",endpoint="unmatched",status="404"}"#
        )
        .as_deref(),
        Some("1")
    );
}

/// `promtool check metrics` (Debian package `prometheus`) lints the exposition after traffic.
/// Skipped with a message where promtool is not installed, unless `METRICS_REQUIRE_TOOLS=1`
/// (CI sets it, after installing the package).
#[test]
fn exposition_passes_promtool() {
    if !tools::tool_available("promtool", "prometheus") {
        return;
    }
    let service = Service::start();
    for path in [
        "/calls/simulate?status=completed&duration=12",
        "/calls/simulate?status=failed&duration=700",
        "/calls",
    ] {
        service.request("POST", path);
    }
    service.request("GET", "/users/1");
    service.request("GET", "/users/1");
    service.request("GET", "/admin");
    service.request("GET", "/missing");
    service.request("POST", "/trunk?state=degraded");
    // The whole exposition, and a filtered one (what `name[]=` serves).
    for path in [
        "/metrics",
        "/metrics?name[]=voice_calls_total&name[]=voice_call_setup_seconds&name[]=voice_trunk_state",
    ] {
        let exposition = service.request("GET", path).body;
        assert!(
            exposition.contains("# TYPE voice_calls_total counter"),
            "{path}"
        );
        let mut promtool = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        promtool
            .stdin
            .take()
            .unwrap()
            .write_all(exposition.as_bytes())
            .unwrap();
        let output = promtool.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "promtool found problems in {path}:\n{}{}\nin:\n{exposition}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// A request carrying a W3C `traceparent` leaves its trace and span ids as the exemplar of the
/// request-duration bucket it fell in: in OpenMetrics, not in the text format 0.0.4.
#[test]
fn request_durations_carry_the_callers_trace_as_exemplar() {
    let service = Service::start();
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let traceparent = format!("traceparent: 00-{trace}-00f067aa0ba902b7-01");
    assert_eq!(
        service
            .request_with("GET", "/users/7", &[&traceparent])
            .status,
        200
    );
    // Malformed: no exemplar, the request is still timed.
    assert_eq!(
        service
            .request_with("GET", "/users/8", &["traceparent: 00-xyz-01"])
            .status,
        200
    );

    let openmetrics = service.request_with(
        "GET",
        "/metrics",
        &["Accept: application/openmetrics-text; version=1.0.0"],
    );
    let exemplars: Vec<&str> = openmetrics
        .body
        .lines()
        .filter(|line| line.contains(" # {"))
        .collect();
    assert_eq!(exemplars.len(), 1, "{exemplars:?}");
    let line = exemplars[0];
    assert!(
        line.starts_with(
            "http_request_duration_seconds_bucket{method=\"GET\",endpoint=\"/users/{id}\",le=\""
        ),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "# {{trace_id=\"{trace}\",span_id=\"00f067aa0ba902b7\"}} "
        )),
        "{line}"
    );
    let count = sample(
        &openmetrics.body,
        "http_request_duration_seconds_count{method=\"GET\",endpoint=\"/users/{id}\"}",
    );
    assert_eq!(count.as_deref(), Some("2"));

    let text = service.request("GET", "/metrics");
    assert!(!text.body.contains(trace));
}
