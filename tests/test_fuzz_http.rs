//! Fuzzing the request path with stable Rust only (proptest as the generator): random and
//! mutated HTTP requests, byte for byte, into a live standalone server, and random
//! `Accept` / `Accept-Encoding` / query / method / path values into the endpoint and the
//! negotiation code. Nothing may panic (a panic hook counts panics on every thread, server
//! threads included), every answer must be a well-formed HTTP/1.x response whose 200 bodies
//! parse as the exposition they claim to be, and the server must keep serving.
//!
//! Iterations: 5,000 raw request streams and 10,000 endpoint requests (`METRICS_LONG_TESTS=1`: 100
//! times more; `METRICS_FUZZ_ITERATIONS=N` sets both).

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::expo::{self, Dialect};
use common::{HANG_GUARD, wait_until};
use metrics_core::http::standalone::{Server, ServerOptions, serve_with};
use metrics_core::http::{MetricsEndpoint, ScrapeRequest};
use metrics_core::{
    Format, HistogramVec, IntCounter, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, accepts_gzip,
    metric,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Something to render.
#[metric]
static FUZZ_EVENTS_TOTAL: IntCounter;

/// Something with labels to render.
#[metric(labels = ["route"], buckets = [0.1, 1])]
static FUZZ_LATENCY_SECONDS: HistogramVec;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts panics on every thread (the server's connection threads would die silently).
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

fn iterations(default: u32) -> u32 {
    if let Some(n) = std::env::var("METRICS_FUZZ_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        return n;
    }
    if std::env::var("METRICS_LONG_TESTS").is_ok() {
        default * 100
    } else {
        default
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn accept_value() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        Just("text/plain".to_owned()),
        Just("application/openmetrics-text".to_owned()),
        Just("application/vnd.google.protobuf".to_owned()),
        Just("*/*".to_owned()),
        Just("text/*".to_owned()),
        "[a-z*]{0,6}/[a-z.*+-]{0,12}",
        ".{0,12}",
    ];
    let param = prop_oneof![
        "q=[0-9.]{0,5}",
        "q=.{0,4}",
        Just("version=0.0.4".to_owned()),
        Just("version=1.0.0".to_owned()),
        Just("version=0.0.1".to_owned()),
        Just("proto=io.prometheus.client.MetricFamily".to_owned()),
        Just("encoding=delimited".to_owned()),
        "[a-z]{0,5}=\"?.{0,6}\"?",
        ".{0,8}",
    ];
    let range = (kind, prop::collection::vec(param, 0..4))
        .prop_map(|(kind, params)| std::iter::once(kind).chain(params).collect::<Vec<_>>());
    prop_oneof![
        4 => prop::collection::vec(range, 0..5).prop_map(|ranges| {
            ranges.iter().map(|r| r.join(";")).collect::<Vec<_>>().join(",")
        }),
        1 => ".{0,60}",
    ]
}

fn encoding_value() -> impl Strategy<Value = String> {
    let coding = prop_oneof![
        Just("gzip"),
        Just("x-gzip"),
        Just("GZIP"),
        Just("*"),
        Just("br"),
        Just("identity"),
        Just(""),
    ];
    let item = (coding, prop::option::of("[0-9.]{0,5}|.{0,3}"))
        .prop_map(|(c, q)| q.map_or(c.to_owned(), |q| format!("{c};q={q}")));
    prop_oneof![
        4 => prop::collection::vec(item, 0..4).prop_map(|items| items.join(", ")),
        1 => ".{0,30}",
    ]
}

fn query_value() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("name[]"),
        Just("name%5B%5D"),
        Just("name%5b%5d"),
        Just("name"),
        Just("%"),
        Just(""),
    ];
    let value = prop_oneof![
        Just("fuzz_events_total".to_owned()),
        Just("fuzz_latency_seconds".to_owned()),
        Just("fuzz_events".to_owned()),
        "%[0-9a-fA-F]{0,2}[a-z_]{0,8}",
        "[ -~]{0,12}",
    ];
    prop::collection::vec((key, value), 0..4).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// A request as a client might write it, valid or nearly so.
fn structured_request() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        6 => Just("GET".to_owned()),
        2 => Just("HEAD".to_owned()),
        1 => prop::sample::select(vec!["POST", "PUT", "OPTIONS", "get", "", "G T"])
            .prop_map(str::to_owned),
        1 => "[A-Z]{1,10}",
    ];
    let target = prop_oneof![
        3 => Just("/metrics".to_owned()),
        4 => query_value().prop_map(|q| format!("/metrics?{q}")),
        1 => prop::sample::select(vec!["/", "*", "/metrics/", "http://h/metrics", "/%2e%2e"])
            .prop_map(str::to_owned),
        1 => "[ -~]{0,30}",
    ];
    let version = prop_oneof![
        8 => Just("HTTP/1.1"),
        2 => Just("HTTP/1.0"),
        1 => prop::sample::select(vec!["HTTP/2.0", "HTTP/1.1 ", "", "http/1.1", "HTTP/1"]),
    ];
    let header = prop_oneof![
        3 => accept_value().prop_map(|v| format!("Accept: {v}")),
        3 => encoding_value().prop_map(|v| format!("Accept-Encoding: {v}")),
        1 => prop::sample::select(vec!["close", "keep-alive", "Keep-Alive, TE", ""])
            .prop_map(|v| format!("Connection: {v}")),
        1 => "[0-9+-]{0,6}".prop_map(|v| format!("Content-Length: {v}")),
        1 => Just("Transfer-Encoding: chunked".to_owned()),
        1 => ".{0,20}".prop_map(|v| format!("Authorization: {v}")),
        1 => "[!-~]{0,10}:.{0,20}",
        1 => ".{0,30}",
    ];
    let newline = prop_oneof![4 => Just("\r\n"), 1 => Just("\n")];
    (
        method,
        target,
        version,
        prop::collection::vec(header, 0..6),
        newline,
        prop::collection::vec(any::<u8>(), 0..8),
    )
        .prop_map(|(method, target, version, headers, newline, body)| {
            let mut out = format!("{method} {target} {version}{newline}");
            for header in headers {
                out.push_str(&header);
                out.push_str(newline);
            }
            out.push_str(newline);
            let mut bytes = out.into_bytes();
            bytes.extend(body);
            bytes
        })
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn mutate(mut bytes: Vec<u8>, mutations: Vec<Mutation>) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len().max(1);
        match mutation {
            Mutation::Flip(at, bit) if !bytes.is_empty() => bytes[at % len] ^= 1 << (bit % 8),
            Mutation::Insert(at, byte) => bytes.insert(at % (bytes.len() + 1), byte),
            Mutation::Remove(at) if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
            _ => {}
        }
    }
    bytes
}

