//! The traits that tie metric types to the registry.

use crate::Descriptor;
use crate::encoding::{Encoder, Labels};
/// The kind of a metric family, as written on its `# TYPE` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetricType {
    /// A value that only goes up (resets to zero when the process restarts).
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted into cumulative buckets, with their sum and count.
    Histogram,
    /// Facts about the program, as labels on a sample of value 1 (e.g. `*_build_info`). The
    /// text format 0.0.4 has no such type and calls it a gauge.
    Info,
    /// Observations summarised by their count, sum and quantiles over a sliding window.
    Summary,
    /// A set of named states, one series each, of which exactly one is 1. The text format
    /// 0.0.4 has no such type and calls it a gauge.
    StateSet,
    /// A family of unknown type (from a collector of the `prometheus` crate); OpenMetrics calls
    /// it `unknown`.
    Untyped,
}

impl MetricType {
    /// The name used in the text format: `counter`, `gauge`, `histogram`, `summary`.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge | MetricType::Info | MetricType::StateSet => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::Untyped => "untyped",
        }
    }

    /// The name used in OpenMetrics: as [`as_str`](Self::as_str), and `info` for
    /// [`MetricType::Info`], `stateset` for [`MetricType::StateSet`].
    pub fn openmetrics_str(self) -> &'static str {
        match self {
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::Untyped => "unknown",
            other => other.as_str(),
        }
    }
}

/// One series' worth of metric: the unlabelled types ([`IntCounter`](crate::IntCounter),
/// [`Histogram`](crate::Histogram), ...) that are also the children of a
/// [`MetricVec`](crate::MetricVec).
///
/// Implemented by this crate's types only; the methods are what the registry and `MetricVec`
/// need, hidden from the docs because users never call them.
pub trait Metric: Send + Sync + 'static + sealed::Sealed {
    /// The `# TYPE` of a family of this metric.
    const TYPE: MetricType;

    #[doc(hidden)]
    fn __new_child(desc: &'static Descriptor) -> Self;

    /// Sets the series back to its state at creation (a removed series that is asked for
    /// again starts from zero).
    #[doc(hidden)]
    fn __reset(&self);

    /// Describes this series' samples to `encoder`, under `labels`.
    #[doc(hidden)]
    fn __encode(&self, labels: &Labels<'_>, encoder: &mut dyn Encoder);
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A registered metric family, as the registry sees it: anything `#[metric]` can declare.
///
/// Object safe, so the registry can hold every family of the program in one list.
pub trait Collect: Send + Sync + 'static {
    /// The family's compile-time description.
    fn desc(&self) -> &'static Descriptor;

    /// The family's `# TYPE`.
    fn metric_type(&self) -> MetricType;

    /// Describes every series of the family to `encoder`, which the registry has just
    /// given the family's name, help and type.
    fn encode(&self, encoder: &mut dyn Encoder);
}

/// Implements `Collect` for an unlabelled metric type whose `desc` field points at its
/// descriptor.
macro_rules! impl_collect_for_metric {
    ($ty:ty) => {
        impl $crate::Collect for $ty {
            fn desc(&self) -> &'static $crate::Descriptor {
                self.desc
            }

            fn metric_type(&self) -> $crate::MetricType {
                <Self as $crate::Metric>::TYPE
            }

            fn encode(&self, encoder: &mut dyn $crate::encoding::Encoder) {
                let rendered = $crate::text::series_labels::<&str>(self.desc, &[]);
                let pairs =
                    |f: &mut dyn FnMut(&str, &str)| $crate::metric::desc_pairs(self.desc, [], f);
                let labels = $crate::encoding::Labels::new(&rendered, &pairs);
                $crate::Metric::__encode(self, &labels, encoder);
            }
        }
    };
}
pub(crate) use impl_collect_for_metric;

/// Calls `f` with a descriptor's constant labels, then its label names with `values`.
pub(crate) fn desc_pairs<'v>(
    desc: &Descriptor,
    values: impl IntoIterator<Item = &'v str>,
    f: &mut dyn FnMut(&str, &str),
) {
    for (name, value) in desc.options.const_labels {
        f(name, value);
    }
    for (name, value) in desc.labels.iter().zip(values) {
        f(name, value);
    }
}
