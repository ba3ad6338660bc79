//! promtool's naming rules (`promtool check metrics`, Prometheus' `promlint`), as
//! [`Problem`]s that carry the name to write instead.
//!
//! `#[metric]` applies them when a metric is declared and words each problem as the fix to
//! make in the declaration; `metrics_core::testing::lint_text` applies them to an exposition
//! and words them as promtool does ([`Problem`]'s `Display`).
//!
//! The rules: `_total` on counters only; `_bucket`, `_count`, `_sum` only on the types whose
//! series use them; `_timestamp_seconds` on gauges only; base units; no abbreviated units;
//! snake_case; no colons; no type name in the name; `_info` on info metrics; the labels `le`
//! and `quantile` reserved.

use std::fmt;

use crate::case::{has_camel_case, snake_case};
use crate::family::MetricType;
use crate::units::{abbreviation, non_base_unit};

/// One broken naming rule, with the name that would follow it (`suggested`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// `[a-z][A-Z]` in the name.
    CamelCase {
        /// The name in snake_case.
        suggested: String,
    },
    /// A `:` in the name: Prometheus keeps colons for recording rules.
    Colon {
        /// The name with `_` for each `:`.
        suggested: String,
    },
    /// A counter whose name does not end in `_total`.
    CounterWithoutTotal {
        /// The name with `_total` (instead of `_count`, if it ended so).
        suggested: String,
    },
    /// `_total` on anything but a counter.
    TotalOnNonCounter {
        /// The name without `_total`.
        suggested: String,
    },
    /// `_bucket` on anything but a histogram, `_count` or `_sum` on anything but a histogram
    /// or a summary: the suffixes of their series.
    ReservedSuffix {
        /// `_bucket`, `_count` or `_sum`.
        suffix: &'static str,
        /// The name without the suffix.
        suggested: String,
    },
    /// `_timestamp_seconds`, which names a gauge holding a Unix time, on another type.
    TimestampNotGauge {
        /// The name ending in `_seconds` instead.
        suggested: String,
    },
    /// A metric type's name (`_gauge`, `_counter`, ...) in the metric name.
    TypeInName {
        /// `counter`, `gauge`, `histogram`, `summary` or `gauge_histogram`.
        type_name: &'static str,
        /// The name without it.
        suggested: String,
    },
    /// A unit that is not a base unit (`milliseconds`, `kilobytes`, `hours`).
    NonBaseUnit {
        /// The unit as written in the name.
        unit: String,
        /// The base unit to record instead.
        base: &'static str,
        /// The name with the base unit.
        suggested: String,
    },
    /// An abbreviated unit (`_ms`, `_kb`, `_s`).
    AbbreviatedUnit {
        /// The abbreviation as written in the name.
        abbreviation: String,
        /// The unit written out.
        full: &'static str,
        /// How to convert the value, or "".
        hint: &'static str,
        /// The name with the unit written out.
        suggested: String,
    },
    /// An info metric whose name does not end in `_info` (OpenMetrics requires it).
    InfoWithoutInfoSuffix {
        /// The name with `_info`.
        suggested: String,
    },
    /// A label name with `[a-z][A-Z]` in it.
    LabelCamelCase {
        /// The label name.
        label: String,
        /// The label name in snake_case.
        suggested: String,
    },
    /// `le` or `quantile` as a label declared on a metric: the labels histograms and summaries
    /// add to their own series.
    ReservedLabel {
        /// `le` or `quantile`.
        label: &'static str,
        /// The type of the metric it was declared on.
        metric_type: MetricType,
    },
}

impl Problem {
    /// The name (or label name) to write instead, where the problem has one.
    pub fn suggested(&self) -> Option<&str> {
        match self {
            Problem::CamelCase { suggested }
            | Problem::Colon { suggested }
            | Problem::CounterWithoutTotal { suggested }
            | Problem::TotalOnNonCounter { suggested }
            | Problem::ReservedSuffix { suggested, .. }
            | Problem::TimestampNotGauge { suggested }
            | Problem::TypeInName { suggested, .. }
            | Problem::NonBaseUnit { suggested, .. }
            | Problem::AbbreviatedUnit { suggested, .. }
            | Problem::InfoWithoutInfoSuffix { suggested }
            | Problem::LabelCamelCase { suggested, .. } => Some(suggested),
            Problem::ReservedLabel { .. } => None,
        }
    }
}

