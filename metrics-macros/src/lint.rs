//! The naming rules of `promtool check metrics`, applied when the metric is declared instead of
//! when its exposition is scraped. Every message says which name to write instead.
//!
//! The rules follow promtool's (Prometheus `promlint`): help text, `_total` on counters only,
//! the suffixes histograms and summaries use for their series, base units, no abbreviated units,
//! snake_case, no colons, no type name in the name, and the labels `le` and `quantile`.

use crate::ast::Kind;

/// Where the metric name came from, so that the fix names the thing to edit.
#[derive(Clone, Copy)]
pub enum NameSource {
    /// The lowercased name of the static.
    Ident,
    /// `#[metric(name = "...")]`.
    Argument,
}

impl NameSource {
    /// "rename the static to `X_TOTAL`" or "write `name = \"x_total\"`".
    pub fn fix(self, suggested: &str) -> String {
        match self {
            NameSource::Ident => format!(
                "rename the static to `{}` (or set `#[metric(name = \"{suggested}\")]`)",
                suggested.to_uppercase()
            ),
            NameSource::Argument => format!("write `name = \"{suggested}\"`"),
        }
    }
}

/// The problems promtool would report about the name of a metric of this kind. The name is
/// already known to be a valid Prometheus name without colons.
pub fn metric_name(name: &str, kind: Kind, source: NameSource) -> Vec<String> {
    let mut problems = Vec::new();

    if has_camel_case(name) {
        let snake = to_snake_case(name);
        problems.push(format!(
            "metric names are snake_case, not camelCase: {}",
            source.fix(&snake)
        ));
    }

    // promtool compares these lowercased.
    let lower = name.to_lowercase();

    match (kind.is_counter(), lower.ends_with("_total")) {
        (true, false) => {
            let suggested = match strip_suffix_ci(name, "_count") {
                Some(stem) => format!("{stem}_total"),
                None => format!("{name}_total"),
            };
            problems.push(format!(
                "a counter's name ends in `_total` (promtool requires it): {}",
                source.fix(&suggested)
            ));
        }
        (false, true) => {
            let stem = strip_suffix_ci(name, "_total").unwrap_or(name);
            problems.push(format!(
                "`_total` is the counter suffix, and this is {}: {}; or, if it only ever goes \
                 up, declare it as a counter (`IntCounter`, `Counter`)",
                kind.article_name(),
                source.fix(stem)
            ));
        }
        _ => {}
    }

    if !kind.is_counter() {
        for (suffix, owners) in [
            ("_bucket", "histograms"),
            ("_count", "histograms and summaries"),
            ("_sum", "histograms and summaries"),
        ] {
            let reserved_here = match suffix {
                "_bucket" => !kind.is_histogram(),
                _ => !kind.is_histogram() && !kind.is_summary(),
            };
            if let (true, Some(stem)) = (reserved_here, strip_suffix_ci(name, suffix)) {
                problems.push(format!(
                    "the suffix `{suffix}` is reserved for the series of {owners} (a \
                     histogram `{stem}` exposes `{stem}{suffix}`): {}",
                    source.fix(stem)
                ));
            }
        }
        if !kind.is_gauge() {
            if let Some(stem) = strip_suffix_ci(name, "_timestamp_seconds") {
                problems.push(format!(
                    "`_timestamp_seconds` names a gauge that holds a Unix time, and this is \
                     {}: declare it as `Gauge`, or {}",
                    kind.article_name(),
                    source.fix(&format!("{stem}_seconds"))
                ));
            }
        }
    }

    for type_name in [
        "counter",
        "gauge",
        "histogram",
        "summary",
        "gauge_histogram",
    ] {
        let infix = format!("_{type_name}_");
        let suffix = format!("_{type_name}");
        let without = if let Some(at) = lower.find(&infix) {
            format!("{}{}", &name[..at], &name[at + suffix.len()..])
        } else if lower.ends_with(&suffix) {
            name[..name.len() - suffix.len()].to_owned()
        } else {
            continue;
        };
        problems.push(format!(
            "the metric type is in the `# TYPE` line, not in the name: drop `_{type_name}`: {}",
            source.fix(&without)
        ));
        // `x_gauge_histogram` would otherwise be reported three times.
        break;
    }

    let segments: Vec<&str> = name.split('_').collect();
    for (index, segment) in segments.iter().enumerate() {
        let lower_segment = segment.to_lowercase();
        let replace_with = |unit: &str| {
            let mut renamed = segments.clone();
            renamed[index] = unit;
            renamed.join("_")
        };
        if let Some((base, hint)) = non_base_unit(&lower_segment) {
            problems.push(format!(
                "Prometheus metrics use base units: `{base}`, not `{segment}`; record {hint} \
                 and {}",
                source.fix(&replace_with(base))
            ));
        } else if index > 0 {
            if let Some((full, hint)) = abbreviated_unit(&lower_segment) {
                problems.push(format!(
                    "`_{segment}` is an abbreviated unit: write the base unit out, `_{full}`{hint}: {}",
                    source.fix(&replace_with(full))
                ));
            }
        }
    }

    problems
}

