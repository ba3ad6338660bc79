// The expansion of the `#[metric]` declarations in the file of the same name, written by
// `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.

/// Total voice calls, by final status.
pub static VOICE_CALLS_TOTAL: Family<
    CallStatus,
    IntCounter,
    { ::metrics_core::closed_len::<CallStatus>() },
> = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_calls_total",
        help: "Total voice calls, by final status.",
        labels: ::metrics_core::__private::family_labels::<CallStatus>(&["status"], &[]),
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options::NONE,
    };
    <Family<
        CallStatus,
        IntCounter,
        { ::metrics_core::closed_len::<CallStatus>() },
    >>::__new(
        &__METRIC_DESCRIPTOR,
        [const {
            <IntCounter>::__new(&__METRIC_DESCRIPTOR)
        }; ::metrics_core::closed_len::<CallStatus>()],
    )
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &VOICE_CALLS_TOTAL,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_calls {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_CALLS_TOTAL, exports =
    ["metric `voice_calls_total` is defined twice, rename one of them",
    "metric `voice_calls` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_calls_total` is defined twice in the linked crates\"",
    "\"metric `voice_calls_total` is defined twice in the linked crates\":",
    ".globl \"metric `voice_calls` is defined twice in the linked crates\"",
    "\"metric `voice_calls` is defined twice in the linked crates\":", ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
