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
}

impl Descriptor {
    /// Where the metric was defined, as `module (file:line)`.
    pub fn location(&self) -> String {
        format!("{} ({}:{})", self.module_path, self.file, self.line)
    }
}
