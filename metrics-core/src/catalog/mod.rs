//! Every metric of the linked program, from the registry, as Markdown or JSON (feature
//! `catalog`): what a team reads to know what a binary exposes, and what dashboards are
//! generated from.
//!
//! ```
//! use metrics_core::{IntCounter, metric};
//!
//! /// Jobs done.
//! #[metric]
//! static DOC_JOBS_TOTAL: IntCounter;
//!
//! # fn main() {
//! if std::env::args().any(|arg| arg == "--list-metrics") {
//!     print!("{}", metrics_core::catalog::catalog().to_markdown());
//!     return;
//! }
//! let catalog = metrics_core::catalog::catalog();
//! let jobs = catalog.metrics.iter().find(|m| m.name == "doc_jobs_total").unwrap();
//! assert_eq!((jobs.metric_type, jobs.help.as_str()), ("counter", "Jobs done."));
//! # }
//! ```
//!
//! The catalog holds the `#[metric]` statics of every linked crate (with the crate, module,
//! file and line that declared them), the families made at run time (the tower layer's, with
//! the file and line that built them), those of the `metrics` facade (with the module that
//! first recorded them) and those of registered `prometheus` collectors. The last three exist
//! once the program made them: build the layer, install the recorder and start its producers
//! before taking the catalog.

mod grafana;

use std::fmt::Write as _;

use serde::Serialize;

use crate::metrics::metric::LabelValues;
use crate::{Collect, MetricType, registry};
use metrics_naming::{family_name, unit_of};

/// Every metric of the program, sorted by name; from [`catalog()`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    /// One entry per family.
    pub metrics: Vec<CatalogEntry>,
}

/// One metric family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogEntry {
    /// The name in the text format (`voice_calls_total`).
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary`, `info`, `stateset` or `unknown`.
    #[serde(rename = "type")]
    pub metric_type: &'static str,
    /// The help text.
    pub help: String,
    /// The unit: the base unit the name ends in (`seconds`, `bytes`, ...), or the unit a
    /// `metrics` facade `describe_*` gave.
    pub unit: Option<String>,
    /// The labels of its series, constant labels first.
    pub labels: Vec<CatalogLabel>,
    /// A histogram's bucket upper bounds (without `+Inf`); empty for other types.
    pub buckets: Vec<f64>,
    /// Where it comes from.
    pub source: Source,
}

/// A label of a [`CatalogEntry`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogLabel {
    /// The label name.
    pub name: String,
    /// Every value it can take, when that is a closed set (an enum, `bool`, a state set's
    /// states, a constant label); `None` for open ones.
    pub values: Option<Vec<String>>,
}

/// Where a metric is declared or made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// How it reached the registry.
    pub kind: SourceKind,
    /// The crate that declared it (first segment of its module path), when known.
    #[serde(rename = "crate")]
    pub crate_name: Option<String>,
    /// Its module path, when known.
    pub module: Option<String>,
    /// The file that declared (or built) it, when known.
    pub file: Option<String>,
    /// The line that declared (or built) it, when known.
    pub line: Option<u32>,
}

/// How a metric reached the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SourceKind {
    /// A `#[metric]` static.
    Metric,
    /// Made at run time by this crate with a configured name (the tower layer's builder).
    Runtime,
    /// Reported through the `metrics` facade.
    MetricsFacade,
    /// A `prometheus` collector added with [`Registry::register`](crate::Registry::register).
    Collector,
}

/// The catalog of every metric the program has now; see the [module documentation](self).
pub fn catalog() -> Catalog {
    let mut metrics: Vec<CatalogEntry> = registry()
        .families()
        .map(|family| entry_of(family, SourceKind::Metric))
        .collect();
    #[cfg(feature = "tower")]
    metrics.extend(
        crate::dynamic::runtime_families()
            .into_iter()
            .map(|family| entry_of(family, SourceKind::Runtime)),
    );
    #[cfg(feature = "metrics-facade")]
    metrics.extend(crate::facade::families().into_iter().map(|family| {
        let crate_name = family.module.split("::").next().map(str::to_owned);
        CatalogEntry {
            unit: family.unit.map(str::to_owned).or_else(|| {
                unit_of(family_name(&family.name, family.metric_type)).map(str::to_owned)
            }),
            name: family.name,
            metric_type: family.metric_type.openmetrics_str(),
            help: family.help,
            labels: family
                .labels
                .into_iter()
                .map(|name| CatalogLabel { name, values: None })
                .collect(),
            buckets: family.buckets.to_vec(),
            source: Source {
                kind: SourceKind::MetricsFacade,
                crate_name,
                module: Some(family.module),
                file: None,
                line: None,
            },
        }
    }));
    for family in registry().gather() {
        if metrics.iter().any(|known| known.name == family.name()) {
            continue;
        }
        metrics.push(collector_entry(&family));
    }
    metrics.sort_by(|a, b| a.name.cmp(&b.name));
    Catalog { metrics }
}

