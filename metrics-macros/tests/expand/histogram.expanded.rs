// The expansion of the `#[metric]` declarations in the file of the same name, written by
// `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.

/// Time to answer a voice call.
pub(crate) static ANSWER_DELAY: Histogram = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_answer_delay_seconds",
        help: "Time to answer a voice call.",
        labels: &[],
        buckets: &[0.5f64, 1f64, 1.5f64, 2f64],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options::NONE,
    };
    <Histogram>::__new(&__METRIC_DESCRIPTOR)
};
const _: () = {
    #[::metrics_core::__private::linkme::distributed_slice(
        ::metrics_core::__private::METRICS
    )]
    #[linkme(crate = ::metrics_core::__private::linkme)]
    static __METRIC_ENTRY: ::metrics_core::__private::Entry = ::metrics_core::__private::Entry(
        &ANSWER_DELAY,
    );
};
#[doc(hidden)]
#[macro_export]
macro_rules! metric_named_voice_answer_delay_seconds {
    () => {};
}
::metrics_core::__private::link_checks! {
    ident = ANSWER_DELAY, exports =
    ["metric `voice_answer_delay_seconds` is defined twice, rename one of them"], asm =
    [".pushsection .metrics_core_names,\"a\"",
    ".globl \"metric `voice_answer_delay_seconds` is defined twice in the linked crates\"",
    "\"metric `voice_answer_delay_seconds` is defined twice in the linked crates\":",
    ".popsection"],
}
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
