//! The lock-free parts under the loom model checker, which runs every interleaving of the
//! threads (and every reordering the memory model allows) of each model:
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p metrics-core --test loom
//! ```
//!
//! (Its own target directory: `--cfg loom` rebuilds every dependency. On a 2-core machine the
//! first build takes about 50 s and the run 3 s; `--release` builds in about 2.5 min and runs in
//! 0.1 s.)
//!
//! Without `--cfg loom` this file is empty.
#![cfg(loom)]

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use loom::sync::Arc;
use loom::thread;
use metrics_core::encoding::text::TextEncoder;
use metrics_core::encoding::{Encoder, Labels};
use metrics_core::{
    Counter, Descriptor, Gauge, Histogram, IntCounter, IntGauge, Metric, MetricType,
};

/// The sample lines (no `# HELP`/`# TYPE`) that `describe` writes in the text format, for a
/// family named `name`.
fn sample_lines(
    name: &str,
    metric_type: MetricType,
    describe: impl FnOnce(&mut dyn Encoder),
) -> String {
    let mut text = String::new();
    let mut encoder = TextEncoder::new(&mut text);
    encoder.family(name, "", metric_type);
    describe(&mut encoder);
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn descriptor(name: &'static str, buckets: &'static [f64]) -> &'static Descriptor {
    described(name, &[], buckets)
}

fn described(
    name: &'static str,
    labels: &'static [&'static str],
    buckets: &'static [f64],
) -> &'static Descriptor {
    Box::leak(Box::new(Descriptor {
        name,
        help: "A model.",
        labels,
        buckets,
        module_path: module_path!(),
        file: file!(),
        line: line!(),
        options: metrics_core::Options::NONE,
    }))
}

/// Two threads run `inc_by` (a compare-and-swap loop on the `f64` bits) at once: no update is
/// lost in any interleaving.
#[test]
fn counter_inc_by_from_two_threads_is_exact() {
    let desc = descriptor("loom_work_seconds_total", &[]);
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        EXECUTIONS.fetch_add(1, Relaxed);
        let counter = Arc::new(Counter::__new(desc));
        let other = Arc::clone(&counter);
        let thread = thread::spawn(move || {
            other.inc_by(0.5);
            other.inc_by(0.25);
        });
        counter.inc_by(2.0);
        counter.inc();
        thread.join().unwrap();
        assert_eq!(counter.get(), 3.75);
    });
    eprintln!(
        "counter: 2 threads x 2 inc_by, {} executions",
        EXECUTIONS.load(Relaxed)
    );
}

/// `add` and `sub` on a float gauge from two threads, plus integer types: exact sums.
#[test]
fn gauge_adds_from_two_threads_are_exact() {
    let desc = descriptor("loom_level", &[]);
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        EXECUTIONS.fetch_add(1, Relaxed);
        let gauge = Arc::new(Gauge::__new(desc));
        let ints = Arc::new(IntGauge::__new(desc));
        let count = Arc::new(IntCounter::__new(desc));
        let (gauge2, ints2, count2) = (Arc::clone(&gauge), Arc::clone(&ints), Arc::clone(&count));
        let thread = thread::spawn(move || {
            gauge2.add(1.5);
            gauge2.sub(0.25);
            ints2.dec();
            count2.inc_by(3);
        });
        gauge.add(-4.0);
        gauge.inc();
        ints.add(5);
        count.inc();
        thread.join().unwrap();
        assert_eq!(gauge.get(), -1.75);
        assert_eq!(ints.get(), 4);
        assert_eq!(count.get(), 4);
    });
    eprintln!(
        "gauges and integer counter: 2 threads x 4 operations, {} executions",
        EXECUTIONS.load(Relaxed)
    );
}

