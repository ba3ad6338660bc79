//! Feature `otel`: exemplars from the current OpenTelemetry span, through `tracing` and
//! `tracing-opentelemetry`, by hand and by the histogram's timer with no code at the call.
//!
//! `cargo test -p metrics-core --features otel --test test_otel`

use metrics_core::{Histogram, IntCounter, metric, registry};
use opentelemetry::Context;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, noop::NoopTracer,
};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

/// Traced request durations.
#[metric(buckets = [1.0])]
static OTEL_REQUEST_SECONDS: Histogram;

/// Traced jobs.
#[metric]
static OTEL_JOBS_TOTAL: IntCounter;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

/// A `tracing` span whose OpenTelemetry parent is a remote span with known ids (as a
/// `traceparent` header would give); with the no-op tracer its context is that parent's.
fn traced_span() -> tracing::Span {
    let parent = SpanContext::new(
        TraceId::from_hex(TRACE).unwrap(),
        SpanId::from_hex(SPAN).unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let span = tracing::info_span!("request");
    let _ = span.set_parent(Context::new().with_remote_span_context(parent));
    span
}

#[test]
fn exemplars_come_from_the_current_span() {
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(NoopTracer::new()));
    tracing::subscriber::with_default(subscriber, || {
        // Outside a span: recorded without an exemplar.
        OTEL_REQUEST_SECONDS
            .observe_with_current_trace(5.0)
            .unwrap();
        traced_span().in_scope(|| {
            OTEL_REQUEST_SECONDS
                .observe_with_current_trace(0.5)
                .unwrap();
            OTEL_JOBS_TOTAL.inc_by_with_current_trace(2).unwrap();
            // The timer observes through the same path: no code at the call site.
            drop(OTEL_REQUEST_SECONDS.start_timer());
        });
    });
    assert_eq!(OTEL_REQUEST_SECONDS.get_sample_count(), 3);
    let openmetrics = registry().render_openmetrics();
    let line = |prefix: &str| {
        openmetrics
            .lines()
            .find(|line| line.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {openmetrics}"))
            .to_owned()
    };
    let exemplar = format!("# {{trace_id=\"{TRACE}\",span_id=\"{SPAN}\"}}");
    // The timer's observation (well under a second) is the bucket's latest exemplar.
    let bucket = line("otel_request_seconds_bucket{le=\"1.0\"} 2 ");
    assert!(bucket.contains(&exemplar), "{bucket}");
    let inf = line("otel_request_seconds_bucket{le=\"+Inf\"} 3");
    assert!(!inf.contains('#'), "{inf}");
    let jobs = line("otel_jobs_total 2 ");
    assert!(jobs.contains(&format!("{exemplar} 2 ")), "{jobs}");
}