fn entry_of(family: &'static dyn Collect, kind: SourceKind) -> CatalogEntry {
    let desc = family.desc();
    let metric_type = family.metric_type();
    let module = Some(desc.module_path).filter(|module| !module.is_empty());
    CatalogEntry {
        name: desc.name.to_owned(),
        metric_type: metric_type.openmetrics_str(),
        help: desc.help.to_owned(),
        unit: unit_of(family_name(desc.name, metric_type)).map(str::to_owned),
        labels: family.label_values().into_iter().map(label_of).collect(),
        buckets: desc.buckets.to_vec(),
        source: Source {
            kind,
            crate_name: module
                .and_then(|module| module.split("::").next())
                .map(str::to_owned),
            module: module.map(str::to_owned),
            file: Some(desc.file)
                .filter(|file| !file.is_empty())
                .map(str::to_owned),
            line: Some(desc.line).filter(|line| *line > 0),
        },
    }
}

fn label_of((name, values): LabelValues) -> CatalogLabel {
    CatalogLabel {
        name: name.to_owned(),
        values: values.map(|values| values.into_iter().map(str::to_owned).collect()),
    }
}

/// A registered collector's family: what its samples show.
fn collector_entry(family: &prometheus::proto::MetricFamily) -> CatalogEntry {
    use prometheus::proto::MetricType as Proto;
    let (metric_type, ours) = match family.get_field_type() {
        Proto::COUNTER => ("counter", Some(MetricType::Counter)),
        Proto::GAUGE => ("gauge", Some(MetricType::Gauge)),
        Proto::HISTOGRAM => ("histogram", Some(MetricType::Histogram)),
        Proto::SUMMARY => ("summary", Some(MetricType::Summary)),
        Proto::UNTYPED => ("unknown", None),
    };
    let mut labels: Vec<String> = Vec::new();
    for metric in family.get_metric() {
        for pair in metric.get_label() {
            if !labels.iter().any(|known| known == pair.name()) {
                labels.push(pair.name().to_owned());
            }
        }
    }
    let buckets = family
        .get_metric()
        .first()
        .filter(|_| ours == Some(MetricType::Histogram))
        .map(|metric| {
            let buckets = metric.get_histogram().get_bucket();
            buckets
                .iter()
                .map(|bucket| bucket.upper_bound())
                .filter(|bound| bound.is_finite())
                .collect()
        })
        .unwrap_or_default();
    CatalogEntry {
        name: family.name().to_owned(),
        metric_type,
        help: family.help().to_owned(),
        unit: ours
            .and_then(|ours| unit_of(family_name(family.name(), ours)))
            .map(str::to_owned),
        labels: labels
            .into_iter()
            .map(|name| CatalogLabel { name, values: None })
            .collect(),
        buckets,
        source: Source {
            kind: SourceKind::Collector,
            crate_name: None,
            module: None,
            file: None,
            line: None,
        },
    }
}

impl Catalog {
    /// The catalog as pretty-printed JSON: `{"metrics": [{"name": ..., "type": ..., "help":
    /// ..., "unit": ..., "labels": [{"name": ..., "values": [...] | null}], "buckets": [...],
    /// "source": {"kind": ..., "crate": ..., "module": ..., "file": ..., "line": ...}}]}`.
    pub fn to_json(&self) -> String {
        // Serializing plain strings, numbers and options cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The catalog as a Markdown table, one row per metric.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Metrics\n\n");
        let _ = writeln!(
            out,
            "{} metrics.\n\n| Metric | Type | Unit | Labels | Buckets | Help | Defined at |\n\
             |---|---|---|---|---|---|---|",
            self.metrics.len()
        );
        for metric in &self.metrics {
            let labels: Vec<String> = metric
                .labels
                .iter()
                .map(|label| match &label.values {
                    Some(values) => {
                        let values: Vec<String> = values.iter().map(|value| code(value)).collect();
                        format!("{}: {}", code(&label.name), values.join(", "))
                    }
                    None => code(&label.name),
                })
                .collect();
            let buckets: Vec<String> = metric.buckets.iter().map(f64::to_string).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(&metric.name),
                metric.metric_type,
                metric.unit.as_deref().unwrap_or(""),
                labels.join("; "),
                buckets.join(", "),
                cell(&metric.help),
                cell(&source_text(&metric.source)),
            );
        }
        out
    }
}

fn source_text(source: &Source) -> String {
    let place = match (&source.file, source.line) {
        (Some(file), Some(line)) => format!(" ({file}:{line})"),
        (Some(file), None) => format!(" ({file})"),
        _ => String::new(),
    };
    let what = match source.kind {
        SourceKind::Metric => "",
        SourceKind::Runtime => "built at run time",
        SourceKind::MetricsFacade => "`metrics` facade, ",
        SourceKind::Collector => "registered collector",
    };
    match &source.module {
        Some(module) => format!("{what}{module}{place}"),
        None => format!("{what}{place}"),
    }
}

/// Text for a table cell: `|` escaped, lines joined.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// An inline code span that holds any text (backticks inside get a longer fence).
fn code(text: &str) -> String {
    let fence = if text.contains('`') { "`` " } else { "`" };
    let close = if text.contains('`') { " ``" } else { "`" };
    format!("{fence}{}{close}", cell(text))
}
