//! Exemplars from the current OpenTelemetry span (feature `otel`): the trace and span ids of
//! the `tracing` span the code runs in, as `tracing-opentelemetry` links it to OpenTelemetry.

use opentelemetry::trace::TraceContextExt;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Calls `f` with `[("trace_id", ...), ("span_id", ...)]` of the current span, in lower-case
/// hex, or with `None` outside a span that OpenTelemetry knows. The ids are formatted on the
/// stack.
pub(crate) fn with_current_trace<R>(f: impl FnOnce(Option<&[(&str, &str); 2]>) -> R) -> R {
    let context = tracing::Span::current().context();
    let span = context.span();
    let ids = span.span_context();
    if !ids.is_valid() {
        return f(None);
    }
    let mut trace_id = [0u8; 32];
    let mut span_id = [0u8; 16];
    let trace_id = hex(&ids.trace_id().to_bytes(), &mut trace_id);
    let span_id = hex(&ids.span_id().to_bytes(), &mut span_id);
    f(Some(&[("trace_id", trace_id), ("span_id", span_id)]))
}

fn hex<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    // Hex digits are ASCII.
    std::str::from_utf8(out).unwrap_or_default()
}
