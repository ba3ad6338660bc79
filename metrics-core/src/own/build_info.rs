//! `<crate>_build_info`: which version of a crate is running, as labels on a sample of value 1.

use crate::encoding::series_labels::render_label_pairs;
use crate::encoding::{Encoder, Labels, Value};
use crate::metrics::metric::MetricType;
use crate::{Collect, Descriptor};

/// Declares `<crate>_build_info{version="<crate version>", ...} 1` for the calling crate,
/// where `<crate>` is its name (`voice-service` gives `voice_service_build_info`) and the
/// version is its `Cargo.toml` version. More labels can be given as `name = "value"` pairs of
/// string constants (`env!`, `option_env!` with a default, literals).
///
/// Like `#[metric]`, it is written once, at module level, and the registry finds it at link
/// time. OpenMetrics exposes it as an `info` family; the text format as a gauge.
///
/// ```
/// metrics_core::build_info!(profile = "release");
///
/// let text = metrics_core::registry().render();
/// let sample = text.lines().find(|line| line.contains("_build_info{")).unwrap();
/// let labels = format!("{{version=\"{}\",profile=\"release\"}} 1", env!("CARGO_PKG_VERSION"));
/// assert!(sample.ends_with(&labels));
/// ```
#[macro_export]
macro_rules! build_info {
    ($($label:ident = $value:expr),* $(,)?) => {
        const _: () = {
            static DESC: $crate::Descriptor = $crate::Descriptor {
                name: ::core::concat!(::core::env!("CARGO_CRATE_NAME"), "_build_info"),
                help: ::core::concat!(
                    "Build information about ",
                    ::core::env!("CARGO_PKG_NAME"),
                    ", as labels; the value is always 1."
                ),
                labels: &["version" $(, ::core::stringify!($label))*],
                buckets: &[],
                module_path: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                options: $crate::Options::NONE,
            };
            static INFO: $crate::__private::BuildInfo = $crate::__private::BuildInfo::__new(
                &DESC,
                &[::core::env!("CARGO_PKG_VERSION") $(, $value)*],
            );
            #[$crate::__private::linkme::distributed_slice($crate::__private::METRICS)]
            #[linkme(crate = $crate::__private::linkme)]
            static ENTRY: $crate::__private::Entry = $crate::__private::Entry(&INFO);
        };
    };
}

/// What [`build_info!`](crate::build_info) declares: an info family with one series.
#[doc(hidden)]
pub struct BuildInfo {
    desc: &'static Descriptor,
    values: &'static [&'static str],
}

impl BuildInfo {
    #[doc(hidden)]
    pub const fn __new(desc: &'static Descriptor, values: &'static [&'static str]) -> BuildInfo {
        BuildInfo { desc, values }
    }
}

impl Collect for BuildInfo {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Info
    }

    /// One sample of value 1; its name keeps the `_info` suffix in every format.
    fn encode(&self, encoder: &mut dyn Encoder) {
        let rendered = render_label_pairs(self.desc.labels, self.values);
        let pairs = |f: &mut dyn FnMut(&str, &str)| {
            for (name, value) in self.desc.labels.iter().zip(self.values) {
                f(name, value);
            }
        };
        encoder.gauge(&Labels::new(&rendered, &pairs), Value::Unsigned(1));
    }
}
