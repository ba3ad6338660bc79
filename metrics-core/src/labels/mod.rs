//! Labelled metrics: typed label values and sets, families, the `*Vec` types and the series
//! table behind them.

pub(crate) mod check;
pub(crate) mod family;
pub(crate) mod key;
pub(crate) mod reclaim;
pub(crate) mod series;
pub(crate) mod series_ref;
pub(crate) mod typed;
pub(crate) mod vec;
