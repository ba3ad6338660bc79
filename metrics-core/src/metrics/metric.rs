//! The traits that tie metric types to the registry.

use prometheus::proto;

use crate::Descriptor;

/// The kind of a metric family, as written on its `# TYPE` line (the naming rules' type).
pub use metrics_naming::MetricType;

/// The `prometheus` protobuf type of a family of this type: info and state sets are gauges.
pub(crate) fn proto_type(metric_type: MetricType) -> proto::MetricType {
    match metric_type {
        MetricType::Counter => proto::MetricType::COUNTER,
        MetricType::Histogram => proto::MetricType::HISTOGRAM,
        MetricType::Summary => proto::MetricType::SUMMARY,
        _ => proto::MetricType::GAUGE,
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

    /// Writes this series' sample lines. `labels` is the rendered label list, possibly empty.
    #[doc(hidden)]
    fn __encode_text(&self, name: &str, labels: &str, out: &mut String);

    /// Writes this series' sample lines in OpenMetrics; the same as the text format unless the
    /// type differs there (counters and histograms add `_created`).
    #[doc(hidden)]
    fn __encode_openmetrics(&self, name: &str, labels: &str, out: &mut String) {
        self.__encode_text(name, labels, out);
    }

    #[doc(hidden)]
    fn __to_proto(&self, labels: Vec<proto::LabelPair>) -> proto::Metric;
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

    /// Appends the family's sample lines (without `# HELP`/`# TYPE`) in the text format.
    fn encode_text(&self, out: &mut String);

    /// The family's series as protobuf metrics, for `prometheus` encoders and interop.
    fn collect(&self) -> Vec<proto::Metric>;

    /// Appends the family's sample lines (without the header) in OpenMetrics 1.0.0. The default
    /// writes the text format's lines, which are valid OpenMetrics for gauges.
    fn encode_openmetrics(&self, out: &mut String) {
        self.encode_text(out);
    }

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

            fn encode_text(&self, out: &mut String) {
                let labels = $crate::encoding::text::series_labels::<&str>(self.desc, &[]);
                $crate::Metric::__encode_text(self, self.desc.name, &labels, out);
            }

            fn collect(&self) -> Vec<::prometheus::proto::Metric> {
                let labels = $crate::encoding::text::const_label_pairs(self.desc);
                vec![$crate::Metric::__to_proto(self, labels)]
            }

            fn encode_openmetrics(&self, out: &mut String) {
                let labels = $crate::encoding::text::series_labels::<&str>(self.desc, &[]);
                $crate::Metric::__encode_openmetrics(self, self.desc.name, &labels, out);
            }
        }
    };
}
pub(crate) use impl_collect_for_metric;

pub(crate) fn label_pair(name: &str, value: &str) -> proto::LabelPair {
    let mut pair = proto::LabelPair::default();
    pair.set_name(name.to_owned());
    pair.set_value(value.to_owned());
    pair
}
