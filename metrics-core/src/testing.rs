//! Helpers for tests: read a sample's value, assert on deltas, compare an exposition with a
//! readable diff, count series, lint names. Nothing here clears or replaces the registry, so
//! tests running in parallel in one process can all use them.
//!
//! ```
//! use metrics_core::{metric, testing, IntCounterVec};
//!
//! /// Calls handled, by status.
//! #[metric(labels = ["status"])]
//! static DOC_TEST_CALLS_TOTAL: IntCounterVec;
//!
//! # fn main() {
//! let before = testing::snapshot();
//! DOC_TEST_CALLS_TOTAL.with_label_values(&["completed"]).inc_by(2);
//! before.assert_delta("doc_test_calls_total", &[("status", "completed")], 2.0);
//! assert_eq!(
//!     testing::get_sample_value("doc_test_calls_total", &[("status", "completed")]),
//!     Some(2.0)
//! );
//! assert_eq!(testing::series_count("doc_test_calls_total"), 1);
//! testing::assert_exposition(
//!     &["doc_test_calls_total"],
//!     r#"
//!     ## HELP doc_test_calls_total Calls handled, by status.
//!     ## TYPE doc_test_calls_total counter
//!     doc_test_calls_total{status="completed"} 2
//!     "#,
//! );
//! testing::assert_lint_clean();
//! # }
//! ```

use std::collections::HashMap;
use std::fmt::Write;

use crate::registry;

/// One sample line of the text format: its name (with `_bucket`, `_sum`, ... suffixes), its
/// labels in order, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample name, e.g. `http_request_duration_seconds_bucket`.
    pub name: String,
    /// The labels, unescaped, in exposition order.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

impl Sample {
    /// Whether the sample has exactly these labels, in any order.
    pub fn has_labels(&self, labels: &[(&str, &str)]) -> bool {
        self.labels.len() == labels.len()
            && labels.iter().all(|(name, value)| {
                self.labels
                    .iter()
                    .any(|(have_name, have_value)| have_name == name && have_value == value)
            })
    }
}

/// Every sample of a text-format exposition. Lines that are not samples (comments, blank)
/// are skipped; a malformed line is an error naming it.
pub fn parse_samples(text: &str) -> Result<Vec<Sample>, String> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| parse_sample(line).ok_or_else(|| format!("not a sample line: {line}")))
        .collect()
}

fn parse_sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = line[..name_end].to_owned();
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after_brace) = rest.strip_prefix('{') {
        let mut chars = after_brace.char_indices().peekable();
        let mut consumed = None;
        loop {
            // Skip separators, stop at the closing brace.
            match chars.peek() {
                Some((index, '}')) => {
                    consumed = Some(index + 1);
                    break;
                }
                Some((_, ',')) | Some((_, ' ')) => {
                    chars.next();
                    continue;
                }
                None => break,
                _ => {}
            }
            let mut label = String::new();
            for (_, c) in chars.by_ref() {
                if c == '=' {
                    break;
                }
                label.push(c);
            }
            if chars.next().map(|(_, c)| c) != Some('"') {
                return None;
            }
            let mut value = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        other => value.push(other),
                    },
                    c => value.push(c),
                }
            }
            if !closed {
                return None;
            }
            labels.push((label, value));
        }
        rest = &after_brace[consumed?..];
    }
    let value = rest.trim().split(' ').next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        other => other.parse().ok()?,
    };
    Some(Sample {
        name,
        labels,
        value,
    })
}

/// The current value of the sample `name` with exactly these labels (in any order), as the
/// registry would expose it in the text format, like the Python client's
/// `REGISTRY.get_sample_value`. `name` is the sample name: `x_total`, `x_bucket` (with an
/// `le` label), `x_sum`, `x_count`, `x` with a `quantile` label. `None` if there is no such
/// sample.
pub fn get_sample_value(name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples()
        .into_iter()
        .find(|sample| sample.name == name && sample.has_labels(labels))
        .map(|sample| sample.value)
}

fn samples() -> Vec<Sample> {
    // The registry only renders what it can parse back.
    parse_samples(&registry().render()).unwrap_or_default()
}

