//! End to end: instances of the service, a real Prometheus scraping them every second, traffic,
//! then exact answers from Prometheus' query API. Once as Prometheus runs by default (it
//! negotiates OpenMetrics), once with native histograms and exemplar storage enabled (it
//! negotiates protobuf).
//!
//! Skipped with a message where `prometheus` is not installed, unless `METRICS_REQUIRE_TOOLS=1`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../../tests/common/tools.rs"]
mod tools;
#[path = "../../../tests/common/waiting.rs"]
mod waiting;

use waiting::{HANG_GUARD, wait_until};

/// A child process killed when the test ends, even when it fails.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_service() -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_voice-service"))
        .args(["--host", "127.0.0.1", "--port", "0"])
        .env_remove("PORT")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start voice-service");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    (Killed(child), addr)
}

fn http(addr: &str, method: &str, target: &str) -> (u16, String) {
    http_with(addr, method, target, "")
}

/// A request with `headers` (`"Name: value\r\n"` lines) added.
fn http_with(addr: &str, method: &str, target: &str, headers: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
        out
    } else {
        body.to_owned()
    };
    (status, body)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The values of an instant query, as `(labels JSON, value)` pairs, read from the JSON
/// answer without a JSON library: each result is `{"metric":{...},"value":[ts,"v"]}`.
fn query(prometheus: &str, promql: &str) -> Vec<(String, String)> {
    let (status, body) = http(
        prometheus,
        "GET",
        &format!("/api/v1/query?query={}", percent_encode(promql)),
    );
    assert_eq!(status, 200, "{promql}: {body}");
    body.split("{\"metric\":")
        .skip(1)
        .map(|result| {
            let labels = result.split('}').next().unwrap_or("").to_owned() + "}";
            let value = result
                .split("\"value\":[")
                .nth(1)
                .and_then(|v| v.split('"').nth(1))
                .unwrap_or("")
                .to_owned();
            (labels, value)
        })
        .collect()
}

