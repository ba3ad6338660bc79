//! State sets: which one of a fixed list of states something is in.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::encoding::series_labels::series_labels;
use crate::encoding::text::escape_into;
use crate::encoding::{Encoder, Labels, Value};
use crate::metrics::metric::{MetricType, desc_pairs};
use crate::{Collect, Descriptor, Error};

/// The state something is in, out of a fixed list: one series per state, labelled with the
/// metric's own name, exactly one of them 1 (the Python client's `Enum`, OpenMetrics'
/// `stateset`). It starts in the first state.
///
/// ```
/// use metrics_core::{metric, registry, StateSet};
///
/// /// The state of the call router.
/// #[metric(states = ["starting", "serving", "draining"])]
/// static VOICE_ROUTER_STATE: StateSet;
///
/// # fn main() {
/// VOICE_ROUTER_STATE.set("serving").unwrap();
/// assert!(VOICE_ROUTER_STATE.set("paused").is_err()); // not a declared state
/// assert_eq!(VOICE_ROUTER_STATE.get(), "serving");
/// let expected = [
///     "# HELP voice_router_state The state of the call router.",
///     "# TYPE voice_router_state gauge",
///     "voice_router_state{voice_router_state=\"starting\"} 0",
///     "voice_router_state{voice_router_state=\"serving\"} 1",
///     "voice_router_state{voice_router_state=\"draining\"} 0",
/// ];
/// assert_eq!(registry().render_only(&["voice_router_state"]), expected.join("\n") + "\n");
/// # }
/// ```
///
/// Setting a state is one relaxed atomic store; [`set`](Self::set) first finds the state's
/// index by comparing names, [`set_index`](Self::set_index) skips that.
///
/// # States from an enum
///
/// `StateSet<E>` takes its states from a fieldless enum with `#[derive(LabelValue)]` (each
/// variant's name in snake_case, or its `#[label(rename = "...")]`: the same values the enum
/// has as a label), and `set` takes the enum, so it cannot fail:
///
/// ```
/// use metrics_core::{metric, LabelValue, StateSet};
///
/// #[derive(Clone, Copy, Debug, PartialEq, LabelValue)]
/// enum WorkerState {
///     Idle,
///     Busy,
///     ShuttingDown,
/// }
///
/// /// What the transcoding worker is doing.
/// #[metric]
/// static VOICE_WORKER_STATE: StateSet<WorkerState>;
///
/// # fn main() {
/// VOICE_WORKER_STATE.set(WorkerState::ShuttingDown);
/// assert_eq!(VOICE_WORKER_STATE.get(), "shutting_down");
/// assert_eq!(VOICE_WORKER_STATE.state(), Some(WorkerState::ShuttingDown));
/// assert_eq!(VOICE_WORKER_STATE.states(), ["idle", "busy", "shutting_down"]);
/// # }
/// ```
pub struct StateSet<E = Named> {
    desc: &'static Descriptor,
    current: AtomicUsize,
    states: PhantomData<fn() -> E>,
}

/// The states of a [`StateSet`] declared with `states = [...]`: named by strings.
pub enum Named {}

/// A fieldless enum whose variants are the states of a [`StateSet<E>`]; implemented by
/// `#[derive(LabelValue)]`, along with [`LabelValue`](crate::LabelValue), so that one enum
/// serves as a label and as a state set with the same values.
pub trait States: Sized + 'static {
    /// The label value of each variant, in declaration order.
    const NAMES: &'static [&'static str];
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The position of this variant in [`ALL`](Self::ALL).
    fn state_index(&self) -> usize;
}

impl<E: States> StateSet<E> {
    /// Switches to `state`.
    #[inline]
    pub fn set(&self, state: E) {
        self.current.store(state.state_index(), Ordering::Relaxed);
    }

    /// The current state as the enum (`None` only if the enum's `NAMES` and `ALL` disagree,
    /// which `#[derive(LabelValue)]` never makes them do).
    pub fn state(&self) -> Option<E>
    where
        E: Clone,
    {
        E::ALL.get(self.current.load(Ordering::Relaxed)).cloned()
    }
}

impl StateSet<Named> {
    /// Switches to `state`, or returns [`Error::UnknownState`] (and stays in the current
    /// state) when it is not one of the declared states.
    pub fn set(&self, state: &str) -> Result<(), Error> {
        match self.states().iter().position(|known| *known == state) {
            Some(index) => {
                self.current.store(index, Ordering::Relaxed);
                Ok(())
            }
            None => Err(Error::UnknownState {
                metric: self.desc.name,
                state: state.to_owned(),
                states: self.states(),
            }),
        }
    }
}

impl<E> StateSet<E> {
    #[doc(hidden)]
    pub const fn __new(desc: &'static Descriptor) -> Self {
        StateSet {
            desc,
            current: AtomicUsize::new(0),
            states: PhantomData,
        }
    }

    /// Switches to the state at `index` in the declared list, or returns
    /// [`Error::UnknownState`] when there is none.
    pub fn set_index(&self, index: usize) -> Result<(), Error> {
        if index < self.states().len() {
            self.current.store(index, Ordering::Relaxed);
            Ok(())
        } else {
            Err(Error::UnknownState {
                metric: self.desc.name,
                state: format!("#{index}"),
                states: self.states(),
            })
        }
    }

    /// The current state.
    pub fn get(&self) -> &'static str {
        self.states()
            .get(self.current.load(Ordering::Relaxed))
            .copied()
            .unwrap_or_default()
    }

    /// The declared states, in order.
    pub fn states(&self) -> &'static [&'static str] {
        self.desc.options.states
    }

    fn state_labels(&self, state: &str) -> String {
        let mut labels = series_labels::<&str>(self.desc, &[]);
        if !labels.is_empty() {
            labels.push(',');
        }
        labels.push_str(self.desc.name);
        labels.push_str("=\"");
        escape_into(&mut labels, state, true);
        labels.push('"');
        labels
    }
}

impl<E: 'static> Collect for StateSet<E> {
    fn desc(&self) -> &'static Descriptor {
        self.desc
    }

    fn metric_type(&self) -> MetricType {
        MetricType::StateSet
    }

    fn encode(&self, encoder: &mut dyn Encoder) {
        let current = self.current.load(Ordering::Relaxed);
        for (index, state) in self.states().iter().enumerate() {
            let rendered = self.state_labels(state);
            let pairs = |f: &mut dyn FnMut(&str, &str)| {
                desc_pairs(self.desc, [], f);
                f(self.desc.name, state);
            };
            let value = Value::Unsigned(u64::from(index == current));
            encoder.gauge(&Labels::new(&rendered, &pairs), value);
        }
    }

    fn label_values(&self) -> Vec<crate::metrics::metric::LabelValues> {
        let mut labels = crate::metrics::metric::const_label_values(self.desc);
        labels.push((self.desc.name, Some(self.states().to_vec())));
        labels
    }
}
