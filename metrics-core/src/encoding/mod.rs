//! The exposition formats and how a scrape picks one.

pub(crate) mod interop;
pub(crate) mod negotiate;
pub(crate) mod openmetrics;
pub(crate) mod text;
