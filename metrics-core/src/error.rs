//! The errors a service can get back from this crate at run time.

use std::fmt;

/// An error from a metric operation or from the registry.
///
/// Nothing in this crate panics on bad input: operations that can fail have a `try_` or
/// `get_`-style form returning this error, and the infallible forms document what they do
/// instead.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A labelled metric got a different number of label values than it has labels.
    LabelCount {
        /// The metric's name.
        metric: &'static str,
        /// The metric's label names.
        expected: &'static [&'static str],
        /// How many values were given.
        got: usize,
    },
    /// `remove_label_values` named a series that does not exist.
    SeriesNotFound {
        /// The metric's name.
        metric: &'static str,
        /// The label values that were asked for.
        values: Vec<String>,
    },
    /// A value the metric type cannot take, such as a negative counter increment.
    InvalidValue {
        /// The metric's name.
        metric: &'static str,
        /// The rejected value.
        value: f64,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// Two `#[metric]` definitions with the same name reached the registry (the build normally
    /// fails before this can happen; this is the run-time backstop).
    DuplicateMetric {
        /// The duplicated metric name.
        metric: &'static str,
        /// The definition the registry kept, as `module (file:line)`.
        kept: String,
        /// The definition the registry ignored, as `module (file:line)`.
        ignored: String,
    },
    /// Two `#[metric]` definitions with different names put the same name on the wire, such as
    /// a counter `jobs_total` and a gauge `jobs` (both are the OpenMetrics family `jobs`).
    /// Within one crate, and across crates on ELF targets, the build fails first.
    ExposedNameClash {
        /// The name both expose.
        name: String,
        /// The first metric, and where it is defined.
        first: (&'static str, String),
        /// The second metric, and where it is defined.
        second: (&'static str, String),
    },
    /// A [`StateSet`](crate::StateSet) was set to a state it does not declare.
    UnknownState {
        /// The metric's name.
        metric: &'static str,
        /// The state that was asked for.
        state: String,
        /// The declared states.
        states: &'static [&'static str],
    },
    /// A collector given to [`Registry::register`](crate::Registry::register) exposes a name
    /// that a metric already in the registry exposes too.
    NameClash {
        /// The name both would put on the wire.
        name: String,
        /// What already owns it.
        with: String,
    },
    /// A metric or label name given at run time (a configured name of the tower layer, a key of
    /// the `metrics` facade) that was refused: the exposition formats do not allow it, it is
    /// already used with another type, or a `#[metric]` static already exposes it.
    Refused {
        /// The name as given.
        name: String,
        /// What is wrong with it (naming everything involved) and what to do instead.
        message: String,
    },
    /// An exemplar's label names and values have more than
    /// [`MAX_EXEMPLAR_LABEL_CHARS`](crate::MAX_EXEMPLAR_LABEL_CHARS) characters together. The
    /// sample was recorded without the exemplar.
    ExemplarTooLong {
        /// The metric's name.
        metric: &'static str,
        /// How many characters the labels have.
        chars: usize,
    },
    /// An exemplar label name is not a valid label name. The sample was recorded without the
    /// exemplar.
    InvalidExemplarLabel {
        /// The metric's name.
        metric: &'static str,
        /// The label name.
        label: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::LabelCount {
                metric,
                expected,
                got,
            } => write!(
                f,
                "metric `{metric}` has {} label(s) {expected:?}, but {got} value(s) were given",
                expected.len()
            ),
            Error::SeriesNotFound { metric, values } => {
                write!(
                    f,
                    "metric `{metric}` has no series with label values {values:?}"
                )
            }
            Error::InvalidValue {
                metric,
                value,
                reason,
            } => write!(f, "metric `{metric}` rejected the value {value}: {reason}"),
            Error::DuplicateMetric {
                metric,
                kept,
                ignored,
            } => write!(
                f,
                "metric `{metric}` is defined twice: at {kept} and at {ignored}; \
                 rename one of them (`#[metric(name = \"...\")]`) or remove it"
            ),
            Error::ExposedNameClash {
                name,
                first,
                second,
            } => write!(
                f,
                "metrics `{}` (at {}) and `{}` (at {}) both expose the name `{name}`; \
                 rename one of them",
                first.0, first.1, second.0, second.1
            ),
            Error::UnknownState {
                metric,
                state,
                states,
            } => write!(
                f,
                "metric `{metric}` has no state `{state}`; its states are {states:?}"
            ),
            Error::NameClash { name, with } => write!(
                f,
                "cannot register the collector: its metric name `{name}` clashes with {with}; \
                 rename its metric or leave it out"
            ),
            Error::Refused { message, .. } => f.write_str(message),
            Error::ExemplarTooLong { metric, chars } => write!(
                f,
                "metric `{metric}` refused an exemplar: its label names and values have {chars} \
                 characters, more than the {} OpenMetrics allows; the sample itself was recorded",
                crate::MAX_EXEMPLAR_LABEL_CHARS
            ),
            Error::InvalidExemplarLabel { metric, label } => write!(
                f,
                "metric `{metric}` refused an exemplar: `{label}` is not a valid label name \
                 ([a-zA-Z_][a-zA-Z0-9_]*); the sample itself was recorded"
            ),
        }
    }
}

impl std::error::Error for Error {}
