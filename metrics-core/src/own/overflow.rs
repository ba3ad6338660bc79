//! Counts the label values that went to a family's overflow series, so a cardinality explosion
//! shows on a dashboard instead of in the memory graph.

use crate::Descriptor;
#[cfg(not(loom))]
use crate::{IntCounterVec, metric};

/// New label value combinations that went to the overflow series because the family already
/// held its maximum number of series, by metric.
// Under loom a family has no `const` constructor, so it cannot be a `static`; the models do
// not look at this counter.
#[cfg(not(loom))]
#[metric(labels = ["metric"])]
static METRICS_CORE_CARDINALITY_OVERFLOW_TOTAL: IntCounterVec;

#[cold]
pub(crate) fn record(desc: &Descriptor) {
    // Were this family itself full (more metrics than its limit), counting into it would
    // overflow again, forever; its overflow series still shows the excess.
    if desc.name == "metrics_core_cardinality_overflow_total" {
        return;
    }
    #[cfg(not(loom))]
    METRICS_CORE_CARDINALITY_OVERFLOW_TOTAL
        .with_label_values(&[desc.name])
        .inc();
}
