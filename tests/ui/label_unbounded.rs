use metrics_core::{metric, IntCounterVec};

/// Logins, by user.
#[metric(labels = ["user_id"])]
static LOGINS_TOTAL: IntCounterVec;

/// Requests, by session.
#[metric(labels = ["session_id"])]
static SESSION_REQUESTS_TOTAL: IntCounterVec;

/// Retries, by request.
#[metric(labels = ["request_id"])]
static REQUEST_RETRIES_TOTAL: IntCounterVec;

/// Spans, by trace.
#[metric(labels = ["trace_id"])]
static TRACE_SPANS_TOTAL: IntCounterVec;

/// Uploads, by object.
#[metric(labels = ["object_uuid"])]
static UPLOADS_TOTAL: IntCounterVec;

/// Mails sent, by recipient.
#[metric(labels = ["email"])]
static MAILS_SENT_TOTAL: IntCounterVec;

/// Connections, by client.
#[metric(labels = ["client_ip"])]
static CONNECTIONS_TOTAL: IntCounterVec;

/// Requests, by raw path.
#[metric(labels = ["method", "path"])]
static HTTP_REQUESTS_TOTAL: IntCounterVec;

/// Fetches, by url.
#[metric(labels = ["url"])]
static FETCHES_TOTAL: IntCounterVec;

fn main() {}
