//! The one registry of the program, filled at link time.

use std::collections::hash_map::Entry as NameEntry;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};

use prometheus::core::Collector;
use prometheus::proto;

use metrics_naming::{MetricType, exposed_names, family_name};

use crate::encoding::interop::{
    Foreign, Source, desc_exposed_names, encode_family, proto_exposed_names,
};
use crate::encoding::openmetrics::OpenMetricsEncoder;
use crate::encoding::protobuf::ProtobufEncoder;
use crate::encoding::text::TextEncoder;
use crate::encoding::{self, Encoder};
use crate::{Collect, Error, Format};

/// One element of the link-time list of metrics: what `#[metric]` adds for each `static`.
#[doc(hidden)]
pub struct Entry(pub &'static dyn Collect);

/// Every `#[metric]` of every crate linked into the program. `linkme` gathers the elements at
/// link time, so nothing has to run before `main` and no crate can forget to register.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static METRICS: [Entry];

/// The registry of every metric declared with `#[metric]` in the program.
///
/// There is exactly one, [`registry()`]; it cannot be created, cleared or replaced, so every
/// crate's metrics end up on the same `/metrics` page and tests never have to reset it.
pub struct Registry {
    /// Sorted by name; one family per name.
    families: Vec<&'static dyn Collect>,
    duplicates: Vec<Error>,
    /// Every sample or family name the `#[metric]` families put on the wire, in either text
    /// format, to refuse collectors that would collide with them.
    own_names: HashMap<String, &'static dyn Collect>,
    /// Collectors added at run time with [`Registry::register`].
    foreign: RwLock<Vec<Foreign>>,
    /// The size of the last exposition in each [`Format`], so that the next one starts with
    /// a buffer that holds it instead of growing (and copying) twenty times.
    last_size: [AtomicUsize; 3],
}

/// The program's registry: every metric declared with `#[metric]` in any linked crate.
///
/// The first call walks the link-time list once; later calls return the same registry.
///
/// ```
/// use metrics_core::{metric, registry, IntCounter};
///
/// /// Cache lookups that found nothing.
/// #[metric]
/// static DOC_CACHE_MISSES_TOTAL: IntCounter;
///
/// # fn main() {
/// DOC_CACHE_MISSES_TOTAL.inc();
/// let text = registry().render_only(&["doc_cache_misses_total"]);
/// let expected = [
///     "# HELP doc_cache_misses_total Cache lookups that found nothing.",
///     "# TYPE doc_cache_misses_total counter",
///     "doc_cache_misses_total 1",
/// ];
/// assert_eq!(text, expected.join("\n") + "\n");
/// # }
/// ```
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::from_entries(&METRICS))
}

impl Registry {
    fn from_entries(entries: &[Entry]) -> Registry {
        let mut all: Vec<&'static dyn Collect> = entries.iter().map(|entry| entry.0).collect();
        // Link order is arbitrary; sorting by definition site too makes the choice of which
        // duplicate is kept the same on every run.
        all.sort_by_key(|family| {
            let desc = family.desc();
            (desc.name, desc.module_path, desc.file, desc.line)
        });
        let mut families: Vec<&'static dyn Collect> = Vec::with_capacity(all.len());
        let mut duplicates = Vec::new();
        for family in all {
            match families.last() {
                Some(kept) if kept.desc().name == family.desc().name => {
                    duplicates.push(Error::DuplicateMetric {
                        metric: family.desc().name,
                        kept: kept.desc().location(),
                        ignored: family.desc().location(),
                    });
                }
                _ => families.push(family),
            }
        }
        let mut own_names: HashMap<String, &'static dyn Collect> = HashMap::new();
        for family in &families {
            for name in exposed_names(family.desc().name, family.metric_type()) {
                match own_names.entry(name) {
                    NameEntry::Vacant(vacant) => {
                        vacant.insert(*family);
                    }
                    NameEntry::Occupied(occupied) => {
                        let (first, second) = (occupied.get().desc(), family.desc());
                        duplicates.push(Error::ExposedNameClash {
                            name: occupied.key().clone(),
                            first: (first.name, first.location()),
                            second: (second.name, second.location()),
                        });
                    }
                }
            }
        }
        // Series of `static`s started with the process: fix that time before any scrape.
        crate::metrics::created::process_start();
        Registry {
            families,
            duplicates,
            own_names,
            foreign: RwLock::new(Vec::new()),
            last_size: Default::default(),
        }
    }

