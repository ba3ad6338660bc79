//! Valid names: metric names `[a-zA-Z_][a-zA-Z0-9_]*` (Prometheus also allows `:`, but keeps
//! it for recording rules), label names `[a-zA-Z_][a-zA-Z0-9_]*`, neither starting with `__`
//! (Prometheus' own), and the label names metric types reserve.

use std::fmt;

use crate::family::MetricType;

/// Why a name is not a valid metric or label name; its text says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidName {
    message: String,
}

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidName {}

fn invalid(message: String) -> Result<(), InvalidName> {
    Err(InvalidName { message })
}

/// Checks a metric name defined in code: letters, digits and `_`, not starting with a digit or
/// with `__`. Colons are refused too: Prometheus reserves them for recording rules.
pub fn check_metric_name(name: &str) -> Result<(), InvalidName> {
    if name.is_empty() {
        return invalid("a metric name cannot be empty".to_owned());
    }
    if name.contains(':') {
        return invalid(format!(
            "invalid metric name `{name}`: colons are reserved for recording rules; write `{}`",
            name.replace(':', "_")
        ));
    }
    if !is_identifier(name) {
        return invalid(format!(
            "invalid metric name `{name}`: use letters, digits and `_`, not starting with a digit"
        ));
    }
    if name.starts_with("__") {
        return invalid(format!(
            "invalid metric name `{name}`: names starting with `__` are reserved"
        ));
    }
    Ok(())
}

/// Checks a label name: letters, digits and `_`, not starting with a digit or with `__`
/// (reserved for Prometheus' own labels).
pub fn check_label_name(name: &str) -> Result<(), InvalidName> {
    if !is_identifier(name) {
        return invalid(format!(
            "invalid label name `{name}`: use letters, digits and `_`, not starting with a digit"
        ));
    }
    if name.starts_with("__") {
        return invalid(format!(
            "invalid label name `{name}`: names starting with `__` are reserved"
        ));
    }
    Ok(())
}

/// Whether [`check_label_name`] accepts the name.
pub fn is_valid_label_name(name: &str) -> bool {
    check_label_name(name).is_ok()
}

/// Checks a namespace or subsystem, the parts put in front of a metric name: lower-case
/// letters, digits and `_`, starting with a letter and not ending with `_` (the `_` between
/// the parts is added).
pub fn check_prefix(prefix: &str) -> Result<(), InvalidName> {
    let valid = prefix
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && prefix.starts_with(|c: char| c.is_ascii_lowercase())
        && !prefix.ends_with('_');
    if valid {
        Ok(())
    } else {
        invalid(format!(
            "`{prefix}` is not a name prefix: use lower-case letters, digits and `_`, starting \
             with a letter and not ending with `_`"
        ))
    }
}

/// The label names a metric type adds to its own series: `le` on histogram buckets,
/// `quantile` on summary quantiles. promtool refuses them on every other type, and a family
/// keyed by label types refuses them whatever its type.
pub const RESERVED_LABELS: &[(&str, MetricType)] = &[
    ("le", MetricType::Histogram),
    ("quantile", MetricType::Summary),
];

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        assert_eq!(check_metric_name("voice_calls_total"), Ok(()));
        assert_eq!(check_metric_name("_private_total"), Ok(()));
        assert_eq!(
            check_metric_name("job:calls:rate5m")
                .unwrap_err()
                .to_string(),
            "invalid metric name `job:calls:rate5m`: colons are reserved for recording rules; \
             write `job_calls_rate5m`"
        );
        assert_eq!(
            check_metric_name("5xx_total").unwrap_err().to_string(),
            "invalid metric name `5xx_total`: use letters, digits and `_`, not starting with a \
             digit"
        );
        assert_eq!(
            check_metric_name("__up").unwrap_err().to_string(),
            "invalid metric name `__up`: names starting with `__` are reserved"
        );
        assert_eq!(
            check_metric_name("").unwrap_err().to_string(),
            "a metric name cannot be empty"
        );
    }

    #[test]
    fn label_names() {
        assert!(is_valid_label_name("status"));
        assert!(is_valid_label_name("_shard"));
        assert!(!is_valid_label_name("__name__"));
        assert!(!is_valid_label_name("2xx"));
        assert!(!is_valid_label_name("a-b"));
        assert!(!is_valid_label_name(""));
        assert!(!is_valid_label_name("a:b"));
    }

    #[test]
    fn prefixes() {
        assert_eq!(check_prefix("voice"), Ok(()));
        assert_eq!(check_prefix("voice2_calls"), Ok(()));
        for bad in ["Voice", "voice_", "_voice", "2voice", "vo-ice", ""] {
            assert!(check_prefix(bad).is_err(), "{bad}");
        }
    }
}
