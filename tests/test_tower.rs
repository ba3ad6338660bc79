//! The tower layer on axum routers and on plain tower services: exact counts by route
//! template, bounded labels whatever clients send, in-flight tracking, configurable names.

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::routing::{get, post};
use metrics_core::http::tower::HttpMetricsLayer;
use metrics_core::{HistogramVec, IntCounter, IntCounterVec, IntGauge, metric, registry};
use tower::{Service, ServiceExt};

/// Runs `request` through `app` to the end and returns the status.
async fn send(app: &Router, method: &str, path: &str) -> StatusCode {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(request).await.unwrap().status()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// The sample lines of `family` (no `# HELP`/`# TYPE`), for the families whose values are exact.
fn samples(family: &str) -> String {
    registry()
        .render_only(&[family])
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn app(layer: HttpMetricsLayer) -> Router {
    Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/users", post(|| async { StatusCode::CREATED }))
        .route("/fail", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
        .layer(layer)
}

#[test]
fn axum_requests_are_counted_by_route_template_method_and_status() {
    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_axum_requests_total")
        .duration_seconds("tower_axum_request_duration_seconds")
        .in_flight("tower_axum_requests_in_flight")
        .buckets(&[0.5, 60.0])
        .build()
        .unwrap();
    let app = app(layer);
    runtime().block_on(async {
        assert_eq!(send(&app, "GET", "/users/1").await, StatusCode::OK);
        assert_eq!(send(&app, "GET", "/users/2?x=1").await, StatusCode::OK);
        assert_eq!(send(&app, "POST", "/users").await, StatusCode::CREATED);
        assert_eq!(
            send(&app, "GET", "/fail").await,
            StatusCode::SERVICE_UNAVAILABLE
        );
        // Routed, but not for this method: the template is known, the method is not standard.
        assert_eq!(
            send(&app, "BREW", "/users/3").await,
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(send(&app, "GET", "/nowhere").await, StatusCode::NOT_FOUND);
    });
    assert_eq!(
        registry().render_only(&["tower_axum_requests_total"]),
        "# HELP tower_axum_requests_total Total HTTP requests, by method, route template and \
         status code.\n\
         # TYPE tower_axum_requests_total counter\n\
         tower_axum_requests_total{method=\"GET\",endpoint=\"/fail\",status=\"503\"} 1\n\
         tower_axum_requests_total{method=\"GET\",endpoint=\"/users/{id}\",status=\"200\"} 2\n\
         tower_axum_requests_total{method=\"GET\",endpoint=\"unmatched\",status=\"404\"} 1\n\
         tower_axum_requests_total{method=\"POST\",endpoint=\"/users\",status=\"201\"} 1\n\
         tower_axum_requests_total{method=\"_OTHER\",endpoint=\"/users/{id}\",status=\"405\"} 1\n"
    );
    // Durations vary; the counts do not (every request here takes far less than 60 s).
    let counts: Vec<String> = samples("tower_axum_request_duration_seconds")
        .lines()
        .filter(|line| line.contains("le=\"60\"") || line.contains("_count"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        counts,
        [
            "tower_axum_request_duration_seconds_bucket{method=\"GET\",endpoint=\"/fail\",le=\"60\"} 1",
            "tower_axum_request_duration_seconds_count{method=\"GET\",endpoint=\"/fail\"} 1",
            "tower_axum_request_duration_seconds_bucket{method=\"GET\",endpoint=\"/users/{id}\",le=\"60\"} 2",
            "tower_axum_request_duration_seconds_count{method=\"GET\",endpoint=\"/users/{id}\"} 2",
            "tower_axum_request_duration_seconds_bucket{method=\"GET\",endpoint=\"unmatched\",le=\"60\"} 1",
            "tower_axum_request_duration_seconds_count{method=\"GET\",endpoint=\"unmatched\"} 1",
            "tower_axum_request_duration_seconds_bucket{method=\"POST\",endpoint=\"/users\",le=\"60\"} 1",
            "tower_axum_request_duration_seconds_count{method=\"POST\",endpoint=\"/users\"} 1",
            "tower_axum_request_duration_seconds_bucket{method=\"_OTHER\",endpoint=\"/users/{id}\",le=\"60\"} 1",
            "tower_axum_request_duration_seconds_count{method=\"_OTHER\",endpoint=\"/users/{id}\"} 1",
        ]
    );
    assert_eq!(
        samples("tower_axum_requests_in_flight"),
        "tower_axum_requests_in_flight 0\n"
    );
}

#[test]
fn a_flood_of_random_paths_and_methods_stays_one_series() {
    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_flood_requests_total")
        .duration_seconds("tower_flood_request_duration_seconds")
        .in_flight("tower_flood_requests_in_flight")
        .build()
        .unwrap();
    let app = app(layer);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    runtime().block_on(async {
        for i in 0..2000 {
            let path = format!("/{:x}/{:x}/../%2e{}", next(), next(), i);
            let method = if i % 2 == 0 {
                "GET".to_owned()
            } else {
                format!("X{:X}", next() % 100_000)
            };
            assert_eq!(send(&app, &method, &path).await, StatusCode::NOT_FOUND);
        }
    });
    assert_eq!(
        samples("tower_flood_requests_total"),
        "tower_flood_requests_total{method=\"GET\",endpoint=\"unmatched\",status=\"404\"} 1000\n\
         tower_flood_requests_total{method=\"_OTHER\",endpoint=\"unmatched\",status=\"404\"} 1000\n"
    );
}

#[test]
fn in_flight_counts_requests_being_handled_and_cancelled_ones_are_not_counted() {
    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_slow_requests_total")
        .duration_seconds("tower_slow_request_duration_seconds")
        .in_flight("tower_slow_requests_in_flight")
        .build()
        .unwrap();
    let (release, released) = tokio::sync::watch::channel(false);
    let app = Router::new()
        .route(
            "/slow",
            get(move || {
                let mut released = released.clone();
                async move {
                    let _ = released.wait_for(|done| *done).await;
                    "done"
                }
            }),
        )
        .layer(layer);
    let in_flight = || samples("tower_slow_requests_in_flight");
    runtime().block_on(async {
        let request = || Request::get("/slow").body(Body::empty()).unwrap();
        let mut first = Box::pin(app.clone().oneshot(request()));
        let mut second = Box::pin(app.clone().oneshot(request()));
        // Poll each once: both are now inside the handler, waiting.
        assert!(futures_poll(first.as_mut()).is_none());
        assert!(futures_poll(second.as_mut()).is_none());
        assert_eq!(in_flight(), "tower_slow_requests_in_flight 2\n");
        // The client goes away: the second request is no longer in flight, and not counted.
        drop(second);
        assert_eq!(in_flight(), "tower_slow_requests_in_flight 1\n");
        release.send(true).unwrap();
        assert_eq!(first.await.unwrap().status(), StatusCode::OK);
    });
    assert_eq!(in_flight(), "tower_slow_requests_in_flight 0\n");
    assert_eq!(
        samples("tower_slow_requests_total"),
        "tower_slow_requests_total{method=\"GET\",endpoint=\"/slow\",status=\"200\"} 1\n"
    );
}

/// Polls a future once with a waker that does nothing: `Some` if it finished.
fn futures_poll<F: std::future::Future>(future: std::pin::Pin<&mut F>) -> Option<F::Output> {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.poll(&mut cx) {
        std::task::Poll::Ready(output) => Some(output),
        std::task::Poll::Pending => None,
    }
}

/// Total API requests, by verb, route and code.
#[metric(labels = ["verb", "route", "code"])]
static TOWER_API_REQUESTS_TOTAL: IntCounterVec;

/// API request duration, by verb and route.
#[metric(labels = ["verb", "route"], buckets = [1.0])]
static TOWER_API_REQUEST_DURATION_SECONDS: HistogramVec;

/// API requests being handled.
#[metric]
static TOWER_API_REQUESTS_IN_FLIGHT: IntGauge;

/// A plain tower service (what hyper and tonic serve): no router, so the endpoint is the path
/// when it is a known one (a gRPC method), else the fixed value; an error is status `error`.
#[test]
fn plain_services_use_known_paths_and_record_into_declared_statics() {
    let layer = HttpMetricsLayer::from_metrics(
        &TOWER_API_REQUESTS_TOTAL,
        &TOWER_API_REQUEST_DURATION_SECONDS,
        &TOWER_API_REQUESTS_IN_FLIGHT,
    )
    .known_paths(["/helloworld.Greeter/SayHello"])
    .unmatched("other");
    let service =
        tower::ServiceBuilder::new()
            .layer(layer)
            .service_fn(|request: Request<()>| async move {
                if request.uri().path() == "/boom" {
                    return Err("backend down");
                }
                Ok::<_, &str>(Response::new(()))
            });
    runtime().block_on(async {
        for path in [
            "/helloworld.Greeter/SayHello",
            "/helloworld.Greeter/SayHello",
            "/x/1",
        ] {
            let request = Request::post(path).body(()).unwrap();
            service.clone().oneshot(request).await.unwrap();
        }
        let request = Request::post("/boom").body(()).unwrap();
        assert_eq!(
            service.clone().oneshot(request).await.unwrap_err(),
            "backend down"
        );
    });
    assert_eq!(
        samples("tower_api_requests_total"),
        "tower_api_requests_total{verb=\"POST\",route=\"/helloworld.Greeter/SayHello\",code=\"200\"} 2\n\
         tower_api_requests_total{verb=\"POST\",route=\"other\",code=\"200\"} 1\n\
         tower_api_requests_total{verb=\"POST\",route=\"other\",code=\"error\"} 1\n"
    );
    assert_eq!(
        TOWER_API_REQUEST_DURATION_SECONDS
            .with_label_values(&["POST", "other"])
            .get_sample_count(),
        2
    );
    assert_eq!(TOWER_API_REQUESTS_IN_FLIGHT.get(), 0);
}

/// `poll_ready` and `call` pass through the layer to any tower service.
#[test]
fn the_layer_is_a_tower_layer_for_any_http_service() {
    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_plain_requests_total")
        .duration_seconds("tower_plain_request_duration_seconds")
        .in_flight("tower_plain_requests_in_flight")
        .label_names("verb", "route", "code")
        .build()
        .unwrap();
    let mut service = tower::Layer::layer(
        &layer,
        tower::service_fn(|_: Request<()>| async { Ok::<_, Infallible>(Response::new(())) }),
    );
    runtime().block_on(async {
        let ready = service.ready().await.unwrap();
        ready
            .call(Request::get("/a").body(()).unwrap())
            .await
            .unwrap();
    });
    assert_eq!(
        samples("tower_plain_requests_total"),
        "tower_plain_requests_total{verb=\"GET\",route=\"unmatched\",code=\"200\"} 1\n"
    );
}

/// Requests made before the layer existed.
#[metric]
static TOWER_TAKEN_TOTAL: IntCounter;

#[test]
fn names_are_checked_and_clashes_with_statics_refused() {
    TOWER_TAKEN_TOTAL.inc();
    let clash = HttpMetricsLayer::builder()
        .requests_total("tower_taken_total")
        .duration_seconds("tower_taken_duration_seconds")
        .in_flight("tower_taken_in_flight")
        .build()
        .unwrap_err();
    let line = registry().get("tower_taken_total").unwrap().desc().line;
    assert_eq!(
        clash.to_string(),
        format!(
            "cannot register the collector: its metric name `tower_taken` clashes with \
             `tower_taken_total` defined at test_tower (tests/test_tower.rs:{line}); rename its \
             metric or leave it out"
        )
    );
    // All or nothing: the clash left none of the three behind, so the names are still free.
    let retried = HttpMetricsLayer::builder()
        .requests_total("tower_retried_total")
        .duration_seconds("tower_taken_duration_seconds")
        .in_flight("tower_taken_in_flight")
        .build();
    assert!(retried.is_ok(), "{retried:?}");
    let invalid = HttpMetricsLayer::builder()
        .requests_total("http-requests")
        .build()
        .unwrap_err();
    assert_eq!(
        invalid.to_string(),
        "invalid metric name `http-requests`: use letters, digits and `_`, not starting with a \
         digit"
    );
    let label = HttpMetricsLayer::builder()
        .requests_total("tower_bad_label_total")
        .label_names("method", "le", "status")
        .build()
        .unwrap_err();
    assert_eq!(
        label.to_string(),
        "invalid label name `le`: histograms and summaries use it themselves"
    );
    let buckets = HttpMetricsLayer::builder()
        .duration_seconds("tower_bad_buckets_seconds")
        .buckets(&[1.0, 0.5])
        .build()
        .unwrap_err();
    assert_eq!(
        buckets.to_string(),
        "the buckets of `tower_bad_buckets_seconds` must be non-empty and strictly increasing, \
         got [1.0, 0.5]"
    );
}

#[test]
fn the_default_layer_is_built_once_and_shared() {
    HttpMetricsLayer::new().unwrap();
    let layer = HttpMetricsLayer::new().unwrap();
    let app = app(layer.clone());
    runtime().block_on(async {
        assert_eq!(send(&app, "GET", "/users/7").await, StatusCode::OK);
    });
    assert_eq!(
        format!("{layer:?}"),
        "HttpMetricsLayer { requests: \"http_requests_total\", duration: \
         \"http_request_duration_seconds\", in_flight: \"http_requests_in_flight\", \
         known_paths: {}, unmatched: \"unmatched\" }"
    );
    let names: Vec<_> = registry()
        .gather()
        .into_iter()
        .map(|family| family.name().to_owned())
        .filter(|name| name.starts_with("http_request"))
        .collect();
    assert_eq!(
        names,
        [
            "http_request_duration_seconds",
            "http_requests_in_flight",
            "http_requests_total"
        ]
    );
}

/// A real hyper 1 server: the layered service, through `hyper-util`'s tower adapter, answers on
/// a loopback socket.
#[test]
fn a_hyper_server_serves_through_the_layer() {
    use std::io::{Read, Write};

    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_hyper_requests_total")
        .duration_seconds("tower_hyper_request_duration_seconds")
        .in_flight("tower_hyper_requests_in_flight")
        .build()
        .unwrap()
        .known_paths(["/healthz"]);
    let service = tower::ServiceBuilder::new().layer(layer).service_fn(
        |request: Request<hyper::body::Incoming>| async move {
            let status = if request.uri().path() == "/healthz" {
                200
            } else {
                404
            };
            let mut response = Response::new(String::from("ok"));
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            Ok::<_, Infallible>(response)
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_io()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    for path in ["/healthz", "/healthz", "/wp-login.php"] {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
    }
    assert_eq!(
        samples("tower_hyper_requests_total"),
        "tower_hyper_requests_total{method=\"GET\",endpoint=\"/healthz\",status=\"200\"} 2\n\
         tower_hyper_requests_total{method=\"GET\",endpoint=\"unmatched\",status=\"404\"} 1\n"
    );
}

/// tonic: the layer wraps the `Routes` a tonic server serves (and goes on its builder like any
/// tower layer); gRPC paths are fixed per method, so `known_paths` lists them. An unknown
/// method is answered by tonic (HTTP 200, `grpc-status: 12`) and counted as `unmatched`.
#[test]
fn tonic_routes_and_servers_take_the_layer() {
    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_grpc_requests_total")
        .duration_seconds("tower_grpc_request_duration_seconds")
        .in_flight("tower_grpc_requests_in_flight")
        .build()
        .unwrap()
        .known_paths(["/helloworld.Greeter/SayHello"]);
    let routes = tonic::service::Routes::default();
    let service = tower::Layer::layer(&layer, routes.clone());
    runtime().block_on(async {
        for path in ["/helloworld.Greeter/SayHello", "/evil.Service/Probe"] {
            let request = Request::post(path)
                .header("content-type", "application/grpc")
                .body(tonic::body::Body::empty())
                .unwrap();
            let response = service.clone().oneshot(request).await.unwrap();
            assert_eq!(response.headers()["grpc-status"], "12");
        }
    });
    assert_eq!(
        samples("tower_grpc_requests_total"),
        "tower_grpc_requests_total{method=\"POST\",endpoint=\"/helloworld.Greeter/SayHello\",status=\"200\"} 1\n\
         tower_grpc_requests_total{method=\"POST\",endpoint=\"unmatched\",status=\"200\"} 1\n"
    );
    // The server builder takes it as one of its layers: building the serve future checks the
    // bounds tonic puts on a layered service (it is dropped unpolled, nothing listens).
    let serve = tonic::transport::Server::builder()
        .layer(layer)
        .add_routes(routes)
        .serve("127.0.0.1:0".parse().unwrap());
    drop(serve);
}

/// A request carrying a W3C `traceparent` leaves its trace and span ids as the exemplar of
/// the duration bucket it fell in (OpenMetrics shows it; a malformed header is ignored).
/// Requests of the traced app.
#[metric(labels = ["method", "endpoint", "status"])]
static TOWER_TRACED_REQUESTS_TOTAL: IntCounterVec;

/// Request durations of the traced app.
#[metric(labels = ["method", "endpoint"], buckets = [60.0])]
static TOWER_TRACED_REQUEST_DURATION_SECONDS: HistogramVec;

/// Requests of the traced app in flight.
#[metric]
static TOWER_TRACED_REQUESTS_IN_FLIGHT: IntGauge;

#[test]
fn a_traceparent_becomes_the_duration_exemplar() {
    let layer = HttpMetricsLayer::from_metrics(
        &TOWER_TRACED_REQUESTS_TOTAL,
        &TOWER_TRACED_REQUEST_DURATION_SECONDS,
        &TOWER_TRACED_REQUESTS_IN_FLIGHT,
    );
    assert_traceparent_exemplar(layer, "tower_traced_request_duration_seconds");
}

/// The same with names configured at run time: those families are encoded as the
/// `#[metric]` ones are, so their exemplars reach OpenMetrics too.
#[test]
fn a_traceparent_becomes_the_exemplar_of_a_layer_named_at_run_time() {
    let layer = HttpMetricsLayer::builder()
        .requests_total("tower_traced_named_requests_total")
        .duration_seconds("tower_traced_named_request_duration_seconds")
        .in_flight("tower_traced_named_requests_in_flight")
        .buckets(&[60.0])
        .build()
        .unwrap();
    assert_traceparent_exemplar(layer, "tower_traced_named_request_duration_seconds");
}

fn assert_traceparent_exemplar(layer: HttpMetricsLayer, duration: &str) {
    let app = app(layer);
    runtime().block_on(async {
        for traceparent in [
            "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",
            "00-not-a-trace-context-01",
        ] {
            let request = Request::builder()
                .uri("/users/1")
                .header("traceparent", traceparent)
                .body(Body::empty())
                .unwrap();
            assert_eq!(
                app.clone().oneshot(request).await.unwrap().status(),
                StatusCode::OK
            );
        }
    });
    let text = registry().render_openmetrics();
    let bucket = text
        .lines()
        .find(|line| {
            line.starts_with(&format!("{duration}_bucket{{")) && line.contains("le=\"60.0\"")
        })
        .expect("the 60 s bucket");
    let (sample, exemplar) = bucket.split_once(" # ").expect("an exemplar");
    assert!(sample.ends_with(" 2"), "{bucket}");
    assert!(
        exemplar.starts_with(
            "{trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\"} "
        ),
        "{bucket}"
    );
}
