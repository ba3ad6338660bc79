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
    ::metrics_core::__private::module_level_only(
        self::SETUP_SECONDS_must_be_declared_at_module_level,
        15823094343621393326u64,
        "the #[metric] static `SETUP_SECONDS` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
    <Summary>::__new(&__METRIC_DESCRIPTOR)
};
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const SETUP_SECONDS_must_be_declared_at_module_level: u64 = 15823094343621393326u64;
const _: () = {
    ::metrics_core::__private::entry!(SETUP_SECONDS);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_calls_setup_seconds_total_or_calls_setup_seconds_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `calls_setup_seconds_total` or `calls_setup_seconds` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `calls_setup_seconds_total` or `calls_setup_seconds` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `calls_setup_seconds_total` or `calls_setup_seconds` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
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
    ::metrics_core::__private::module_level_only(
        self::VOICE_ROUTER_STATE_must_be_declared_at_module_level,
        1408915633194988825u64,
        "the #[metric] static `VOICE_ROUTER_STATE` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
    <StateSet>::__new(&__METRIC_DESCRIPTOR)
};
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const VOICE_ROUTER_STATE_must_be_declared_at_module_level: u64 = 1408915633194988825u64;
const _: () = {
    ::metrics_core::__private::entry!(VOICE_ROUTER_STATE);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_voice_router_state_total_or_voice_router_state_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `voice_router_state_total` or `voice_router_state` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `voice_router_state_total` or `voice_router_state` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `voice_router_state_total` or `voice_router_state` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
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
    ::metrics_core::__private::module_level_only(
        self::VOICE_QUEUE_DEPTH_must_be_declared_at_module_level,
        14337911246189082839u64,
        "the #[metric] static `VOICE_QUEUE_DEPTH` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
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
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const VOICE_QUEUE_DEPTH_must_be_declared_at_module_level: u64 = 14337911246189082839u64;
const _: () = {
    ::metrics_core::__private::entry!(VOICE_QUEUE_DEPTH);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_voice_queue_depth_total_or_voice_queue_depth_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `voice_queue_depth_total` or `voice_queue_depth` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `voice_queue_depth_total` or `voice_queue_depth` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `voice_queue_depth_total` or `voice_queue_depth` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
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
    ::metrics_core::__private::module_level_only(
        self::VOICE_CONFIG_INFO_must_be_declared_at_module_level,
        2494786931872196737u64,
        "the #[metric] static `VOICE_CONFIG_INFO` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
    <Info<1>>::__new(&__METRIC_DESCRIPTOR)
};
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const VOICE_CONFIG_INFO_must_be_declared_at_module_level: u64 = 2494786931872196737u64;
const _: () = {
    ::metrics_core::__private::entry!(VOICE_CONFIG_INFO);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_voice_config_total_or_voice_config_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `voice_config_total` or `voice_config` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `voice_config_total` or `voice_config` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `voice_config_total` or `voice_config` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
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
    ::metrics_core::__private::module_level_only(
        self::VOICE_WORKER_STATE_must_be_declared_at_module_level,
        6700787484309864682u64,
        "the #[metric] static `VOICE_WORKER_STATE` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
    <StateSet<WorkerState>>::__new(&__METRIC_DESCRIPTOR)
};
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const VOICE_WORKER_STATE_must_be_declared_at_module_level: u64 = 6700787484309864682u64;
const _: () = {
    ::metrics_core::__private::entry!(VOICE_WORKER_STATE);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_voice_worker_state_total_or_voice_worker_state_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `voice_worker_state_total` or `voice_worker_state` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `voice_worker_state_total` or `voice_worker_state` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `voice_worker_state_total` or `voice_worker_state` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
