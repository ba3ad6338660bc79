//! Typed labels: `#[derive(LabelValue)]`, `#[derive(LabelSet)]` and `Family<L, M>`.

use metrics_core::{
    Error, Family, Histogram, IntCounter, IntGauge, LabelSet, LabelValue, metric, registry,
};

/// How a call ended.
#[derive(Clone, Copy, Debug, LabelValue)]
enum CallStatus {
    Completed,
    NoAnswer,
    Busy,
    #[label(rename = "failed_other")]
    Failed,
}

#[derive(Clone, Copy, LabelValue)]
enum Direction {
    Inbound,
    Outbound,
}

#[derive(LabelSet)]
struct CallLabels {
    direction: Direction,
    recorded: bool,
}

#[derive(Clone, Copy, LabelValue)]
enum Method {
    Get,
    Post,
}

/// An open label set: `route` is any string, borrowed at lookup.
#[derive(LabelSet)]
struct RouteLabels<'a> {
    method: Method,
    route: &'a str,
    status: u16,
}

/// Calls by final status.
#[metric(labels = ["status"])]
static TYPED_CALLS_TOTAL: Family<CallStatus, IntCounter>;

/// Calls by direction and whether they were recorded.
#[metric]
static TYPED_CALL_LEGS_TOTAL: Family<CallLabels, IntCounter>;

/// Requests by method, route and status.
#[metric]
static TYPED_REQUESTS_TOTAL: Family<RouteLabels<'static>, IntCounter>;

/// Time to answer, by direction.
#[metric(labels = ["direction"], buckets = [1, 5])]
static TYPED_ANSWER_SECONDS: Family<Direction, Histogram>;

/// Open sessions by tenant and whether they are encrypted.
#[metric(labels = ["tenant", "encrypted"])]
static TYPED_SESSIONS: Family<(String, bool), IntGauge>;

/// Calls by final status, reset by a test.
#[metric(labels = ["status"])]
static TYPED_RESET_CALLS_TOTAL: Family<CallStatus, IntCounter>;

/// Capped at two series.
#[metric(labels = ["peer"])]
static TYPED_CAPPED_TOTAL: Family<String, IntCounter>;

#[test]
fn a_closed_family_exposes_every_series_at_zero_in_declaration_order() {
    assert_eq!(
        registry().render_only(&["typed_calls_total"]),
        "# HELP typed_calls_total Calls by final status.\n\
         # TYPE typed_calls_total counter\n\
         typed_calls_total{status=\"completed\"} 0\n\
         typed_calls_total{status=\"no_answer\"} 0\n\
         typed_calls_total{status=\"busy\"} 0\n\
         typed_calls_total{status=\"failed_other\"} 0\n"
    );
}

#[test]
fn a_derived_struct_names_its_labels_and_combines_closed_values() {
    TYPED_CALL_LEGS_TOTAL
        .get(CallLabels {
            direction: Direction::Outbound,
            recorded: true,
        })
        .inc_by(3);
    let labels = CallLabels {
        direction: Direction::Inbound,
        recorded: true,
    };
    TYPED_CALL_LEGS_TOTAL.get(&labels).inc();
    assert_eq!(TYPED_CALL_LEGS_TOTAL.get(&labels).get(), 1);
    assert_eq!(TYPED_CALL_LEGS_TOTAL.len(), 4);
    assert_eq!(
        TYPED_CALL_LEGS_TOTAL.label_names(),
        ["direction", "recorded"]
    );
    assert_eq!(
        registry().render_only(&["typed_call_legs_total"]),
        "# HELP typed_call_legs_total Calls by direction and whether they were recorded.\n\
         # TYPE typed_call_legs_total counter\n\
         typed_call_legs_total{direction=\"inbound\",recorded=\"false\"} 0\n\
         typed_call_legs_total{direction=\"inbound\",recorded=\"true\"} 1\n\
         typed_call_legs_total{direction=\"outbound\",recorded=\"false\"} 0\n\
         typed_call_legs_total{direction=\"outbound\",recorded=\"true\"} 3\n"
    );
}

