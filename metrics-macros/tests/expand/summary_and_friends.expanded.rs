// The expansion of the `#[metric]` declarations in the file of the same name, written by
// `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.

/// Call setup time.
pub static SETUP_SECONDS: Summary = {
    static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor = ::metrics_core::__private::Descriptor {
        name: "calls_setup_seconds",
        help: "Call setup time.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::__private::Options {
            objectives: &[
                ::metrics_core::__private::Objective {
                    quantile: 0.5f64,
                    error: 0.05f64,
                },
                ::metrics_core::__private::Objective {
                    quantile: 0.99f64,
                    error: 0.001f64,
                },
            ],
            max_age_seconds: 120u64,
            age_buckets: 4u32,
            ..::metrics_core::__private::Options::NONE
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
macro_rules! metric_calls_setup_seconds_total_or_calls_setup_seconds_is_declared_twice_rename_one_or_give_one_another_name {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = SETUP_SECONDS, name = "calls_setup_seconds", module_level =
    SETUP_SECONDS_must_be_declared_at_module_level, symbol =
    "metric `calls_setup_seconds_total` or `calls_setup_seconds` is defined in two linked crates: rename one, or give one another `name`",
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// The router's state.
static VOICE_ROUTER_STATE: StateSet = {
    static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor = ::metrics_core::__private::Descriptor {
        name: "voice_router_state",
        help: "The router's state.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::__private::Options {
            states: &["starting", "serving"],
            const_labels: &[("region", "eu")],
            ..::metrics_core::__private::Options::NONE
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
macro_rules! metric_voice_router_state_total_or_voice_router_state_is_declared_twice_rename_one_or_give_one_another_name {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_ROUTER_STATE, name = "voice_router_state", module_level =
    VOICE_ROUTER_STATE_must_be_declared_at_module_level, symbol =
    "metric `voice_router_state_total` or `voice_router_state` is defined in two linked crates: rename one, or give one another `name`",
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// Calls waiting for an agent.
static VOICE_QUEUE_DEPTH: GaugeFn = {
    static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor = ::metrics_core::__private::Descriptor {
        name: "voice_queue_depth",
        help: "Calls waiting for an agent.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::__private::Options::NONE,
    };
    <GaugeFn>::__new(
        &__METRIC_DESCRIPTOR,
        {
            #[allow(clippy::redundant_closure_call)]
            fn __metric_callback() -> f64 {
                ::metrics_core::__private::IntoSample::into_sample((queue_len)())
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
macro_rules! metric_voice_queue_depth_total_or_voice_queue_depth_is_declared_twice_rename_one_or_give_one_another_name {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_QUEUE_DEPTH, name = "voice_queue_depth", module_level =
    VOICE_QUEUE_DEPTH_must_be_declared_at_module_level, symbol =
    "metric `voice_queue_depth_total` or `voice_queue_depth` is defined in two linked crates: rename one, or give one another `name`",
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// The configuration.
static VOICE_CONFIG_INFO: Info<1> = {
    static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor = ::metrics_core::__private::Descriptor {
        name: "voice_config_info",
        help: "The configuration.",
        labels: &["codec"],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::__private::Options::NONE,
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
macro_rules! metric_voice_config_info_total_or_voice_config_info_is_declared_twice_rename_one_or_give_one_another_name {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_CONFIG_INFO, name = "voice_config_info", module_level =
    VOICE_CONFIG_INFO_must_be_declared_at_module_level, symbol =
    "metric `voice_config_info_total` or `voice_config_info` is defined in two linked crates: rename one, or give one another `name`",
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
/// What the worker is doing.
static VOICE_WORKER_STATE: StateSet<WorkerState> = {
    static __METRIC_DESCRIPTOR: ::metrics_core::__private::Descriptor = ::metrics_core::__private::Descriptor {
        name: "voice_worker_state",
        help: "What the worker is doing.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::__private::Options {
            states: <WorkerState as ::metrics_core::States>::NAMES,
            ..::metrics_core::__private::Options::NONE
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
macro_rules! metric_voice_worker_state_total_or_voice_worker_state_is_declared_twice_rename_one_or_give_one_another_name {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_WORKER_STATE, name = "voice_worker_state", module_level =
    VOICE_WORKER_STATE_must_be_declared_at_module_level, symbol =
    "metric `voice_worker_state_total` or `voice_worker_state` is defined in two linked crates: rename one, or give one another `name`",
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
