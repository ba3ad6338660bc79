//! Targeted quantiles over a stream, with bounded rank error: the algorithm of Cormode, Korn,
//! Muthukrishnan and Srivastava, "Effective Computation of Biased Quantiles over Data Streams"
//! (ICDE 2005), which the Go client's summaries use too.
//!
//! The stream keeps a sorted list of samples `(value, width, delta)`: `width` is how many
//! observations a sample stands for, `delta` how uncertain its rank is. Merging a sorted batch
//! and compressing keep, for every objective `(q, e)`, the invariant that a query for `q` returns
//! a value whose rank is within `e * n` of `q * n`.
//!
//! Memory is reused: merging writes into a second list that is swapped with the first, so once
//! the lists have grown to the size the objectives need, nothing allocates.

use crate::desc::Objective;

#[derive(Clone, Copy, Debug)]
struct Sample {
    value: f64,
    width: f64,
    delta: f64,
}

/// One stream of observations, summarised for a set of objectives.
#[derive(Default)]
pub(crate) struct Stream {
    samples: Vec<Sample>,
    scratch: Vec<Sample>,
    /// Observations merged so far.
    count: f64,
}

/// The most a sample's `width + delta` may be at each rank: the smallest bound any objective
/// allows there, with the per-objective constants computed once.
///
/// The paper's bound for objective `(q, e)` is `2 e (count - rank) / (1 - q)` below `q count`
/// and `2 e rank / q` above, which is `2 e count` at the targeted rank but grows on either side
/// of it, so a wide sample that straddles the target can exceed the error it promises (the Go
/// client's summaries show it). Using `e / (1 + 2 e / min(q, 1 - q))` instead keeps every sample
/// that can answer a query for `q` within `2 e count`.
pub(crate) struct Invariant(Vec<Target>);

#[derive(Clone, Copy)]
struct Target {
    quantile: f64,
    /// `2 e' / q`, the slope above the targeted rank.
    above: f64,
    /// `2 e' / (1 - q)`, the slope below it.
    below: f64,
}

impl Invariant {
    pub(crate) const EMPTY: Invariant = Invariant(Vec::new());

    pub(crate) fn new(objectives: &[Objective]) -> Invariant {
        Invariant(
            objectives
                .iter()
                .map(|objective| {
                    let q = objective.quantile;
                    let error = objective.error / (1.0 + 2.0 * objective.error / q.min(1.0 - q));
                    Target {
                        quantile: q,
                        above: 2.0 * error / q,
                        below: 2.0 * error / (1.0 - q),
                    }
                })
                .collect(),
        )
    }

    #[inline]
    fn allowed(&self, rank: f64, count: f64) -> f64 {
        let mut bound = f64::MAX;
        for target in &self.0 {
            let here = if rank >= target.quantile * count {
                target.above * rank
            } else {
                target.below * (count - rank)
            };
            bound = bound.min(here);
        }
        bound
    }
}

impl Stream {
    pub(crate) fn with_capacity(capacity: usize) -> Stream {
        Stream {
            samples: Vec::with_capacity(capacity),
            scratch: Vec::with_capacity(capacity),
            count: 0.0,
        }
    }

    /// Forgets every observation, keeping the memory.
    pub(crate) fn reset(&mut self) {
        self.samples.clear();
        self.count = 0.0;
    }

    /// How many observations the stream summarises.
    #[cfg(test)]
    pub(crate) fn count(&self) -> f64 {
        self.count
    }