#[test]
fn an_open_family_is_looked_up_with_borrowed_values_and_escapes_them() {
    let route = String::from("/calls/\"new\"");
    for _ in 0..2 {
        TYPED_REQUESTS_TOTAL
            .get(RouteLabels {
                method: Method::Post,
                route: &route,
                status: 201,
            })
            .inc();
    }
    TYPED_REQUESTS_TOTAL
        .get(RouteLabels {
            method: Method::Get,
            route: "/calls",
            status: 200,
        })
        .inc();
    assert_eq!(TYPED_REQUESTS_TOTAL.len(), 2);
    assert_eq!(
        registry().render_only(&["typed_requests_total"]),
        "# HELP typed_requests_total Requests by method, route and status.\n\
         # TYPE typed_requests_total counter\n\
         typed_requests_total{method=\"get\",route=\"/calls\",status=\"200\"} 1\n\
         typed_requests_total{method=\"post\",route=\"/calls/\\\"new\\\"\",status=\"201\"} 2\n"
    );
}

#[test]
fn a_histogram_family_renders_buckets_per_series() {
    TYPED_ANSWER_SECONDS.get(Direction::Inbound).observe(2.0);
    assert_eq!(
        registry().render_only(&["typed_answer_seconds"]),
        "# HELP typed_answer_seconds Time to answer, by direction.\n\
         # TYPE typed_answer_seconds histogram\n\
         typed_answer_seconds_bucket{direction=\"inbound\",le=\"1\"} 0\n\
         typed_answer_seconds_bucket{direction=\"inbound\",le=\"5\"} 1\n\
         typed_answer_seconds_bucket{direction=\"inbound\",le=\"+Inf\"} 1\n\
         typed_answer_seconds_sum{direction=\"inbound\"} 2\n\
         typed_answer_seconds_count{direction=\"inbound\"} 1\n\
         typed_answer_seconds_bucket{direction=\"outbound\",le=\"1\"} 0\n\
         typed_answer_seconds_bucket{direction=\"outbound\",le=\"5\"} 0\n\
         typed_answer_seconds_bucket{direction=\"outbound\",le=\"+Inf\"} 0\n\
         typed_answer_seconds_sum{direction=\"outbound\"} 0\n\
         typed_answer_seconds_count{direction=\"outbound\"} 0\n"
    );
}

#[test]
fn tuples_take_their_names_from_the_attribute_and_removed_series_come_back_new() {
    TYPED_SESSIONS.get(("acme".to_owned(), true)).set(4);
    TYPED_SESSIONS.get(("zeta".to_owned(), false)).set(1);
    let handle = TYPED_SESSIONS.get(("acme".to_owned(), true));
    assert_eq!(TYPED_SESSIONS.remove(("acme".to_owned(), true)), Ok(()));
    assert_eq!(
        TYPED_SESSIONS.remove(("acme".to_owned(), true)),
        Err(Error::SeriesNotFound {
            metric: "typed_sessions",
            values: vec!["acme".to_owned(), "true".to_owned()],
        })
    );
    // A handle kept across the removal still works, on the detached series: never exposed.
    handle.inc();
    assert_eq!(handle.get(), 5);
    drop(handle);
    assert_eq!(
        registry().render_only(&["typed_sessions"]),
        "# HELP typed_sessions Open sessions by tenant and whether they are encrypted.\n\
         # TYPE typed_sessions gauge\n\
         typed_sessions{tenant=\"zeta\",encrypted=\"false\"} 1\n"
    );
    // Asked for again: a new series, at zero.
    assert_eq!(TYPED_SESSIONS.get(("acme".to_owned(), true)).get(), 0);
    assert_eq!(TYPED_SESSIONS.len(), 2);
}

