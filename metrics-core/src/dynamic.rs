//! Families whose names are only known at run time (the tower layer's configurable names, the
//! `metrics` facade's keys): they join the one registry through [`Registry::register`], so
//! they are in every exposition format and clash with `#[metric]` statics by the same rules.
//!
//! [`Registry::register`]: crate::Registry::register

use std::panic::Location;

use crate::{Descriptor, Error, Options};

/// Checks a metric name made at run time by the rules `#[metric]` applies at compile time
/// (`metrics_naming`), with a message that says what to change.
pub(crate) fn check_metric_name(name: &str) -> Result<(), Error> {
    metrics_naming::check_metric_name(name).map_err(|problem| invalid(name, problem.to_string()))
}

/// Checks a label name by the same rules, and refuses `le` and `quantile`, which histograms and
/// summaries add themselves.
pub(crate) fn check_label_name(name: &str) -> Result<(), Error> {
    metrics_naming::check_label_name(name).map_err(|problem| invalid(name, problem.to_string()))?;
    if name == "le" || name == "quantile" {
        return Err(invalid(
            name,
            format!("invalid label name `{name}`: histograms and summaries use it themselves"),
        ));
    }
    Ok(())
}

/// Checks a histogram's bucket bounds: at least one, strictly increasing, none NaN.
pub(crate) fn check_buckets(name: &str, buckets: &[f64]) -> Result<(), Error> {
    let ordered = buckets.windows(2).all(|pair| pair[0] < pair[1]);
    if buckets.is_empty() || !ordered || buckets.iter().any(|bound| bound.is_nan()) {
        return Err(invalid(
            name,
            format!(
                "the buckets of `{name}` must be non-empty and strictly increasing, got \
                 {buckets:?}"
            ),
        ));
    }
    Ok(())
}

fn invalid(name: &str, message: String) -> Error {
    Error::Refused {
        name: name.to_owned(),
        message,
    }
}

/// A descriptor for a family made at run time, at `location` (the code that configured it, for
/// the catalog). Leaked: such families live as long as the program, as `#[metric]` statics do,
/// and there are as many as configured names, not series.
pub(crate) fn leak_descriptor(
    name: &str,
    help: &str,
    labels: &[&str],
    buckets: &'static [f64],
    location: Option<&'static Location<'static>>,
) -> &'static Descriptor {
    let labels: Vec<&'static str> = labels
        .iter()
        .map(|label| &*Box::leak(Box::<str>::from(*label)))
        .collect();
    Box::leak(Box::new(Descriptor {
        name: Box::leak(Box::<str>::from(name)),
        help: Box::leak(Box::<str>::from(help)),
        labels: Box::leak(labels.into_boxed_slice()),
        buckets,
        module_path: "",
        file: location.map_or("", Location::file),
        line: location.map_or(0, Location::line),
        options: Options::NONE,
    }))
}

#[cfg(feature = "tower")]
pub(crate) use families::register;
#[cfg(all(feature = "tower", feature = "catalog"))]
pub(crate) use families::runtime_families;

/// Families made at run time: only the tower layer's (the facade's are collectors of their
/// own, whose series change after registration).
#[cfg(feature = "tower")]
mod families {
    use std::sync::{Mutex, PoisonError};

    use crate::{Collect, Error, registry};

    /// Adds families made at run time to the registry, all or none: refused with
    /// [`Error::NameClash`] when one of their names is already on the wire. They are encoded
    /// as `#[metric]` families are, exemplars included.
    pub(crate) fn register(families: &[&'static dyn Collect]) -> Result<(), Error> {
        registry().register_families(families)?;
        RUNTIME
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(families);
        Ok(())
    }

    /// The families [`register`] added, for the catalog.
    static RUNTIME: Mutex<Vec<&'static dyn Collect>> = Mutex::new(Vec::new());

    /// Every family made at run time with [`register`].
    #[cfg(feature = "catalog")]
    pub(crate) fn runtime_families() -> Vec<&'static dyn Collect> {
        RUNTIME
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules_of_metric_declarations() {
        assert_eq!(check_metric_name("http_requests_total"), Ok(()));
        assert_eq!(
            check_metric_name("http:requests_total")
                .unwrap_err()
                .to_string(),
            "invalid metric name `http:requests_total`: colons are reserved for recording rules; \
             write `http_requests_total`"
        );
        assert_eq!(
            check_metric_name("1xx").unwrap_err().to_string(),
            "invalid metric name `1xx`: use letters, digits and `_`, not starting with a digit"
        );
        assert!(check_metric_name("a-b").is_err());
        assert!(check_metric_name("").is_err());
        assert!(check_metric_name("__x").is_err());
        assert_eq!(check_label_name("route_2"), Ok(()));
        assert!(check_label_name("a:b").is_err());
        assert_eq!(
            check_label_name("le").unwrap_err().to_string(),
            "invalid label name `le`: histograms and summaries use it themselves"
        );
    }
}