/// Parses `name_bucket{le="..."} n`, `name_sum s`, `name_count n` lines.
fn parse_histogram(text: &str) -> (Vec<(String, u64)>, f64, u64) {
    let mut buckets = Vec::new();
    let (mut sum, mut count) = (None, None);
    for line in text.lines() {
        let (series, value) = line.rsplit_once(' ').unwrap();
        if let Some(rest) = series.strip_prefix("loom_delay_seconds_bucket{le=\"") {
            let le = rest.strip_suffix("\"}").unwrap().to_owned();
            buckets.push((le, value.parse().unwrap()));
        } else if series == "loom_delay_seconds_sum" {
            sum = Some(value.parse().unwrap());
        } else if series == "loom_delay_seconds_count" {
            count = Some(value.parse().unwrap());
        } else {
            panic!("unexpected line {line:?}");
        }
    }
    (buckets, sum.unwrap(), count.unwrap())
}

/// `observe` on one thread while another encodes the histogram: in every interleaving, the
/// exposed buckets never decrease, `+Inf` equals `_count`, and the final state is exact.
#[test]
fn histogram_observe_against_a_concurrent_encode() {
    let desc = descriptor("loom_delay_seconds", &[1.0, 2.0]);
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        EXECUTIONS.fetch_add(1, Relaxed);
        let histogram = Arc::new(Histogram::__new(desc));
        // Allocates the buckets before the threads start (a `OnceLock`, not modelled).
        assert_eq!(histogram.get_sample_count(), 0);
        let observer = {
            let histogram = Arc::clone(&histogram);
            thread::spawn(move || {
                histogram.observe(0.5);
                histogram.observe(3.0);
            })
        };
        let text = sample_lines("loom_delay_seconds", MetricType::Histogram, |encoder| {
            histogram.__encode(&Labels::new("", &|_| {}), encoder)
        });
        let (buckets, sum, count) = parse_histogram(&text);
        let les: Vec<&str> = buckets.iter().map(|(le, _)| le.as_str()).collect();
        assert_eq!(les, ["1", "2", "+Inf"]);
        assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{text}");
        assert_eq!(buckets[2].1, count, "{text}");
        assert!(count <= 2 && [0.0, 0.5, 3.0, 3.5].contains(&sum), "{text}");

        observer.join().unwrap();
        assert_eq!(histogram.cumulative_counts(), [1, 1, 2]);
        assert_eq!(histogram.get_sample_sum(), 3.5);
    });
    eprintln!(
        "histogram: 1 thread x 2 observe against 1 encode, {} executions",
        EXECUTIONS.load(Relaxed)
    );
}

/// `observe` from two threads at once: exact counts and sum.
#[test]
fn histogram_observes_from_two_threads_are_exact() {
    let desc = descriptor("loom_delay_seconds", &[1.0, 2.0]);
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        EXECUTIONS.fetch_add(1, Relaxed);
        let histogram = Arc::new(Histogram::__new(desc));
        assert_eq!(histogram.get_sample_count(), 0);
        let other = {
            let histogram = Arc::clone(&histogram);
            thread::spawn(move || histogram.observe(1.5))
        };
        histogram.observe(0.5);
        other.join().unwrap();
        assert_eq!(histogram.cumulative_counts(), [1, 2, 2]);
        assert_eq!(histogram.get_sample_sum(), 2.0);
    });
    eprintln!(
        "histogram: 2 threads x 1 observe, {} executions",
        EXECUTIONS.load(Relaxed)
    );
}

