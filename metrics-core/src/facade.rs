//! A recorder for the `metrics` facade (feature `metrics-facade`): `metrics::counter!`,
//! `gauge!` and `histogram!` from any crate (tokio-metrics, libraries, your own code) land in
//! the one registry, next to the `#[metric]` statics, in every exposition format.
//!
//! ```
//! // Before anything records: handles taken earlier stay no-ops (the facade's rule).
//! let recorder = metrics_core::facade::FacadeRecorder::new().install().unwrap();
//! metrics::describe_counter!("jobs_done_total", "Jobs finished.");
//! metrics::counter!("jobs_done_total", "queue" => "mail").increment(1);
//! let expected = [
//!     "# HELP jobs_done_total Jobs finished.",
//!     "# TYPE jobs_done_total counter",
//!     "jobs_done_total{queue=\"mail\"} 1",
//! ];
//! let text = metrics_core::registry().render_only(&["jobs_done_total"]);
//! assert_eq!(text, expected.join("\n") + "\n");
//! assert!(recorder.errors().is_empty());
//! ```
//!
//! - `describe_*` sets the `# HELP` text. A unit that the name does not already end with is
//!   added to it (`(unit: microseconds)`): the exposition formats have no other place for a
//!   unit that is not a base unit. The catalog lists the unit as given.
//! - A counter named without `_total` is exposed with it (`tokio_total_busy_duration_total`),
//!   so that the text format and OpenMetrics, which adds it, give Prometheus one name.
//! - Counters are integer counters (`absolute` never moves one backwards), gauges are floats,
//!   histograms get [`DEFAULT_BUCKETS`] unless
//!   [`FacadeRecorder::buckets`] or [`buckets_for`](FacadeRecorder::buckets_for) says otherwise.
//! - Nothing panics and nothing is lost silently. A key that cannot be exposed (an invalid
//!   metric or label name, a label given twice, a name used with another type, a name a
//!   `#[metric]` static or another collector already exposes) gets a no-op handle; the refusal
//!   is counted in `metrics_core_facade_rejected_total{reason}`, kept in
//!   [`FacadeRecorder::errors`], and reported once (per distinct refusal) to the error hook
//!   (standard error unless [`on_error`](FacadeRecorder::on_error) says otherwise).
//! - A family holds at most [`max_series`](FacadeRecorder::max_series) label combinations;
//!   later ones share one overflow series whose values are
//!   [`OVERFLOW_LABEL_VALUE`], counted in
//!   `metrics_core_cardinality_overflow_total`, as for `#[metric]` families.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram as FacadeHistogram, HistogramFn, Key, KeyName,
    Metadata, Recorder, SetRecorderError, SharedString, Unit,
};
use prometheus::core::{Collector, Desc};
use prometheus::proto;

use crate::dynamic::{check_buckets, check_label_name, check_metric_name, leak_descriptor};
use crate::metrics::atomic::AtomicF64;
use crate::metrics::metric::label_pair;
use crate::{
    DEFAULT_BUCKETS, DEFAULT_MAX_SERIES, Descriptor, Error, Histogram, IntCounterVec, Metric,
    MetricType, OVERFLOW_LABEL_VALUE, metric, registry,
};
use metrics_naming::exposed_names;

/// Keys of the `metrics` facade that were refused, by reason (`invalid_name`, `invalid_label`,
/// `invalid_buckets`, `type_mismatch`, `name_clash`).
#[metric(labels = ["reason"])]
static METRICS_CORE_FACADE_REJECTED_TOTAL: IntCounterVec;

/// The `metrics` facade's recorder, writing into the one registry; see the
/// [module documentation](self). Cheap to clone: clones share their families and errors; the
/// settings (buckets, series limit, error hook) are each handle's own, and apply to the
/// families it creates.
#[derive(Clone)]
pub struct FacadeRecorder {
    settings: Arc<Settings>,
    shared: Arc<Shared>,
}

