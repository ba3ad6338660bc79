//! The example service: a few routes that record the metrics of `http-metrics` and
//! `voice-metrics`, and `GET /metrics`, which serves the program's one registry.
//!
//! Routes:
//! - `GET /metrics`: the exposition, served by `metrics_core::http::axum`: Prometheus text
//!   format 0.0.4, OpenMetrics 1.0.0 or protobuf as the `Accept` header asks, gzip when
//!   accepted, `name[]=` filter, at most 4 concurrent scrapes of 10 s each.
//! - `POST /calls`: starts a call, answers its id; `POST /calls/{id}/end?status=completed`
//!   ends it and records its real duration.
//! - `POST /calls/simulate?status=completed&duration=42.5`: records a finished call at once.
//! - `GET /users/{id}`: a cached lookup; the first request for an id misses, later ones hit.
//! - `GET /admin`: always refused (403), counted as a security violation.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_metrics::{
    CACHE_HITS_TOTAL, CACHE_MISSES_TOTAL, HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUESTS_TOTAL,
    HttpRequest, SECURITY_VIOLATIONS_TOTAL, Violation,
};
use metrics_core::LabelValue;
use metrics_core::http::MetricsEndpoint;
use metrics_core::http::axum as metrics_axum;
use serde::Deserialize;
use voice_metrics::{CallStatus, VOICE_ACTIVE_CALLS};

// `voice_service_build_info{version="..."} 1`.
metrics_core::build_info!();

#[derive(Default)]
struct AppState {
    calls: Mutex<HashMap<u64, Instant>>,
    next_call_id: Mutex<u64>,
    user_cache: Mutex<HashSet<u64>>,
}

/// The service's routes, with the request metrics recorded around every one of them.
pub fn app() -> Router {
    Router::new()
        .route("/metrics", metrics_axum::route(MetricsEndpoint::new()))
        .route("/calls", post(start_call))
        .route("/calls/{id}/end", post(end_call))
        .route("/calls/simulate", post(simulate_call))
        .route("/users/{id}", get(get_user))
        .route("/admin", get(admin))
        .with_state(Arc::new(AppState::default()))
        .layer(middleware::from_fn(record_request))
}

/// Serves [`app`] on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, app()).await
}

/// Counts and times every request by route template (`/users/{id}`, not `/users/42`), so the
/// `endpoint` label stays low-cardinality.
async fn record_request(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    HTTP_REQUESTS_TOTAL
        .get(HttpRequest {
            method: &method,
            endpoint: &endpoint,
            status: status.as_u16(),
        })
        .inc();
    HTTP_REQUEST_DURATION_SECONDS
        .with_label_values(&[method.as_str(), endpoint.as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}

async fn start_call(State(state): State<Arc<AppState>>) -> String {
    let id = {
        let mut next = state
            .next_call_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *next += 1;
        *next
    };
    state
        .calls
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, Instant::now());
    VOICE_ACTIVE_CALLS.inc();
    format!("{id}\n")
}

#[derive(Deserialize)]
struct EndCall {
    status: String,
}

async fn end_call(
    State(state): State<Arc<AppState>>,
    Path(id): Path<u64>,
    Query(query): Query<EndCall>,
) -> Response {
    let Some(status) = known_status(&query.status) else {
        return bad_status(&query.status);
    };
    let started = state
        .calls
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id);
    let Some(started) = started else {
        return (
            StatusCode::NOT_FOUND,
            format!("no call in progress with id {id}\n"),
        )
            .into_response();
    };
    VOICE_ACTIVE_CALLS.dec();
    voice_metrics::record_call_end(status, started.elapsed().as_secs_f64());
    format!("call {id} ended: {}\n", query.status).into_response()
}

#[derive(Deserialize)]
struct SimulatedCall {
    status: String,
    duration: f64,
}

async fn simulate_call(Query(call): Query<SimulatedCall>) -> Response {
    let Some(status) = known_status(&call.status) else {
        return bad_status(&call.status);
    };
    if !(call.duration >= 0.0 && call.duration.is_finite()) {
        return (
            StatusCode::BAD_REQUEST,
            "duration must be a number of seconds >= 0\n",
        )
            .into_response();
    }
    voice_metrics::record_call_end(status, call.duration);
    format!("recorded a {} call of {}s\n", call.status, call.duration).into_response()
}

fn known_status(status: &str) -> Option<CallStatus> {
    CallStatus::from_label(status)
}

fn bad_status(status: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        format!(
            "unknown status {status:?}: expected one of {:?}\n",
            CallStatus::VALUES.unwrap_or_default()
        ),
    )
        .into_response()
}

async fn get_user(State(state): State<Arc<AppState>>, Path(id): Path<u64>) -> String {
    let hit = !state
        .user_cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id);
    if hit {
        CACHE_HITS_TOTAL.with_label_values(&["user"]).inc();
    } else {
        CACHE_MISSES_TOTAL.with_label_values(&["user"]).inc();
    }
    format!("user {id} ({})\n", if hit { "cached" } else { "loaded" })
}

async fn admin() -> Response {
    SECURITY_VIOLATIONS_TOTAL
        .get(Violation::ForbiddenPath)
        .inc();
    (StatusCode::FORBIDDEN, "forbidden\n").into_response()
}
