//! A guard that counts work in progress on a gauge.

use crate::{Gauge, IntGauge};

enum Target<'a> {
    Gauge(&'a Gauge),
    IntGauge(&'a IntGauge),
}

/// Adds one to a gauge when made and subtracts it again when dropped: at the end of the
/// scope, on an early `return` or `?`, and when a panic unwinds through it, so the gauge
/// never counts work that is over. Made by `track_inprogress()` on [`IntGauge`] and
/// [`Gauge`].
///
/// ```
/// use metrics_core::{metric, IntGauge};
///
/// /// Voice calls being transcoded.
/// #[metric]
/// static VOICE_TRANSCODES_IN_PROGRESS: IntGauge;
///
/// fn transcode(frames: &[u8]) -> Result<usize, String> {
///     let _in_progress = VOICE_TRANSCODES_IN_PROGRESS.track_inprogress();
///     assert_eq!(VOICE_TRANSCODES_IN_PROGRESS.get(), 1);
///     if frames.is_empty() {
///         return Err("no audio".into()); // decremented here too
///     }
///     Ok(frames.len())
/// }
///
/// # fn main() {
/// transcode(&[]).unwrap_err();
/// transcode(&[1, 2]).unwrap();
/// assert_eq!(VOICE_TRANSCODES_IN_PROGRESS.get(), 0);
/// # }
/// ```
#[must_use = "the gauge is decremented when this is dropped: bind it with `let _guard = ...`"]
pub struct InProgress<'a> {
    target: Target<'a>,
}

impl<'a> InProgress<'a> {
    pub(crate) fn gauge(gauge: &'a Gauge) -> Self {
        gauge.inc();
        InProgress {
            target: Target::Gauge(gauge),
        }
    }

    pub(crate) fn int_gauge(gauge: &'a IntGauge) -> Self {
        gauge.inc();
        InProgress {
            target: Target::IntGauge(gauge),
        }
    }
}

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        match self.target {
            Target::Gauge(gauge) => gauge.dec(),
            Target::IntGauge(gauge) => gauge.dec(),
        }
    }
}
