//! The naming rules of `promtool check metrics`, applied when the metric is declared instead of
//! when its exposition is scraped. Every message says which name to write instead.
//!
//! The rules follow promtool's (Prometheus `promlint`): help text, `_total` on counters only,
//! the suffixes histograms and summaries use for their series, base units, no abbreviated units,
//! snake_case, no colons, no type name in the name, and the labels `le` and `quantile`.

use metrics_naming::Problem;
use metrics_naming::units::conversion_hint;

use crate::ast::Kind;

/// Where the metric name came from, so that the fix names the thing to edit.
#[derive(Clone, Copy)]
pub enum NameSource {
    /// The lowercased name of the static.
    Ident,
    /// `#[metric(name = "...")]`.
    Argument,
}

impl NameSource {
    /// "rename the static to `X_TOTAL`" or "write `name = \"x_total\"`".
    pub fn fix(self, suggested: &str) -> String {
        match self {
            NameSource::Ident => format!(
                "rename the static to `{}` (or set `#[metric(name = \"{suggested}\")]`)",
                suggested.to_uppercase()
            ),
            NameSource::Argument => format!("write `name = \"{suggested}\"`"),
        }
    }
}

/// The problems promtool would report about the name of a metric of this kind, each worded as
/// the fix to make in the declaration. The rules are `metrics_naming::lint`'s; the name is
/// already known to be a valid Prometheus name without colons.
pub fn metric_name(name: &str, kind: Kind, source: NameSource) -> Vec<String> {
    metrics_naming::lint_metric_name(name, kind.metric_type())
        .into_iter()
        .map(|problem| metric_name_message(&problem, kind, source))
        .collect()
}

fn metric_name_message(problem: &Problem, kind: Kind, source: NameSource) -> String {
    let fix = source.fix(problem.suggested().unwrap_or_default());
    match problem {
        Problem::CamelCase { .. } => {
            format!("metric names are snake_case, not camelCase: {fix}")
        }
        Problem::CounterWithoutTotal { .. } => {
            format!("a counter's name ends in `_total` (promtool requires it): {fix}")
        }
        Problem::TotalOnNonCounter { .. } => format!(
            "`_total` is the counter suffix, and this is {}: {fix}; or, if it only ever goes \
             up, declare it as a counter (`IntCounter`, `Counter`)",
            kind.article_name(),
        ),
        Problem::ReservedSuffix { suffix, suggested } => {
            let owners = if *suffix == "_bucket" {
                "histograms"
            } else {
                "histograms and summaries"
            };
            format!(
                "the suffix `{suffix}` is reserved for the series of {owners} (a histogram \
                 `{suggested}` exposes `{suggested}{suffix}`): {fix}"
            )
        }
        Problem::TimestampNotGauge { .. } => format!(
            "`_timestamp_seconds` names a gauge that holds a Unix time, and this is {}: \
             declare it as `Gauge`, or {fix}",
            kind.article_name(),
        ),
        Problem::TypeInName { type_name, .. } => format!(
            "the metric type is in the `# TYPE` line, not in the name: drop `_{type_name}`: {fix}"
        ),
        Problem::NonBaseUnit { unit, base, .. } => format!(
            "Prometheus metrics use base units: `{base}`, not `{unit}`; record {} and {fix}",
            conversion_hint(base)
        ),
        Problem::AbbreviatedUnit {
            abbreviation,
            full,
            hint,
            ..
        } => format!(
            "`_{abbreviation}` is an abbreviated unit: write the base unit out, `_{full}`{hint}: \
             {fix}"
        ),
        Problem::InfoWithoutInfoSuffix { .. } => {
            format!("an info metric's name ends in `_info` (OpenMetrics requires it): {fix}")
        }
        // Colons are refused before the lint runs; label problems come from `label_name`.
        other => format!("{other}: {fix}"),
    }
}

