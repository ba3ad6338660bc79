//! promtool's naming rules over an exposition: the registry's, or any text (another library's
//! output). The rules are `metrics_naming::lint`'s, the ones `#[metric]` applies when it
//! compiles; this also covers collectors registered at run time.

use std::collections::HashMap;

use metrics_naming::{MetricType, lint_label_name, lint_metric_name};

use super::parse_samples;
use crate::registry;

/// The problems `promtool check metrics` would report about the registry's exposition, one
/// `name: problem` line each (empty when clean). `#[metric]` declarations are checked when
/// they compile; this also covers collectors registered at run time.
pub fn lint() -> Vec<String> {
    lint_text(&registry().render())
}

/// Panics with every problem [`lint`] finds.
#[track_caller]
pub fn assert_lint_clean() {
    let problems = lint();
    if !problems.is_empty() {
        panic!("the exposition has lint problems:\n{}", problems.join("\n"));
    }
}

/// [`lint`] for any text exposition (e.g. another library's output).
pub fn lint_text(text: &str) -> Vec<String> {
    let mut help: HashMap<&str, &str> = HashMap::new();
    let mut types: Vec<(&str, &str)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, text) = rest.split_once(' ').unwrap_or((rest, ""));
            help.insert(name, text);
        } else if let Some(rest) = line.strip_prefix("# TYPE ")
            && let Some((name, kind)) = rest.split_once(' ')
        {
            types.push((name, kind));
        }
    }
    let samples = parse_samples(text).unwrap_or_default();
    let mut problems = Vec::new();
    for (name, kind) in types {
        let mut problem = |message: String| problems.push(format!("{name}: {message}"));
        if help.get(name).is_none_or(|text| text.is_empty()) {
            problem("no help text".to_owned());
        }
        // The naming rules are `metrics_naming::lint`'s, as `#[metric]` applies them; an
        // untyped family is held to a gauge's.
        let metric_type = MetricType::from_type_line(kind).unwrap_or(MetricType::Gauge);
        let mut seen = Vec::new();
        for message in lint_metric_name(name, metric_type)
            .iter()
            .map(ToString::to_string)
        {
            if !seen.contains(&message) {
                seen.push(message.clone());
                problem(message);
            }
        }
        let mut label_names: Vec<&str> = samples
            .iter()
            .filter(|sample| {
                sample.name.strip_prefix(name).is_some_and(|suffix| {
                    matches!(suffix, "" | "_bucket" | "_sum" | "_count" | "_created")
                })
            })
            .flat_map(|sample| sample.labels.iter().map(|(label, _)| label.as_str()))
            .collect();
        label_names.sort_unstable();
        label_names.dedup();
        for label in label_names {
            // The labels the type adds to its own series.
            let own = match metric_type {
                MetricType::Histogram => "le",
                MetricType::Summary => "quantile",
                _ => "",
            };
            if label != own
                && let Some(label_problem) = lint_label_name(label, metric_type)
            {
                problem(label_problem.to_string());
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_reports_promtool_problems() {
        let text = "# HELP jobs Jobs.\n# TYPE jobs counter\njobs 1\n\
                    # HELP queueTime_ms\n# TYPE queueTime_ms gauge\nqueueTime_ms{le=\"1\"} 1\n\
                    # HELP ok_seconds Fine.\n# TYPE ok_seconds histogram\nok_seconds_bucket{le=\"1\"} 1\n";
        assert_eq!(
            lint_text(text),
            [
                "jobs: counter metrics should have \"_total\" suffix",
                "queueTime_ms: no help text",
                "queueTime_ms: metric names should be written in 'snake_case' not 'camelCase'",
                "queueTime_ms: metric names should not contain abbreviated units",
                "queueTime_ms: non-histogram metrics should not have \"le\" label",
            ]
        );
    }
}