/// Every sample value of the registry at one moment, to compare later ones with.
///
/// A test takes a snapshot, runs the code under test, and asserts on the difference: other
/// tests that run at the same time and touch other series (or other label values) do not
/// disturb it, and no registry is ever cleared.
pub fn snapshot() -> Snapshot {
    let values = samples()
        .into_iter()
        .map(|sample| (key(&sample.name, &sample.labels), sample.value))
        .collect();
    Snapshot { values }
}

/// The values of every sample at one moment: see [`snapshot`].
#[derive(Debug, Clone)]
pub struct Snapshot {
    values: HashMap<String, f64>,
}

fn key(name: &str, labels: &[(impl AsRef<str>, impl AsRef<str>)]) -> String {
    let mut sorted: Vec<(&str, &str)> = labels
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect();
    sorted.sort_unstable();
    let mut key = name.to_owned();
    for (name, value) in sorted {
        let _ = write!(key, "\u{0}{name}\u{0}{value}");
    }
    key
}

impl Snapshot {
    /// The sample's value when the snapshot was taken (`None` if it did not exist yet).
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.values.get(&key(name, labels)).copied()
    }

    /// How much the sample changed since the snapshot; a sample that did not exist then
    /// counts from 0. `None` if it does not exist now.
    pub fn delta(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let now = get_sample_value(name, labels)?;
        Some(now - self.get(name, labels).unwrap_or(0.0))
    }

    /// Panics, naming the sample and both values, unless it changed by exactly `expected`
    /// since the snapshot.
    #[track_caller]
    pub fn assert_delta(&self, name: &str, labels: &[(&str, &str)], expected: f64) {
        let before = self.get(name, labels);
        let now = get_sample_value(name, labels);
        let delta = now.map(|now| now - before.unwrap_or(0.0));
        if delta != Some(expected) {
            panic!(
                "{}: expected a change of {expected}, got {}\n  before: {}\n  now:    {}",
                describe(name, labels),
                delta.map_or("no sample".to_owned(), |delta| delta.to_string()),
                before.map_or("no sample".to_owned(), |value| value.to_string()),
                now.map_or("no sample".to_owned(), |value| value.to_string()),
            );
        }
    }
}

fn describe(name: &str, labels: &[(&str, &str)]) -> String {
    if labels.is_empty() {
        return name.to_owned();
    }
    let labels: Vec<String> = labels
        .iter()
        .map(|(name, value)| format!("{name}={value:?}"))
        .collect();
    format!("{name}{{{}}}", labels.join(","))
}

/// How many series the family `name` has now (its text-format name, e.g.
/// `voice_calls_total`): one for an unlabelled metric, one per label combination for a
/// labelled one, like the Go client's `testutil.CollectAndCount`.
pub fn series_count(name: &str) -> usize {
    registry()
        .gather()
        .iter()
        .find(|family| family.name() == name)
        .map_or(0, |family| family.get_metric().len())
}

/// Compares the text exposition of the named families with `expected`, like the Go client's
/// `testutil.CollectAndCompare`, and panics with a line diff when they differ.
///
/// In `expected`, leading and trailing whitespace of each line and blank lines are ignored,
/// so it can be an indented raw string.
#[track_caller]
pub fn assert_exposition(names: &[&str], expected: &str) {
    let actual = registry().render_only(names);
    let expected: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let actual_lines: Vec<&str> = actual.lines().collect();
    if expected != actual_lines {
        panic!(
            "the exposition of {names:?} differs (- expected, + actual):\n{}",
            diff(&expected, &actual_lines)
        );
    }
}

/// A line diff: unchanged lines indented by two spaces, removed ones with `- `, added ones
/// with `+ ` (longest common subsequence; expositions in tests are small).
pub fn diff(expected: &[&str], actual: &[&str]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut common = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if expected[i] == actual[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "  {}", expected[i]);
            i += 1;
            j += 1;
        } else if i < n && (j == m || common[i + 1][j] >= common[i][j + 1]) {
            let _ = writeln!(out, "- {}", expected[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", actual[j]);
            j += 1;
        }
    }
    out
}

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

