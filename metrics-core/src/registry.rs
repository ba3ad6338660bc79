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
