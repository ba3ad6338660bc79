//! The standard `process_*` metrics, read from `/proc` at scrape time (feature `process`).
//!
//! They are computed when a scrape asks, so they cost nothing between scrapes; where `/proc` is
//! not available (another OS), their families are exposed without samples rather than with
//! wrong values.

use crate::encoding::{CounterSample, Encoder, Labels, Value};
use crate::metrics::metric::MetricType;
use crate::own::procfs;
use crate::registry::{Entry, METRICS};
use crate::{Collect, Descriptor};

/// A family with one unlabelled sample whose value is read when a scrape asks for it.
struct Computed {
    desc: &'static Descriptor,
    metric_type: MetricType,
    read: fn() -> Option<f64>,
}

impl Collect for Computed {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        self.metric_type
    }

    fn encode(&self, encoder: &mut dyn Encoder) {
        let Some(value) = (self.read)() else {
            return;
        };
        let labels = Labels::new("", &|_| {});
        if self.metric_type == MetricType::Counter {
            let sample = CounterSample {
                value: Value::Float(value),
                created: Some(crate::metrics::created::process_start()),
                exemplar: None,
            };
            encoder.counter(&labels, &sample);
        } else {
            encoder.gauge(&labels, Value::Float(value));
        }
    }
}

/// Declares one computed family and adds it to the link-time list, as `#[metric]` would.
macro_rules! process_metric {
    ($name:literal, $help:literal, $metric_type:ident, $read:path) => {
        const _: () = {
            static DESC: Descriptor = Descriptor {
                name: $name,
                help: $help,
                labels: &[],
                buckets: &[],
                module_path: module_path!(),
                file: file!(),
                line: line!(),
                options: crate::desc::Options::NONE,
            };
            static METRIC: Computed = Computed {
                desc: &DESC,
                metric_type: MetricType::$metric_type,
                read: $read,
            };
            #[linkme::distributed_slice(METRICS)]
            static ENTRY: Entry = Entry(&METRIC);
        };
    };
}

process_metric!(
    "process_cpu_seconds_total",
    "Total user and system CPU time spent in seconds.",
    Counter,
    procfs::cpu_seconds
);
process_metric!(
    "process_max_fds",
    "Maximum number of open file descriptors.",
    Gauge,
    procfs::max_fds
);
process_metric!(
    "process_open_fds",
    "Number of open file descriptors.",
    Gauge,
    procfs::open_fds
);
process_metric!(
    "process_resident_memory_bytes",
    "Resident memory size in bytes.",
    Gauge,
    procfs::resident_memory_bytes
);
process_metric!(
    "process_start_time_seconds",
    "Start time of the process since unix epoch in seconds.",
    Gauge,
    procfs::start_time_seconds
);
process_metric!(
    "process_virtual_memory_bytes",
    "Virtual memory size in bytes.",
    Gauge,
    procfs::virtual_memory_bytes
);
