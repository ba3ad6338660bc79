//! The `/metrics` endpoint on its three stacks (standalone, axum, hyper), over real sockets.

mod common;

use common::{gunzip, request};
use metrics_core::http::{MetricsEndpoint, ScrapeRequest};
use metrics_core::{IntCounter, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, metric, registry};

/// Requests the endpoint tests made.
#[metric]
static STANDALONE_EVENTS_TOTAL: IntCounter;

/// Requests the endpoint tests made.
#[metric]
static AXUM_EVENTS_TOTAL: IntCounter;

/// Requests the endpoint tests made.
#[metric]
static HYPER_EVENTS_TOTAL: IntCounter;

/// Every behaviour of the endpoint, against a server listening at `addr`; `counter` (named
/// `<stack>_events_total`) belongs to this stack's test alone.
fn check_endpoint(addr: &str, stack: &str, counter: &IntCounter) {
    counter.inc_by(2);
    let filtered = format!("/metrics?name[]={stack}_events_total");
    let filtered = filtered.as_str();
    let expected_text = format!(
        "# HELP {stack}_events_total Requests the endpoint tests made.\n\
         # TYPE {stack}_events_total counter\n\
         {stack}_events_total 2\n"
    );

    let plain = request(addr, "GET", filtered, &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-type"), Some(TEXT_CONTENT_TYPE));
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.text(), expected_text);

    // The percent-encoded form of the filter, as Prometheus' `params` would send it.
    let encoded = request(
        addr,
        "GET",
        &format!("/metrics?name%5B%5D={stack}_events_total"),
        &[],
    );
    assert_eq!(encoded.text(), expected_text);

    let gzipped = request(addr, "GET", filtered, &["Accept-Encoding: gzip, br"]);
    assert_eq!(gzipped.status, 200);
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gzipped.body), expected_text.as_bytes());
    assert_ne!(gzipped.body, expected_text.as_bytes());

    let openmetrics = request(
        addr,
        "GET",
        filtered,
        &["Accept: application/openmetrics-text; version=1.0.0, text/plain; q=0.5"],
    );
    assert_eq!(
        openmetrics.header("content-type"),
        Some(OPENMETRICS_CONTENT_TYPE)
    );
    // No `_created` line by default: Prometheus 2 would store it as a series of its own.
    assert_eq!(
        openmetrics.text(),
        format!(
            "# HELP {stack}_events Requests the endpoint tests made.\n\
             # TYPE {stack}_events counter\n\
             {stack}_events_total 2\n\
             # EOF\n"
        )
    );

    let whole = request(addr, "GET", "/metrics", &[]);
    assert!(whole.text().contains("# TYPE process_open_fds gauge\n"));

    let head = request(addr, "HEAD", "/metrics", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some(TEXT_CONTENT_TYPE));
    assert!(head.body.is_empty());
    // A filtered body is the same from one request to the next: HEAD and GET compare exactly.
    assert_head_matches_get(addr, filtered, &[]);
    assert_head_matches_get(addr, filtered, &["Accept-Encoding: gzip"]);
    assert_head_matches_get(
        addr,
        filtered,
        &["Accept: application/openmetrics-text; version=1.0.0"],
    );

    let post = request(addr, "POST", "/metrics", &[]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET,HEAD"));
    assert_eq!(post.text(), "method POST not allowed: use GET or HEAD\n");
}

/// HEAD gets the GET's status and headers, `content-length` included (the length of the GET's
/// body, never a `content-length: 0` of the empty HEAD body), and no body.
fn assert_head_matches_get(addr: &str, target: &str, headers: &[&str]) {
    let get = request(addr, "GET", target, headers);
    let head = request(addr, "HEAD", target, headers);
    assert!(!get.body.is_empty());
    assert_eq!(head.status, get.status, "HEAD {target}");
    assert!(head.body.is_empty(), "HEAD {target}: {:?}", head.body);
    let length = get.body.len().to_string();
    assert_eq!(head.header("content-length"), Some(length.as_str()));
    // Everything but the date, which may tick between the two.
    let comparable = |response: &common::Response| {
        let mut headers: Vec<_> = response
            .headers
            .iter()
            .filter(|(name, _)| name != "date")
            .cloned()
            .collect();
        headers.sort();
        headers
    };
    assert_eq!(
        comparable(&head),
        comparable(&get),
        "HEAD {target} {headers:?}"
    );
}