/// promtool's wording (with `_timestamp_seconds` and `_info`, which promtool does not check,
/// worded like it).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::CamelCase { .. } => {
                f.write_str("metric names should be written in 'snake_case' not 'camelCase'")
            }
            Problem::Colon { .. } => f.write_str("metric names should not contain ':'"),
            Problem::CounterWithoutTotal { .. } => {
                f.write_str("counter metrics should have \"_total\" suffix")
            }
            Problem::TotalOnNonCounter { .. } => {
                f.write_str("non-counter metrics should not have \"_total\" suffix")
            }
            Problem::ReservedSuffix {
                suffix: "_bucket", ..
            } => f.write_str("non-histogram metrics should not have \"_bucket\" suffix"),
            Problem::ReservedSuffix { .. } => f.write_str(
                "non-histogram and non-summary metrics should not have \"_count\" or \"_sum\" \
                 suffix",
            ),
            Problem::TimestampNotGauge { .. } => {
                f.write_str("non-gauge metrics should not have \"_timestamp_seconds\" suffix")
            }
            Problem::TypeInName { type_name, .. } => {
                write!(f, "metric names should not include type '{type_name}'")
            }
            Problem::NonBaseUnit { unit, base, .. } => {
                write!(f, "use base unit \"{base}\" instead of \"{unit}\"")
            }
            Problem::AbbreviatedUnit { .. } => {
                f.write_str("metric names should not contain abbreviated units")
            }
            Problem::InfoWithoutInfoSuffix { .. } => {
                f.write_str("info metrics should have \"_info\" suffix")
            }
            Problem::LabelCamelCase { label, .. } => write!(
                f,
                "label names should be written in 'snake_case' not 'camelCase': {label}"
            ),
            Problem::ReservedLabel {
                label: "le",
                metric_type: MetricType::Histogram,
            } => f.write_str("histogram metrics add the \"le\" label themselves"),
            Problem::ReservedLabel {
                label: "quantile",
                metric_type: MetricType::Summary,
            } => f.write_str("summary metrics add the \"quantile\" label themselves"),
            Problem::ReservedLabel { label: "le", .. } => {
                f.write_str("non-histogram metrics should not have \"le\" label")
            }
            Problem::ReservedLabel { .. } => {
                f.write_str("non-summary metrics should not have \"quantile\" label")
            }
        }
    }
}

/// The problems promtool would report about a metric name of this type, in the order the
/// rules are listed above; empty when the name is clean. Suffixes and units are compared in
/// lower case, as promtool does.
///
/// ```
/// use metrics_naming::{MetricType, Problem, lint_metric_name};
///
/// assert_eq!(
///     lint_metric_name("jobs_count", MetricType::Counter),
///     [Problem::CounterWithoutTotal { suggested: "jobs_total".to_owned() }]
/// );
/// assert!(lint_metric_name("jobs_total", MetricType::Counter).is_empty());
/// ```
pub fn lint_metric_name(name: &str, metric_type: MetricType) -> Vec<Problem> {
    let mut problems = Vec::new();
    let is_counter = metric_type == MetricType::Counter;

    if has_camel_case(name) {
        problems.push(Problem::CamelCase {
            suggested: snake_case(name),
        });
    }
    if name.contains(':') {
        problems.push(Problem::Colon {
            suggested: name.replace(':', "_"),
        });
    }

    let lower = name.to_lowercase();
    match (is_counter, lower.ends_with("_total")) {
        (true, false) => problems.push(Problem::CounterWithoutTotal {
            suggested: match strip_suffix_ci(name, "_count") {
                Some(stem) => format!("{stem}_total"),
                None => format!("{name}_total"),
            },
        }),
        (false, true) => problems.push(Problem::TotalOnNonCounter {
            suggested: strip_suffix_ci(name, "_total").unwrap_or(name).to_owned(),
        }),
        _ => {}
    }

    if !is_counter {
        let histogram = metric_type == MetricType::Histogram;
        let summary = metric_type == MetricType::Summary;
        for (suffix, reserved_here) in [
            ("_bucket", !histogram),
            ("_count", !histogram && !summary),
            ("_sum", !histogram && !summary),
        ] {
            if let (true, Some(stem)) = (reserved_here, strip_suffix_ci(name, suffix)) {
                problems.push(Problem::ReservedSuffix {
                    suffix,
                    suggested: stem.to_owned(),
                });
            }
        }
        if metric_type != MetricType::Gauge
            && let Some(stem) = strip_suffix_ci(name, "_timestamp_seconds")
        {
            problems.push(Problem::TimestampNotGauge {
                suggested: format!("{stem}_seconds"),
            });
        }
    }

    for type_name in [
        "counter",
        "gauge",
        "histogram",
        "summary",
        "gauge_histogram",
    ] {
        let infix = format!("_{type_name}_");
        let suffix = format!("_{type_name}");
        let suggested = if let Some(at) = lower.find(&infix) {
            format!("{}{}", &name[..at], &name[at + suffix.len()..])
        } else if lower.ends_with(&suffix) {
            name[..name.len() - suffix.len()].to_owned()
        } else {
            continue;
        };
        problems.push(Problem::TypeInName {
            type_name,
            suggested,
        });
        // `x_gauge_histogram` would otherwise be reported three times.
        break;
    }

    let segments: Vec<&str> = name.split('_').collect();
    for (index, segment) in segments.iter().enumerate() {
        let replace_with = |unit: &str| {
            let mut renamed = segments.clone();
            renamed[index] = unit;
            renamed.join("_")
        };
        if let Some(base) = non_base_unit(segment) {
            problems.push(Problem::NonBaseUnit {
                unit: (*segment).to_owned(),
                base,
                suggested: replace_with(base),
            });
        } else if index > 0
            && let Some((full, hint)) = abbreviation(segment)
        {
            problems.push(Problem::AbbreviatedUnit {
                abbreviation: (*segment).to_owned(),
                full,
                hint,
                suggested: replace_with(full),
            });
        }
    }

    if metric_type == MetricType::Info && !name.ends_with("_info") {
        problems.push(Problem::InfoWithoutInfoSuffix {
            suggested: format!("{name}_info"),
        });
    }

    problems
}

