//! Where samples go that a metric cannot take, so that they are seen rather than lost.

use crate::Error;
#[cfg(not(loom))]
use crate::{IntCounterVec, metric};

/// Samples that were not recorded because the value is invalid for the metric's type (a
/// negative counter increment, a NaN observation), by metric and reason.
// Under loom a family has no `const` constructor, so it cannot be a `static`; the models do
// not look at this counter.
#[cfg(not(loom))]
#[metric(labels = ["metric", "reason"])]
static METRICS_CORE_REJECTED_SAMPLES_TOTAL: IntCounterVec;

/// Counts a rejected sample. Off the hot path: only reached with a value the caller should not
/// have passed.
#[cold]
#[cfg_attr(loom, allow(unused_variables))]
pub(crate) fn record(error: &Error) {
    #[cfg(not(loom))]
    if let Error::InvalidValue { metric, value, .. } = error {
        let reason = if value.is_nan() { "nan" } else { "negative" };
        METRICS_CORE_REJECTED_SAMPLES_TOTAL
            .with_label_values(&[*metric, reason])
            .inc();
    }
}
