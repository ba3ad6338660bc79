//! Info metrics: facts about the program as labels on a sample of value 1.

use std::sync::{PoisonError, RwLock};

use crate::encoding::series_labels::series_labels;
use crate::encoding::{Encoder, Labels, Value};
use crate::metrics::metric::{MetricType, desc_pairs};
use crate::{Collect, Descriptor};

/// Facts about the running program (a version, a configuration, a peer's identity) exposed as
/// labels on one sample whose value is always 1, like the Python client's `Info`.
///
/// Declared with the label names; the values are set at run time with [`set`](Self::set),
/// which replaces the previous ones. Until then the family has no sample. The name ends in
/// `_info`. OpenMetrics exposes it as an `info` family; the text format 0.0.4 as a gauge.
/// For the version of a crate, [`build_info!`](crate::build_info) needs no code at all.
///
/// ```
/// use metrics_core::{metric, registry, Info};
///
/// /// The configuration the service started with.
/// #[metric(labels = ["region", "codec"])]
/// static VOICE_CONFIG_INFO: Info;
///
/// # fn main() {
/// VOICE_CONFIG_INFO.set(&["eu-west", "opus"]);
/// let expected = [
///     "# HELP voice_config_info The configuration the service started with.",
///     "# TYPE voice_config_info gauge",
///     "voice_config_info{region=\"eu-west\",codec=\"opus\"} 1",
/// ];
/// assert_eq!(registry().render_only(&["voice_config_info"]), expected.join("\n") + "\n");
/// # }
/// ```
pub struct Info<const N: usize> {
    desc: &'static Descriptor,
    /// The rendered labels and the values, once set.
    values: RwLock<Option<(String, Vec<String>)>>,
}

impl<const N: usize> Info<N> {
    #[doc(hidden)]
    pub const fn __new(desc: &'static Descriptor) -> Self {
        Info {
            desc,
            values: RwLock::new(None),
        }
    }

    /// Sets the label values, in the order of the declared labels, replacing any set before.
    pub fn set<V: AsRef<str>>(&self, values: &[V; N]) {
        let rendered = series_labels(self.desc, values);
        let owned = values
            .iter()
            .map(|value| value.as_ref().to_owned())
            .collect();
        *self.values.write().unwrap_or_else(PoisonError::into_inner) = Some((rendered, owned));
    }

    /// The label values set last, if any.
    pub fn get(&self) -> Option<Vec<String>> {
        self.values
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|(_, values)| values.clone())
    }
}

impl<const N: usize> Collect for Info<N> {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Info
    }

    /// The same line in both formats: the `_info` suffix stays on the sample.
    fn encode(&self, encoder: &mut dyn Encoder) {
        let values = self.values.read().unwrap_or_else(PoisonError::into_inner);
        if let Some((rendered, values)) = values.as_ref() {
            let pairs = |f: &mut dyn FnMut(&str, &str)| {
                desc_pairs(self.desc, values.iter().map(String::as_str), f)
            };
            encoder.gauge(&Labels::new(rendered, &pairs), Value::Unsigned(1));
        }
    }
}
