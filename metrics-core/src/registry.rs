//! The one registry of the program, filled at link time.

use std::sync::OnceLock;

use prometheus::proto;

use crate::text::write_header;
use crate::{Collect, Error};

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
/// assert_eq!(
///     text,
///     "# HELP doc_cache_misses_total Cache lookups that found nothing.\n\
///      ## TYPE doc_cache_misses_total counter\n\
///      doc_cache_misses_total 1\n"
/// );
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
        Registry {
            families,
            duplicates,
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

    /// Every duplicate definition found, as [`Error::DuplicateMetric`]. The registry exposes
    /// the first definition of each name (ordered by module, file and line) and ignores the
    /// others.
    pub fn duplicates(&self) -> &[Error] {
        &self.duplicates
    }

    /// The whole registry in the Prometheus text format 0.0.4 (serve it with
    /// [`TEXT_CONTENT_TYPE`](crate::TEXT_CONTENT_TYPE)).
    ///
    /// Every declared metric is there from the first call: unlabelled ones at zero, labelled
    /// ones with their `# HELP` and `# TYPE` lines and the series that exist.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.encode_text(&mut out);
        out
    }

    /// Appends the whole registry in the text format to `out`, so that a server can reuse one
    /// buffer across scrapes.
    pub fn encode_text(&self, out: &mut String) {
        for family in &self.families {
            encode_family(*family, out);
        }
    }

    /// Only the named families, in the text format, in the registry's order. Unknown names are
    /// skipped. Useful in tests, and for the `name[]=` filter of a `/metrics` endpoint.
    pub fn render_only(&self, names: &[&str]) -> String {
        let mut out = String::new();
        for family in &self.families {
            if names.contains(&family.desc().name) {
                encode_family(*family, &mut out);
            }
        }
        out
    }

    /// Every family that has at least one series, as protobuf `MetricFamily` values, for the
    /// `prometheus` crate's encoders or any code that consumes them.
    ///
    /// Labelled families without series are left out, as `prometheus::Registry::gather` does
    /// (its encoders reject empty families).
    pub fn gather(&self) -> Vec<proto::MetricFamily> {
        self.families
            .iter()
            .filter_map(|family| {
                let metrics = family.collect();
                if metrics.is_empty() {
                    return None;
                }
                let desc = family.desc();
                let mut mf = proto::MetricFamily::default();
                mf.set_name(desc.name.to_owned());
                mf.set_help(desc.help.to_owned());
                mf.set_field_type(family.metric_type().to_proto());
                mf.set_metric(metrics);
                Some(mf)
            })
            .collect()
    }
}

fn encode_family(family: &dyn Collect, out: &mut String) {
    write_header(out, family.desc(), family.metric_type());
    family.encode_text(out);
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

    #[test]
    fn no_duplicates_checks_ok() {
        let entries = [Entry(&OTHER), Entry(&ALERTS)];
        let registry = Registry::from_entries(&entries);
        assert_eq!(registry.check(), Ok(()));
        assert!(registry.duplicates().is_empty());
        assert_eq!(registry.families().len(), 2);
    }
}