/// What is wrong with this label name on a metric of this kind, if anything. The name is
/// already known to be a valid label name that does not start with `__`.
pub fn label_name(label: &str, kind: Kind) -> Option<String> {
    if let Some(reason) = kind.reserved_label(label) {
        return Some(format!(
            "the label `{label}` is reserved: {reason}; rename the label"
        ));
    }
    if has_camel_case(label) {
        return Some(format!(
            "label names are snake_case, not camelCase: write `\"{}\"`",
            to_snake_case(label)
        ));
    }
    None
}

impl Kind {
    /// Why `label` cannot be a label of this kind of metric: the labels each metric type adds
    /// to its own series, which promtool also refuses on every other type.
    pub fn reserved_label(self, label: &str) -> Option<&'static str> {
        match label {
            "le" if self.is_histogram() => {
                Some("a histogram uses `le` for the upper bound of each bucket")
            }
            "le" => Some("`le` holds histogram bucket bounds, and promtool refuses it elsewhere"),
            "quantile" if self.is_summary() => Some("a summary uses `quantile` for its quantiles"),
            "quantile" => {
                Some("`quantile` holds summary quantiles, and promtool refuses it elsewhere")
            }
            _ => None,
        }
    }
}

/// promtool's `[a-z][A-Z]`.
fn has_camel_case(name: &str) -> bool {
    name.as_bytes()
        .windows(2)
        .any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
}

fn to_snake_case(name: &str) -> String {
    let mut snake = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            snake.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        snake.push(c.to_ascii_lowercase());
    }
    snake
}

/// `name` without `suffix` (compared case-insensitively), if it ends with it and something is
/// left.
fn strip_suffix_ci<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let split = name.len().checked_sub(suffix.len())?;
    (split > 0 && name.is_char_boundary(split) && name[split..].eq_ignore_ascii_case(suffix))
        .then(|| &name[..split])
}

/// Base units and the non-base units promtool maps to them.
const UNITS: &[(&str, &str)] = &[
    ("amperes", "amperes"),
    ("bytes", "bytes"),
    ("celsius", "celsius"),
    ("grams", "grams"),
    ("joules", "joules"),
    ("kelvin", "kelvin"),
    ("meters", "meters"),
    ("metres", "metres"),
    ("seconds", "seconds"),
    ("volts", "volts"),
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

const UNIT_PREFIXES: &[&str] = &[
    "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi", "mega",
    "mibi", "mebi", "giga", "gibi", "tera", "tebi", "peta", "pebi",
];

/// The base unit to use instead of this name segment, and how to convert, if the segment is a
/// unit that is not a base unit (`milliseconds`, `kilobytes`, `hours`, `bits`).
fn non_base_unit(segment: &str) -> Option<(&'static str, &'static str)> {
    let base_of = |unit: &str| {
        UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, base)| *base)
    };
    let base = match base_of(segment) {
        Some(base) if base == segment => return None,
        Some(base) => base,
        None => UNIT_PREFIXES.iter().find_map(|prefix| {
            let unit = segment.strip_prefix(prefix)?;
            base_of(unit)
        })?,
    };
    Some((base, conversion_hint(base)))
}

/// Abbreviations promtool refuses, with the unit to write out and a note on converting.
fn abbreviated_unit(segment: &str) -> Option<(&'static str, &'static str)> {
    Some(match segment {
        "s" | "sec" => ("seconds", ""),
        "ms" | "us" | "ns" => ("seconds", " (record seconds: `elapsed.as_secs_f64()`)"),
        "h" | "d" => ("seconds", " (record seconds)"),
        "m" => ("meters", " (or `_seconds` if it meant minutes)"),
        "b" => ("bytes", ""),
        "kb" | "mb" | "gb" | "tb" | "pb" => ("bytes", " (record bytes)"),
        _ => return None,
    })
}

fn conversion_hint(base: &str) -> &'static str {
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

