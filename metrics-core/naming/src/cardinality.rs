//! Label names that say their values are an unbounded set.

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

#[cfg(test)]
mod tests {
    use super::*;

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
