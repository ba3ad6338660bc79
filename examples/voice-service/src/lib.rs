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
//! - `POST /trunk?state=degraded`: sets the trunk's state (`up`, `degraded`, `down`).
//!
//! Refused call requests are counted by kind (`#[count_errors]` with `voice_metrics::CallError`),
//! starting a call is timed into a summary (`#[timed]`), requests in flight are tracked with
//! an in-progress guard, and the voice configuration is an info metric.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_metrics::{
    CACHE_HITS_TOTAL, CACHE_MISSES_TOTAL, HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUESTS_IN_FLIGHT,
    HTTP_REQUESTS_TOTAL, HttpRequest, SECURITY_VIOLATIONS_TOTAL, Violation,
};
use metrics_core::LabelValue;
use metrics_core::http::MetricsEndpoint;
use metrics_core::http::axum as metrics_axum;
use metrics_core::{GaugeFn, count_errors, metric, timed};
use serde::Deserialize;
use voice_metrics::{
    ACTIVE_CALLS, CALL_ERRORS_TOTAL, CALL_SETUP_SECONDS, CONFIG_INFO, CallError, CallStatus,
    TRUNK_STATE,
};

// `voice_service_build_info{version="..."} 1`.
metrics_core::build_info!();

#[derive(Default)]
struct AppState {
    calls: Mutex<HashMap<u64, Instant>>,
    next_call_id: Mutex<u64>,
}

/// The ids of the users loaded so far: the "cache" of `GET /users/{id}`.
static USER_CACHE: LazyLock<Mutex<HashSet<u64>>> = LazyLock::new(Mutex::default);

fn cached_users() -> usize {
    USER_CACHE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .len()
}

/// Entries in the cache, read from the cache itself at scrape time.
#[metric(callback = cached_users, const_labels = [("cache_key_prefix", "user")])]
static CACHE_ENTRIES: GaugeFn;

/// The codec calls use unless they ask for another: exposed in `voice_config_info`.
pub const DEFAULT_CODEC: &str = "opus";
/// The longest call the service lets run, in seconds: exposed in `voice_config_info`.
pub const MAX_CALL_SECONDS: u32 = 3600;

/// The service's routes, with the request metrics recorded around every one of them.
pub fn app() -> Router {
    CONFIG_INFO.set(&[DEFAULT_CODEC, &MAX_CALL_SECONDS.to_string()]);
    Router::new()
        .route("/metrics", metrics_axum::route(MetricsEndpoint::new()))
        .route("/calls", post(start_call))
        .route("/calls/{id}/end", post(end_call))
        .route("/calls/simulate", post(simulate_call))
        .route("/users/{id}", get(get_user))
        .route("/admin", get(admin))
        .route("/trunk", post(set_trunk_state))
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
    // The caller's W3C trace context, if any: the request-duration observation links to it
    // as an exemplar, so that a latency spike on a dashboard leads to the trace.
    let trace = request
        .headers()
        .get("traceparent")
        .and_then(|value| value.to_str().ok())
        .and_then(trace_context);
    let started = Instant::now();
    let response = {
        let _in_flight = HTTP_REQUESTS_IN_FLIGHT.track_inprogress();
        next.run(request).await
    };
    let status = response.status();
    HTTP_REQUESTS_TOTAL
        .get(HttpRequest {
            method: &method,
            endpoint: &endpoint,
            status: status.as_u16(),
        })
        .inc();
    let duration =
        HTTP_REQUEST_DURATION_SECONDS.with_label_values(&[method.as_str(), endpoint.as_str()]);
    let seconds = started.elapsed().as_secs_f64();
    match trace {
        // A parsed trace context is 32 + 16 hex digits: always within the exemplar limit.
        Some((trace_id, span_id)) => {
            let _ = duration.observe_with_exemplar(
                seconds,
                &[
                    ("trace_id", trace_id.as_str()),
                    ("span_id", span_id.as_str()),
                ],
            );
        }
        None => duration.observe(seconds),
    }
    response
}

