//! snake_case: how a Rust name (`NoAnswer`, `HTTPError`) becomes a Prometheus value, and what
//! promtool calls camelCase.

/// A Rust type or variant name in snake_case: `NoAnswer` -> `no_answer`, `HTTPError` ->
/// `http_error`, `Http2` -> `http2`, `Io2Failure` -> `io2_failure`. A run of capitals is one
/// word, whose last capital starts the next word when a lower-case letter follows it. Also the
/// name suggested for a camelCase metric or label name (`queueTime` -> `queue_time`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|next| next.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// promtool's camelCase test, `[a-z][A-Z]` anywhere in the name.
pub fn has_camel_case(name: &str) -> bool {
    name.as_bytes()
        .windows(2)
        .any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_rust_names() {
        for (name, snake) in [
            ("Completed", "completed"),
            ("NoAnswer", "no_answer"),
            ("HTTPError", "http_error"),
            ("Http2", "http2"),
            ("Status5xx", "status5xx"),
            ("Io2Failure", "io2_failure"),
            ("IPv4", "i_pv4"),
            ("httpRequestsTotal", "http_requests_total"),
            ("voice2Calls", "voice2_calls"),
            ("queueTime_ms", "queue_time_ms"),
        ] {
            assert_eq!(snake_case(name), snake, "{name}");
        }
    }

    #[test]
    fn camel_case_is_a_lower_then_an_upper_letter() {
        assert!(has_camel_case("queueTime"));
        assert!(!has_camel_case("HTTP_ERRORS"));
        assert!(!has_camel_case("http_errors"));
        assert!(!has_camel_case("Http"));
    }
}