/// Two observer threads and an encoding thread at once, with at most 3 preemptions per
/// execution (loom's bound; `LOOM_MAX_PREEMPTIONS` does not override a builder's bound, so
/// this one is fixed): the same guarantees as above with more contention.
#[test]
fn histogram_two_observers_and_an_encoder() {
    let desc = descriptor("loom_delay_seconds", &[1.0, 2.0]);
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(|| {
        EXECUTIONS.fetch_add(1, Relaxed);
        let histogram = Arc::new(Histogram::__new(desc));
        assert_eq!(histogram.get_sample_count(), 0);
        let observer = {
            let histogram = Arc::clone(&histogram);
            thread::spawn(move || {
                histogram.observe(0.5);
                histogram.observe(3.0);
            })
        };
        let other = {
            let histogram = Arc::clone(&histogram);
            thread::spawn(move || histogram.observe(1.5))
        };
        let text = sample_lines("loom_delay_seconds", MetricType::Histogram, |encoder| {
            histogram.__encode(&Labels::new("", &|_| {}), encoder)
        });
        let (buckets, _, count) = parse_histogram(&text);
        assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{text}");
        assert_eq!(buckets[2].1, count, "{text}");
        observer.join().unwrap();
        other.join().unwrap();
        assert_eq!(histogram.cumulative_counts(), [1, 2, 3]);
        assert_eq!(histogram.get_sample_sum(), 5.0);
    });
    eprintln!(
        "histogram: 2 observer threads (3 observations) x 1 encoder, preemption bound 3, {} \
         executions",
        EXECUTIONS.load(Relaxed)
    );
}

