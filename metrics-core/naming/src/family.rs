//! Metric types and the names a family puts on the wire.
//!
//! A family's samples are named after it: a histogram `x` exposes `x_bucket`, `x_count`,
//! `x_sum`. OpenMetrics names a counter's family without `_total` (a counter `x_total` is the
//! family `x`, whose samples keep `_total`) and an info family without `_info`, so a counter
//! `x_total` and a gauge `x` are one family there and must not both exist.

/// The kind of a metric family, as written on its `# TYPE` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    /// The type a `# TYPE` line names, in either text format; `None` for `untyped`, `unknown`
    /// and anything else.
    pub fn from_type_line(name: &str) -> Option<MetricType> {
        Some(match name {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            _ => return None,
        })
    }
}

/// The family name OpenMetrics uses: counters drop `_total`, info families drop `_info`
/// (unless nothing would be left).
///
/// ```
/// use metrics_naming::{MetricType, family_name};
///
/// assert_eq!(family_name("voice_calls_total", MetricType::Counter), "voice_calls");
/// assert_eq!(family_name("voice_calls_total", MetricType::Gauge), "voice_calls_total");
/// assert_eq!(family_name("voice_build_info", MetricType::Info), "voice_build");
/// ```
pub fn family_name(name: &str, metric_type: MetricType) -> &str {
    let suffix = match metric_type {
        MetricType::Counter => "_total",
        MetricType::Info => "_info",
        _ => return name,
    };
    name.strip_suffix(suffix)
        .filter(|base| !base.is_empty())
        .unwrap_or(name)
}

/// Every name a family of this type puts on the wire, in either text format, sorted: two
/// families clash when these sets meet (`foo_total` the counter and `foo` the gauge are both
/// `foo` in OpenMetrics; a histogram `foo` owns `foo_bucket`, `foo_count`, `foo_sum`).
pub fn exposed_names(name: &str, metric_type: MetricType) -> Vec<String> {
    let family = family_name(name, metric_type);
    let mut names = vec![name.to_owned(), family.to_owned()];
    match metric_type {
        MetricType::Counter => {
            names.push(format!("{family}_total"));
            names.push(format!("{family}_created"));
        }
        MetricType::Histogram => {
            for suffix in ["_bucket", "_count", "_sum", "_created"] {
                names.push(format!("{name}{suffix}"));
            }
        }
        MetricType::Summary => {
            for suffix in ["_count", "_sum", "_created"] {
                names.push(format!("{name}{suffix}"));
            }
        }
        MetricType::Info => names.push(format!("{family}_info")),
        MetricType::Gauge | MetricType::StateSet | MetricType::Untyped => {}
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names() {
        assert_eq!(family_name("jobs", MetricType::Counter), "jobs");
        assert_eq!(family_name("_total", MetricType::Counter), "_total");
        assert_eq!(family_name("queue_total", MetricType::Gauge), "queue_total");
        assert_eq!(family_name("svc_build_info", MetricType::Info), "svc_build");
    }

    #[test]
    fn exposed_names_of_each_type() {
        assert_eq!(
            exposed_names("jobs_total", MetricType::Counter),
            ["jobs", "jobs_created", "jobs_total"]
        );
        assert_eq!(
            exposed_names("wait_seconds", MetricType::Histogram),
            [
                "wait_seconds",
                "wait_seconds_bucket",
                "wait_seconds_count",
                "wait_seconds_created",
                "wait_seconds_sum"
            ]
        );
        assert_eq!(exposed_names("queue", MetricType::Gauge), ["queue"]);
        assert_eq!(
            exposed_names("svc_info", MetricType::Info),
            ["svc", "svc_info"]
        );
    }

    #[test]
    fn type_lines() {
        for metric_type in [
            MetricType::Counter,
            MetricType::Gauge,
            MetricType::Histogram,
            MetricType::Summary,
            MetricType::Info,
            MetricType::StateSet,
        ] {
            assert_eq!(
                MetricType::from_type_line(metric_type.openmetrics_str()),
                Some(metric_type)
            );
        }
        assert_eq!(MetricType::from_type_line("untyped"), None);
    }
}
