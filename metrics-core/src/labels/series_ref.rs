//! The handle a lookup in a labelled family returns.

use std::fmt;
use std::ops::Deref;

use crate::labels::reclaim::Guard;

/// A series of a labelled family, as [`MetricVec::with_label_values`](crate::MetricVec::with_label_values)
/// and [`Family::get`](crate::Family::get) return it: dereferences to the metric (`inc`, `set`,
/// `observe`, `get`, ...).
///
/// A series of an open family can be removed ([`remove_label_values`](crate::MetricVec::remove_label_values),
/// [`reset`](crate::MetricVec::reset), idle expiry) while a handle to it exists. The handle keeps
/// the series' memory valid until it is dropped, so it never touches freed memory; but the
/// series is no longer exposed, and a write through the handle lands in that detached series
/// and is never scraped. Asking the family again for the same label values gives a new series
/// that starts at zero. Keep handles for the length of an operation, not across removals, and
/// not for long: while a thread holds one, the family frees nothing removed since.
///
/// A handle is tied to the thread that looked it up (it is neither `Send` nor `Sync`), like a
/// lock guard. A series of a closed label set (every label an enum or `bool`) is never freed;
/// its handle is a plain reference.
///
/// ```
/// use metrics_core::{metric, IntGaugeVec};
///
/// /// Open sessions by tenant.
/// #[metric(labels = ["tenant"])]
/// static DOC_SESSIONS: IntGaugeVec;
///
/// # fn main() {
/// let kept = DOC_SESSIONS.with_label_values(&["acme"]);
/// kept.set(3);
/// DOC_SESSIONS.remove_label_values(&["acme"]).unwrap();
/// // Still valid memory, but the series is gone: this write is never scraped.
/// kept.inc();
/// assert_eq!(kept.get(), 4);
/// drop(kept);
/// // The same values make a new series, at zero.
/// assert_eq!(DOC_SESSIONS.with_label_values(&["acme"]).get(), 0);
/// # }
/// ```
pub struct SeriesRef<'a, M> {
    metric: &'a M,
    /// Keeps `metric` from being freed; `None` for a series that is never freed.
    _guard: Option<Guard<'a>>,
}

impl<'a, M> SeriesRef<'a, M> {
    /// A series that lives as long as `'a` by itself.
    #[inline]
    pub(crate) fn fixed(metric: &'a M) -> Self {
        SeriesRef {
            metric,
            _guard: None,
        }
    }

    /// A series kept valid by `guard`.
    ///
    /// # Safety
    ///
    /// `metric` stays valid while `guard` is alive.
    #[inline]
    pub(crate) unsafe fn guarded(metric: &'a M, guard: Guard<'a>) -> Self {
        SeriesRef {
            metric,
            _guard: Some(guard),
        }
    }
}

impl<M> Deref for SeriesRef<'_, M> {
    type Target = M;

    #[inline]
    fn deref(&self) -> &M {
        self.metric
    }
}

impl<M> AsRef<M> for SeriesRef<'_, M> {
    #[inline]
    fn as_ref(&self) -> &M {
        self.metric
    }
}

impl<M: fmt::Debug> fmt::Debug for SeriesRef<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.metric.fmt(f)
    }
}