fn raw_request() -> impl Strategy<Value = Vec<u8>> {
    let mutation = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
    ];
    prop_oneof![
        4 => structured_request(),
        3 => (structured_request(), prop::collection::vec(mutation, 1..4))
            .prop_map(|(bytes, mutations)| mutate(bytes, mutations)),
        // Pipelined: several requests in one write.
        2 => prop::collection::vec(structured_request(), 2..5).prop_map(|all| all.concat()),
        1 => prop::collection::vec(any::<u8>(), 0..400),
    ]
}

const STATUSES: [u16; 11] = [200, 400, 401, 404, 405, 408, 413, 431, 501, 503, 505];

/// Checks a 200 body against the content type it was sent with.
fn check_body(content_type: Option<&str>, gzip: bool, body: &[u8]) -> Result<(), String> {
    let body = if gzip {
        common::gunzip(body)
    } else {
        body.to_vec()
    };
    let dialect = match content_type {
        Some(TEXT_CONTENT_TYPE) => Dialect::Text,
        Some(OPENMETRICS_CONTENT_TYPE) => Dialect::OpenMetrics,
        Some(other) if other == metrics_core::PROTOBUF_CONTENT_TYPE => return Ok(()),
        other => return Err(format!("unexpected content type {other:?}")),
    };
    let text = String::from_utf8(body).map_err(|e| e.to_string())?;
    expo::parse(&text, dialect).map(|_| ())
}

/// Parses every response in `raw`; returns how many there were. `heads`: whether the input
/// may hold a HEAD request, whose answer has the GET's `content-length` but no body; one is
/// then recognised by what follows its head: the next response or the end.
fn check_responses(mut raw: &[u8], heads: bool) -> Result<usize, String> {
    let mut count = 0;
    while !raw.is_empty() {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("response head without an end")?;
        let head = std::str::from_utf8(&raw[..end]).map_err(|e| e.to_string())?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        // hyper answers an HTTP/1.0 request in HTTP/1.0.
        let status: u16 = status_line
            .strip_prefix("HTTP/1.1 ")
            .or_else(|| status_line.strip_prefix("HTTP/1.0 "))
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        if !STATUSES.contains(&status) {
            return Err(format!("unexpected status {status}"));
        }
        let mut length = 0;
        let (mut content_type, mut gzip) = (None, false);
        for line in lines {
            let (name, value) = line
                .split_once(": ")
                .ok_or_else(|| format!("bad header line {line:?}"))?;
            match name {
                "content-length" => length = value.parse().map_err(|_| "bad content-length")?,
                "content-type" => content_type = Some(value),
                "content-encoding" => gzip = value == "gzip",
                _ => {}
            }
        }
        raw = &raw[end + 4..];
        // The next answer may be HTTP/1.0: hyper answers a 1.0 request in 1.0.
        if heads && length > 0 && (raw.is_empty() || raw.starts_with(b"HTTP/1.")) {
            length = 0;
        }
        let body = raw
            .get(..length)
            .ok_or("body shorter than content-length")?;
        if status == 200 && length > 0 {
            check_body(content_type, gzip, body)?;
        }
        raw = &raw[length..];
        count += 1;
    }
    Ok(count)
}

