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
    ::metrics_core::__private::module_level_only(
        self::ANSWER_DELAY_must_be_declared_at_module_level,
        532228589686440254u64,
        "the #[metric] static `ANSWER_DELAY` must be declared at module level, not inside a fn body, closure or block: move it out of the fn",
    );
    <Histogram>::__new(&__METRIC_DESCRIPTOR)
};
#[doc(hidden)]
#[allow(non_upper_case_globals)]
const ANSWER_DELAY_must_be_declared_at_module_level: u64 = 532228589686440254u64;
const _: () = {
    ::metrics_core::__private::entry!(ANSWER_DELAY);
    #[doc(hidden)]
    #[macro_export]
    macro_rules! metric_voice_answer_delay_seconds_total_or_voice_answer_delay_seconds_is_declared_twice_rename_one_or_give_one_another_name {
        () => {};
    }
    ::metrics_core::__private::link_checks!(
        "metric `voice_answer_delay_seconds_total` or `voice_answer_delay_seconds` is defined in two linked crates: rename one, or give one another `name`",
        ".pushsection .metrics_core_names,\"a\"\n.globl \"metric `voice_answer_delay_seconds_total` or `voice_answer_delay_seconds` is defined in two linked crates: rename one, or give one another `name`\"\n\"metric `voice_answer_delay_seconds_total` or `voice_answer_delay_seconds` is defined in two linked crates: rename one, or give one another `name`\":\n.popsection"
    );
};
const _: &[u8] = ::core::include_bytes!(
    ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")
);