/// What is wrong with this label name on a metric of this kind, if anything. The name is
/// already known to be a valid label name that does not start with `__`.
pub fn label_name(label: &str, kind: Kind) -> Option<String> {
    Some(
        match metrics_naming::lint_label_name(label, kind.metric_type())? {
            Problem::ReservedLabel { label, .. } => format!(
                "the label `{label}` is reserved: {}; rename the label",
                reserved_label_reason(label, kind)
            ),
            Problem::LabelCamelCase { suggested, .. } => {
                format!("label names are snake_case, not camelCase: write `\"{suggested}\"`")
            }
            other => other.to_string(),
        },
    )
}

/// Why `label` (`le` or `quantile`) cannot be a label of this kind of metric.
fn reserved_label_reason(label: &str, kind: Kind) -> &'static str {
    match label {
        "le" if kind.is_histogram() => "a histogram uses `le` for the upper bound of each bucket",
        "le" => "`le` holds histogram bucket bounds, and promtool refuses it elsewhere",
        _ if kind.is_summary() => "a summary uses `quantile` for its quantiles",
        _ => "`quantile` holds summary quantiles, and promtool refuses it elsewhere",
    }
}

/// The compile error for an unbounded-looking label, naming it and the ways out.
pub fn unbounded_label_message(label: &str, what: &str, opt_out: &str) -> String {
    format!(
        "label `{label}` looks unbounded ({what}): every distinct value is a series of its own, \
         kept until removed, and past the cap (10,000 series by default) values go to the \
         `__overflow__` series. Use a closed label instead (an enum with \
         `#[derive(LabelValue)]`), a route template rather than the raw path, or a coarser \
         value (a status, a kind); if its values are bounded after all, or the cap is what you \
         want, say so with {opt_out}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_names_pass() {
        for (name, kind) in [
            ("voice_calls_total", Kind::IntCounter),
            ("voice_call_duration_seconds", Kind::Histogram),
            ("voice_active_calls", Kind::IntGauge),
            ("http_request_size_bytes", Kind::Histogram),
            ("process_start_time_seconds", Kind::Gauge),
            ("node_timestamp_seconds", Kind::Gauge),
            ("ms_queue_depth", Kind::IntGauge),
            ("metrics_core_rejected_samples_total", Kind::IntCounter),
        ] {
            assert_eq!(
                metric_name(name, kind, NameSource::Argument),
                Vec::<String>::new()
            );
        }
    }

    #[test]
    fn each_rule_suggests_a_name() {
        let check = |name, kind| metric_name(name, kind, NameSource::Argument);
        assert_eq!(
            check("jobs_count", Kind::IntCounter),
            [
                "a counter's name ends in `_total` (promtool requires it): write `name = \"jobs_total\"`"
            ]
        );
        assert_eq!(
            check("cache_size_kilobytes", Kind::Gauge),
            [
                "Prometheus metrics use base units: `bytes`, not `kilobytes`; record bytes and \
              write `name = \"cache_size_bytes\"`"
            ]
        );
        assert_eq!(
            check("uptime_h", Kind::Gauge),
            [
                "`_h` is an abbreviated unit: write the base unit out, `_seconds` (record seconds): \
              write `name = \"uptime_seconds\"`"
            ]
        );
        assert_eq!(
            check("queue_gauge_items", Kind::IntGauge),
            [
                "the metric type is in the `# TYPE` line, not in the name: drop `_gauge`: write \
              `name = \"queue_items\"`"
            ]
        );
        assert_eq!(
            check("last_run_timestamp_seconds", Kind::Histogram).len(),
            1,
            "only the gauge-only suffix"
        );
    }

    #[test]
    fn ident_fix_names_the_static() {
        assert_eq!(
            NameSource::Ident.fix("voice_calls_total"),
            "rename the static to `VOICE_CALLS_TOTAL` (or set `#[metric(name = \"voice_calls_total\")]`)"
        );
    }
}
