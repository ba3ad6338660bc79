//! Exact under concurrency: writers on shared counters, labelled series and histograms while
//! another thread scrapes continuously. Every scrape is consistent, counters never go back, and
//! the final totals are exact.
//!
//! `METRICS_LONG_TESTS=1` runs 20 times more operations.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use metrics_core::{Counter, HistogramVec, IntCounter, IntCounterVec, metric, registry};

/// Plain counter hammered by every writer.
#[metric]
static CONC_EVENTS_TOTAL: IntCounter;

/// Float counter hammered by every writer.
#[metric]
static CONC_WORK_SECONDS_TOTAL: Counter;

/// Labelled counter, writers spread over four series.
#[metric(labels = ["shard"])]
static CONC_SHARD_EVENTS_TOTAL: IntCounterVec;

/// Labelled histogram.
#[metric(labels = ["shard"], buckets = [1, 2, 3])]
static CONC_LATENCY_SECONDS: HistogramVec;

const FAMILIES: [&str; 4] = [
    "conc_events_total",
    "conc_work_seconds_total",
    "conc_shard_events_total",
    "conc_latency_seconds",
];
const SHARDS: [&str; 4] = ["a", "b", "c", "d"];

/// `name{labels} value` lines of a scrape, keyed by everything before the value.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("sample line has a value");
            let value: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}"));
            (series.to_owned(), value)
        })
        .collect()
}

/// Checks one scrape on its own: cumulative buckets never decrease and `+Inf` equals `_count`.
fn check_histograms(samples: &HashMap<String, f64>) {
    for shard in SHARDS {
        let bucket = |le: &str| {
            samples.get(&format!(
                "conc_latency_seconds_bucket{{shard=\"{shard}\",le=\"{le}\"}}"
            ))
        };
        let Some(inf) = bucket("+Inf") else { continue };
        let mut previous = 0.0;
        for le in ["1", "2", "3", "+Inf"] {
            let count = *bucket(le).expect("every bucket is present");
            assert!(count >= previous, "bucket le={le} of {shard} decreased");
            previous = count;
        }
        let count = samples[&format!("conc_latency_seconds_count{{shard=\"{shard}\"}}")];
        assert_eq!(*inf, count, "+Inf != _count for shard {shard}");
    }
}

#[test]
fn writers_and_a_scraper_together() {
    let long = std::env::var("METRICS_LONG_TESTS").is_ok();
    let (writers, operations) = (4, if long { 1_000_000 } else { 50_000 });
    let done = AtomicBool::new(false);

    let scrapes = std::thread::scope(|scope| {
        let scraper = scope.spawn(|| {
            let mut previous: HashMap<String, f64> = HashMap::new();
            let mut scrapes = 0;
            while !done.load(Ordering::Acquire) || scrapes == 0 {
                let current = samples(&registry().render_only(&FAMILIES));
                check_histograms(&current);
                for (series, value) in &current {
                    let is_monotonic = !series.starts_with("conc_latency_seconds_sum");
                    if let (true, Some(before)) = (is_monotonic, previous.get(series)) {
                        assert!(
                            value >= before,
                            "{series} went back from {before} to {value}"
                        );
                    }
                }
                previous = current;
                scrapes += 1;
            }
            scrapes
        });
        let workers: Vec<_> = (0..writers)
            .map(|writer| {
                scope.spawn(move || {
                    for i in 0..operations {
                        let shard = SHARDS[(i + writer) % SHARDS.len()];
                        CONC_EVENTS_TOTAL.inc();
                        CONC_WORK_SECONDS_TOTAL.inc_by(0.5);
                        CONC_SHARD_EVENTS_TOTAL.with_label_values(&[shard]).inc();
                        CONC_LATENCY_SECONDS
                            .with_label_values(&[shard])
                            .observe((i % 4) as f64);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        done.store(true, Ordering::Release);
        scraper.join().unwrap()
    });

    let total = (writers * operations) as u64;
    assert_eq!(CONC_EVENTS_TOTAL.get(), total);
    assert_eq!(CONC_WORK_SECONDS_TOTAL.get(), total as f64 * 0.5);
    for shard in SHARDS {
        assert_eq!(
            CONC_SHARD_EVENTS_TOTAL.with_label_values(&[shard]).get(),
            total / 4
        );
        let histogram = CONC_LATENCY_SECONDS.with_label_values(&[shard]);
        assert_eq!(histogram.get_sample_count(), total / 4);
        // Observations cycle 0, 1, 2, 3 and each shard gets every fourth operation of each
        // writer, offset by the writer: every shard sees each value equally often.
        assert_eq!(
            histogram.cumulative_counts(),
            [total / 8, total * 3 / 16, total / 4, total / 4]
        );
    }
    eprintln!(
        "{writers} writers x {operations} operations x 4 metrics, {scrapes} consistent scrapes"
    );
    assert!(scrapes > 0);
}