#[derive(Clone)]
struct Settings {
    default_buckets: &'static [f64],
    buckets_for: Vec<(String, &'static [f64])>,
    max_series: usize,
    on_error: ErrorHook,
}

/// Reports a refused key; called once per distinct refusal.
type ErrorHook = Arc<dyn Fn(&Error) + Send + Sync>;

struct Shared {
    /// Every key seen, as given (labels in the caller's order): the lock-free-ish fast path.
    handles: RwLock<HashMap<Key, Handle>>,
    /// Families by name.
    families: Mutex<HashMap<String, Arc<FacadeFamily>>>,
    /// `describe_*` calls, by name, kept for families that do not exist yet.
    descriptions: Mutex<HashMap<String, Description>>,
    /// Refused keys: the distinct errors (at most [`MAX_KEPT_ERRORS`]).
    errors: Mutex<Vec<Error>>,
}

/// How many distinct refusals [`FacadeRecorder::errors`] keeps.
const MAX_KEPT_ERRORS: usize = 100;

#[derive(Clone)]
struct Description {
    kind: Kind,
    unit: Option<Unit>,
    text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn metric_type(self) -> MetricType {
        match self {
            Kind::Counter => MetricType::Counter,
            Kind::Gauge => MetricType::Gauge,
            Kind::Histogram => MetricType::Histogram,
        }
    }
}

#[derive(Clone)]
enum Handle {
    Counter(Arc<CounterCell>),
    Gauge(Arc<GaugeCell>),
    Histogram(Arc<HistogramCell>),
}

impl Default for FacadeRecorder {
    fn default() -> Self {
        FacadeRecorder::new()
    }
}

impl fmt::Debug for FacadeRecorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FacadeRecorder")
            .field("default_buckets", &self.settings.default_buckets)
            .field("buckets_for", &self.settings.buckets_for)
            .field("max_series", &self.settings.max_series)
            .finish_non_exhaustive()
    }
}

impl FacadeRecorder {
    /// A recorder with the default buckets and series limit, reporting refusals on standard
    /// error.
    pub fn new() -> Self {
        FacadeRecorder {
            settings: Arc::new(Settings {
                default_buckets: DEFAULT_BUCKETS,
                buckets_for: Vec::new(),
                max_series: DEFAULT_MAX_SERIES,
                on_error: Arc::new(|error| eprintln!("metrics-core: {error}")),
            }),
            shared: Arc::new(Shared {
                handles: RwLock::default(),
                families: Mutex::default(),
                descriptions: Mutex::default(),
                errors: Mutex::default(),
            }),
        }
    }

    fn configure(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(Arc::make_mut(&mut self.settings));
        self
    }

    /// The buckets of every facade histogram without [`buckets_for`](Self::buckets_for)
    /// (strictly increasing; [`DEFAULT_BUCKETS`] unless set).
    pub fn buckets(self, buckets: &'static [f64]) -> Self {
        self.configure(|settings| settings.default_buckets = buckets)
    }

    /// The buckets of the histograms whose name starts with `prefix`; the longest matching
    /// prefix wins.
    pub fn buckets_for(self, prefix: &str, buckets: &'static [f64]) -> Self {
        self.configure(|settings| settings.buckets_for.push((prefix.to_owned(), buckets)))
    }

    /// At most this many label combinations per family ([`DEFAULT_MAX_SERIES`] unless set).
    pub fn max_series(self, limit: usize) -> Self {
        self.configure(|settings| settings.max_series = limit)
    }

    /// Where refusals are reported, once per distinct refusal (standard error unless
    /// set): a `tracing::warn!`, a log line, a test's collector.
    pub fn on_error(self, hook: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        self.configure(|settings| settings.on_error = Arc::new(hook))
    }

    /// Makes this the `metrics` facade's global recorder and returns a handle to it (for
    /// [`errors`](Self::errors)). Fails when the program already installed a recorder.
    pub fn install(self) -> Result<FacadeRecorder, SetRecorderError<FacadeRecorder>> {
        let handle = self.clone();
        metrics::set_global_recorder(self)?;
        Ok(handle)
    }

