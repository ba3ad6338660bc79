//! The core metrics every route of the example service records: HTTP requests, security
//! violations, cache hits and misses.
//!
//! This crate only declares statics; it never names a registry. Linking it (any `use` of it) is
//! enough for its metrics to be on `/metrics`.

use metrics_core::{HistogramVec, IntCounterVec, IntGauge, metric};

/// Total HTTP requests, by method, route and status code.
#[metric(labels = ["method", "endpoint", "status"])]
pub static HTTP_REQUESTS_TOTAL: IntCounterVec;

/// HTTP request duration, by method and route.
#[metric(labels = ["method", "endpoint"])]
pub static HTTP_REQUEST_DURATION_SECONDS: HistogramVec;

/// HTTP requests being handled right now.
#[metric]
pub static HTTP_REQUESTS_IN_FLIGHT: IntGauge;

/// Total security violations, by violation type.
///
/// `violation_type` is one of `rate_limit_exceeded`, `invalid_token`, `forbidden_path`.
#[metric(labels = ["violation_type"])]
pub static SECURITY_VIOLATIONS_TOTAL: IntCounterVec;

/// Total cache hits, by cache key prefix.
#[metric(labels = ["cache_key_prefix"])]
pub static CACHE_HITS_TOTAL: IntCounterVec;

/// Total cache misses, by cache key prefix.
#[metric(labels = ["cache_key_prefix"])]
pub static CACHE_MISSES_TOTAL: IntCounterVec;