    /// Every metric family, sorted by name.
    pub fn families(&self) -> impl ExactSizeIterator<Item = &'static dyn Collect> + '_ {
        self.families.iter().copied()
    }

    /// The family with this exposed name.
    pub fn get(&self, name: &str) -> Option<&'static dyn Collect> {
        self.families
            .binary_search_by(|family| family.desc().name.cmp(name))
            .ok()
            .map(|index| self.families[index])
    }

    /// `Ok` when every metric name is defined once. Otherwise the first
    /// [`Error::DuplicateMetric`], naming both definitions; see [`duplicates`](Self::duplicates)
    /// for all of them.
    ///
    /// Duplicates normally fail the build. This run-time check catches those that reach a
    /// program anyway; a service can call it at startup and log or refuse to start.
    pub fn check(&self) -> Result<(), Error> {
        match self.duplicates.first() {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// Every duplicate definition found, as [`Error::DuplicateMetric`] (the registry exposes
    /// the first definition of each name, ordered by module, file and line, and ignores the
    /// others), then every [`Error::ExposedNameClash`] between metrics of different names
    /// (both are exposed).
    pub fn duplicates(&self) -> &[Error] {
        &self.duplicates
    }

    /// The whole registry in the Prometheus text format 0.0.4 (serve it with
    /// [`TEXT_CONTENT_TYPE`](crate::TEXT_CONTENT_TYPE)).
    ///
    /// Every declared metric is there from the first call: unlabelled ones at zero, labelled
    /// ones with their `# HELP` and `# TYPE` lines and the series that exist. Collectors added
    /// with [`register`](Self::register) are merged in, in name order.
    pub fn render(&self) -> String {
        self.encode_text_format(Format::Text, None, false)
    }

    /// Appends the whole registry in the text format to `out`, so that a server can reuse one
    /// buffer across scrapes.
    pub fn encode_text(&self, out: &mut String) {
        self.encode_to(&mut TextEncoder::new(out), None);
    }

    /// Only the named families, in the text format, in the registry's order. Unknown names are
    /// skipped. Useful in tests, and for the `name[]=` filter of a `/metrics` endpoint.
    pub fn render_only(&self, names: &[&str]) -> String {
        self.encode_text_format(Format::Text, Some(names), false)
    }

    /// The whole registry in OpenMetrics 1.0.0 (serve it with
    /// [`OPENMETRICS_CONTENT_TYPE`](crate::OPENMETRICS_CONTENT_TYPE)): counter families
    /// named without `_total`, `# UNIT` lines, exemplars, `# EOF` at the end; without
    /// `_created` lines (see [`OpenMetricsEncoder::created_lines`] for why, and
    /// [`render_openmetrics_with_created`](Self::render_openmetrics_with_created)).
    pub fn render_openmetrics(&self) -> String {
        self.encode_text_format(Format::OpenMetrics, None, false)
    }

    /// OpenMetrics with a `_created` line after each counter, histogram and summary series:
    /// for scrapers that read them as creation times (Prometheus 3, with
    /// `created-timestamp-zero-ingestion`), not as series.
    pub fn render_openmetrics_with_created(&self) -> String {
        self.encode_text_format(Format::OpenMetrics, None, true)
    }

    /// The registry (or, with `names`, only those families) in `format`, as the body of a
    /// response with [`Format::content_type`]; OpenMetrics without `_created` lines.
    ///
    /// A name matches a family by its text-format name (`voice_calls_total`) or its
    /// OpenMetrics family name (`voice_calls`).
    pub fn encode(&self, format: Format, names: Option<&[&str]>) -> Vec<u8> {
        self.encode_body(format, names, false)
    }

    /// Like [`encode`](Self::encode), with `_created` lines in OpenMetrics (the other formats
    /// are the same: the text format has no creation times, protobuf always carries them).
    pub fn encode_with_created(&self, format: Format, names: Option<&[&str]>) -> Vec<u8> {
        self.encode_body(format, names, true)
    }

    fn encode_body(&self, format: Format, names: Option<&[&str]>, created: bool) -> Vec<u8> {
        match format {
            Format::Text | Format::OpenMetrics => {
                self.encode_text_format(format, names, created).into_bytes()
            }
            Format::Protobuf => {
                let last_size = &self.last_size[Format::Protobuf as usize];
                let mut encoder = ProtobufEncoder::with_capacity(with_room(last_size));
                self.encode_to(&mut encoder, names);
                let out = encoder.into_delimited();
                last_size.store(out.len(), Ordering::Relaxed);
                out
            }
        }
    }

    /// The text format or OpenMetrics, into a buffer the size of the last one.
    fn encode_text_format(&self, format: Format, names: Option<&[&str]>, created: bool) -> String {
        let last_size = &self.last_size[format as usize];
        let mut out = String::with_capacity(with_room(last_size));
        if format == Format::OpenMetrics {
            let mut encoder = OpenMetricsEncoder::new(&mut out).created_lines(created);
            self.encode_to(&mut encoder, names);
        } else {
            self.encode_to(&mut TextEncoder::new(&mut out), names);
        }
        last_size.store(out.len(), Ordering::Relaxed);
        out
    }

    /// Every family that has at least one series, in this crate's protobuf model (with
    /// exemplars, creation timestamps and native histogram buckets), families of registered
    /// collectors included, in name order.
    pub fn gather_proto(&self) -> Vec<encoding::proto::MetricFamily> {
        let mut encoder = ProtobufEncoder::new();
        self.encode_to(&mut encoder, None);
        encoder.into_families()
    }

    /// Every family that has at least one series, as the `prometheus` crate's
    /// `MetricFamily` values, for its encoders or any code that consumes them; families of
    /// registered collectors included, in name order.
    ///
    /// Converted from [`gather_proto`](Self::gather_proto) through the protobuf wire format:
    /// what the `prometheus` model has no field for (exemplars, creation timestamps, native
    /// buckets) is kept in its unknown fields. Labelled families without series are left out,
    /// as `prometheus::Registry::gather` does (its encoders reject empty families).
    pub fn gather(&self) -> Vec<proto::MetricFamily> {
        use prost::Message as _;
        use protobuf::Message as _;
        self.gather_proto()
            .iter()
            .filter_map(|family| {
                let converted = proto::MetricFamily::parse_from_bytes(&family.encode_to_vec());
                debug_assert!(converted.is_ok(), "one wire format: {converted:?}");
                converted.ok()
            })
            .collect()
    }

    /// Describes the registry (or, with `names`, only those families) to `encoder`: every
    /// family in name order, the `#[metric]` ones and those of registered collectors merged,
    /// then [`Encoder::finish`].
    pub fn encode_to(&self, encoder: &mut dyn Encoder, names: Option<&[&str]>) {
        let mut foreign = self.collect_foreign(names).into_iter().peekable();
        for family in &self.families {
            let desc = family.desc();
            while let Some(other) = foreign.next_if(|other| other.name() < desc.name) {
                other.encode(encoder);
            }
            if wanted(names, *family) {
                encode_own(*family, encoder);
            }
        }
        for other in foreign {
            other.encode(encoder);
        }
        encoder.finish();
    }

    /// Adds a collector written for the `prometheus` crate (a third-party crate's, or a
    /// `prometheus::IntCounterVec` built at run time) to this registry: from now on its
    /// families are in every exposition and in [`gather`](Self::gather).
    ///
    /// Fails with [`Error::NameClash`] when one of its names would collide on the wire with a
    /// `#[metric]` of the program or with a collector registered earlier (`foo_total` and a
    /// gauge `foo` collide in OpenMetrics; a histogram `foo` owns `foo_bucket`, ...). The
    /// collector is then not added.
    pub fn register(&self, collector: Box<dyn Collector>) -> Result<(), Error> {
        let mut names = BTreeSet::new();
        for desc in collector.desc() {
            names.extend(desc_exposed_names(&desc.fq_name));
        }
        self.add_foreign(Source::Collector(collector), names)
    }

    /// Adds this crate's families made at run time, all or none, by the same rules as
    /// [`register`](Self::register). They are encoded as the `#[metric]` families are, so
    /// their exemplars and creation times reach OpenMetrics and protobuf.
    #[cfg(feature = "tower")]
    pub(crate) fn register_families(&self, families: &[&'static dyn Collect]) -> Result<(), Error> {
        let names = families
            .iter()
            .flat_map(|family| exposed_names(family.desc().name, family.metric_type()))
            .collect();
        self.add_foreign(Source::Families(families.to_vec()), names)
    }

    fn add_foreign(&self, source: Source, names: BTreeSet<String>) -> Result<(), Error> {
        let mut foreign = self.foreign.write().unwrap_or_else(PoisonError::into_inner);
        for name in &names {
            if let Some(owner) = self.own_names.get(name.as_str()) {
                let desc = owner.desc();
                return Err(Error::NameClash {
                    name: name.clone(),
                    with: format!("`{}` defined at {}", desc.name, desc.location()),
                });
            }
            if foreign.iter().any(|other| other.names.contains(name)) {
                return Err(Error::NameClash {
                    name: name.clone(),
                    with: "a collector registered earlier".to_owned(),
                });
            }
        }
        foreign.push(Foreign { source, names });
        Ok(())
    }

    /// The families added at run time (only those named in `names`, if given), sorted by
    /// name, without empty `prometheus` families or any that collide with a `#[metric]`
    /// family (a collector whose `collect` returns families its `desc` did not announce).
    fn collect_foreign(&self, names: Option<&[&str]>) -> Vec<Added> {
        let foreign = self.foreign.read().unwrap_or_else(PoisonError::into_inner);
        if foreign.is_empty() {
            return Vec::new();
        }
        let mut families = Vec::new();
        for entry in foreign.iter() {
            match &entry.source {
                Source::Collector(collector) => {
                    families.extend(
                        collector
                            .collect()
                            .into_iter()
                            .filter(|family| {
                                !family.get_metric().is_empty()
                                    && names.is_none_or(|names| proto_family_wanted(names, family))
                                    && proto_exposed_names(family.name(), family.get_field_type())
                                        .iter()
                                        .all(|name| !self.own_names.contains_key(name.as_str()))
                            })
                            .map(Added::Collected),
                    );
                }
                #[cfg(feature = "tower")]
                Source::Families(own) => families.extend(
                    own.iter()
                        .filter(|family| wanted(names, **family))
                        .map(|family| Added::Own(*family)),
                ),
            }
        }
        families.sort_by(|a, b| a.name().cmp(b.name()));
        families
    }
}

/// A family added at run time, as a scrape meets it.
enum Added {
    Collected(proto::MetricFamily),
    #[cfg(feature = "tower")]
    Own(&'static dyn Collect),
}

impl Added {
    fn name(&self) -> &str {
        match self {
            Added::Collected(family) => family.name(),
            #[cfg(feature = "tower")]
            Added::Own(family) => family.desc().name,
        }
    }

    fn encode(&self, encoder: &mut dyn Encoder) {
        match self {
            Added::Collected(family) => encode_family(family, encoder),
            #[cfg(feature = "tower")]
            Added::Own(family) => encode_own(*family, encoder),
        }
    }
}

/// Whether the `name[]` filter (if any) selects one of this crate's families, by its name or
/// its OpenMetrics family name.
fn wanted(names: Option<&[&str]>, family: &dyn Collect) -> bool {
    let desc = family.desc();
    names.is_none_or(|names| {
        names.contains(&desc.name) || names.contains(&family_name(desc.name, family.metric_type()))
    })
}

fn encode_own(family: &dyn Collect, encoder: &mut dyn Encoder) {
    let desc = family.desc();
    encoder.family(desc.name, desc.help, family.metric_type());
    family.encode(encoder);
}

/// Whether the `name[]` filter selects a `prometheus` family, by its name or (counters) its
/// OpenMetrics family name.
/// A buffer size for the next exposition: the last one's and some room, so that the few
/// bytes a counter gained since, or an encoder's reserve for its last line, do not make the
/// whole buffer grow (a copy of all of it) at the very end.
fn with_room(last_size: &AtomicUsize) -> usize {
    let last = last_size.load(Ordering::Relaxed);
    last + last / 64 + 256
}

fn proto_family_wanted(names: &[&str], family: &proto::MetricFamily) -> bool {
    let name = family.name();
    // Protobuf has no info type: an info family arrives as a gauge, so a gauge's name may be
    // an info family's too.
    let metric_type = match family.get_field_type() {
        proto::MetricType::COUNTER => MetricType::Counter,
        _ => MetricType::Info,
    };
    names.contains(&name) || names.contains(&family_name(name, metric_type))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Descriptor, IntCounter, IntGauge};

    const fn descriptor(name: &'static str, module_path: &'static str, line: u32) -> Descriptor {
        Descriptor {
            name,
            help: "Test metric.",
            labels: &[],
            buckets: &[],
            module_path,
            file: "src/lib.rs",
            line,
            options: crate::desc::Options::NONE,
        }
    }

    static BILLING_DESC: Descriptor = descriptor("jobs_total", "billing::jobs", 12);
    static BILLING: IntCounter = IntCounter::__new(&BILLING_DESC);
    static ALERTS_DESC: Descriptor = descriptor("jobs_total", "alerts", 7);
    static ALERTS: IntCounter = IntCounter::__new(&ALERTS_DESC);
    static QUEUE_DESC: Descriptor = descriptor("jobs_total", "queue", 3);
    static QUEUE: IntGauge = IntGauge::__new(&QUEUE_DESC);
    static OTHER_DESC: Descriptor = descriptor("other_total", "billing", 40);
    static OTHER: IntCounter = IntCounter::__new(&OTHER_DESC);

    /// The run-time backstop, for targets where duplicates can reach the registry: a slice in
    /// link order with one name defined three times (in different modules and with different
    /// types) keeps one family per name and names both definitions of every duplicate.
    #[test]
    fn duplicates_name_both_definitions() {
        let entries = [
            Entry(&BILLING),
            Entry(&OTHER),
            Entry(&QUEUE),
            Entry(&ALERTS),
        ];
        let registry = Registry::from_entries(&entries);

        let names: Vec<&str> = registry.families().map(|f| f.desc().name).collect();
        assert_eq!(names, ["jobs_total", "other_total"]);
        // The first definition by module path is the one exposed, whatever the link order.
        assert_eq!(
            registry.get("jobs_total").unwrap().desc().module_path,
            "alerts"
        );

        let expected = [
            Error::DuplicateMetric {
                metric: "jobs_total",
                kept: "alerts (src/lib.rs:7)".to_owned(),
                ignored: "billing::jobs (src/lib.rs:12)".to_owned(),
            },
            Error::DuplicateMetric {
                metric: "jobs_total",
                kept: "alerts (src/lib.rs:7)".to_owned(),
                ignored: "queue (src/lib.rs:3)".to_owned(),
            },
        ];
        assert_eq!(registry.duplicates(), expected);
        assert_eq!(
            registry.check().unwrap_err().to_string(),
            "metric `jobs_total` is defined twice: at alerts (src/lib.rs:7) and at \
             billing::jobs (src/lib.rs:12); rename one of them (`#[metric(name = \"...\")]`) \
             or remove it"
        );
    }

    static JOBS_GAUGE_DESC: Descriptor = descriptor("jobs", "queue", 9);
    static JOBS_GAUGE: IntGauge = IntGauge::__new(&JOBS_GAUGE_DESC);

    /// A counter `jobs_total` is the OpenMetrics family `jobs`: a gauge `jobs` clashes with it.
    #[test]
    fn a_counter_and_a_gauge_of_one_family_are_reported() {
        let registry = Registry::from_entries(&[Entry(&ALERTS), Entry(&JOBS_GAUGE)]);
        assert_eq!(registry.families().len(), 2);
        assert_eq!(
            registry.check().unwrap_err().to_string(),
            "metrics `jobs` (at queue (src/lib.rs:9)) and `jobs_total` (at alerts \
             (src/lib.rs:7)) both expose the name `jobs`; rename one of them"
        );
        assert_eq!(registry.duplicates().len(), 1);
    }

    #[test]
    fn no_duplicates_checks_ok() {
        let entries = [Entry(&OTHER), Entry(&ALERTS)];
        let registry = Registry::from_entries(&entries);
        assert_eq!(registry.check(), Ok(()));
        assert!(registry.duplicates().is_empty());
        assert_eq!(registry.families().len(), 2);
    }
}
