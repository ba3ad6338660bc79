//! Module level means any module: nested modules and `#[cfg(test)] mod tests` keep working,
//! and their metrics are in the registry like any other.

use metrics_core::{IntCounter, IntGauge, metric, registry};

mod outer {
    pub mod inner {
        use metrics_core::{IntGaugeVec, metric};

        /// Workers busy, by pool (declared two modules deep).
        #[metric(labels = ["pool"])]
        pub static NESTED_WORKERS_BUSY: IntGaugeVec;
    }
}

/// Declared at the root of this test crate.
#[metric]
static NESTED_ROOT_EVENTS_TOTAL: IntCounter;

#[cfg(test)]
mod tests {
    use super::*;

    /// Declared in a `#[cfg(test)] mod tests`.
    #[metric]
    static NESTED_TEST_MODULE_ITEMS: IntGauge;

    #[test]
    fn metrics_in_nested_and_test_modules_are_registered() {
        outer::inner::NESTED_WORKERS_BUSY
            .with_label_values(&["io"])
            .set(3);
        NESTED_ROOT_EVENTS_TOTAL.inc();
        NESTED_TEST_MODULE_ITEMS.set(2);
        assert_eq!(
            registry().render_only(&[
                "nested_workers_busy",
                "nested_root_events_total",
                "nested_test_module_items",
            ]),
            "# HELP nested_root_events_total Declared at the root of this test crate.\n\
             # TYPE nested_root_events_total counter\n\
             nested_root_events_total 1\n\
             # HELP nested_test_module_items Declared in a `#[cfg(test)] mod tests`.\n\
             # TYPE nested_test_module_items gauge\n\
             nested_test_module_items 2\n\
             # HELP nested_workers_busy Workers busy, by pool (declared two modules deep).\n\
             # TYPE nested_workers_busy gauge\n\
             nested_workers_busy{pool=\"io\"} 3\n"
        );
        assert_eq!(
            registry()
                .get("nested_workers_busy")
                .unwrap()
                .desc()
                .module_path,
            "test_module_level::outer::inner"
        );
    }
}