    /// The distinct refusals so far (the first 100), oldest first.
    pub fn errors(&self) -> Vec<Error> {
        self.shared
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn handle(&self, key: &Key, kind: Kind, metadata: &Metadata<'_>) -> Option<Handle> {
        let known = self
            .shared
            .handles
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned();
        let handle = match known {
            Some(handle) => handle,
            None => match self.create(key, kind, metadata) {
                Ok(handle) => handle,
                Err((reason, error)) => {
                    self.refuse(reason, error);
                    return None;
                }
            },
        };
        let found = match &handle {
            Handle::Counter(_) => Kind::Counter,
            Handle::Gauge(_) => Kind::Gauge,
            Handle::Histogram(_) => Kind::Histogram,
        };
        if found != kind {
            let error = type_mismatch(key.name(), found, kind);
            self.refuse("type_mismatch", error);
            return None;
        }
        Some(handle)
    }

    #[cold]
    fn refuse(&self, reason: &'static str, error: Error) {
        METRICS_CORE_FACADE_REJECTED_TOTAL
            .with_label_values(&[reason])
            .inc();
        let mut errors = self
            .shared
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Keys come from code, so the distinct refusals are few; past the cap they are only
        // counted.
        if errors.len() < MAX_KEPT_ERRORS && !errors.contains(&error) {
            errors.push(error.clone());
            drop(errors);
            (self.settings.on_error)(&error);
        }
    }

    /// The slow path: a key seen for the first time.
    fn create(
        &self,
        key: &Key,
        kind: Kind,
        metadata: &Metadata<'_>,
    ) -> Result<Handle, (&'static str, Error)> {
        let name = key.name();
        check_metric_name(name).map_err(|error| ("invalid_name", error))?;
        let mut labels: Vec<(String, String)> = Vec::with_capacity(key.labels().len());
        for label in key.labels() {
            check_label_name(label.key()).map_err(|error| ("invalid_label", error))?;
            labels.push((label.key().to_owned(), label.value().to_owned()));
        }
        // One series per label set, whatever order the caller gives the labels in.
        labels.sort();
        if let Some(pair) = labels.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err((
                "invalid_label",
                Error::Refused {
                    name: pair[0].0.clone(),
                    message: format!(
                        "`metrics` facade metric `{name}` has the label `{}` twice; give each \
                         label once",
                        pair[0].0
                    ),
                },
            ));
        }
        let family = self.family(name, kind, metadata)?;
        if family.kind != kind {
            return Err(("type_mismatch", type_mismatch(name, family.kind, kind)));
        }
        let (handle, overflowed) = family.series(labels, self.settings.max_series);
        if !overflowed {
            // Overflowed keys are not remembered: they are what a cardinality explosion
            // sends, and remembering them would grow without bound.
            self.shared
                .handles
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key.clone(), handle.clone());
        }
        Ok(handle)
    }

    fn family(
        &self,
        name: &str,
        kind: Kind,
        metadata: &Metadata<'_>,
    ) -> Result<Arc<FacadeFamily>, (&'static str, Error)> {
        let mut families = self
            .shared
            .families
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(family) = families.get(name) {
            return Ok(family.clone());
        }
        // A counter's samples end in `_total` in OpenMetrics whatever its name; ending the
        // text format's name the same way keeps one name in Prometheus for both formats.
        let exposed = match kind {
            Kind::Counter if !name.ends_with("_total") => format!("{name}_total"),
            _ => name.to_owned(),
        };
        check_static_clash(&exposed, kind).map_err(|error| ("name_clash", error))?;
        let buckets = match kind {
            Kind::Histogram => self.buckets_of(name),
            _ => &[],
        };
        if kind == Kind::Histogram {
            check_buckets(name, buckets).map_err(|error| ("invalid_buckets", error))?;
        }
        let description = self
            .shared
            .descriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .filter(|description| description.kind == kind)
            .cloned();
        let module = metadata
            .module_path()
            .unwrap_or(metadata.target())
            .to_owned();
        let family = Arc::new(FacadeFamily {
            name: exposed.clone(),
            kind,
            desc: leak_descriptor(&exposed, "", &[], buckets, None),
            module,
            description: RwLock::new(description),
            series: RwLock::default(),
        });
        let desc = Desc::new(
            name.to_owned(),
            "facade".to_owned(),
            Vec::new(),
            HashMap::new(),
        )
        .map_err(|error| {
            let message = format!("`metrics` facade metric `{name}`: {error}");
            (
                "invalid_name",
                Error::Refused {
                    name: name.to_owned(),
                    message,
                },
            )
        })?;
        registry()
            .register(Box::new(FamilyCollector {
                family: family.clone(),
                desc,
            }))
            .map_err(|error| ("name_clash", error))?;
        families.insert(name.to_owned(), family.clone());
        ALL_FAMILIES
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(family.clone());
        Ok(family)
    }

    fn buckets_of(&self, name: &str) -> &'static [f64] {
        self.settings
            .buckets_for
            .iter()
            .filter(|(prefix, _)| name.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(self.settings.default_buckets, |(_, buckets)| *buckets)
    }

    fn describe(&self, name: KeyName, kind: Kind, unit: Option<Unit>, text: SharedString) {
        let description = Description {
            kind,
            unit,
            text: text.into_owned(),
        };
        let family = self
            .shared
            .families
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name.as_str())
            .cloned();
        if let Some(family) = family.filter(|family| family.kind == kind) {
            *family
                .description
                .write()
                .unwrap_or_else(PoisonError::into_inner) = Some(description.clone());
        }
        self.shared
            .descriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.as_str().to_owned(), description);
    }
}