#[test]
fn standalone_server() {
    let server = metrics_core::serve("127.0.0.1:0").unwrap();
    let addr = server.local_addr().to_string();
    check_endpoint(&addr, "standalone", &STANDALONE_EVENTS_TOTAL);
    let missing = request(&addr, "GET", "/nope", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.text(),
        "not found: metrics are served at /metrics\n"
    );
    assert_head_matches_get(&addr, "/nope", &[]);
    server.shutdown();
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

#[test]
fn axum_route() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let app = axum::Router::new().route(
        "/metrics",
        metrics_core::http::axum::route(MetricsEndpoint::new()),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });
    check_endpoint(&addr, "axum", &AXUM_EVENTS_TOTAL);
    assert_eq!(request(&addr, "GET", "/nope", &[]).status, 404);
}

#[test]
fn hyper_service() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let service = metrics_core::http::hyper::MetricsService::new(MetricsEndpoint::new());
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = service.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    check_endpoint(&addr, "hyper", &HYPER_EVENTS_TOTAL);
    let missing = request(&addr, "GET", "/nope", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.text(),
        "not found: metrics are served at /metrics\n"
    );
    assert_head_matches_get(&addr, "/nope", &[]);
}

#[test]
fn render_of_whole_registry_matches_the_endpoint() {
    let server = metrics_core::serve("127.0.0.1:0").unwrap();
    let addr = server.local_addr().to_string();
    let body = request(
        &addr,
        "GET",
        "/metrics?name[]=metrics_core_rejected_samples_total",
        &[],
    );
    assert_eq!(
        body.text(),
        registry().render_only(&["metrics_core_rejected_samples_total"])
    );
}

/// Read by the `_created` test only.
#[metric]
static CREATED_EVENTS_TOTAL: IntCounter;

/// An endpoint that asks for `_created` lines writes one after each counter series in
/// OpenMetrics, at the time the series started; the text format has none either way.
#[test]
fn openmetrics_created_lines_are_an_option_of_the_endpoint() {
    CREATED_EVENTS_TOTAL.inc();
    let endpoint = MetricsEndpoint::new().openmetrics_created_lines(true);
    let respond = |accept| {
        let request = ScrapeRequest {
            accept,
            ..ScrapeRequest::get("/metrics?name[]=created_events_total")
        };
        String::from_utf8(endpoint.respond(&request).body).unwrap()
    };
    let openmetrics = respond(Some("application/openmetrics-text; version=1.0.0"));
    let lines: Vec<&str> = openmetrics.lines().collect();
    assert_eq!(lines.len(), 5, "{openmetrics}");
    assert_eq!(
        lines[..3],
        [
            "# HELP created_events Read by the `_created` test only.",
            "# TYPE created_events counter",
            "created_events_total 1",
        ]
    );
    let created: f64 = lines[3]
        .strip_prefix("created_events_created ")
        .expect("a _created line")
        .parse()
        .unwrap();
    // The same time protobuf carries as the series' `created_timestamp`.
    let families = registry().gather_proto();
    let family = families
        .iter()
        .find(|family| family.name() == "created_events_total")
        .expect("the family");
    let timestamp = family.metric[0]
        .counter
        .as_ref()
        .and_then(|counter| counter.created_timestamp)
        .expect("a created timestamp");
    let seconds = timestamp.seconds as f64 + f64::from(timestamp.nanos) / 1e9;
    // The text keeps whole microseconds.
    assert!((created - seconds).abs() < 1e-6, "{created} vs {seconds}");
    assert_eq!(lines[4], "# EOF");
    assert_eq!(
        respond(None),
        "# HELP created_events_total Read by the `_created` test only.\n\
         # TYPE created_events_total counter\n\
         created_events_total 1\n"
    );
}
