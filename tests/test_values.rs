//! Reading metric values in tests: no registry to clear, no private attributes to reach into.
//!
//! The Python guide resets the global registry around every test and reads `_value.get()`.
//! Here a metric is a `static` that lives as long as the test binary: a test reads the value
//! before and after the code under test and asserts the delta, so tests running in parallel on
//! other series or other metrics never interfere.

use voice_metrics::{
    ACTIVE_CALLS as VOICE_ACTIVE_CALLS, CALL_DURATION_SECONDS as VOICE_CALL_DURATION_SECONDS,
    CALLS_TOTAL as VOICE_CALLS_TOTAL, CallStatus,
};

#[test]
fn a_test_asserts_the_delta_its_code_caused() {
    let completed = VOICE_CALLS_TOTAL.get(CallStatus::Completed);
    let before = completed.get();

    voice_metrics::record_call_end(CallStatus::Completed, 42.0);

    assert_eq!(completed.get() - before, 1);
}

#[test]
fn histogram_count_and_sum_deltas() {
    let failed = VOICE_CALL_DURATION_SECONDS.get(CallStatus::Failed);
    let (count_before, sum_before) = (failed.get_sample_count(), failed.get_sample_sum());

    voice_metrics::record_call_end(CallStatus::Failed, 3.0);
    voice_metrics::record_call_end(CallStatus::Failed, 4.5);

    assert_eq!(failed.get_sample_count() - count_before, 2);
    assert_eq!(failed.get_sample_sum() - sum_before, 7.5);
    // 3.0 and 4.5 are both in the first bucket (le=5).
    let buckets = failed.cumulative_counts();
    assert_eq!(buckets.len(), 8);
    assert!(buckets[0] >= 2);
    assert_eq!(buckets.last().copied(), Some(failed.get_sample_count()));
}

#[test]
fn many_parallel_tests_on_one_series_still_see_exact_deltas() {
    // Each thread stands for a test running concurrently in the same process. Increments are
    // never lost, so the totals are exact once they are all done.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                VOICE_ACTIVE_CALLS.inc();
                VOICE_ACTIVE_CALLS.dec();
                let series = VOICE_CALLS_TOTAL.get(CallStatus::NoAnswer);
                for _ in 0..1000 {
                    series.inc();
                }
            });
        }
    });
    assert_eq!(VOICE_ACTIVE_CALLS.get(), 0);
    assert_eq!(VOICE_CALLS_TOTAL.get(CallStatus::NoAnswer).get(), 4000);
}