/// Non-base units promtool refuses, with the base unit to use.
const NON_BASE_UNITS: &[(&str, &str)] = &[
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("weeks", "seconds"),
    ("milliseconds", "seconds"),
    ("microseconds", "seconds"),
    ("nanoseconds", "seconds"),
    ("bits", "bytes"),
    ("kilobytes", "bytes"),
    ("megabytes", "bytes"),
    ("gigabytes", "bytes"),
    ("kibibytes", "bytes"),
    ("mebibytes", "bytes"),
    ("gibibytes", "bytes"),
    ("fahrenheit", "celsius"),
    ("kilograms", "grams"),
    ("kilometers", "meters"),
    ("millimeters", "meters"),
];

const ABBREVIATED_UNITS: &[&str] = &[
    "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb",
];

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
        let is_counter = kind == "counter";
        match (is_counter, name.ends_with("_total")) {
            (true, false) => problem("counter metrics should have \"_total\" suffix".to_owned()),
            (false, true) => {
                problem("non-counter metrics should not have \"_total\" suffix".to_owned())
            }
            _ => {}
        }
        if kind != "histogram" && name.ends_with("_bucket") {
            problem("non-histogram metrics should not have \"_bucket\" suffix".to_owned());
        }
        if !matches!(kind, "histogram" | "summary")
            && (name.ends_with("_count") || name.ends_with("_sum"))
        {
            problem(
                "non-histogram and non-summary metrics should not have \"_count\" or \"_sum\" \
                 suffix"
                    .to_owned(),
            );
        }
        if name.contains(':') {
            problem("metric names should not contain ':'".to_owned());
        }
        if name
            .as_bytes()
            .windows(2)
            .any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
        {
            problem("metric names should be written in 'snake_case' not 'camelCase'".to_owned());
        }
        for segment in name.split('_') {
            let lower = segment.to_ascii_lowercase();
            if let Some((_, base)) = NON_BASE_UNITS.iter().find(|(unit, _)| *unit == lower) {
                problem(format!("use base unit \"{base}\" instead of \"{segment}\""));
            }
        }
        if name
            .split('_')
            .skip(1)
            .any(|segment| ABBREVIATED_UNITS.contains(&segment.to_ascii_lowercase().as_str()))
        {
            problem("metric names should not contain abbreviated units".to_owned());
        }
        for type_name in ["counter", "gauge", "histogram", "summary"] {
            if name.split('_').any(|segment| segment == type_name) {
                problem(format!(
                    "metric names should not include type '{type_name}'"
                ));
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
            if label
                .as_bytes()
                .windows(2)
                .any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
            {
                problem(format!(
                    "label names should be written in 'snake_case' not 'camelCase': {label}"
                ));
            }
            if label == "le" && kind != "histogram" {
                problem("non-histogram metrics should not have \"le\" label".to_owned());
            }
            if label == "quantile" && kind != "summary" {
                problem("non-summary metrics should not have \"quantile\" label".to_owned());
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escaped_labels_and_special_values() {
        let samples = parse_samples(
            "# HELP x X.\n# TYPE x gauge\nx{a=\"q\\\"u\\\\o\\nte\",b=\"}\"} +Inf\ny NaN\nz 1.5\n",
        )
        .unwrap();
        assert_eq!(samples[0].name, "x");
        assert_eq!(
            samples[0].labels,
            [
                ("a".to_owned(), "q\"u\\o\nte".to_owned()),
                ("b".to_owned(), "}".to_owned())
            ]
        );
        assert_eq!(samples[0].value, f64::INFINITY);
        assert!(samples[1].value.is_nan());
        assert_eq!(samples[2].value, 1.5);
        assert_eq!(
            parse_samples("x{a=\"1\" 2\n"),
            Err("not a sample line: x{a=\"1\" 2".to_owned())
        );
    }

    #[test]
    fn diff_marks_removed_and_added_lines() {
        assert_eq!(
            diff(&["a", "b", "c"], &["a", "x", "c", "d"]),
            "  a\n- b\n+ x\n  c\n+ d\n"
        );
    }

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
