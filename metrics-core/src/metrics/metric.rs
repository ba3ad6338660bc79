//! The traits that tie metric types to the registry.

#[cfg(feature = "metrics-facade")]
use prometheus::proto;

use crate::Descriptor;
use crate::encoding::{Encoder, Labels};

/// The kind of a metric family, as written on its `# TYPE` line (the naming rules' type).
pub use metrics_naming::MetricType;

/// The `prometheus` protobuf type of a family of this type: info and state sets are gauges.
#[cfg(feature = "metrics-facade")]
pub(crate) fn proto_type(metric_type: MetricType) -> proto::MetricType {
    match metric_type {
        MetricType::Counter => proto::MetricType::COUNTER,
        MetricType::Histogram => proto::MetricType::HISTOGRAM,
        MetricType::Summary => proto::MetricType::SUMMARY,
        _ => proto::MetricType::GAUGE,
    }
}

/// A `prometheus` protobuf label pair, for families handed to the `prometheus` crate's model.
#[cfg(feature = "metrics-facade")]
pub(crate) fn label_pair(name: &str, value: &str) -> proto::LabelPair {
    let mut pair = proto::LabelPair::default();
    pair.set_name(name.to_owned());
    pair.set_value(value.to_owned());
    pair
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

    /// Every label the family's series carry, with its values when they form a closed set
    /// (enums, `bool`, a state set's states, a constant label), for the
    /// [catalog](crate::catalog). The default: the descriptor's constant labels, then its labels
    /// as open sets.
    fn label_values(&self) -> Vec<LabelValues> {
        let mut labels = const_label_values(self.desc());
        labels.extend(self.desc().labels.iter().map(|name| (*name, None)));
        labels
    }
}

/// A label's name and, for a closed set, its values: what [`Collect::label_values`] lists.
pub type LabelValues = (&'static str, Option<Vec<&'static str>>);

/// The constant labels of `desc`, each a closed set of one value.
pub(crate) fn const_label_values(desc: &Descriptor) -> Vec<LabelValues> {
    desc.options
        .const_labels
        .iter()
        .map(|(name, value)| (*name, Some(vec![*value])))
        .collect()
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
                let rendered =
                    $crate::encoding::series_labels::series_labels::<&str>(self.desc, &[]);
                let pairs = |f: &mut dyn FnMut(&str, &str)| {
                    $crate::metrics::metric::desc_pairs(self.desc, [], f)
                };
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
