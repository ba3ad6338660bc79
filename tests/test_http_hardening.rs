//! The standalone server under misbehaving clients, over real sockets: slow clients, oversized
//! heads and bodies, too many connections, pipelining and keep-alive limits; credentials on
//! all three stacks; HTTPS with a certificate made in the test.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{HANG_GUARD, request, wait_until};
use metrics_core::http::MetricsEndpoint;
use metrics_core::http::standalone::{ServerOptions, serve_with};
use metrics_core::{IntCounter, metric};

/// Requests of the hardening tests.
#[metric]
static HARDENING_EVENTS_TOTAL: IntCounter;

const FILTER: &str = "/metrics?name[]=hardening_events_total";

// The HTTPS test's own counter, so that a test running in parallel cannot change the body it
// expects between its request and its assertion.
/// Requests of the HTTPS test.
#[metric]
static HARDENING_TLS_EVENTS_TOTAL: IntCounter;

const TLS_FILTER: &str = "/metrics?name[]=hardening_tls_events_total";

/// One parsed response out of a byte stream that may hold several.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

/// Splits a stream of responses (answers to `heads`: whether each request was a HEAD).
fn replies(mut raw: &[u8], heads: &[bool]) -> Vec<Reply> {
    let mut out = Vec::new();
    for head in heads {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| {
                panic!("no complete response in {:?}", String::from_utf8_lossy(raw))
            });
        let text = std::str::from_utf8(&raw[..end]).unwrap();
        let mut lines = text.split("\r\n");
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(": ").unwrap();
                (name.to_owned(), value.to_owned())
            })
            .collect();
        let length = if *head {
            0
        } else {
            headers
                .iter()
                .find(|(name, _)| name == "content-length")
                .map_or(0, |(_, value)| value.parse().unwrap())
        };
        raw = &raw[end + 4..];
        out.push(Reply {
            status,
            headers,
            body: raw[..length].to_vec(),
        });
        raw = &raw[length..];
    }
    assert!(raw.is_empty(), "unexpected bytes after the last response");
    out
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
    stream
}

/// Everything the server sends until it closes the connection.
fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    raw
}

fn expected_body() -> String {
    format!(
        "# HELP hardening_events_total Requests of the hardening tests.\n\
         # TYPE hardening_events_total counter\n\
         hardening_events_total {}\n",
        HARDENING_EVENTS_TOTAL.get()
    )
}

fn expected_tls_body() -> String {
    format!(
        "# HELP hardening_tls_events_total Requests of the HTTPS test.\n\
         # TYPE hardening_tls_events_total counter\n\
         hardening_tls_events_total {}\n",
        HARDENING_TLS_EVENTS_TOTAL.get()
    )
}

#[test]
fn slow_and_idle_clients_are_cut_off_after_the_header_timeout() {
    // No assertion bounds a time from above: the cut-off is proven by the server closing the
    // connection on a head that never ends (the test waits for it however long it takes), and
    // its time from below (the server cannot close earlier than its timeout).
    let timeout = Duration::from_secs(1);
    let options = ServerOptions::new().header_timeout(timeout);
    let server = serve_with("127.0.0.1:0", MetricsEndpoint::new(), options).unwrap();
    let addr = server.local_addr().to_string();

    // Slowloris: a byte every 50 ms, a head that never ends; the whole head has 1 s.
    let started = Instant::now();
    let mut slow = connect(&addr);
    let mut writer = slow.try_clone().unwrap();
    let dripper = std::thread::spawn(move || {
        let mut bytes = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "
            .iter()
            .chain(std::iter::repeat(&b'a'));
        // Ends only when the server has closed the connection.
        while writer.write_all(&[*bytes.next().unwrap()]).is_ok() {
            std::thread::sleep(Duration::from_millis(50));
        }
    });

    let reply = replies(&read_all(&mut slow), &[false]).remove(0);
    let waited = started.elapsed();
    assert_eq!(reply.status, 408);
    assert_eq!(reply.text(), "request head not received in time\n");
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(waited >= timeout, "{waited:?}");
    dripper.join().unwrap();

    // An idle connection is closed without a word, not before the same time.
    let started = Instant::now();
    let mut idle = connect(&addr);
    assert!(read_all(&mut idle).is_empty());
    let waited = started.elapsed();
    assert!(waited >= timeout, "{waited:?}");
}

