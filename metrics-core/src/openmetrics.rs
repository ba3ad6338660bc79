//! OpenMetrics' names: the family name of a metric and the unit it carries (the encoder is
//! `encoding::openmetrics`).

use crate::MetricType;

/// The units OpenMetrics names as base units; a family whose name ends in `_<unit>` gets a
/// `# UNIT <family> <unit>` line.
const BASE_UNITS: &[&str] = &[
    "seconds", "bytes", "meters", "grams", "joules", "volts", "amperes", "celsius", "kelvin",
    "ratio",
];

/// The family name OpenMetrics uses: counters drop `_total`, info families drop `_info`.
pub(crate) fn family_name(name: &str, metric_type: MetricType) -> &str {
    let suffix = match metric_type {
        MetricType::Counter => "_total",
        MetricType::Info => "_info",
        _ => return name,
    };
    name.strip_suffix(suffix)
        .filter(|base| !base.is_empty())
        .unwrap_or(name)
}

/// The base unit a family name ends in, if any.
pub(crate) fn unit_of(family: &str) -> Option<&'static str> {
    BASE_UNITS.iter().copied().find(|unit| {
        family
            .strip_suffix(unit)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('_'))
    })
}

/// The counter sample name: the family name plus `_total`.
pub(crate) fn counter_sample_name(name: &str) -> (&str, &'static str) {
    match name.strip_suffix("_total") {
        Some(family) if !family.is_empty() => (family, "_total"),
        _ => (name, "_total"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_and_units() {
        assert_eq!(
            family_name("voice_calls_total", MetricType::Counter),
            "voice_calls"
        );
        assert_eq!(family_name("jobs", MetricType::Counter), "jobs");
        assert_eq!(family_name("_total", MetricType::Counter), "_total");
        assert_eq!(family_name("svc_build_info", MetricType::Info), "svc_build");
        assert_eq!(family_name("queue_total", MetricType::Gauge), "queue_total");
        assert_eq!(unit_of("voice_call_duration_seconds"), Some("seconds"));
        assert_eq!(unit_of("process_resident_memory_bytes"), Some("bytes"));
        assert_eq!(unit_of("seconds"), None);
        assert_eq!(unit_of("voice_calls"), None);
        assert_eq!(unit_of("cache_hit_ratio"), Some("ratio"));
    }
}
