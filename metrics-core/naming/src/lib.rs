//! The naming rules of Prometheus and OpenMetrics, in one place for `metrics-core` and its
//! macros: the `#[metric]` attribute applies them when a metric is declared, the runtime when
//! it exposes, filters and lints names. Use them through `metrics_core::naming`.
//!
//! - [`names`]: which metric and label names are valid, and which label names are reserved.
//! - [`family`]: the metric types, the OpenMetrics family of a name (a counter `x_total` is the
//!   family `x`) and every name a family puts on the wire.
//! - [`units`]: base units, the units promtool refuses, abbreviations.
//! - [`case`]: snake_case, for label values, error kinds and suggested names.
//! - [`lint`]: promtool's naming rules (`promtool check metrics`), as [`Problem`]s.

#![deny(missing_docs)]

pub mod cardinality;
pub mod case;
pub mod family;
pub mod lint;
pub mod names;
pub mod units;

pub use cardinality::unbounded_label;
pub use case::{has_camel_case, snake_case};
pub use family::{MetricType, exposed_names, family_name};
pub use lint::{Problem, lint_label_name, lint_metric_name};
pub use names::{
    InvalidName, RESERVED_LABELS, check_label_name, check_metric_name, check_prefix,
    is_valid_label_name,
};
pub use units::unit_of;
