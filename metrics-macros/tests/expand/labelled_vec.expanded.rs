// The expansion of the `#[metric]` declarations in the file of the same name, written by
// `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.

/// Total voice calls, by final status.
///
/// Only the first paragraph is the help text.
#[cfg(feature = "voice")]
pub static VOICE_CALLS_TOTAL: metrics_core::IntCounterVec<1> = {
    static __METRIC_DESCRIPTOR: ::metrics_core::Descriptor = ::metrics_core::Descriptor {
        name: "voice_calls_total",
        help: "Total voice calls, by final status.",
        labels: &["status"],
        buckets: &[],
        module_path: ::core::module_path!(),
        file: ::core::file!(),
        line: ::core::line!(),
        options: ::metrics_core::Options::NONE,
    };
    ::metrics_core::__private::module_level_only(
        self::VOICE_CALLS_TOTAL_must_be_declared_at_module_level,
        10909922098707557178u64,
        "the #[metric] static `VOICE_CALLS_TOTAL` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
    <metrics_core::IntCounterVec<1>>::__new(&__METRIC_DESCRIPTOR)
};
#[cfg(feature = "voice")]
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const VOICE_CALLS_TOTAL_must_be_declared_at_module_level: u64 = 10909922098707557178u64;
#[cfg(feature = "voice")]
const _: () = {
    ::metrics_core::__private::entry!(VOICE_CALLS_TOTAL);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_voice_calls_total_or_voice_calls_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `voice_calls_total` or `voice_calls` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `voice_calls_total` or `voice_calls` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `voice_calls_total` or `voice_calls` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