/// Polls `promql` until its single value is `expected`, within `deadline`.
fn wait_for(prometheus: &str, promql: &str, expected: &str, deadline: Instant) {
    let mut last = Vec::new();
    while Instant::now() < deadline {
        last = query(prometheus, promql);
        if last.len() == 1 && last[0].1 == expected {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{promql}: expected {expected}, Prometheus last answered {last:?}");
}

/// Starts Prometheus scraping `targets` every second, with `features` enabled; returns it, its
/// address and its directory (named after `run`, so that two tests do not share one).
fn start_prometheus(
    run: &str,
    targets: &[&str],
    features: &[&str],
) -> (Killed, String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("metrics-e2e-{run}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let config = dir.join("prometheus.yml");
    let targets: Vec<String> = targets.iter().map(|target| format!("'{target}'")).collect();
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n  - job_name: voice\n    static_configs:\n      \
             - targets: [{}]\n",
            targets.join(", ")
        ),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let log = std::fs::File::create(dir.join("prometheus.log")).unwrap();
    let mut command = Command::new("prometheus");
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={web}"));
    if !features.is_empty() {
        command.arg(format!("--enable-feature={}", features.join(",")));
    }
    let prometheus = Killed(
        command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus"),
    );
    (prometheus, web, dir)
}

/// Waits until Prometheus at `web` is ready.
fn wait_ready(web: &str, deadline: Instant) {
    while TcpStream::connect(web).is_err() || http(web, "GET", "/-/ready").0 != 200 {
        assert!(Instant::now() < deadline, "prometheus never became ready");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn prometheus_scrapes_two_instances_and_computes_the_answers() {
    if !tools::tool_available("prometheus", "prometheus") {
        return;
    }
    // Prometheus scrapes every second and each check below polls until its answer is right;
    // the deadline only tells a hung run from a slow one.
    let deadline = Instant::now() + HANG_GUARD;
    let (_a, a) = start_service();
    let (_b, b) = start_service();

    let (_prometheus, web, dir) = start_prometheus("default", &[&a, &b], &[]);

    // Traffic: instance A gets 4 completed calls, B 6 completed and 1 failed; durations chosen
    // so the 0.75 quantile falls inside a bucket: cumulative counts over [5, 10, 30, 60, ...]
    // are 2, 4, 6, 8, 9, 10, so rank 7.5 is in (30, 60], at 30 + 30 * (7.5 - 6) / 2 = 52.5.
    for duration in [3, 7, 8, 25] {
        let target = format!("/calls/simulate?status=completed&duration={duration}");
        assert_eq!(http(&a, "POST", &target).0, 200);
    }
    for duration in [4, 12, 45, 50, 90, 200] {
        let target = format!("/calls/simulate?status=completed&duration={duration}");
        assert_eq!(http(&b, "POST", &target).0, 200);
    }
    assert_eq!(
        http(&b, "POST", "/calls/simulate?status=failed&duration=1").0,
        200
    );
    assert_eq!(http(&a, "GET", "/admin").0, 403);
    assert_eq!(http(&a, "GET", "/users/1").0, 200);
    assert_eq!(http(&a, "GET", "/users/1").0, 200);
    // The other metric types: a state set, a timed summary, errors by kind, a callback gauge
    // and an info metric, all scraped in OpenMetrics.
    assert_eq!(http(&b, "POST", "/trunk?state=degraded").0, 200);
    assert_eq!(http(&a, "POST", "/calls").0, 200);
    assert_eq!(
        http(&a, "POST", "/calls/simulate?status=lost&duration=1").0,
        400
    );

    // Prometheus answers once it is ready and has scraped both after the traffic.
    wait_ready(&web, deadline);
    wait_for(&web, "sum(up{job=\"voice\"})", "2", deadline);
    wait_for(
        &web,
        &format!("voice_calls_total{{instance=\"{a}\",status=\"completed\"}}"),
        "4",
        deadline,
    );
    wait_for(
        &web,
        &format!("voice_calls_total{{instance=\"{b}\",status=\"completed\"}}"),
        "6",
        deadline,
    );
    wait_for(
        &web,
        "sum(voice_calls_total{status=\"completed\"})",
        "10",
        deadline,
    );
    // Scraped in OpenMetrics, which this Prometheus asks for first: no `_created` line, so
    // no `..._created` series beside each counter, histogram and summary.
    assert_eq!(
        query(&web, "count({__name__=~\".+_created\", job=\"voice\"})"),
        [],
        "Prometheus stored _created series"
    );
    wait_for(
        &web,
        "sum(voice_calls_total{status=\"failed\"})",
        "1",
        deadline,
    );
    wait_for(
        &web,
        "sum(security_violations_total{violation_type=\"forbidden_path\"})",
        "1",
        deadline,
    );
    wait_for(&web, "sum(cache_hits_total)", "1", deadline);
    wait_for(&web, "sum(cache_misses_total)", "1", deadline);
    wait_for(
        &web,
        "histogram_quantile(0.75, sum by (le) \
         (voice_call_duration_seconds_bucket{status=\"completed\"}))",
        "52.5",
        deadline,
    );
    wait_for(
        &web,
        "sum(voice_call_duration_seconds_sum{status=\"completed\"})",
        "444",
        deadline,
    );
    // Build info and process metrics arrive too, one series per instance.
    wait_for(
        &web,
        &format!(
            "count(voice_service_build_info{{version=\"{}\"}} == 1)",
            env!("CARGO_PKG_VERSION")
        ),
        "2",
        deadline,
    );
    wait_for(&web, "count(process_start_time_seconds > 0)", "2", deadline);
    wait_for(
        &web,
        &format!("voice_trunk_state{{instance=\"{b}\",voice_trunk_state=\"degraded\"}}"),
        "1",
        deadline,
    );
    wait_for(
        &web,
        "sum by (voice_trunk_state) (voice_trunk_state{voice_trunk_state=\"up\"})",
        "1",
        deadline,
    );
    wait_for(&web, "sum(voice_call_setup_seconds_count)", "1", deadline);
    wait_for(
        &web,
        "sum(voice_call_errors_total{kind=\"unknown_status\"})",
        "1",
        deadline,
    );
    wait_for(
        &web,
        "sum(cache_entries{cache_key_prefix=\"user\"})",
        "1",
        deadline,
    );
    wait_for(
        &web,
        "count(voice_config_info{default_codec=\"opus\",max_call_seconds=\"3600\"})",
        "2",
        deadline,
    );
    // Tokio's runtime metrics, which tokio-metrics reports through the `metrics` facade: the
    // facade's recorder puts them in the one registry, next to the `#[metric]` statics.
    wait_for(
        &web,
        "count(tokio_workers > 0 and on (instance) voice_service_build_info)",
        "2",
        deadline,
    );
    wait_for(
        &web,
        "count(tokio_total_busy_duration_total >= 0)",
        "2",
        deadline,
    );

    // Every query of the generated dashboard answers with data, after a second round of
    // traffic that the rates see.
    for (addr, target) in [
        (&a, "/calls/simulate?status=completed&duration=20"),
        (&b, "/calls/simulate?status=failed&duration=2"),
        (&a, "/calls/simulate?status=lost&duration=1"),
        (&a, "/calls"),
        (&b, "/users/2"),
        (&b, "/users/2"),
        (&b, "/admin"),
    ] {
        let method = if target.starts_with("/calls") {
            "POST"
        } else {
            "GET"
        };
        http(addr, method, target);
    }
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/grafana-voice-service.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let exprs: Vec<&str> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|panel| panel["targets"].as_array().into_iter().flatten())
        .map(|target| target["expr"].as_str().unwrap())
        .collect();
    assert!(exprs.len() > 30, "{exprs:?}");
    let dashboard_deadline = Instant::now() + Duration::from_secs(40);
    for expr in exprs {
        let promql = expr
            .replace("$instance", ".*")
            .replace("$__rate_interval", "15s");
        let mut answer = query(&web, &promql);
        while answer.is_empty() && Instant::now() < dashboard_deadline {
            std::thread::sleep(Duration::from_millis(250));
            answer = query(&web, &promql);
        }
        assert!(
            !answer.is_empty(),
            "the dashboard's query {promql} has no data"
        );
    }

    // Both instances are scraped in OpenMetrics (Prometheus asks for it first) without errors.
    // A scrape a busy machine made slower than the 1 s scrape timeout fails on its own, so
    // this waits for a round where both last scrapes went through; a format error would fail
    // every round.
    wait_until("both targets up, without a scrape error", || {
        let (status, targets) = http(&web, "GET", "/api/v1/targets");
        assert_eq!(status, 200);
        targets.matches("\"health\":\"up\"").count() == 2
            && targets.matches("\"lastError\":\"\"").count() == 2
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Prometheus with native histograms and exemplar storage asks for protobuf: the native
/// call-duration histogram arrives with its exponential buckets (its quantiles match the
/// known observations within a bucket's width), and the request-duration histogram's
/// exemplars (the callers' trace ids) are stored and returned by `/api/v1/query_exemplars`.
#[test]
fn prometheus_reads_native_histograms_and_exemplars_over_protobuf() {
    if !tools::tool_available("prometheus", "prometheus") {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(55);
    let (_service, service) = start_service();
    let (_prometheus, web, dir) = start_prometheus(
        "native",
        &[&service],
        &["native-histograms", "exemplar-storage"],
    );

    // Calls of 1, 2, ..., 100 seconds: the median is 50.5 and the 0.9 quantile 90.5.
    for duration in 1..=100 {
        let target = format!("/calls/simulate?status=completed&duration={duration}");
        assert_eq!(http(&service, "POST", &target).0, 200);
    }
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let traceparent = format!("traceparent: 00-{trace}-b7ad6b7169203331-01\r\n");
    assert_eq!(http_with(&service, "GET", "/users/1", &traceparent).0, 200);

    wait_ready(&web, deadline);
    let native = "voice_call_duration_native_seconds{status=\"completed\"}";
    wait_for(&web, &format!("histogram_count({native})"), "100", deadline);
    wait_for(&web, &format!("histogram_sum({native})"), "5050", deadline);
    // Schema 3 buckets are 2^(1/8) wide (9%): the interpolated quantile is within a bucket of
    // the true one.
    for (quantile, truth) in [(0.5, 50.5), (0.9, 90.5)] {
        let answer = query(&web, &format!("histogram_quantile({quantile}, {native})"));
        assert_eq!(answer.len(), 1, "{answer:?}");
        let value: f64 = answer[0].1.parse().unwrap();
        assert!(
            (value - truth).abs() <= truth * 0.095,
            "quantile {quantile}: Prometheus says {value}, the observations {truth}"
        );
    }
    // The classic histogram of the same calls is still there, as classic buckets.
    wait_for(
        &web,
        "sum(voice_call_duration_seconds_count{status=\"completed\"})",
        "100",
        deadline,
    );

    // The exemplar of the traced request.
    let exemplars = loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let (status, body) = http(
            &web,
            "GET",
            &format!(
                "/api/v1/query_exemplars?query={}&start={}&end={}",
                percent_encode("http_request_duration_seconds_bucket"),
                now - 600,
                now + 600
            ),
        );
        assert_eq!(status, 200, "{body}");
        if body.contains(trace) || Instant::now() > deadline {
            break body;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(
        exemplars.contains(&format!("\"trace_id\":\"{trace}\"")),
        "{exemplars}"
    );
    assert!(
        exemplars.contains("\"span_id\":\"b7ad6b7169203331\""),
        "{exemplars}"
    );
    assert!(
        exemplars.contains("\"endpoint\":\"/users/{id}\""),
        "{exemplars}"
    );

    let (_, targets) = http(&web, "GET", "/api/v1/targets");
    assert_eq!(
        targets.matches("\"lastError\":\"\"").count(),
        1,
        "{targets}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
