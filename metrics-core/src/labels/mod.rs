//! Labelled metrics: typed label values and sets, families, the `*Vec` types and the series
//! table behind them.

pub(crate) mod check;
pub(crate) mod family;
pub(crate) mod series;
pub(crate) mod typed;
pub(crate) mod vec;