#[test]
fn a_slow_client_does_not_hold_up_the_others() {
    // A header timeout no test run reaches: the slow client is still mid-head, by construction,
    // while the other one is served.
    let options = ServerOptions::new().header_timeout(HANG_GUARD);
    let server = serve_with("127.0.0.1:0", MetricsEndpoint::new(), options).unwrap();
    let addr = server.local_addr().to_string();

    let mut slow = connect(&addr);
    slow.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: aaa")
        .unwrap();
    wait_until("the slow connection accepted", || {
        server.open_connections() == 1
    });
    assert_eq!(request(&addr, "GET", FILTER, &[]).status, 200);
    // The slow client was not cut off meanwhile: it finishes its request.
    slow.write_all(b"aa\r\nConnection: close\r\n\r\n").unwrap();
    let reply = replies(&read_all(&mut slow), &[false]).remove(0);
    assert_eq!(reply.status, 200);
}

#[test]
fn oversized_heads_and_bodies_are_refused() {
    let server = metrics_core::serve("127.0.0.1:0").unwrap();
    let addr = server.local_addr().to_string();

    let mut big = connect(&addr);
    let filler = "a".repeat(20 * 1024);
    // The server may answer and close before it has read everything: ignore write errors.
    let _ = big.write_all(format!("GET /metrics HTTP/1.1\r\nX-Big: {filler}\r\n\r\n").as_bytes());
    let reply = replies(&read_all(&mut big), &[false]).remove(0);
    // hyper parses heads and answers malformed ones itself, with an empty body.
    assert_eq!(reply.status, 431);
    assert_eq!(reply.header("connection"), Some("close"));
    assert_eq!(reply.text(), "");

    // Endless header lines without an end: refused at the limit too, memory stays bounded.
    let mut endless = connect(&addr);
    let line = "X-Endless: 0123456789\r\n".repeat(1000);
    let _ = endless.write_all(format!("GET /metrics HTTP/1.1\r\n{line}").as_bytes());
    assert_eq!(replies(&read_all(&mut endless), &[false])[0].status, 431);

    let exchange = |raw: &str| {
        let mut stream = connect(&addr);
        let _ = stream.write_all(raw.as_bytes());
        // Done sending: a truncated request is then known to be truncated.
        let _ = stream.shutdown(std::net::Shutdown::Write);
        replies(&read_all(&mut stream), &[false]).remove(0)
    };
    let too_long = exchange("GET /metrics HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
    assert_eq!(too_long.status, 413);
    assert_eq!(
        too_long.text(),
        "request body too large (limit 16384 bytes)\n"
    );
    let chunked = exchange("GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assert_eq!(chunked.status, 501);
    assert_eq!(
        chunked.text(),
        "request bodies with transfer-encoding are not supported\n"
    );
    let http2 = exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    assert_eq!(http2.status, 400);
    assert_eq!(http2.text(), "HTTP/2 is not served here: use HTTP/1.1\n");
    // hyper's parser knows HTTP/1.0 and 1.1 only: another version is a malformed request.
    let version = exchange("GET /metrics HTTP/3.0\r\n\r\n");
    assert_eq!((version.status, version.text()), (400, ""));
    let garbage = exchange("\u{1}\u{2}\u{3} \r\n\r\n");
    assert_eq!((garbage.status, garbage.text()), (400, ""));
    assert_eq!(garbage.header("connection"), Some("close"));
    let truncated = exchange("GET /metrics HTTP/1.1\r\nAccept: text/pl");
    assert_eq!(truncated.status, 400);
    assert_eq!(truncated.text(), "incomplete request\n");

    // A small body (allowed, ignored) keeps the connection framed: the next request follows.
    let mut stream = connect(&addr);
    stream
        .write_all(
            format!(
                "GET {FILTER} HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\
                 GET {FILTER} HTTP/1.1\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
    let both = replies(&read_all(&mut stream), &[false, false]);
    assert_eq!((both[0].status, both[1].status), (200, 200));

    // The server is still fine.
    assert_eq!(request(&addr, "GET", FILTER, &[]).status, 200);
}

#[test]
fn connections_and_threads_are_bounded() {
    let options = ServerOptions::new().max_connections(8);
    let server = serve_with("127.0.0.1:0", MetricsEndpoint::new(), options).unwrap();
    let addr = server.local_addr().to_string();
    let threads = || -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
        line[8..].trim().parse().unwrap()
    };
    let before = threads();

    // 8 clients hold a connection each without sending anything.
    let held: Vec<TcpStream> = (0..8).map(|_| connect(&addr)).collect();
    wait_until("8 connections accepted", || server.open_connections() == 8);
    // 40 more are each refused at once with a 503. They send nothing: the refusal comes at
    // accept, and a request the server never reads could turn its close into a reset that
    // destroys the answer, if the client were slower to send it than the server lingers.
    for _ in 0..40 {
        let mut client = connect(&addr);
        let refused = replies(&read_all(&mut client), &[false]).remove(0);
        assert_eq!(refused.status, 503);
        assert_eq!(
            refused.text(),
            "too many connections (limit 8); retry later\n"
        );
    }
    assert_eq!(server.open_connections(), 8);
    let during = threads();
    // Held connections take no thread (they are tasks of the server's runtime); other tests
    // of this binary may add a few threads of their own (each server has one, plus its
    // scrapes').
    assert!(
        during <= before + 8,
        "{before} threads before, {during} during"
    );

    drop(held);
    wait_until("connections released", || server.open_connections() == 0);
    assert_eq!(request(&addr, "GET", FILTER, &[]).status, 200);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let options = ServerOptions::new().max_requests_per_connection(4);
    let server = serve_with("127.0.0.1:0", MetricsEndpoint::new(), options).unwrap();
    let addr = server.local_addr().to_string();
    HARDENING_EVENTS_TOTAL.inc();

    let mut stream = connect(&addr);
    stream
        .write_all(
            format!(
                "GET {FILTER} HTTP/1.1\r\nHost: x\r\n\r\n\
                 HEAD {FILTER} HTTP/1.1\r\n\r\n\
                 GET /nope HTTP/1.1\r\n\r\n\
                 GET {FILTER} HTTP/1.1\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
    let got = replies(&read_all(&mut stream), &[false, true, false, false]);
    let body = expected_body();
    assert_eq!(got[0].status, 200);
    assert_eq!(got[0].text(), body);
    assert_eq!(got[0].header("connection"), Some("keep-alive"));
    assert_eq!(got[1].status, 200);
    assert!(got[1].body.is_empty());
    assert_eq!(got[2].status, 404);
    assert_eq!(got[2].text(), "not found: metrics are served at /metrics\n");
    assert_eq!(got[3].text(), body);
    assert_eq!(got[3].header("connection"), Some("close"));

    // Sequential keep-alive requests on one connection, then the per-connection limit (4)
    // closes it after the fourth answer, even though more were sent.
    let mut stream = connect(&addr);
    let one = format!("GET {FILTER} HTTP/1.1\r\n\r\n");
    for _ in 0..2 {
        stream.write_all(one.as_bytes()).unwrap();
        let mut buffer = vec![0; 4096];
        let n = stream.read(&mut buffer).unwrap();
        let reply = replies(&buffer[..n], &[false]).remove(0);
        assert_eq!(reply.text(), body);
    }
    stream.write_all(one.repeat(5).as_bytes()).unwrap();
    let rest = replies(&read_all(&mut stream), &[false, false]);
    assert_eq!(rest[0].header("connection"), Some("keep-alive"));
    assert_eq!(rest[1].header("connection"), Some("close"));

    // HTTP/1.0 closes after one answer unless asked to keep the connection.
    let mut stream = connect(&addr);
    stream
        .write_all(format!("GET {FILTER} HTTP/1.0\r\n\r\nGET {FILTER} HTTP/1.0\r\n\r\n").as_bytes())
        .unwrap();
    let only = replies(&read_all(&mut stream), &[false]);
    assert_eq!(only[0].header("connection"), Some("close"));
}

/// Credentials on every stack: none or wrong gets a 401 with both challenges, either
/// credential gets the metrics.
fn check_auth(addr: &str) {
    let challenges = |reply: &common::Response| -> Vec<String> {
        reply
            .headers
            .iter()
            .filter(|(name, _)| name == "www-authenticate")
            .map(|(_, value)| value.clone())
            .collect()
    };
    for headers in [
        &[][..],
        &["Authorization: Bearer wrong"][..],
        // base64("prometheus:wrong")
        &["Authorization: Basic cHJvbWV0aGV1czp3cm9uZw=="][..],
        &["Authorization: Bearer"][..],
    ] {
        let refused = request(addr, "GET", FILTER, headers);
        assert_eq!(refused.status, 401, "{headers:?}");
        assert_eq!(refused.text(), "unauthorized: credentials required\n");
        assert_eq!(
            challenges(&refused),
            [
                "Basic realm=\"metrics\", charset=\"UTF-8\"",
                "Bearer realm=\"metrics\""
            ]
        );
    }
    // base64("prometheus:s3cret:with:colons")
    let basic = "Authorization: Basic cHJvbWV0aGV1czpzM2NyZXQ6d2l0aDpjb2xvbnM=";
    for header in [
        basic,
        "Authorization: Bearer t0k3n-ABC",
        "authorization: bearer t0k3n-ABC",
    ] {
        let allowed = request(addr, "GET", FILTER, &[header]);
        assert_eq!(allowed.status, 200, "{header}");
        assert!(
            allowed
                .text()
                .contains("# TYPE hardening_events_total counter\n")
        );
    }
}

fn auth_endpoint() -> MetricsEndpoint {
    MetricsEndpoint::new()
        .basic_auth("prometheus", "s3cret:with:colons")
        .bearer_token("t0k3n-ABC")
}

#[test]
fn credentials_on_every_stack() {
    let server = metrics_core::serve_endpoint("127.0.0.1:0", auth_endpoint()).unwrap();
    check_auth(&server.local_addr().to_string());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let axum_addr = listener.local_addr().unwrap().to_string();
    let app =
        axum::Router::new().route("/metrics", metrics_core::http::axum::route(auth_endpoint()));
    runtime.spawn(async move { axum::serve(listener, app).await });
    check_auth(&axum_addr);

    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let hyper_addr = listener.local_addr().unwrap().to_string();
    let service = metrics_core::http::hyper::MetricsService::new(auth_endpoint());
    runtime.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let service = service.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    check_auth(&hyper_addr);
}

#[test]
fn https_with_a_self_signed_certificate() {
    use std::sync::Arc;

    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let options = ServerOptions::new()
        .tls_pem(
            certified.cert.pem().as_bytes(),
            certified.signing_key.serialize_pem().as_bytes(),
        )
        .unwrap();
    let server = serve_with("127.0.0.1:0", auth_endpoint(), options).unwrap();
    let addr = server.local_addr().to_string();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let https = |request: &str| -> Vec<u8> {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let connection = rustls::ClientConnection::new(Arc::clone(&config), name).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, connect(&addr));
        tls.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        tls.read_to_end(&mut raw).unwrap();
        raw
    };
    HARDENING_TLS_EVENTS_TOTAL.inc();
    let raw = https(&format!(
        "GET {TLS_FILTER} HTTP/1.1\r\nAuthorization: Bearer t0k3n-ABC\r\n\r\n\
         GET {TLS_FILTER} HTTP/1.1\r\nConnection: close\r\n\r\n"
    ));
    let got = replies(&raw, &[false, false]);
    assert_eq!(got[0].status, 200);
    assert_eq!(got[0].text(), expected_tls_body());
    assert_eq!(got[1].status, 401);

    // Plain HTTP to the HTTPS port gets no HTTP answer, and the server keeps serving.
    let mut plain = connect(&addr);
    plain.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"HTTP/"), "{answer:?}");
    let again = https(&format!(
        "GET {FILTER} HTTP/1.1\r\nAuthorization: Bearer t0k3n-ABC\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(replies(&again, &[false])[0].status, 200);

    // A client that never finishes the handshake is dropped after the header timeout.
    let slow_tls = ServerOptions::new()
        .header_timeout(Duration::from_millis(300))
        .tls_pem(
            certified.cert.pem().as_bytes(),
            certified.signing_key.serialize_pem().as_bytes(),
        )
        .unwrap();
    let slow_server = serve_with("127.0.0.1:0", MetricsEndpoint::new(), slow_tls).unwrap();
    let started = Instant::now();
    let mut idle = connect(&slow_server.local_addr().to_string());
    let mut nothing = Vec::new();
    let _ = idle.read_to_end(&mut nothing);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    // Its thread ends after the close.
    wait_until("the connection thread ends", || {
        slow_server.open_connections() == 0
    });

    let bad = ServerOptions::new().tls_pem(b"not a pem", b"nor this");
    assert_eq!(
        bad.err().unwrap().to_string(),
        "TLS certificate PEM: no certificate found"
    );
}

#[test]
fn started_and_stopped_inside_an_async_runtime() {
    // The server's runtime is its own: a program already running tokio may start it anywhere.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async { metrics_core::serve("127.0.0.1:0").unwrap() });
    let addr = server.local_addr().to_string();
    assert_eq!(request(&addr, "GET", FILTER, &[]).status, 200);
    runtime.block_on(async move { server.shutdown() });
    // Shut down: the port is closed.
    assert!(TcpStream::connect(&addr).is_err());
}