/// What a label name says its values are, when that is an unbounded set: ids, uuids, emails,
/// addresses, raw paths and urls. Each distinct value is a series of its own (the guide's last
/// best practice: "keep labels low cardinality, avoid user IDs, UUIDs as labels").
pub fn unbounded_label(label: &str) -> Option<&'static str> {
    let lower = label.to_ascii_lowercase();
    let words: Vec<&str> = lower.split('_').filter(|word| !word.is_empty()).collect();
    let last = *words.last()?;
    let any = |list: &[&str]| words.iter().any(|word| list.contains(word));
    if any(&["uuid", "guid", "ulid"]) {
        Some("a uuid")
    } else if any(&["email", "mail"]) {
        Some("an email address")
    } else if matches!(
        last,
        "id" | "ids" | "uid" | "userid" | "sessionid" | "requestid" | "traceid" | "spanid"
    ) {
        Some("an id")
    } else if any(&["ip", "ipv4", "ipv6"]) || matches!(last, "addr" | "address") {
        Some("an address")
    } else if matches!(last, "path" | "url" | "uri" | "query") {
        Some("a raw path or url")
    } else if matches!(last, "username" | "token" | "phone") {
        Some("a per-user value")
    } else {
        None
    }
}

/// The compile error for an unbounded-looking label, naming it and the ways out.
pub fn unbounded_label_message(label: &str, what: &str, opt_out: &str) -> String {
    format!(
        "label `{label}` looks unbounded ({what}): every distinct value is a series of its own, \
         kept until removed, and past the cap (10,000 series by default) values go to the \
         `__overflow__` series. Use a closed label instead (an enum with \
         `#[derive(LabelValue)]`), a route template rather than the raw path, or a coarser \
         value (a status, a kind); if its values are bounded after all, or the cap is what you \
         want, say so with {opt_out}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_names_pass() {
        for (name, kind) in [
            ("voice_calls_total", Kind::IntCounter),
            ("voice_call_duration_seconds", Kind::Histogram),
            ("voice_active_calls", Kind::IntGauge),
            ("http_request_size_bytes", Kind::Histogram),
            ("process_start_time_seconds", Kind::Gauge),
            ("node_timestamp_seconds", Kind::Gauge),
            ("ms_queue_depth", Kind::IntGauge),
            ("metrics_core_rejected_samples_total", Kind::IntCounter),
        ] {
            assert_eq!(
                metric_name(name, kind, NameSource::Argument),
                Vec::<String>::new()
            );
        }
    }

    #[test]
    fn each_rule_suggests_a_name() {
        let check = |name, kind| metric_name(name, kind, NameSource::Argument);
        assert_eq!(
            check("jobs_count", Kind::IntCounter),
            [
                "a counter's name ends in `_total` (promtool requires it): write `name = \"jobs_total\"`"
            ]
        );
        assert_eq!(
            check("cache_size_kilobytes", Kind::Gauge),
            [
                "Prometheus metrics use base units: `bytes`, not `kilobytes`; record bytes and \
              write `name = \"cache_size_bytes\"`"
            ]
        );
        assert_eq!(
            check("uptime_h", Kind::Gauge),
            [
                "`_h` is an abbreviated unit: write the base unit out, `_seconds` (record seconds): \
              write `name = \"uptime_seconds\"`"
            ]
        );
        assert_eq!(
            check("queue_gauge_items", Kind::IntGauge),
            [
                "the metric type is in the `# TYPE` line, not in the name: drop `_gauge`: write \
              `name = \"queue_items\"`"
            ]
        );
        assert_eq!(
            check("last_run_timestamp_seconds", Kind::Histogram).len(),
            1,
            "only the gauge-only suffix"
        );
    }

    #[test]
    fn ident_fix_names_the_static() {
        assert_eq!(
            NameSource::Ident.fix("voice_calls_total"),
            "rename the static to `VOICE_CALLS_TOTAL` (or set `#[metric(name = \"voice_calls_total\")]`)"
        );
    }

    #[test]
    fn snake_case_conversion() {
        assert_eq!(to_snake_case("httpRequestsTotal"), "http_requests_total");
        assert_eq!(to_snake_case("voice2Calls"), "voice2_calls");
    }

    #[test]
    fn unbounded_labels_are_recognised_by_their_words() {
        for label in [
            "user_id",
            "id",
            "session_id",
            "requestid",
            "trace_id",
            "span_id",
            "object_uuid",
            "email",
            "client_ip",
            "remote_addr",
            "path",
            "raw_path",
            "url",
            "uri",
            "token",
        ] {
            assert!(unbounded_label(label).is_some(), "{label}");
        }
        for label in [
            "status", "method", "endpoint", "route", "tenant", "user", "kind", "pid", "region",
            "ship", "idle", "grid",
        ] {
            assert_eq!(unbounded_label(label), None, "{label}");
        }
    }
}