fn labelled_descriptor(name: &'static str) -> &'static Descriptor {
    described(name, &["peer"], &[])
}

/// The series table of labelled families (`src/labels/series.rs`): a reader finds series with plain
/// atomic loads while a writer creates one, and a scrape runs. With `existing` series created
/// before the threads start, the writer's new series either fits the current array (fewer than
/// six) or makes the table grow into a new one (six: the seventh outgrows the first array of
/// eight slots, which is used up to three quarters), retiring the old array while the reader
/// may still probe it. In every interleaving the reader finds the series that existed before, the
/// writer's series is complete when found (its key is a loom cell, so a publication without
/// the release/acquire pair fails the model), a concurrent scrape sees a consistent set, and no
/// increment is lost.
fn series_table_model(existing: usize) -> usize {
    use metrics_core::{Collect, IntCounterVec};

    const PEERS: [&str; 6] = ["a", "b", "c", "d", "f", "g"];
    let desc = labelled_descriptor("loom_peers_total");
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    EXECUTIONS.store(0, Relaxed);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(move || {
        EXECUTIONS.fetch_add(1, Relaxed);
        let family: Arc<IntCounterVec<1>> = Arc::new(IntCounterVec::__new(desc));
        for peer in &PEERS[..existing] {
            family.with_label_values(&[peer]).inc();
        }
        let writer = {
            let family = Arc::clone(&family);
            thread::spawn(move || {
                family.with_label_values(&["e"]).inc();
                family.with_label_values(&["a"]).inc();
            })
        };
        let reader = {
            let family = Arc::clone(&family);
            thread::spawn(move || {
                family.with_label_values(&["e"]).inc();
                family.with_label_values(&[PEERS[existing - 1]]).inc();
            })
        };
        let text = sample_lines("loom_peers_total", MetricType::Counter, |encoder| {
            family.encode(encoder)
        });
        let series = text.lines().count();
        assert!((existing..=existing + 1).contains(&series), "{text}");
        writer.join().unwrap();
        reader.join().unwrap();
        assert_eq!(family.with_label_values(&["e"]).get(), 2);
        assert_eq!(
            family.with_label_values(&["a"]).get(),
            2 + u64::from(existing == 1)
        );
        assert_eq!(family.len(), existing + 1);
    });
    EXECUTIONS.load(Relaxed)
}

#[test]
fn series_table_lookup_during_an_insert() {
    let executions = series_table_model(2);
    eprintln!("series table: insert x lookup x scrape, bound 2, {executions} executions");
}

#[test]
fn series_table_lookup_during_an_insert_that_grows_the_table() {
    let executions = series_table_model(6);
    eprintln!("series table: growing insert x lookup x scrape, bound 2, {executions} executions");
}

/// A lookup (which keeps its handle and writes through it) against a removal of the same
/// series followed by a new lookup, and a scrape. The series' key is a loom cell that its free
/// writes, so a read of a series (or of a table) the removal freed while a handle or a probe
/// could still use it fails the model. The kept handle's write lands in the removed series or in
/// the new one, never elsewhere.
#[test]
fn series_table_lookup_against_a_removal_and_a_scrape() {
    use metrics_core::{Collect, IntCounterVec};

    let desc = labelled_descriptor("loom_removed_total");
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(move || {
        EXECUTIONS.fetch_add(1, Relaxed);
        let family: Arc<IntCounterVec<1>> = Arc::new(IntCounterVec::__new(desc));
        family.with_label_values(&["a"]).inc();
        family.with_label_values(&["b"]).inc();
        let user = {
            let family = Arc::clone(&family);
            thread::spawn(move || {
                let handle = family.with_label_values(&["a"]);
                handle.inc();
                handle.get()
            })
        };
        let remover = {
            let family = Arc::clone(&family);
            thread::spawn(move || {
                family.remove_label_values(&["a"]).unwrap();
                family.with_label_values(&["a"]).inc();
            })
        };
        let text = sample_lines("loom_removed_total", MetricType::Counter, |encoder| {
            family.encode(encoder)
        });
        assert!(text.contains("{peer=\"b\"} 1\n"), "{text}");
        let seen = user.join().unwrap();
        remover.join().unwrap();
        // Through the old series (2, then removed: the write went with it) or the new one.
        let now = family.with_label_values(&["a"]).get();
        assert!(
            (seen == 2 && now == 1) || (seen == 1 && now == 2) || (seen == 2 && now == 2),
            "handle saw {seen}, the family has {now}"
        );
        assert_eq!(family.len(), 2);
    });
    eprintln!(
        "series table: lookup x removal x scrape, bound 2, {} executions",
        EXECUTIONS.load(Relaxed)
    );
}

/// A lookup against the scrape that expires its idle series: the lookup either stamps the
/// series first (it stays, with both increments) or finds it expired and makes a new one at
/// zero (the increment is in the new series); no increment is lost, and the scrape lists the
/// series exactly when it stayed.
#[test]
fn series_table_lookup_against_idle_expiry() {
    use std::time::Duration;

    use metrics_core::{Collect, IntCounterVec};

    let desc = labelled_descriptor("loom_idle_total");
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(move || {
        EXECUTIONS.fetch_add(1, Relaxed);
        let minute = Duration::from_secs(60);
        metrics_core::__set_loom_clock(Duration::ZERO);
        let family: Arc<IntCounterVec<1>> = Arc::new(IntCounterVec::__new(desc));
        family.set_expire_after(Some(minute));
        family.with_label_values(&["a"]).inc();
        // A tick of the clock, then a minute: "a" is idle enough at the next scrape.
        metrics_core::__set_loom_clock(minute / 8);
        sample_lines("loom_idle_total", MetricType::Counter, |encoder| {
            family.encode(encoder)
        });
        metrics_core::__set_loom_clock(minute + minute / 4);
        let user = {
            let family = Arc::clone(&family);
            thread::spawn(move || family.with_label_values(&["a"]).inc())
        };
        let text = sample_lines("loom_idle_total", MetricType::Counter, |encoder| {
            family.encode(encoder)
        });
        user.join().unwrap();
        let value = family.with_label_values(&["a"]).get();
        if text.is_empty() {
            assert_eq!(value, 1, "expired, then made again by the lookup");
        } else {
            // Stamped first: kept, with the increment before or after the scrape read it.
            assert!(
                text == "loom_idle_total{peer=\"a\"} 1\n"
                    || text == "loom_idle_total{peer=\"a\"} 2\n",
                "{text}"
            );
            assert_eq!(value, 2);
        }
        assert_eq!(family.len(), 1);
    });
    eprintln!(
        "series table: lookup x idle expiry at scrape, bound 2, {} executions",
        EXECUTIONS.load(Relaxed)
    );
}
