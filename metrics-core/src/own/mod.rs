//! The crate's own metrics: cardinality overflow, rejected samples, build info and process
//! metrics.

pub(crate) mod build_info;
pub(crate) mod overflow;
#[cfg(feature = "process")]
pub(crate) mod process;
pub(crate) mod procfs;
pub(crate) mod rejected;
