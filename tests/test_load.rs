//! A bounded loopback load test: 50 concurrent clients scrape a 10,000-series registry over
//! keep-alive connections of the standalone server; prints p50 / p99 / max scrape latency,
//! throughput and the process' peak memory (VmHWM).
//!
//! CI runs 200 scrapes (debug build); `METRICS_LONG_TESTS=1` runs 1,000; `METRICS_LOAD_SCRAPES=N`
//! sets the number. The README's figures come from
//! `METRICS_LONG_TESTS=1 cargo test --release --test test_load -- --nocapture`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::HANG_GUARD;
use common::expo::{self, Dialect};
use metrics_core::http::MetricsEndpoint;
use metrics_core::http::standalone::{ServerOptions, serve_with};
use metrics_core::{GaugeVec, HistogramVec, IntCounterVec, metric};

/// Requests by route and status: 8,000 series.
#[metric(labels = ["route", "code"])]
static LOAD_REQUESTS_TOTAL: IntCounterVec;

/// Queue depth by shard: 1,500 series.
#[metric(labels = ["shard"])]
static LOAD_QUEUE_DEPTH: GaugeVec;

/// Request latency by route: 500 series.
#[metric(labels = ["route"], buckets = [0.01, 0.1, 1, 10])]
static LOAD_LATENCY_SECONDS: HistogramVec;

const CLIENTS: usize = 50;

fn kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

/// One keep-alive scrape: the body of a `200`.
fn scrape(reader: &mut BufReader<TcpStream>) -> Vec<u8> {
    reader
        .get_mut()
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: load\r\n\r\n")
        .unwrap();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 200 OK\r\n");
    let mut length = None;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.strip_prefix("content-length: ") {
            length = Some(value.trim().parse().unwrap());
        }
    }
    let mut body = vec![0; length.expect("content-length")];
    reader.read_exact(&mut body).unwrap();
    body
}

#[test]
fn fifty_clients_scrape_ten_thousand_series() {
    let scrapes: usize = std::env::var("METRICS_LOAD_SCRAPES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if std::env::var("METRICS_LONG_TESTS").is_ok() {
            1_000
        } else {
            200
        });
    let rss_before = kib("VmRSS:");
    for route in 0..500 {
        let route = format!("/api/v1/resource/{route}");
        for code in [
            "200", "201", "204", "301", "400", "401", "403", "404", "500", "503",
        ]
        .iter()
        .cycle()
        .take(16)
        {
            LOAD_REQUESTS_TOTAL
                .with_label_values(&[route.as_str(), code])
                .inc();
        }
        LOAD_LATENCY_SECONDS
            .with_label_values(&[&route])
            .observe(0.05);
    }
    for shard in 0..1_500 {
        LOAD_QUEUE_DEPTH
            .with_label_values(&[format!("shard-{shard}")])
            .set(shard as f64);
    }
    let series = LOAD_REQUESTS_TOTAL.len() + LOAD_QUEUE_DEPTH.len() + LOAD_LATENCY_SECONDS.len();
    // 16 codes cycle over 10: 10 distinct per route.
    assert_eq!(LOAD_REQUESTS_TOTAL.len(), 5_000);
    let extra: Vec<String> = (0..3_000).map(|i| format!("/extra/{i}")).collect();
    for route in &extra {
        LOAD_REQUESTS_TOTAL
            .with_label_values(&[route.as_str(), "200"])
            .inc();
    }
    let series = series + extra.len();
    assert_eq!(series, 10_000);
    let rss_with_series = kib("VmRSS:");

    // The server's timeouts out of the way: a busy machine makes every scrape slower, which
    // this test reports but does not judge.
    let endpoint = MetricsEndpoint::new()
        .max_concurrent_scrapes(CLIENTS)
        .timeout(HANG_GUARD);
    let options = ServerOptions::new()
        .max_connections(CLIENTS + 4)
        .max_requests_per_connection(scrapes)
        .header_timeout(HANG_GUARD)
        .write_timeout(HANG_GUARD);
    let server = serve_with("127.0.0.1:0", endpoint, options).unwrap();
    let addr = server.local_addr().to_string();

    let next = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(scrapes));
    let bytes = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                let stream = TcpStream::connect(&addr).unwrap();
                stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
                let mut reader = BufReader::new(stream);
                let mut mine = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < scrapes {
                    let start = Instant::now();
                    let body = scrape(&mut reader);
                    mine.push(start.elapsed());
                    bytes.fetch_add(body.len(), Ordering::Relaxed);
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    let elapsed = started.elapsed();

    // One more scrape, parsed: every series is there.
    let mut reader = BufReader::new(TcpStream::connect(&addr).unwrap());
    let body = String::from_utf8(scrape(&mut reader)).unwrap();
    let parsed = expo::parse(&body, Dialect::Text).unwrap();
    let count = |prefix: &str| parsed.samples.iter().filter(|s| s.name == prefix).count();
    assert_eq!(count("load_requests_total"), 8_000);
    assert_eq!(count("load_queue_depth"), 1_500);
    assert_eq!(count("load_latency_seconds_count"), 500);
    assert_eq!(count("load_latency_seconds_bucket"), 2_500);

    let mut latencies = latencies.into_inner().unwrap();
    assert_eq!(latencies.len(), scrapes);
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let peak = kib("VmHWM:");
    eprintln!(
        "load: {scrapes} scrapes from {CLIENTS} concurrent clients of {series} series \
         ({} KiB per scrape) in {:.2} s ({:.0} scrapes/s): latency p50 {:.1} ms, p99 {:.1} ms, \
         max {:.1} ms; memory: {} MiB RSS before the series, {} MiB with them, \
         peak (VmHWM) {} MiB; build: {}",
        bytes.load(Ordering::Relaxed) / scrapes / 1024,
        elapsed.as_secs_f64(),
        scrapes as f64 / elapsed.as_secs_f64(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*latencies.last().unwrap()),
        rss_before / 1024,
        rss_with_series / 1024,
        peak / 1024,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    // The test's own bounds: the server kept up, nothing was refused (a refusal fails `scrape`
    // above), and memory stayed bounded by the scrapes in flight. The latencies are reported,
    // not asserted: they measure the machine as much as the server.
    assert!(peak < 1024 * 1024, "peak memory {peak} KiB");
}
