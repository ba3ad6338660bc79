//! Property tests: random values (NaN, infinities, negative, huge, subnormal, -0) and arbitrary
//! label values (any Unicode, quotes, backslashes, newlines, NUL, huge strings) recorded into
//! every metric type, rendered in the text format 0.0.4 and in OpenMetrics, parsed back, and
//! compared with what was recorded: values bit for bit, label values exactly.
//!
//! The parser is `common::expo`, strict and written from the specifications. A sample of the
//! cases also goes through Prometheus' own parsers: `promtool check metrics` (the text format)
//! and `promtool tsdb create-blocks-from openmetrics` + `promtool tsdb dump` (OpenMetrics, back
//! out of a real TSDB block), compared with the same model.
//!
//! Cases: 256 (`METRICS_LONG_TESTS=1`: 4,096; `PROPTEST_CASES=N` overrides both); Prometheus
//! checks one case in 8, at most 32 (long: 256).
//!
//! Label values are `AsRef<str>`: bytes that are not UTF-8 cannot be passed at all (it does not
//! compile), so there is no invalid UTF-8 to render; a caller with raw bytes converts them
//! first, e.g. with `String::from_utf8_lossy`.

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::expo::{self, Dialect, Exposition};
use metrics_core::{
    CounterVec, Error, Format, Gauge, GaugeVec, HistogramVec, IntCounterVec, IntGaugeVec, metric,
    registry,
};
use proptest::prelude::*;

/// Float counter with two open labels.
#[metric(labels = ["a", "b"])]
static RT_WORK_SECONDS_TOTAL: CounterVec;

/// Integer counter.
#[metric(labels = ["a"])]
static RT_EVENTS_TOTAL: IntCounterVec;

/// Float gauge.
#[metric(labels = ["a"])]
static RT_TEMPERATURE_CELSIUS: GaugeVec;

/// Integer gauge.
#[metric(labels = ["a"])]
static RT_QUEUED: IntGaugeVec;

/// Histogram with negative, zero, tiny and huge bounds.
#[metric(labels = ["a"], buckets = [-1.5, 0, 0.001, 1, 1e300])]
static RT_DELAY_SECONDS: HistogramVec;

/// Unlabelled gauge.
#[metric]
static RT_LOAD_RATIO: Gauge;

const FAMILIES: [&str; 6] = [
    "rt_work_seconds_total",
    "rt_events_total",
    "rt_temperature_celsius",
    "rt_queued",
    "rt_delay_seconds",
    "rt_load_ratio",
];
const BOUNDS: [f64; 5] = [-1.5, 0.0, 0.001, 1.0, 1e300];

#[derive(Clone, Debug)]
enum Op {
    CounterAdd(String, String, f64),
    IntCounterAdd(String, u64),
    GaugeSet(String, f64),
    GaugeAdd(String, f64),
    IntGaugeSet(String, i64),
    IntGaugeAdd(String, i64),
    Observe(String, f64),
    RatioSet(f64),
    /// `get_metric_with_label_values` on the one-label gauge with a count other than one.
    WrongCount(Vec<String>),
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        2 => -1e3..1e3f64,
        1 => prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            5e-324,
            f64::MIN_POSITIVE / 3.0,
            f64::MAX,
            f64::MIN,
            1e300,
            0.001,
            -1.5,
            0.1,
        ]),
    ]
}

fn label() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '"',
        '\\',
        '\n',
        '\r',
        '\t',
        '\0',
        '{',
        '}',
        '=',
        ',',
        ' ',
        '#',
        '\u{7f}',
        '\u{2028}',
        '\u{feff}',
        '\u{fffd}',
        '\u{10ffff}',
        'é',
    ]);
    prop_oneof![
        // Few distinct short values, so that series are hit more than once.
        6 => "[a-c]{0,2}",
        4 => prop::collection::vec(prop_oneof![any::<char>(), tricky], 0..24)
            .prop_map(String::from_iter),
        1 => (any::<char>(), 1usize..100_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (label(), label(), value()).prop_map(|(a, b, v)| Op::CounterAdd(a, b, v)),
        (label(), prop_oneof![0..10u64, any::<u64>()]).prop_map(|(a, v)| Op::IntCounterAdd(a, v)),
        (label(), value()).prop_map(|(a, v)| Op::GaugeSet(a, v)),
        (label(), value()).prop_map(|(a, v)| Op::GaugeAdd(a, v)),
        (label(), any::<i64>()).prop_map(|(a, v)| Op::IntGaugeSet(a, v)),
        (label(), any::<i64>()).prop_map(|(a, v)| Op::IntGaugeAdd(a, v)),
        (label(), value()).prop_map(|(a, v)| Op::Observe(a, v)),
        value().prop_map(Op::RatioSet),
        prop::collection::vec(label(), 0..5)
            .prop_filter("one value is the right count", |v| v.len() != 1)
            .prop_map(Op::WrongCount),
    ]
}

