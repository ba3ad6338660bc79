//! The core metrics every route of the example service records: HTTP requests, security
//! violations, cache hits and misses.
//!
//! This crate only declares statics; it never names a registry. Linking it (any `use` of it) is
//! enough for its metrics to be on `/metrics`.

use metrics_core::{Family, HistogramVec, IntCounter, IntCounterVec, IntGauge, LabelValue, metric};

/// Why a request was refused: the values of `violation_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, LabelValue)]
pub enum Violation {
    /// Too many requests from one client.
    RateLimitExceeded,
    /// A missing, expired or forged token.
    InvalidToken,
    /// A path no client may use.
    ForbiddenPath,
}

/// Total HTTP requests, by method, route and status code.
///
/// Recorded by `metrics_core::http::tower::HttpMetricsLayer`, whose labels are bounded: the
/// route template (`/users/{id}`), never the raw path, and a closed set of methods.
#[metric(labels = ["method", "endpoint", "status"])]
pub static HTTP_REQUESTS_TOTAL: IntCounterVec;

/// HTTP request duration, by method and route.
#[metric(labels = ["method", "endpoint"])]
pub static HTTP_REQUEST_DURATION_SECONDS: HistogramVec;

/// HTTP requests being handled right now.
#[metric]
pub static HTTP_REQUESTS_IN_FLIGHT: IntGauge;

/// Total security violations, by violation type.
#[metric(labels = ["violation_type"])]
pub static SECURITY_VIOLATIONS_TOTAL: Family<Violation, IntCounter>;

/// Total cache hits, by cache key prefix.
#[metric(labels = ["cache_key_prefix"])]
pub static CACHE_HITS_TOTAL: IntCounterVec;

/// Total cache misses, by cache key prefix.
#[metric(labels = ["cache_key_prefix"])]
pub static CACHE_MISSES_TOTAL: IntCounterVec;