fn exchange(addr: &str, input: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
    // The server may answer and close before reading everything (e.g. after a 400).
    let _ = stream.write_all(input);
    let _ = stream.shutdown(Shutdown::Write);
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("no clean answer to {input:?}: {e}"));
    raw
}

fn start_server() -> Server {
    // Every request is sent whole (or cut short by a half-close) at once, so the header timeout
    // has nothing to do here; a short one would turn a busy machine's delay into a 408.
    let options = ServerOptions::new().header_timeout(HANG_GUARD);
    serve_with("127.0.0.1:0", MetricsEndpoint::new(), options).unwrap()
}

#[test]
fn random_and_mutated_requests_get_valid_answers() {
    count_panics();
    FUZZ_EVENTS_TOTAL.inc();
    FUZZ_LATENCY_SECONDS
        .with_label_values(&["/a\"b\n"])
        .observe(0.5);
    let server = start_server();
    let addr = server.local_addr().to_string();
    let cases = iterations(5_000);
    let answered = AtomicUsize::new(0);
    let served = AtomicUsize::new(0);
    runner(cases)
        .run(&raw_request(), |input| {
            let raw = exchange(&addr, &input);
            let heads = input.windows(4).any(|w| w == b"HEAD");
            let count = check_responses(&raw, heads)
                .map_err(|e| TestCaseError::fail(format!("{e} in answer to {input:?}")))?;
            // Anything sent gets at least one answer; nothing sent, none. Empty lines before a
            // request are ignored (RFC 9112, section 2.2), so they alone get none either.
            let blank = input.iter().all(|byte| matches!(byte, b'\r' | b'\n'));
            prop_assert_eq!(count == 0, blank, "answer {:?}", raw);
            answered.fetch_add(1, Ordering::Relaxed);
            if answered.load(Ordering::Relaxed).is_multiple_of(100) {
                // Still serving.
                let ok = exchange(
                    &addr,
                    b"GET /metrics?name[]=fuzz_events_total HTTP/1.1\r\n\r\n",
                );
                prop_assert!(ok.starts_with(b"HTTP/1.1 200 OK\r\n"));
            }
            served.fetch_add(count, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a thread panicked");
    // Every connection thread ends (each closes right after its last answer).
    wait_until("every connection closes", || server.open_connections() == 0);
    eprintln!(
        "{cases} random/mutated/pipelined request streams, {} responses, all well-formed",
        served.load(Ordering::Relaxed)
    );
}

#[test]
fn random_header_values_through_the_endpoint() {
    count_panics();
    let endpoint = MetricsEndpoint::new();
    let cases = iterations(10_000);
    let inputs = (
        prop::option::of(accept_value()),
        prop::option::of(encoding_value()),
        prop::option::of(query_value()),
        prop::sample::select(vec!["GET", "HEAD", "POST", "", "\u{0}"]),
        prop::option::of(prop_oneof![Just("/metrics".to_owned()), ".{0,10}"]),
    );
    runner(cases)
        .run(&inputs, |(accept, encoding, query, method, path)| {
            let format = Format::from_accept(accept.as_deref());
            let gzip = accepts_gzip(encoding.as_deref());
            let response = endpoint.respond(&ScrapeRequest {
                method,
                path: path.as_deref(),
                query: query.as_deref(),
                accept: accept.as_deref(),
                accept_encoding: encoding.as_deref(),
                authorization: None,
            });
            let expected = if path.as_deref().is_some_and(|p| p != "/metrics") {
                404
            } else if method != "GET" && method != "HEAD" {
                405
            } else {
                200
            };
            prop_assert_eq!(response.status, expected);
            if expected == 200 {
                prop_assert_eq!(response.header("content-type"), Some(format.content_type()));
                let gzipped = response.header("content-encoding") == Some("gzip");
                // metrics-core's default feature `gzip` is on here.
                prop_assert_eq!(gzipped, gzip);
                if method == "GET" {
                    check_body(response.header("content-type"), gzipped, &response.body)
                        .map_err(TestCaseError::fail)?;
                } else {
                    prop_assert!(response.body.is_empty());
                }
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a thread panicked");
    eprintln!("{cases} random Accept / Accept-Encoding / query / method / path combinations");
}