/// What a sample should read back as.
#[derive(Clone, Copy, Debug)]
enum Expected {
    Float(f64),
    Unsigned(u64),
    Signed(i64),
}

impl Expected {
    fn as_f64(self) -> f64 {
        match self {
            Expected::Float(v) => v,
            Expected::Unsigned(v) => v as f64,
            Expected::Signed(v) => v as f64,
        }
    }
}

type Key = (String, BTreeMap<String, String>);

/// The recorded state, kept independently of the library.
#[derive(Default)]
struct Model {
    work: BTreeMap<(String, String), f64>,
    events: BTreeMap<String, u64>,
    temperature: BTreeMap<String, f64>,
    queued: BTreeMap<String, i64>,
    /// Per-bucket (not cumulative) counts, one more than `BOUNDS`, and the sum.
    delay: BTreeMap<String, (Vec<u64>, f64)>,
    ratio: f64,
    /// Rejected samples by (metric, reason).
    rejected: BTreeMap<(&'static str, &'static str), u64>,
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// `le` values compare as numbers: `1` and `1.0` are the same bound.
fn normalise_le(mut labels: BTreeMap<String, String>) -> BTreeMap<String, String> {
    if let Some(le) = labels.get_mut("le") {
        *le = format!("{:?}", expo::parse_value(le).expect("le is a number"));
    }
    labels
}

impl Model {
    fn apply(&mut self, op: &Op) {
        match op {
            Op::CounterAdd(a, b, delta) => {
                let counter = RT_WORK_SECONDS_TOTAL.with_label_values(&[a, b]);
                let value = self.work.entry((a.clone(), b.clone())).or_insert(0.0);
                if delta.is_nan() || *delta < 0.0 {
                    let error = counter.try_inc_by(*delta).unwrap_err();
                    let reason = if delta.is_nan() { "nan" } else { "negative" };
                    let why = if delta.is_nan() {
                        "a counter cannot add NaN"
                    } else {
                        "a counter cannot go down"
                    };
                    assert_eq!(
                        error.to_string(),
                        format!("metric `rt_work_seconds_total` rejected the value {delta}: {why}")
                    );
                    counter.inc_by(*delta);
                    *self
                        .rejected
                        .entry(("rt_work_seconds_total", reason))
                        .or_default() += 1;
                } else {
                    counter.inc_by(*delta);
                    *value += *delta;
                }
            }
            Op::IntCounterAdd(a, delta) => {
                RT_EVENTS_TOTAL.with_label_values(&[a]).inc_by(*delta);
                // An integer counter wraps around at 2^64, as `AtomicU64` does.
                let value = self.events.entry(a.clone()).or_insert(0);
                *value = value.wrapping_add(*delta);
            }
            Op::GaugeSet(a, v) => {
                RT_TEMPERATURE_CELSIUS.with_label_values(&[a]).set(*v);
                self.temperature.insert(a.clone(), *v);
            }
            Op::GaugeAdd(a, v) => {
                RT_TEMPERATURE_CELSIUS.with_label_values(&[a]).add(*v);
                *self.temperature.entry(a.clone()).or_insert(0.0) += *v;
            }
            Op::IntGaugeSet(a, v) => {
                RT_QUEUED.with_label_values(&[a]).set(*v);
                self.queued.insert(a.clone(), *v);
            }
            Op::IntGaugeAdd(a, v) => {
                RT_QUEUED.with_label_values(&[a]).add(*v);
                let value = self.queued.entry(a.clone()).or_insert(0);
                *value = value.wrapping_add(*v);
            }
            Op::Observe(a, v) => {
                let histogram = RT_DELAY_SECONDS.with_label_values(&[a]);
                let (counts, sum) = self
                    .delay
                    .entry(a.clone())
                    .or_insert_with(|| (vec![0; BOUNDS.len() + 1], 0.0));
                if v.is_nan() {
                    assert_eq!(
                        histogram.try_observe(*v).unwrap_err().to_string(),
                        "metric `rt_delay_seconds` rejected the value NaN: \
                         a histogram cannot observe NaN"
                    );
                    histogram.observe(*v);
                    *self
                        .rejected
                        .entry(("rt_delay_seconds", "nan"))
                        .or_default() += 1;
                } else {
                    histogram.observe(*v);
                    let bucket = BOUNDS
                        .iter()
                        .position(|bound| *v <= *bound)
                        .unwrap_or(BOUNDS.len());
                    counts[bucket] += 1;
                    *sum += *v;
                }
            }
            Op::RatioSet(v) => {
                RT_LOAD_RATIO.set(*v);
                self.ratio = *v;
            }
            Op::WrongCount(values) => {
                let error = RT_TEMPERATURE_CELSIUS
                    .get_metric_with_label_values(values)
                    .err()
                    .expect("a wrong label count is an error");
                assert!(matches!(error, Error::LabelCount { got, .. } if got == values.len()));
                assert_eq!(
                    error.to_string(),
                    format!(
                        "metric `rt_temperature_celsius` has 1 label(s) [\"a\"], but {} value(s) \
                         were given",
                        values.len()
                    )
                );
            }
        }
    }

