//! The metric types, one file each, and what they share.

pub(crate) mod atomic;
pub(crate) mod callback;
pub(crate) mod counter;
pub(crate) mod created;
pub(crate) mod exemplar;
pub(crate) mod gauge;
pub(crate) mod histogram;
pub(crate) mod info;
pub(crate) mod inprogress;
pub(crate) mod instrument;
pub(crate) mod metric;
pub(crate) mod native_histogram;
pub(crate) mod quantile;
pub(crate) mod stateset;
pub(crate) mod summary;
pub(crate) mod timer;
#[cfg(feature = "otel")]
pub(crate) mod trace_exemplar;