#[test]
fn closed_series_are_never_removed_but_reset_to_zero() {
    TYPED_RESET_CALLS_TOTAL.get(CallStatus::Busy).inc();
    TYPED_RESET_CALLS_TOTAL.get(CallStatus::Failed).inc_by(2);
    assert_eq!(TYPED_RESET_CALLS_TOTAL.remove(CallStatus::Busy), Ok(()));
    assert_eq!(TYPED_RESET_CALLS_TOTAL.get(CallStatus::Busy).get(), 0);
    assert_eq!(TYPED_RESET_CALLS_TOTAL.get(CallStatus::Failed).get(), 2);
    assert_eq!(TYPED_RESET_CALLS_TOTAL.len(), 4);
    TYPED_RESET_CALLS_TOTAL.reset();
    assert_eq!(TYPED_RESET_CALLS_TOTAL.len(), 4);
    for status in [CallStatus::Completed, CallStatus::Busy, CallStatus::Failed] {
        assert_eq!(TYPED_RESET_CALLS_TOTAL.get(status).get(), 0, "{status:?}");
    }
}

#[test]
fn an_open_family_is_capped_like_a_vec() {
    TYPED_CAPPED_TOTAL.set_max_series(2);
    for peer in ["a", "b", "c", "d"] {
        TYPED_CAPPED_TOTAL.get(peer.to_owned()).inc();
    }
    // The two series and the overflow series.
    assert_eq!(TYPED_CAPPED_TOTAL.len(), 3);
    assert_eq!(
        registry().render_only(&["typed_capped_total"]),
        "# HELP typed_capped_total Capped at two series.\n\
         # TYPE typed_capped_total counter\n\
         typed_capped_total{peer=\"__overflow__\"} 2\n\
         typed_capped_total{peer=\"a\"} 1\n\
         typed_capped_total{peer=\"b\"} 1\n"
    );
}

#[test]
fn gather_gives_the_typed_values_as_label_pairs() {
    let families = registry().gather();
    let family = families
        .iter()
        .find(|family| family.name() == "typed_calls_total")
        .expect("registered");
    let statuses: Vec<&str> = family
        .get_metric()
        .iter()
        .map(|metric| metric.get_label()[0].value())
        .collect();
    assert_eq!(statuses, ["completed", "no_answer", "busy", "failed_other"]);
}

