//! What `#[metric]` knows about a metric at compile time.

/// The static description of one metric, written by `#[metric]` next to the metric's `static`.
///
/// Every metric in the program has exactly one; the registry reads them to render `# HELP` and
/// `# TYPE` lines, and to say where a metric was defined when something is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Descriptor {
    /// The exposed metric name, e.g. `voice_calls_total`.
    pub name: &'static str,
    /// The help text: the first paragraph of the static's doc comment.
    pub help: &'static str,
    /// Label names, in the order `with_label_values` takes their values. Empty for unlabelled
    /// metrics.
    pub labels: &'static [&'static str],
    /// Histogram bucket upper bounds, strictly increasing, without the implicit `+Inf`. Empty
    /// for every other type.
    pub buckets: &'static [f64],
    /// `module_path!()` of the definition.
    pub module_path: &'static str,
    /// `file!()` of the definition.
    pub file: &'static str,
    /// `line!()` of the definition.
    pub line: u32,
    /// What only some metric types use (summary objectives, state names, constant labels);
    /// [`Options::NONE`] for the rest.
    pub options: Options,
}

/// The settings of a [`Descriptor`] that only some metric types use, written by `#[metric]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// A [`Summary`](crate::Summary)'s quantiles and their allowed rank errors.
    pub objectives: &'static [Objective],
    /// How long a summary's observations count towards its quantiles, in seconds.
    pub max_age_seconds: u64,
    /// Into how many buckets a summary's window is divided: the window slides by
    /// `max_age_seconds / age_buckets`.
    pub age_buckets: u32,
    /// A [`StateSet`](crate::StateSet)'s states, in declaration order.
    pub states: &'static [&'static str],
    /// Labels with a fixed value on every series of the metric, before its own labels.
    pub const_labels: &'static [(&'static str, &'static str)],
    /// A labelled family's idle expiry, in seconds: series not looked up for that long are
    /// removed (`#[metric(expire_after = "10m")]`). 0: never.
    pub expire_after_seconds: u64,
    /// A [`NativeHistogram`](crate::NativeHistogram)'s starting resolution: `2^schema`
    /// buckets per power of two, from -4 to 8.
    pub native_schema: i8,
    /// A native histogram's most buckets (both signs together) before its resolution is
    /// lowered.
    pub native_max_buckets: u32,
    /// Values whose absolute value is at most this go to a native histogram's zero bucket.
    pub native_zero_threshold: f64,
}

impl Options {
    /// No objectives, states or constant labels; a summary's window defaults (10 minutes in 5
    /// buckets, as the Go client's); a native histogram's defaults (schema 3, at most 160
    /// buckets, zero threshold 2^-128, as the Go client's).
    pub const NONE: Options = Options {
        objectives: &[],
        max_age_seconds: 600,
        age_buckets: 5,
        states: &[],
        const_labels: &[],
        expire_after_seconds: 0,
        native_schema: 3,
        native_max_buckets: 160,
        native_zero_threshold: 2.938_735_877_055_719e-39,
    };
}

/// A quantile a [`Summary`](crate::Summary) reports, and how far from it (in rank, as a
/// fraction of the observations) the reported value may be.
///
/// `Objective { quantile: 0.99, error: 0.001 }` reports a value whose rank among the
/// observations in the window lies between the 98.9th and 99.1st percentile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// The quantile, from 0 to 1.
    pub quantile: f64,
    /// The allowed rank error, in `(0, 1)`.
    pub error: f64,
}

impl Descriptor {
    /// Where the metric was defined, as `module (file:line)`.
    pub fn location(&self) -> String {
        format!("{} ({}:{})", self.module_path, self.file, self.line)
    }
}
