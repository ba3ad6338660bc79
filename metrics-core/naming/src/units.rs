//! Units in metric names: one table for the base units OpenMetrics writes on `# UNIT` lines
//! and promtool asks for, the non-base units promtool refuses (with what to use instead), and
//! the abbreviations it refuses.

/// The base units: a name ends in one (`_seconds`, `_bytes`) to say what it measures, and an
/// OpenMetrics family named so gets a `# UNIT` line.
pub const BASE_UNITS: &[&str] = &[
    "seconds", "bytes", "meters", "metres", "grams", "joules", "volts", "amperes", "celsius",
    "kelvin", "ratio",
];

/// Units that are not base units, and the base unit to record instead (promtool's list).
pub const NON_BASE_UNITS: &[(&str, &str)] = &[
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("weeks", "seconds"),
    ("kelvins", "kelvin"),
    ("fahrenheit", "celsius"),
    ("rankine", "celsius"),
    ("inches", "meters"),
    ("yards", "meters"),
    ("miles", "meters"),
    ("bits", "bytes"),
    ("calories", "joules"),
    ("pounds", "grams"),
    ("ounces", "grams"),
];

/// SI and binary prefixes: a prefixed unit (`milliseconds`, `kilobytes`) is not a base unit.
pub const UNIT_PREFIXES: &[&str] = &[
    "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi", "mega",
    "mibi", "mebi", "giga", "gibi", "tera", "tebi", "peta", "pebi",
];

/// The base unit an OpenMetrics family name ends in, if any: what its `# UNIT` line says.
///
/// ```
/// assert_eq!(metrics_naming::unit_of("voice_call_duration_seconds"), Some("seconds"));
/// assert_eq!(metrics_naming::unit_of("seconds"), None);
/// ```
pub fn unit_of(family: &str) -> Option<&'static str> {
    BASE_UNITS.iter().copied().find(|unit| {
        family
            .strip_suffix(unit)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('_'))
    })
}

/// The base unit to use instead of this name segment (compared in lower case), if it is a
/// unit but not a base unit: `milliseconds`, `kilobytes`, `hours`, `bits`.
pub fn non_base_unit(segment: &str) -> Option<&'static str> {
    let lower = segment.to_ascii_lowercase();
    let base_of = |unit: &str| {
        BASE_UNITS
            .iter()
            .find(|base| **base == unit)
            .copied()
            .or_else(|| {
                NON_BASE_UNITS
                    .iter()
                    .find(|(name, _)| *name == unit)
                    .map(|(_, base)| *base)
            })
    };
    match base_of(&lower) {
        Some(base) if base == lower => None,
        Some(base) => Some(base),
        None => UNIT_PREFIXES.iter().find_map(|prefix| {
            let unit = lower.strip_prefix(prefix)?;
            base_of(unit)
        }),
    }
}

/// The unit to write out instead of this abbreviation (compared in lower case), with a note
/// on converting: `ms` -> `seconds`, `kb` -> `bytes`.
pub fn abbreviation(segment: &str) -> Option<(&'static str, &'static str)> {
    Some(match segment.to_ascii_lowercase().as_str() {
        "s" | "sec" => ("seconds", ""),
        "ms" | "us" | "ns" => ("seconds", " (record seconds: `elapsed.as_secs_f64()`)"),
        "h" | "d" => ("seconds", " (record seconds)"),
        "m" => ("meters", " (or `_seconds` if it meant minutes)"),
        "b" => ("bytes", ""),
        "kb" | "mb" | "gb" | "tb" | "pb" => ("bytes", " (record bytes)"),
        _ => return None,
    })
}

/// How to say "record it in this base unit" in a message.
pub fn conversion_hint(base: &str) -> &'static str {
    match base {
        "seconds" => "seconds (`elapsed.as_secs_f64()`)",
        "bytes" => "bytes",
        "meters" | "metres" => "meters",
        "grams" => "grams",
        "joules" => "joules",
        "celsius" => "degrees Celsius",
        "kelvin" => "kelvin",
        _ => "the base unit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_of_families() {
        assert_eq!(unit_of("voice_call_duration_seconds"), Some("seconds"));
        assert_eq!(unit_of("process_resident_memory_bytes"), Some("bytes"));
        assert_eq!(unit_of("cache_hit_ratio"), Some("ratio"));
        assert_eq!(unit_of("seconds"), None);
        assert_eq!(unit_of("_seconds"), None);
        assert_eq!(unit_of("voice_calls"), None);
    }

    #[test]
    fn non_base_units() {
        assert_eq!(non_base_unit("milliseconds"), Some("seconds"));
        assert_eq!(non_base_unit("Kilobytes"), Some("bytes"));
        assert_eq!(non_base_unit("hours"), Some("seconds"));
        assert_eq!(non_base_unit("bits"), Some("bytes"));
        assert_eq!(non_base_unit("kilograms"), Some("grams"));
        assert_eq!(non_base_unit("seconds"), None);
        assert_eq!(non_base_unit("ratio"), None);
        assert_eq!(non_base_unit("calls"), None);
    }

    #[test]
    fn abbreviations() {
        assert_eq!(abbreviation("MS").map(|(full, _)| full), Some("seconds"));
        assert_eq!(abbreviation("kb").map(|(full, _)| full), Some("bytes"));
        assert_eq!(abbreviation("calls"), None);
    }
}
