//! A Grafana dashboard generated from the [catalog](crate::catalog): one panel per metric, in a
//! row per crate, so that a dashboard never lags behind the metrics a binary exposes.

use serde_json::{Value, json};

use crate::catalog::{Catalog, CatalogEntry, SourceKind};

/// The quantiles drawn for every histogram.
const QUANTILES: [(f64, &str); 3] = [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")];

/// The dashboard's instance filter, in every query.
const INSTANCE: &str = "instance=~\"$instance\"";

impl Catalog {
    /// A Grafana dashboard (JSON model) with a panel per metric, grouped in a row per crate:
    ///
    /// - counters: the per-second rate, summed by their labels;
    /// - histograms: the 50th, 90th and 99th percentiles, by their labels;
    /// - summaries: the mean over the rate interval (their own quantiles cannot be summed
    ///   across instances);
    /// - gauges, info and state sets: the current value of every series.
    ///
    /// Every query filters on the dashboard's `$instance` variable (values of the `instance`
    /// label of `up`) and reads a `$datasource` of type Prometheus.
    pub fn grafana_dashboard(&self, title: &str, uid: &str) -> String {
        let mut panels = Vec::new();
        let mut y = 0;
        let mut group: Option<String> = None;
        let mut column = 0;
        // A row per group, in name order; the catalog's name order within each.
        let mut grouped: Vec<(String, &CatalogEntry)> = self
            .metrics
            .iter()
            .map(|metric| (group_of(metric), metric))
            .collect();
        grouped.sort_by(|a, b| a.0.cmp(&b.0));
        for (this_group, metric) in grouped {
            if group.as_deref() != Some(&this_group) {
                if column == 1 {
                    y += 8;
                }
                column = 0;
                panels.push(json!({
                    "id": panels.len() + 1,
                    "type": "row",
                    "title": this_group,
                    "collapsed": false,
                    "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                    "panels": [],
                }));
                y += 1;
                group = Some(this_group);
            }
            let id = panels.len() + 1;
            panels.push(panel(metric, id, column * 12, y));
            column += 1;
            if column == 2 {
                column = 0;
                y += 8;
            }
        }
        let dashboard = json!({
            "title": title,
            "uid": uid,
            "description": "Generated from the metric catalog of the program (metrics_core::catalog); regenerate it instead of editing it.",
            "schemaVersion": 39,
            "version": 1,
            "editable": true,
            "time": {"from": "now-1h", "to": "now"},
            "refresh": "30s",
            "tags": ["metrics-core", "generated"],
            "templating": {"list": [
                {
                    "name": "datasource",
                    "type": "datasource",
                    "query": "prometheus",
                    "label": "Data source",
                },
                {
                    "name": "instance",
                    "type": "query",
                    "label": "Instance",
                    "includeAll": true,
                    "multi": true,
                    "allValue": ".*",
                    "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "query": "label_values(up, instance)",
                    "refresh": 2,
                    "current": {"text": "All", "value": "$__all"},
                },
            ]},
            "panels": panels,
        });
        // A `Value` built from strings and numbers always serializes.
        serde_json::to_string_pretty(&dashboard).unwrap_or_default() + "\n"
    }
}

/// The row a metric's panel goes in: its crate, or how it reached the registry.
fn group_of(metric: &CatalogEntry) -> String {
    let crate_name = metric.source.crate_name.as_deref();
    match (metric.source.kind, crate_name) {
        (SourceKind::MetricsFacade, Some(name)) => format!("{name} (metrics facade)"),
        (SourceKind::MetricsFacade, None) => "metrics facade".to_owned(),
        (_, Some(name)) => name.to_owned(),
        (SourceKind::Runtime, None) => "built at run time".to_owned(),
        (_, None) => "registered collectors".to_owned(),
    }
}

/// The queries of a metric's panel, with their legends, and the panel's Grafana unit.
fn queries(metric: &CatalogEntry) -> (Vec<(String, String)>, &'static str) {
    let name = &metric.name;
    let labels: Vec<&str> = metric
        .labels
        .iter()
        .map(|label| label.name.as_str())
        .collect();
    let legend_of = |prefix: &str| {
        let mut parts: Vec<String> = Vec::new();
        if !prefix.is_empty() {
            parts.push(prefix.to_owned());
        }
        parts.extend(labels.iter().map(|label| format!("{{{{{label}}}}}")));
        if parts.is_empty() {
            name.clone()
        } else {
            parts.join(" ")
        }
    };
    // `sum(` or `sum by (labels) (`: the opening of an aggregation.
    let by = |extra: &[&str]| {
        let all: Vec<&str> = extra.iter().chain(labels.iter()).copied().collect();
        if all.is_empty() {
            "sum(".to_owned()
        } else {
            format!("sum by ({}) (", all.join(", "))
        }
    };
    let unit = grafana_unit(metric.unit.as_deref());
    match metric.metric_type {
        "counter" => {
            let expr = format!("{}rate({name}{{{INSTANCE}}}[$__rate_interval]))", by(&[]));
            let unit = if unit == "s" { "s" } else { "ops" };
            (vec![(expr, legend_of(""))], unit)
        }
        "histogram" => {
            let queries = QUANTILES
                .iter()
                .map(|(quantile, label)| {
                    let expr = format!(
                        "histogram_quantile({quantile}, {}rate({name}_bucket{{{INSTANCE}}}\
                         [$__rate_interval])))",
                        by(&["le"])
                    );
                    (expr, legend_of(label))
                })
                .collect();
            (queries, unit)
        }
        "summary" => {
            let sum = format!(
                "{}rate({name}_sum{{{INSTANCE}}}[$__rate_interval]))",
                by(&[])
            );
            let count = format!(
                "{}rate({name}_count{{{INSTANCE}}}[$__rate_interval]))",
                by(&[])
            );
            (vec![(format!("{sum} / {count}"), legend_of("mean"))], unit)
        }
        _ => {
            let expr = format!("{name}{{{INSTANCE}}}");
            (vec![(expr, legend_of("{{instance}}"))], unit)
        }
    }
}

fn panel(metric: &CatalogEntry, id: usize, x: usize, y: usize) -> Value {
    let (queries, unit) = queries(metric);
    let targets: Vec<Value> = queries
        .into_iter()
        .enumerate()
        .map(|(index, (expr, legend))| {
            json!({
                "refId": ref_id(index),
                "expr": expr,
                "legendFormat": legend,
            })
        })
        .collect();
    json!({
        "id": id,
        "type": "timeseries",
        "title": metric.name,
        "description": metric.help,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": targets,
    })
}

/// `A`, `B`, ... `Z`, `AA`, ...: Grafana's query ids.
fn ref_id(index: usize) -> String {
    let letter = char::from(b'A' + (index % 26) as u8);
    if index < 26 {
        letter.to_string()
    } else {
        format!("{}{letter}", ref_id(index / 26 - 1))
    }
}

/// Grafana's name for a unit of the catalog.
fn grafana_unit(unit: Option<&str>) -> &'static str {
    match unit {
        Some("seconds") => "s",
        Some("milliseconds") => "ms",
        Some("microseconds") => "µs",
        Some("nanoseconds") => "ns",
        Some("bytes") => "bytes",
        Some("ratio") => "percentunit",
        Some("percent") => "percent",
        Some("celsius") => "celsius",
        _ => "short",
    }
}

#[cfg(test)]
mod tests {
    use super::ref_id;

    #[test]
    fn query_ids_count_like_grafanas() {
        assert_eq!(ref_id(0), "A");
        assert_eq!(ref_id(25), "Z");
        assert_eq!(ref_id(26), "AA");
        assert_eq!(ref_id(27), "AB");
    }
}
