// The expansion of the `#[metric]` declarations in the file of the same name, written by
// `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.

/// Call setup time.
pub static SETUP_SECONDS: Summary = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "calls_setup_seconds",
        help: "Call setup time.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options {
            objectives: &[
                ::metrics_core::Objective {
                    quantile: 0.5f64,
                    error: 0.05f64,
                },
                ::metrics_core::Objective {
                    quantile: 0.99f64,
                    error: 0.001f64,
                },
            ],
            max_age_seconds: 120u64,
            age_buckets: 4u32,
            ..::metrics_core::Options::NONE
        },
    };
    <Summary>::__new(&__METRIC_DESCRIPTOR)
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &SETUP_SECONDS,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_calls_setup_seconds {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = SETUP_SECONDS, exports =
    ["metric `calls_setup_seconds` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `calls_setup_seconds` is defined twice in the linked crates\"",
    "\"metric `calls_setup_seconds` is defined twice in the linked crates\":",
    ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// The router's state.
static VOICE_ROUTER_STATE: StateSet = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_router_state",
        help: "The router's state.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options {
            states: &["starting", "serving"],
            const_labels: &[("region", "eu")],
            ..::metrics_core::Options::NONE
        },
    };
    <StateSet>::__new(&__METRIC_DESCRIPTOR)
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &VOICE_ROUTER_STATE,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_router_state {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_ROUTER_STATE, exports =
    ["metric `voice_router_state` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_router_state` is defined twice in the linked crates\"",
    "\"metric `voice_router_state` is defined twice in the linked crates\":",
    ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// Calls waiting for an agent.
static VOICE_QUEUE_DEPTH: GaugeFn = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_queue_depth",
        help: "Calls waiting for an agent.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options::NONE,
    };
    <GaugeFn>::__new(
        &__METRIC_DESCRIPTOR,
        {
            #[allow(clippy::redundant_closure_call)]
            fn __metric_callback() -> f64 {
                ::metrics_core::IntoSample::into_sample((queue_len)())
            }
            __metric_callback
        },
    )
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &VOICE_QUEUE_DEPTH,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_queue_depth {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_QUEUE_DEPTH, exports =
    ["metric `voice_queue_depth` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_queue_depth` is defined twice in the linked crates\"",
    "\"metric `voice_queue_depth` is defined twice in the linked crates\":",
    ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// The configuration.
static VOICE_CONFIG_INFO: Info<1> = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_config_info",
        help: "The configuration.",
        labels: &["codec"],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options::NONE,
    };
    <Info<1>>::__new(&__METRIC_DESCRIPTOR)
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &VOICE_CONFIG_INFO,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_config {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_CONFIG_INFO, exports =
    ["metric `voice_config_info` is defined twice, rename one of them",
    "metric `voice_config` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_config_info` is defined twice in the linked crates\"",
    "\"metric `voice_config_info` is defined twice in the linked crates\":",
    ".globl \"metric `voice_config` is defined twice in the linked crates\"",
    "\"metric `voice_config` is defined twice in the linked crates\":", ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// What the worker is doing.
static VOICE_WORKER_STATE: StateSet<WorkerState> = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_worker_state",
        help: "What the worker is doing.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options {
            states: <WorkerState as ::metrics_core::States>::NAMES,
            ..::metrics_core::Options::NONE
        },
    };
    <StateSet<WorkerState>>::__new(&__METRIC_DESCRIPTOR)
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &VOICE_WORKER_STATE,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_worker_state {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_WORKER_STATE, exports =
    ["metric `voice_worker_state` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_worker_state` is defined twice in the linked crates\"",
    "\"metric `voice_worker_state` is defined twice in the linked crates\":",
    ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