/// What is wrong with this label name, declared on a metric of this type, if anything:
/// `le` and `quantile` are reserved on every type (a histogram adds `le` itself, a summary
/// `quantile`), and label names are snake_case. The name is already known to be valid.
pub fn lint_label_name(label: &str, metric_type: MetricType) -> Option<Problem> {
    if let Some((reserved, _)) = crate::names::RESERVED_LABELS
        .iter()
        .find(|(reserved, _)| *reserved == label)
    {
        return Some(Problem::ReservedLabel {
            label: reserved,
            metric_type,
        });
    }
    has_camel_case(label).then(|| Problem::LabelCamelCase {
        label: label.to_owned(),
        suggested: snake_case(label),
    })
}

/// `name` without `suffix` (compared case-insensitively), if it ends with it and something is
/// left.
fn strip_suffix_ci<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let split = name.len().checked_sub(suffix.len())?;
    (split > 0 && name.is_char_boundary(split) && name[split..].eq_ignore_ascii_case(suffix))
        .then(|| &name[..split])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestions(name: &str, metric_type: MetricType) -> Vec<String> {
        lint_metric_name(name, metric_type)
            .iter()
            .map(|problem| format!("{problem} -> {}", problem.suggested().unwrap()))
            .collect()
    }

    #[test]
    fn clean_names_pass() {
        for (name, metric_type) in [
            ("voice_calls_total", MetricType::Counter),
            ("voice_call_duration_seconds", MetricType::Histogram),
            ("voice_active_calls", MetricType::Gauge),
            ("http_request_size_bytes", MetricType::Histogram),
            ("process_start_time_seconds", MetricType::Gauge),
            ("node_timestamp_seconds", MetricType::Gauge),
            ("ms_queue_depth", MetricType::Gauge),
            ("rpc_duration_seconds_count", MetricType::Summary),
            ("voice_build_info", MetricType::Info),
        ] {
            assert_eq!(lint_metric_name(name, metric_type), [], "{name}");
        }
    }

    #[test]
    fn each_rule_suggests_a_name() {
        assert_eq!(
            suggestions("jobs_count", MetricType::Counter),
            ["counter metrics should have \"_total\" suffix -> jobs_total"]
        );
        assert_eq!(
            suggestions("queueTime_ms", MetricType::Gauge),
            [
                "metric names should be written in 'snake_case' not 'camelCase' -> queue_time_ms",
                "metric names should not contain abbreviated units -> queueTime_seconds",
            ]
        );
        assert_eq!(
            suggestions("cache_size_kilobytes", MetricType::Gauge),
            ["use base unit \"bytes\" instead of \"kilobytes\" -> cache_size_bytes"]
        );
        assert_eq!(
            suggestions("queue_gauge_items", MetricType::Gauge),
            ["metric names should not include type 'gauge' -> queue_items"]
        );
        assert_eq!(
            suggestions("jobs_total", MetricType::Gauge),
            ["non-counter metrics should not have \"_total\" suffix -> jobs"]
        );
        assert_eq!(
            suggestions("wait_bucket", MetricType::Summary),
            ["non-histogram metrics should not have \"_bucket\" suffix -> wait"]
        );
        assert_eq!(
            suggestions("last_run_timestamp_seconds", MetricType::Histogram),
            [
                "non-gauge metrics should not have \"_timestamp_seconds\" suffix -> \
                 last_run_seconds"
            ]
        );
        assert_eq!(
            suggestions("job:calls", MetricType::Gauge),
            ["metric names should not contain ':' -> job_calls"]
        );
        assert_eq!(
            suggestions("voice_build", MetricType::Info),
            ["info metrics should have \"_info\" suffix -> voice_build_info"]
        );
    }

    #[test]
    fn labels() {
        assert_eq!(lint_label_name("status", MetricType::Counter), None);
        assert_eq!(
            lint_label_name("statusCode", MetricType::Counter)
                .unwrap()
                .to_string(),
            "label names should be written in 'snake_case' not 'camelCase': statusCode"
        );
        assert_eq!(
            lint_label_name("le", MetricType::Gauge)
                .unwrap()
                .to_string(),
            "non-histogram metrics should not have \"le\" label"
        );
        assert_eq!(
            lint_label_name("le", MetricType::Histogram),
            Some(Problem::ReservedLabel {
                label: "le",
                metric_type: MetricType::Histogram
            })
        );
        assert_eq!(
            lint_label_name("quantile", MetricType::Counter)
                .unwrap()
                .to_string(),
            "non-summary metrics should not have \"quantile\" label"
        );
    }
}