    /// Every sample the exposition must hold (without OpenMetrics' `_created`).
    fn samples(&self) -> BTreeMap<Key, Expected> {
        let mut out = BTreeMap::new();
        let mut put = |name: &str, pairs: &[(&str, &str)], value| {
            // `le` is already in the normalised form (`{:?}` of the bound).
            out.insert((name.to_owned(), labels(pairs)), value);
        };
        for ((a, b), v) in &self.work {
            put(
                "rt_work_seconds_total",
                &[("a", a), ("b", b)],
                Expected::Float(*v),
            );
        }
        for (a, v) in &self.events {
            put("rt_events_total", &[("a", a)], Expected::Unsigned(*v));
        }
        for (a, v) in &self.temperature {
            put("rt_temperature_celsius", &[("a", a)], Expected::Float(*v));
        }
        for (a, v) in &self.queued {
            put("rt_queued", &[("a", a)], Expected::Signed(*v));
        }
        for (a, (counts, sum)) in &self.delay {
            let mut cumulative = 0;
            for (bound, count) in BOUNDS.iter().chain([&f64::INFINITY]).zip(counts) {
                cumulative += count;
                let le = format!("{bound:?}");
                put(
                    "rt_delay_seconds_bucket",
                    &[("a", a), ("le", &le)],
                    Expected::Unsigned(cumulative),
                );
            }
            put("rt_delay_seconds_sum", &[("a", a)], Expected::Float(*sum));
            put(
                "rt_delay_seconds_count",
                &[("a", a)],
                Expected::Unsigned(cumulative),
            );
        }
        put("rt_load_ratio", &[], Expected::Float(self.ratio));
        out
    }
}

fn same_float(got: f64, want: f64) -> bool {
    // NaN has no payload on the wire: any NaN reads back as NaN.
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}

/// Compares a parsed exposition with the model, exactly.
fn check_exposition(parsed: &Exposition, dialect: Dialect, model: &Model) {
    let counter_family = match dialect {
        Dialect::Text => "rt_work_seconds_total",
        Dialect::OpenMetrics => "rt_work_seconds",
    };
    assert_eq!(parsed.type_of(counter_family), Some("counter"));
    assert_eq!(parsed.type_of("rt_delay_seconds"), Some("histogram"));
    assert_eq!(parsed.type_of("rt_queued"), Some("gauge"));
    let mut want = model.samples();
    let mut created = 0;
    for sample in &parsed.samples {
        if dialect == Dialect::OpenMetrics && sample.name.ends_with("_created") {
            assert!(sample.value.is_finite() && sample.value > 1e9, "{sample:?}");
            created += 1;
            continue;
        }
        let key = (sample.name.clone(), normalise_le(sample.labels.clone()));
        let expected = want
            .remove(&key)
            .unwrap_or_else(|| panic!("unexpected sample {key:?}"));
        let exact = match expected {
            Expected::Float(v) => same_float(sample.value, v),
            Expected::Unsigned(v) => sample.raw_value.parse::<u64>() == Ok(v),
            Expected::Signed(v) => sample.raw_value.parse::<i64>() == Ok(v),
        };
        assert!(
            exact,
            "{key:?}: read {:?}, recorded {expected:?}",
            sample.raw_value
        );
    }
    assert!(want.is_empty(), "missing samples: {want:?}");
    if dialect == Dialect::OpenMetrics {
        let series = model.work.len() + model.events.len() + model.delay.len();
        assert_eq!(
            created, series,
            "one _created per counter and histogram series"
        );
    }
}

/// The rejected-sample counts of this test's metrics.
fn rejected_counts() -> BTreeMap<(String, String), u64> {
    let text = registry().render_only(&["metrics_core_rejected_samples_total"]);
    expo::parse(&text, Dialect::Text)
        .unwrap()
        .samples
        .into_iter()
        .filter(|s| s.labels["metric"].starts_with("rt_"))
        .map(|s| {
            let key = (s.labels["metric"].clone(), s.labels["reason"].clone());
            (key, s.raw_value.parse().unwrap())
        })
        .collect()
}

fn reset() {
    RT_WORK_SECONDS_TOTAL.reset();
    RT_EVENTS_TOTAL.reset();
    RT_TEMPERATURE_CELSIUS.reset();
    RT_QUEUED.reset();
    RT_DELAY_SECONDS.reset();
    RT_LOAD_RATIO.set(0.0);
}

fn long() -> bool {
    std::env::var("METRICS_LONG_TESTS").is_ok()
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if long() { 4096 } else { 256 });
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

static CASES: AtomicUsize = AtomicUsize::new(0);
static PROMTOOL_CASES: AtomicUsize = AtomicUsize::new(0);
/// Asked once, so that a missing promtool is reported once, not once a case.
static PROMTOOL: LazyLock<bool> =
    LazyLock::new(|| common::tools::tool_available("promtool", "prometheus"));

/// Runs promtool with `args`, feeding `stdin`; returns stdout, or panics with stderr.
fn promtool(args: &[&str], stdin: &[u8]) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The OpenMetrics rendering read by Prometheus' OpenMetrics parser into a TSDB block and
/// dumped back: compared with the model as Prometheus sees values (as `f64`, so integers above
/// 2^53 round) and labels (an empty label value is no label in Prometheus).
fn check_with_prometheus(text: &str, openmetrics: &str, model: &Model) {
    promtool(&["check", "metrics"], text.as_bytes());

    // Backfilling needs a timestamp on every sample.
    let mut stamped = String::with_capacity(openmetrics.len() * 2);
    for line in openmetrics.lines() {
        stamped.push_str(line);
        if !line.starts_with('#') {
            stamped.push_str(" 1");
        }
        stamped.push('\n');
    }
    let dir = std::env::temp_dir().join(format!(
        "metrics-roundtrip-{}-{}",
        std::process::id(),
        CASES.load(Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("input.om");
    std::fs::write(&input, stamped).unwrap();
    let blocks = dir.join("blocks");
    let blocks_arg = blocks.to_str().unwrap();
    promtool(
        &[
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            input.to_str().unwrap(),
            blocks_arg,
        ],
        b"",
    );
    // `tsdb dump` opens the directory as a TSDB, which needs a write-ahead log directory.
    std::fs::create_dir_all(blocks.join("wal")).unwrap();
    let dump = promtool(&["tsdb", "dump", blocks_arg], b"");
    std::fs::remove_dir_all(&dir).unwrap();

    let without_empty = |labels: BTreeMap<String, String>| -> BTreeMap<String, String> {
        labels.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    };
    let mut want: BTreeMap<Key, f64> = model
        .samples()
        .into_iter()
        .map(|((name, labels), value)| ((name, without_empty(labels)), value.as_f64()))
        .collect();
    for line in dump.lines() {
        let (mut labels, value) = expo::parse_dump_line(line).unwrap();
        let name = labels.remove("__name__").unwrap();
        if name.ends_with("_created") {
            continue;
        }
        let key = (name, normalise_le(labels));
        let expected = want
            .remove(&key)
            .unwrap_or_else(|| panic!("Prometheus read an unexpected series {key:?}"));
        assert!(
            same_float(value, expected),
            "Prometheus read {key:?} as {value}, recorded {expected}"
        );
    }
    assert!(want.is_empty(), "Prometheus did not read {want:?}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn recorded_values_and_labels_read_back_exactly(ops in prop::collection::vec(op(), 1..32)) {
        let case = CASES.fetch_add(1, Ordering::Relaxed);
        reset();
        let rejected_before = rejected_counts();
        let mut model = Model::default();
        for op in &ops {
            model.apply(op);
        }

        let text = String::from_utf8(registry().encode(Format::Text, Some(&FAMILIES))).unwrap();
        let parsed = expo::parse(&text, Dialect::Text)
            .unwrap_or_else(|e| panic!("{e}\nin:\n{text}"));
        check_exposition(&parsed, Dialect::Text, &model);

        let openmetrics =
            String::from_utf8(registry().encode_with_created(Format::OpenMetrics, Some(&FAMILIES))).unwrap();
        let parsed = expo::parse(&openmetrics, Dialect::OpenMetrics)
            .unwrap_or_else(|e| panic!("{e}\nin:\n{openmetrics}"));
        check_exposition(&parsed, Dialect::OpenMetrics, &model);

        // Every rejected sample is counted, none more.
        let rejected_after = rejected_counts();
        for ((metric, reason), count) in &model.rejected {
            let key = (metric.to_string(), reason.to_string());
            let before = rejected_before.get(&key).copied().unwrap_or(0);
            prop_assert_eq!(rejected_after.get(&key).copied().unwrap_or(0) - before, *count);
        }
        let total = |counts: &BTreeMap<(String, String), u64>| counts.values().sum::<u64>();
        prop_assert_eq!(
            total(&rejected_after) - total(&rejected_before),
            model.rejected.values().sum::<u64>()
        );

        let limit = if long() { 256 } else { 32 };
        if case.is_multiple_of(8)
            && PROMTOOL_CASES.load(Ordering::Relaxed) < limit
            && *PROMTOOL
        {
            PROMTOOL_CASES.fetch_add(1, Ordering::Relaxed);
            check_with_prometheus(&text, &openmetrics, &model);
        }
        if case + 1 == config().cases as usize {
            eprintln!(
                "{} cases, {} of them also read back by promtool",
                case + 1,
                PROMTOOL_CASES.load(Ordering::Relaxed)
            );
        }
    }
}

/// The parser itself, on hand-written input: escapes, special values, what each dialect refuses.
#[test]
fn the_parser_reads_escapes_and_special_values() {
    let text = "# HELP a_total Some \\\\ help\\n.\n# TYPE a_total counter\n\
                a_total{x=\"q\\\"\\\\\\n,}=\",y=\"\"} +Inf\nb 1e-300\nc{z=\"1\",} NaN\n";
    let parsed = expo::parse(text, Dialect::Text).unwrap();
    assert_eq!(
        parsed.meta[0],
        expo::Meta::Help("a_total".into(), "Some \\ help\n.".into())
    );
    assert_eq!(parsed.samples[0].labels["x"], "q\"\\\n,}=");
    assert_eq!(parsed.samples[0].labels["y"], "");
    assert_eq!(parsed.samples[0].value, f64::INFINITY);
    assert_eq!(parsed.samples[1].value, 1e-300);
    assert!(parsed.samples[2].value.is_nan());
    assert!(expo::parse("a{x=\"\\t\"} 1\n", Dialect::Text).is_err());
    assert!(expo::parse("a 0x10\n", Dialect::Text).is_err());
    assert!(expo::parse("a 1\n", Dialect::OpenMetrics).is_err());
    assert!(expo::parse("a 1\n# EOF\n", Dialect::OpenMetrics).is_ok());
    assert!(expo::parse("a{z=\"1\",} 1\n# EOF\n", Dialect::OpenMetrics).is_err());
    let (labels, value) =
        expo::parse_dump_line(r#"{__name__="g", l="\"\\\n\x01\u200b√"} 1e+21 1000"#).unwrap();
    assert_eq!(labels["l"], "\"\\\n\x01\u{200b}√");
    assert_eq!(value, 1e21);
}