/// What the catalog lists of the facade's families (of every recorder), sorted by name.
#[cfg(feature = "catalog")]
pub(crate) fn families() -> Vec<FacadeFamilyInfo> {
    let all = ALL_FAMILIES.lock().unwrap_or_else(PoisonError::into_inner);
    let mut infos: Vec<FacadeFamilyInfo> = all.iter().map(|family| family.info()).collect();
    infos.sort_by(|a, b| a.name.cmp(&b.name));
    infos
}

/// Every facade family of every recorder, for the catalog.
static ALL_FAMILIES: Mutex<Vec<Arc<FacadeFamily>>> = Mutex::new(Vec::new());

fn type_mismatch(name: &str, registered: Kind, requested: Kind) -> Error {
    Error::Refused {
        name: name.to_owned(),
        message: format!(
            "`metrics` facade metric `{name}` is a {} already; it cannot also be a {}: use \
             another name",
            kind_name(registered),
            kind_name(requested)
        ),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Counter => "counter",
        Kind::Gauge => "gauge",
        Kind::Histogram => "histogram",
    }
}

/// Refuses a facade family that would put on the wire a name a `#[metric]` static exposes,
/// naming both.
fn check_static_clash(name: &str, kind: Kind) -> Result<(), Error> {
    static OWN: OnceLock<HashMap<String, &'static Descriptor>> = OnceLock::new();
    let own = OWN.get_or_init(|| {
        let mut own = HashMap::new();
        for family in registry().families() {
            for exposed in exposed_names(family.desc().name, family.metric_type()) {
                own.entry(exposed).or_insert(family.desc());
            }
        }
        own
    });
    for exposed in exposed_names(name, kind.metric_type()) {
        if let Some(desc) = own.get(&exposed) {
            return Err(Error::Refused {
                name: name.to_owned(),
                message: format!(
                    "`metrics` facade {} `{name}` is refused: the `#[metric]` static `{}` defined \
                     at {} already exposes the name `{exposed}`; rename one of them",
                    kind_name(kind),
                    desc.name,
                    desc.location(),
                ),
            });
        }
    }
    Ok(())
}

impl Recorder for FacadeRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(key, Kind::Counter, unit, description);
    }

    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(key, Kind::Gauge, unit, description);
    }

    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(key, Kind::Histogram, unit, description);
    }

    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        match self.handle(key, Kind::Counter, metadata) {
            Some(Handle::Counter(cell)) => Counter::from_arc(cell),
            _ => Counter::noop(),
        }
    }

    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        match self.handle(key, Kind::Gauge, metadata) {
            Some(Handle::Gauge(cell)) => Gauge::from_arc(cell),
            _ => Gauge::noop(),
        }
    }

    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> FacadeHistogram {
        match self.handle(key, Kind::Histogram, metadata) {
            Some(Handle::Histogram(cell)) => FacadeHistogram::from_arc(cell),
            _ => FacadeHistogram::noop(),
        }
    }
}

/// One metric name of the facade: its series by sorted label pairs.
struct FacadeFamily {
    /// The exposed name: the facade's, with `_total` added to a counter's that lacks it.
    name: String,
    kind: Kind,
    /// The name and buckets, for the histogram cells and the overflow count.
    desc: &'static Descriptor,
    /// `module_path!()` of the first `counter!`/`gauge!`/`histogram!` that used the name.
    module: String,
    description: RwLock<Option<Description>>,
    series: RwLock<BTreeMap<Vec<(String, String)>, Handle>>,
}

/// What the catalog shows of a facade family.
#[cfg(feature = "catalog")]
pub(crate) struct FacadeFamilyInfo {
    pub(crate) name: String,
    pub(crate) metric_type: MetricType,
    pub(crate) help: String,
    pub(crate) unit: Option<&'static str>,
    pub(crate) labels: Vec<String>,
    pub(crate) buckets: &'static [f64],
    pub(crate) module: String,
}

