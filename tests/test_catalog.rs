//! The catalog lists metrics of every origin: `#[metric]` statics, families the tower layer
//! builds at run time, the `metrics` facade's, and registered `prometheus` collectors.

use metrics_core::catalog::{CatalogLabel, Source, SourceKind, catalog};
use metrics_core::facade::FacadeRecorder;
use metrics_core::http::tower::HttpMetricsLayer;
use metrics_core::{Family, IntCounter, LabelValue, metric, registry};

#[derive(Clone, Copy, LabelValue)]
enum Tier {
    Free,
    Paid,
}

/// Orders placed, by tier and express delivery.
#[metric(labels = ["tier", "express"], const_labels = [("shop", "eu")])]
static CATALOG_ORDERS_TOTAL: Family<(Tier, bool), IntCounter>;

#[test]
fn every_origin_is_listed_with_what_is_known_of_it() {
    CATALOG_ORDERS_TOTAL.get((Tier::Paid, true)).inc();
    let built_at = line!() + 5;
    HttpMetricsLayer::builder()
        .requests_total("catalog_requests_total")
        .duration_seconds("catalog_request_duration_seconds")
        .in_flight("catalog_requests_in_flight")
        .build()
        .unwrap();
    let recorder = FacadeRecorder::new();
    metrics::with_local_recorder(&recorder, || {
        metrics::describe_gauge!("catalog_queue_bytes", metrics::Unit::Bytes, "Queued bytes.");
        metrics::gauge!("catalog_queue_bytes", "queue" => "mail").set(3.0);
    });
    let collector = prometheus::IntGauge::new("catalog_collector_jobs", "Jobs.").unwrap();
    registry().register(Box::new(collector)).unwrap();

    let catalog = catalog();
    let entry = |name: &str| {
        catalog
            .metrics
            .iter()
            .find(|metric| metric.name == name)
            .unwrap_or_else(|| panic!("{name} missing from the catalog"))
            .clone()
    };

    let orders = entry("catalog_orders_total");
    assert_eq!(orders.metric_type, "counter");
    assert_eq!(orders.help, "Orders placed, by tier and express delivery.");
    let label = |name: &str, values: Option<&[&str]>| CatalogLabel {
        name: name.to_owned(),
        values: values.map(|values| values.iter().map(|v| v.to_string()).collect()),
    };
    assert_eq!(
        orders.labels,
        [
            label("shop", Some(&["eu"])),
            label("tier", Some(&["free", "paid"])),
            label("express", Some(&["false", "true"])),
        ]
    );
    assert_eq!(orders.source.kind, SourceKind::Metric);
    assert_eq!(orders.source.crate_name.as_deref(), Some("test_catalog"));
    assert_eq!(orders.source.file.as_deref(), Some("tests/test_catalog.rs"));

    let requests = entry("catalog_request_duration_seconds");
    assert_eq!(requests.unit.as_deref(), Some("seconds"));
    assert_eq!(requests.buckets, metrics_core::DEFAULT_BUCKETS);
    assert_eq!(
        requests.source,
        Source {
            kind: SourceKind::Runtime,
            crate_name: None,
            module: None,
            file: Some("tests/test_catalog.rs".to_owned()),
            line: Some(built_at),
        }
    );

    let queue = entry("catalog_queue_bytes");
    assert_eq!(queue.metric_type, "gauge");
    assert_eq!(queue.help, "Queued bytes.");
    assert_eq!(queue.unit.as_deref(), Some("bytes"));
    assert_eq!(queue.labels, [label("queue", None)]);
    assert_eq!(queue.source.kind, SourceKind::MetricsFacade);
    assert_eq!(queue.source.module.as_deref(), Some("test_catalog"));

    let jobs = entry("catalog_collector_jobs");
    assert_eq!(jobs.metric_type, "gauge");
    assert_eq!(jobs.source.kind, SourceKind::Collector);

    let markdown = catalog.to_markdown();
    assert!(markdown.contains(&format!(
        "| `catalog_requests_in_flight` | gauge |  |  |  | HTTP requests being handled right \
         now. | built at run time (tests/test_catalog.rs:{built_at}) |\n"
    )));
    let json: serde_json::Value = serde_json::from_str(&catalog.to_json()).unwrap();
    assert_eq!(
        json["metrics"].as_array().unwrap().len(),
        catalog.metrics.len()
    );
}
