// The expansion of the `#[metric]` declarations in the file of the same name, written by
// `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.

/// Voice calls rejected before ringing.
static VOICE_CALLS_REJECTED_TOTAL: IntCounter = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_calls_rejected_total",
        help: "Voice calls rejected before ringing.",
        labels: &[],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options::NONE,
    };
    <IntCounter>::__new(&__METRIC_DESCRIPTOR)
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &VOICE_CALLS_REJECTED_TOTAL,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_calls_rejected {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = VOICE_CALLS_REJECTED_TOTAL, exports =
    ["metric `voice_calls_rejected_total` is defined twice, rename one of them",
    "metric `voice_calls_rejected` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_calls_rejected_total` is defined twice in the linked crates\"",
    "\"metric `voice_calls_rejected_total` is defined twice in the linked crates\":",
    ".globl \"metric `voice_calls_rejected` is defined twice in the linked crates\"",
    "\"metric `voice_calls_rejected` is defined twice in the linked crates\":",
    ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
