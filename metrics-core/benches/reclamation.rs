//! What a safe-memory-reclamation guard costs by itself, next to the increment it protects:
//! the floor under an open lookup (`with_label_values`, an open `Family::get`), which enters
//! and leaves its family's guard once.
//!
//! `cargo bench -p metrics-core --bench reclamation`, then `python3 metrics-core/benches/ratios.py`
//! (group `reclamation_guard`). Each case increments the same atomic; the guarded ones enter a
//! guard first and leave it after, as a lookup and its handle do:
//!
//! - `seize`: the crate the series table uses. Entering is a plain store (the reclaiming side
//!   pays the barrier, through `membarrier` on Linux); leaving is an atomic exchange.
//! - `crossbeam_epoch`: pinning is a `lock cmpxchg` on x86 (in place of a fence), unpinning a
//!   plain store.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};

fn reclamation_guard(c: &mut Criterion) {
    let mut group = c.benchmark_group("reclamation_guard");
    let counter = AtomicU64::new(0);
    group.bench_function("raw_atomic", |b| {
        b.iter(|| black_box(&counter).fetch_add(1, Ordering::Relaxed))
    });
    let seize = seize::Collector::new();
    group.bench_function("seize", |b| {
        b.iter(|| {
            let guard = black_box(&seize).enter();
            black_box(&counter).fetch_add(1, Ordering::Relaxed);
            drop(guard);
        })
    });
    let epoch = crossbeam_epoch::Collector::new();
    let handle = epoch.register();
    group.bench_function("crossbeam_epoch", |b| {
        b.iter(|| {
            let guard = black_box(&handle).pin();
            black_box(&counter).fetch_add(1, Ordering::Relaxed);
            drop(guard);
        })
    });
    group.finish();
}

criterion_group!(benches, reclamation_guard);
criterion_main!(benches);