impl FacadeFamily {
    fn series(&self, labels: Vec<(String, String)>, max_series: usize) -> (Handle, bool) {
        let mut series = self.series.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(handle) = series.get(&labels) {
            return (handle.clone(), false);
        }
        let overflowed = series.len() >= max_series;
        let labels = if overflowed {
            crate::own::overflow::record(self.desc);
            labels
                .into_iter()
                .map(|(name, _)| (name, OVERFLOW_LABEL_VALUE.to_owned()))
                .collect()
        } else {
            labels
        };
        let handle = series
            .entry(labels)
            .or_insert_with(|| match self.kind {
                Kind::Counter => Handle::Counter(Arc::new(CounterCell(AtomicU64::new(0)))),
                Kind::Gauge => Handle::Gauge(Arc::new(GaugeCell(AtomicF64::zero()))),
                Kind::Histogram => {
                    Handle::Histogram(Arc::new(HistogramCell(Histogram::__new_child(self.desc))))
                }
            })
            .clone();
        (handle, overflowed)
    }

    fn help(&self) -> String {
        let description = self
            .description
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(description) = description.as_ref() else {
            return format!("Reported through the `metrics` facade by {}.", self.module);
        };
        match description.unit {
            Some(unit)
                if unit != Unit::Count
                    && !self
                        .name
                        .trim_end_matches("_total")
                        .ends_with(unit.as_str()) =>
            {
                format!("{} (unit: {})", description.text, unit.as_str())
            }
            _ => description.text.clone(),
        }
    }

    #[cfg(feature = "catalog")]
    fn info(&self) -> FacadeFamilyInfo {
        let unit = self
            .description
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(|description| description.unit)
            .map(|unit| unit.as_str());
        let mut labels: Vec<String> = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .flatten()
            .map(|(name, _)| name.clone())
            .collect();
        labels.sort();
        labels.dedup();
        FacadeFamilyInfo {
            name: self.name.clone(),
            metric_type: self.kind.metric_type(),
            help: self.help(),
            unit,
            labels,
            buckets: self.desc.buckets,
            module: self.module.clone(),
        }
    }

    fn collect(&self) -> proto::MetricFamily {
        let mut family = proto::MetricFamily::default();
        family.set_name(self.name.clone());
        family.set_help(self.help());
        family.set_field_type(crate::metrics::metric::proto_type(self.kind.metric_type()));
        let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
        let metrics = series
            .iter()
            .map(|(labels, handle)| {
                let pairs = labels
                    .iter()
                    .map(|(name, value)| label_pair(name, value))
                    .collect();
                let mut metric = match handle {
                    Handle::Histogram(cell) => {
                        return crate::encoding::protobuf::metric_to_prometheus(&cell.0, labels);
                    }
                    _ => proto::Metric::default(),
                };
                metric.set_label(pairs);
                match handle {
                    Handle::Counter(cell) => {
                        let mut counter = proto::Counter::default();
                        counter.set_value(cell.0.load(Ordering::Relaxed) as f64);
                        metric.set_counter(counter);
                    }
                    Handle::Gauge(cell) => {
                        let mut gauge = proto::Gauge::default();
                        gauge.set_value(cell.0.get());
                        metric.set_gauge(gauge);
                    }
                    Handle::Histogram(_) => {}
                }
                metric
            })
            .collect();
        family.set_metric(metrics);
        family
    }
}

/// A facade family, as the registry sees it.
struct FamilyCollector {
    family: Arc<FacadeFamily>,
    desc: Desc,
}

impl Collector for FamilyCollector {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<proto::MetricFamily> {
        vec![self.family.collect()]
    }
}

struct CounterCell(AtomicU64);

impl CounterFn for CounterCell {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }

    fn absolute(&self, value: u64) {
        // A counter never goes backwards: an older absolute value arriving late is ignored.
        self.0.fetch_max(value, Ordering::Relaxed);
    }
}

struct GaugeCell(AtomicF64);

impl GaugeFn for GaugeCell {
    fn increment(&self, value: f64) {
        self.0.add(value);
    }

    fn decrement(&self, value: f64) {
        self.0.add(-value);
    }

    fn set(&self, value: f64) {
        self.0.set(value);
    }
}

struct HistogramCell(Histogram);

impl HistogramFn for HistogramCell {
    fn record(&self, value: f64) {
        self.0.observe(value);
    }
}