    /// How many samples the stream keeps for them.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.samples.len()
    }

    /// Adds a batch of observations, sorted in increasing order.
    pub(crate) fn merge(&mut self, sorted: &[f64], invariant: &Invariant) {
        if sorted.is_empty() {
            return;
        }
        self.scratch.clear();
        let mut rank = 0.0;
        let mut next = 0;
        for &value in sorted {
            while let Some(existing) = self.samples.get(next).filter(|s| s.value <= value) {
                rank += existing.width;
                self.scratch.push(*existing);
                next += 1;
            }
            // A new minimum or maximum knows its rank exactly.
            let delta = if self.scratch.is_empty() || next == self.samples.len() {
                0.0
            } else {
                (invariant.allowed(rank, self.count).floor() - 1.0).max(0.0)
            };
            self.scratch.push(Sample {
                value,
                width: 1.0,
                delta,
            });
            self.count += 1.0;
            rank += 1.0;
        }
        self.scratch.extend_from_slice(&self.samples[next..]);
        std::mem::swap(&mut self.samples, &mut self.scratch);
        self.compress(invariant);
    }

    /// Merges neighbouring samples wherever the invariant allows, from the largest down.
    fn compress(&mut self, invariant: &Invariant) {
        let len = self.samples.len();
        if len < 2 {
            return;
        }
        // `kept` is the index of the sample absorbing its smaller neighbours; kept samples are
        // written from the end of the list towards its start.
        let mut kept = len - 1;
        // Observations in the samples after `index`.
        let mut after = self.samples[kept].width;
        for index in (0..len - 1).rev() {
            let candidate = self.samples[index];
            let current = self.samples[kept];
            // Merged, `current` would start where `candidate` starts: the invariant is checked
            // at that rank (the Go client checks it one below `candidate`'s last rank, which
            // allows too much above the targeted quantiles once samples are wide).
            let rank = self.count - after - candidate.width;
            if candidate.width + current.width + current.delta
                <= invariant.allowed(rank, self.count)
            {
                self.samples[kept].width += candidate.width;
            } else {
                kept -= 1;
                self.samples[kept] = candidate;
            }
            after += candidate.width;
        }
        self.samples.drain(..kept);
    }

    /// The value at quantile `quantile`, or NaN when the stream is empty.
    ///
    /// Each sample's true rank lies between the observations before it plus one (`first`)
    /// and that plus its `delta` (`last`). The answer is the sample whose whole range is
    /// closest to the nearest rank `ceil(q n)`, so its rank error is at most the larger
    /// distance, which the invariant keeps within `e n`.
    pub(crate) fn query(&self, quantile: f64) -> f64 {
        let target = (quantile * self.count).ceil().max(1.0);
        let mut best = (f64::INFINITY, f64::NAN);
        let mut before = 0.0;
        for sample in &self.samples {
            let first = before + 1.0;
            let last = first + sample.width - 1.0 + sample.delta;
            // A merged sample stands for `width` observations up to `value`; its own rank is
            // the last of them.
            let first = first + sample.width - 1.0;
            let distance = (target - first).abs().max((last - target).abs());
            if distance < best.0 {
                best = (distance, sample.value);
            }
            if first > target {
                break;
            }
            before += sample.width;
        }
        best.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECTIVES: &[Objective] = &[
        Objective {
            quantile: 0.5,
            error: 0.05,
        },
        Objective {
            quantile: 0.9,
            error: 0.01,
        },
        Objective {
            quantile: 0.99,
            error: 0.001,
        },
    ];

    /// A permutation of 1..=n from a fixed linear congruential sequence.
    fn shuffled(n: usize) -> Vec<f64> {
        let mut values: Vec<f64> = (1..=n).map(|v| v as f64).collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for i in (1..n).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = (state >> 33) as usize % (i + 1);
            values.swap(i, j);
        }
        values
    }

    /// Feeds `values` in batches as a summary does and checks every objective's rank error;
    /// returns how many samples the stream kept.
    fn check_objectives(mut values: Vec<f64>, objectives: &[Objective]) -> usize {
        let n = values.len() as f64;
        let invariant = Invariant::new(objectives);
        let mut stream = Stream::with_capacity(0);
        for batch in values.chunks_mut(500) {
            batch.sort_unstable_by(f64::total_cmp);
            stream.merge(batch, &invariant);
        }
        assert_eq!(stream.count(), n);
        // The value of rank r is r itself, so the rank error is |value - q n| / n.
        for objective in objectives {
            let value = stream.query(objective.quantile);
            let rank_error = (value - (objective.quantile * n).ceil()).abs() / n;
            assert!(
                rank_error <= objective.error,
                "q={} gave {value}: rank error {rank_error} > {}",
                objective.quantile,
                objective.error
            );
        }
        stream.len()
    }

    #[test]
    fn every_objective_is_met_on_a_uniform_permutation() {
        let kept = check_objectives(shuffled(100_000), OBJECTIVES);
        // And it is a summary, not a copy: far fewer samples than observations.
        assert!(kept < 2_000, "{kept} samples kept");
        let tight = [Objective {
            quantile: 0.999,
            error: 0.0001,
        }];
        check_objectives(shuffled(100_000), &[OBJECTIVES, &tight].concat());
    }

    #[test]
    fn every_objective_is_met_on_sorted_input() {
        let ascending: Vec<f64> = (1..=50_000).map(|v| v as f64).collect();
        let descending: Vec<f64> = ascending.iter().rev().copied().collect();
        check_objectives(ascending, OBJECTIVES);
        check_objectives(descending, OBJECTIVES);
    }

    #[test]
    fn small_streams_are_exact_at_the_ends() {
        let invariant = Invariant::new(OBJECTIVES);
        let mut stream = Stream::with_capacity(0);
        assert!(stream.query(0.5).is_nan());
        stream.merge(&[3.0], &invariant);
        assert_eq!(stream.query(0.5), 3.0);
        stream.merge(&[1.0, 2.0, 4.0, 5.0], &invariant);
        // Exact samples give the nearest rank, ceil(q n): the 3rd and the 5th of five.
        assert_eq!(stream.query(0.5), 3.0);
        assert_eq!(stream.query(0.9), 5.0);
        assert_eq!(stream.query(0.99), 5.0);
        stream.reset();
        assert!(stream.query(0.5).is_nan());
    }
}