#[test]
fn label_values_and_sets_describe_themselves() {
    assert_eq!(
        CallStatus::VALUES,
        Some(&["completed", "no_answer", "busy", "failed_other"][..])
    );
    assert_eq!(CallStatus::NoAnswer.index(), 1);
    assert_eq!(<CallLabels as LabelSet>::CARDINALITY, Some(4));
    assert_eq!(<RouteLabels<'_> as LabelSet>::CARDINALITY, None);
    assert_eq!(
        <RouteLabels<'_> as LabelSet>::NAMES,
        Some(&["method", "route", "status"][..])
    );
}

/// Requests by peer, created concurrently.
#[metric(labels = ["peer"])]
static TYPED_CONCURRENT_TOTAL: Family<u32, IntCounter>;

#[test]
fn concurrent_creation_lookups_and_scrapes_lose_nothing() {
    const THREADS: u32 = 4;
    const PEERS: u32 = 2_000;
    const ROUNDS: u32 = 5;
    let done = std::sync::atomic::AtomicBool::new(false);
    let scrapes = std::thread::scope(|scope| {
        let scraper = scope.spawn(|| {
            let mut scrapes = 0;
            let mut previous_series = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let text = registry().render_only(&["typed_concurrent_total"]);
                let series = text.lines().filter(|line| !line.starts_with('#')).count();
                // The table grows while it is read: a scrape never loses a series it saw.
                assert!(series >= previous_series, "{series} < {previous_series}");
                previous_series = series;
                scrapes += 1;
            }
            scrapes
        });
        let writers: Vec<_> = (0..THREADS)
            .map(|thread| {
                scope.spawn(move || {
                    for round in 0..ROUNDS {
                        // Every thread walks every peer, from a different starting point, so
                        // that creations race.
                        for i in 0..PEERS {
                            let peer = (i + thread * 500 + round * 7) % PEERS;
                            TYPED_CONCURRENT_TOTAL.get(peer).inc();
                        }
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        scraper.join().unwrap()
    });
    assert!(scrapes > 0);
    assert_eq!(TYPED_CONCURRENT_TOTAL.len(), PEERS as usize);
    for peer in 0..PEERS {
        assert_eq!(
            TYPED_CONCURRENT_TOTAL.get(peer).get(),
            u64::from(THREADS * ROUNDS),
            "peer {peer}"
        );
    }
}

/// Call setup time by direction, with quantiles.
#[metric(labels = ["direction"], objectives = [(0.5, 0.05)], max_age = 60, age_buckets = 2)]
static TYPED_SETUP_SECONDS: Family<Direction, metrics_core::Summary>;

#[test]
fn a_summary_family_has_quantiles_per_series() {
    for value in [1.0, 2.0, 3.0] {
        TYPED_SETUP_SECONDS.get(Direction::Outbound).observe(value);
    }
    assert_eq!(
        registry().render_only(&["typed_setup_seconds"]),
        "# HELP typed_setup_seconds Call setup time by direction, with quantiles.\n\
         # TYPE typed_setup_seconds summary\n\
         typed_setup_seconds{direction=\"inbound\",quantile=\"0.5\"} NaN\n\
         typed_setup_seconds_sum{direction=\"inbound\"} 0\n\
         typed_setup_seconds_count{direction=\"inbound\"} 0\n\
         typed_setup_seconds{direction=\"outbound\",quantile=\"0.5\"} 2\n\
         typed_setup_seconds_sum{direction=\"outbound\"} 6\n\
         typed_setup_seconds_count{direction=\"outbound\"} 3\n"
    );
}

/// The state of the call router: the same enum as the `status` label values.
#[metric]
static TYPED_LAST_STATUS: metrics_core::StateSet<CallStatus>;

#[test]
fn one_enum_is_both_label_values_and_the_states_of_a_state_set() {
    TYPED_LAST_STATUS.set(CallStatus::Failed);
    assert_eq!(TYPED_LAST_STATUS.state().map(|s| s.index()), Some(3));
    assert_eq!(
        registry().render_only(&["typed_last_status"]),
        "# HELP typed_last_status The state of the call router: the same enum as the `status` label values.\n\
         # TYPE typed_last_status gauge\n\
         typed_last_status{typed_last_status=\"completed\"} 0\n\
         typed_last_status{typed_last_status=\"no_answer\"} 0\n\
         typed_last_status{typed_last_status=\"busy\"} 0\n\
         typed_last_status{typed_last_status=\"failed_other\"} 1\n"
    );
}

/// Calls by direction, in one region.
#[metric(labels = ["direction"], const_labels = [("region", "eu-west")])]
static TYPED_REGION_CALLS_TOTAL: Family<Direction, IntCounter>;

/// Requests by route, in one region.
#[metric(labels = ["route"], const_labels = [("region", "eu-west")])]
static TYPED_REGION_ROUTES_TOTAL: Family<String, IntCounter>;

#[test]
fn constant_labels_come_first_on_closed_and_open_families() {
    TYPED_REGION_CALLS_TOTAL.get(Direction::Inbound).inc();
    TYPED_REGION_ROUTES_TOTAL.get("/calls".to_owned()).inc_by(2);
    assert_eq!(
        registry().render_only(&["typed_region_calls_total", "typed_region_routes_total"]),
        "# HELP typed_region_calls_total Calls by direction, in one region.\n\
         # TYPE typed_region_calls_total counter\n\
         typed_region_calls_total{region=\"eu-west\",direction=\"inbound\"} 1\n\
         typed_region_calls_total{region=\"eu-west\",direction=\"outbound\"} 0\n\
         # HELP typed_region_routes_total Requests by route, in one region.\n\
         # TYPE typed_region_routes_total counter\n\
         typed_region_routes_total{region=\"eu-west\",route=\"/calls\"} 2\n"
    );
    let families = registry().gather();
    let routes = families
        .iter()
        .find(|family| family.name() == "typed_region_routes_total")
        .unwrap();
    let pairs: Vec<(&str, &str)> = routes.get_metric()[0]
        .get_label()
        .iter()
        .map(|pair| (pair.name(), pair.value()))
        .collect();
    assert_eq!(pairs, [("region", "eu-west"), ("route", "/calls")]);
}

/// A field named with a keyword, a mixed closed/open set.
#[derive(LabelSet)]
struct KeywordLabels<'a> {
    r#type: Direction,
    #[label(rename = "peer_name")]
    peer: &'a str,
}

/// Messages by type and peer.
#[metric]
static TYPED_MESSAGES_TOTAL: Family<KeywordLabels<'static>, IntCounter>;

/// Never holds a series of its own.
#[metric(labels = ["peer"])]
static TYPED_NO_SERIES_TOTAL: Family<String, IntCounter>;

#[test]
fn raw_identifiers_and_renamed_fields_name_labels() {
    let peer = String::from("sbc-1");
    TYPED_MESSAGES_TOTAL
        .get(KeywordLabels {
            r#type: Direction::Outbound,
            peer: &peer,
        })
        .inc();
    assert_eq!(TYPED_MESSAGES_TOTAL.label_names(), ["type", "peer_name"]);
    assert_eq!(
        registry().render_only(&["typed_messages_total"]),
        "# HELP typed_messages_total Messages by type and peer.\n\
         # TYPE typed_messages_total counter\n\
         typed_messages_total{type=\"outbound\",peer_name=\"sbc-1\"} 1\n"
    );
}

#[test]
fn a_cap_of_zero_sends_everything_to_the_overflow_series() {
    TYPED_NO_SERIES_TOTAL.set_max_series(0);
    for peer in ["a", "b"] {
        TYPED_NO_SERIES_TOTAL.get(peer.to_owned()).inc();
    }
    assert_eq!(
        registry().render_only(&["typed_no_series_total"]),
        "# HELP typed_no_series_total Never holds a series of its own.\n\
         # TYPE typed_no_series_total counter\n\
         typed_no_series_total{peer=\"__overflow__\"} 2\n"
    );
}

/// 2^13 = 8,192 combinations: past `MAX_CLOSED_SERIES`, so created on use like an open set.
#[derive(LabelSet)]
struct ManyFlags {
    a: bool,
    b: bool,
    c: bool,
    d: bool,
    e: bool,
    f: bool,
    g: bool,
    h: bool,
    i: bool,
    j: bool,
    k: bool,
    l: bool,
    m: bool,
}

/// Feature combinations seen.
#[metric]
static TYPED_FLAG_COMBINATIONS_TOTAL: Family<ManyFlags, IntCounter>;

#[test]
fn a_closed_set_past_the_limit_is_created_on_use() {
    assert_eq!(<ManyFlags as LabelSet>::CARDINALITY, Some(8192));
    const { assert!(8192 > metrics_core::MAX_CLOSED_SERIES) };
    assert_eq!(TYPED_FLAG_COMBINATIONS_TOTAL.len(), 0);
    let flags = |a| ManyFlags {
        a,
        b: false,
        c: false,
        d: false,
        e: false,
        f: false,
        g: false,
        h: false,
        i: false,
        j: false,
        k: false,
        l: false,
        m: true,
    };
    TYPED_FLAG_COMBINATIONS_TOTAL.get(flags(true)).inc();
    TYPED_FLAG_COMBINATIONS_TOTAL.get(flags(true)).inc();
    assert_eq!(TYPED_FLAG_COMBINATIONS_TOTAL.len(), 1);
    assert_eq!(TYPED_FLAG_COMBINATIONS_TOTAL.get(flags(true)).get(), 2);
    assert_eq!(TYPED_FLAG_COMBINATIONS_TOTAL.get(flags(false)).get(), 0);
    assert_eq!(TYPED_FLAG_COMBINATIONS_TOTAL.len(), 2);
}

/// An enum named like a generic parameter, with a keyword variant.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, LabelValue)]
enum R {
    r#type,
    Plain,
}

/// Messages by kind.
#[metric(labels = ["kind"])]
static TYPED_KINDS_TOTAL: Family<R, IntCounter>;

#[test]
fn generated_code_is_hygienic_and_raw_variants_lose_their_prefix() {
    TYPED_KINDS_TOTAL.get(R::r#type).inc();
    assert_eq!(R::VALUES, Some(&["type", "plain"][..]));
    assert_eq!(TYPED_KINDS_TOTAL.get(R::Plain).get(), 0);
    assert_eq!(TYPED_KINDS_TOTAL.get(R::r#type).get(), 1);
}