/// The trace id and parent span id of a `traceparent` header
/// (`00-<32 hex digits>-<16 hex digits>-<2 hex digits>`), if it is well-formed.
fn trace_context(header: &str) -> Option<(String, String)> {
    let mut parts = header.trim().split('-');
    let (version, trace_id, span_id, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |text: &str, len: usize| {
        text.len() == len && text.bytes().all(|byte| byte.is_ascii_hexdigit())
    };
    let valid = hex(version, 2)
        && hex(trace_id, 32)
        && hex(span_id, 16)
        && hex(flags, 2)
        && parts.next().is_none()
        && trace_id.bytes().any(|byte| byte != b'0');
    valid.then(|| (trace_id.to_ascii_lowercase(), span_id.to_ascii_lowercase()))
}

/// Issuing a call id is what "setting up a call" stands for here: timed into the
/// `voice_call_setup_seconds` summary.
#[timed(CALL_SETUP_SECONDS)]
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
    ACTIVE_CALLS.inc();
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
    match finish_call(&state, id, &query.status) {
        Ok(()) => format!("call {id} ended: {}\n", query.status).into_response(),
        Err(error) => refuse(error),
    }
}

/// Ends call `id`; a refusal is counted in `voice_call_errors_total{kind}`.
#[count_errors(CALL_ERRORS_TOTAL)]
fn finish_call(state: &AppState, id: u64, status: &str) -> Result<(), CallError> {
    let status = known_status(status)?;
    let started = state
        .calls
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id)
        .ok_or(CallError::UnknownCall(id))?;
    ACTIVE_CALLS.dec();
    voice_metrics::record_call_end(status, started.elapsed().as_secs_f64());
    Ok(())
}

#[derive(Deserialize)]
struct SimulatedCall {
    status: String,
    duration: f64,
}

async fn simulate_call(Query(call): Query<SimulatedCall>) -> Response {
    match record_simulated(&call.status, call.duration) {
        Ok(()) => {
            format!("recorded a {} call of {}s\n", call.status, call.duration).into_response()
        }
        Err(error) => refuse(error),
    }
}

/// Records a finished call; a refusal is counted in `voice_call_errors_total{kind}`.
#[count_errors(CALL_ERRORS_TOTAL)]
fn record_simulated(status: &str, duration: f64) -> Result<(), CallError> {
    let status = known_status(status)?;
    if !(duration >= 0.0 && duration.is_finite()) {
        return Err(CallError::InvalidDuration);
    }
    voice_metrics::record_call_end(status, duration);
    Ok(())
}

fn known_status(status: &str) -> Result<CallStatus, CallError> {
    CallStatus::from_label(status).ok_or_else(|| CallError::UnknownStatus(status.to_owned()))
}

fn refuse(error: CallError) -> Response {
    match error {
        CallError::UnknownStatus(status) => (
            StatusCode::BAD_REQUEST,
            format!(
                "unknown status {status:?}: expected one of {:?}\n",
                CallStatus::VALUES.unwrap_or_default()
            ),
        ),
        CallError::UnknownCall(id) => (
            StatusCode::NOT_FOUND,
            format!("no call in progress with id {id}\n"),
        ),
        CallError::InvalidDuration => (
            StatusCode::BAD_REQUEST,
            "duration must be a number of seconds >= 0\n".to_owned(),
        ),
    }
    .into_response()
}

#[derive(Deserialize)]
struct TrunkState {
    state: String,
}

async fn set_trunk_state(Query(query): Query<TrunkState>) -> Response {
    match TRUNK_STATE.set(&query.state) {
        Ok(()) => format!("trunk is {}\n", query.state).into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, format!("{error}\n")).into_response(),
    }
}

async fn get_user(Path(id): Path<u64>) -> String {
    let hit = !USER_CACHE
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
