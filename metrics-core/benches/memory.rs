//! Heap bytes per series: 10,000 series (100 routes x 100 statuses) created in one family of
//! each implementation, measured with a counting global allocator. Not a criterion benchmark:
//! it counts bytes, not time, so it lives in its own binary (the allocator would slow the peers'
//! allocating paths in `peers`).
//!
//! `cargo bench -p metrics-core --bench memory` prints the figures and writes them to
//! `target/memory_per_series.json`, which `benches/ratios.py` turns into a table.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use metrics_core::{Family, IntCounter, IntCounterVec, LabelSet, metric};
use prometheus_client::metrics::counter::Counter as PcCounter;
use prometheus_client::metrics::family::Family as PcFamily;

struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Series of the string-keyed family.
#[metric(labels = ["route", "status"])]
static MEMORY_VEC_TOTAL: IntCounterVec;

/// Series of the typed family.
#[metric]
static MEMORY_TYPED_TOTAL: Family<Request<'static>, IntCounter>;

#[derive(LabelSet)]
struct Request<'a> {
    route: &'a str,
    status: u16,
}

const ROUTES: usize = 100;
const STATUSES: usize = 100;
const SERIES: usize = ROUTES * STATUSES;

/// Live heap bytes per series after `create` made every series (and kept what it returns).
fn bytes_per_series<T>(create: impl FnOnce() -> T) -> f64 {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let kept = create();
    let grown = LIVE_BYTES.load(Ordering::Relaxed) - before;
    drop(kept);
    grown as f64 / SERIES as f64
}

fn main() {
    let routes: Vec<String> = (0..ROUTES)
        .map(|r| format!("/api/v1/resource_{r}"))
        .collect();
    let statuses: Vec<u16> = (0..STATUSES as u16).map(|s| 200 + s).collect();
    let status_texts: Vec<String> = statuses.iter().map(u16::to_string).collect();
    let pairs = || {
        routes
            .iter()
            .flat_map(|route| status_texts.iter().map(move |status| (route, status)))
    };

    let mut results: Vec<(&str, f64)> = Vec::new();
    results.push((
        "metrics_core",
        bytes_per_series(|| {
            for (route, status) in pairs() {
                MEMORY_VEC_TOTAL.with_label_values(&[route, status]).inc();
            }
        }),
    ));
    results.push((
        "metrics_core_typed_open",
        bytes_per_series(|| {
            for route in &routes {
                for status in &statuses {
                    MEMORY_TYPED_TOTAL
                        .get(Request {
                            route,
                            status: *status,
                        })
                        .inc();
                }
            }
        }),
    ));
    results.push((
        "prometheus",
        bytes_per_series(|| {
            let vec = prometheus::IntCounterVec::new(
                prometheus::Opts::new("memory_total", "h"),
                &["route", "status"],
            )
            .unwrap();
            for (route, status) in pairs() {
                vec.with_label_values(&[route.as_str(), status.as_str()])
                    .inc();
            }
            vec
        }),
    ));
    results.push((
        "prometheus_client",
        bytes_per_series(|| {
            let family: PcFamily<Vec<(String, String)>, PcCounter> = PcFamily::default();
            for (route, status) in pairs() {
                family
                    .get_or_create(&vec![
                        ("route".to_owned(), route.clone()),
                        ("status".to_owned(), status.clone()),
                    ])
                    .inc();
            }
            family
        }),
    ));
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    results.push((
        "metrics",
        bytes_per_series(|| {
            metrics::with_local_recorder(&recorder, || {
                for (route, status) in pairs() {
                    metrics::counter!("memory_total", "route" => route.clone(), "status" => status.clone())
                        .increment(1);
                }
            });
        }),
    ));

    let mut json = String::from("{");
    for (i, (name, bytes)) in results.iter().enumerate() {
        println!("{name:<24} {bytes:>8.1} bytes per series");
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!("\"{name}\":{bytes:.1}"));
    }
    json.push('}');
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target.join("memory_per_series.json");
    if let Err(error) = std::fs::write(&path, json) {
        eprintln!("cannot write {}: {error}", path.display());
    }
}
