//! Names the two target choices that `src/private.rs` makes for the code `#[metric]`
//! generates, so that each target list is written once rather than once per `cfg` and again
//! in its negation.

use std::env;

/// Where the link-time duplicate symbol of a metric is defined with `global_asm!` (ELF
/// assemblers on these architectures understand the section directives it uses; thin LTO
/// leaves it alone). Elsewhere it is an exported `#[used]` static.
const ASM_SYMBOL_ARCHES: &[&str] = &[
    "x86",
    "x86_64",
    "arm",
    "aarch64",
    "riscv32",
    "riscv64",
    "loongarch64",
];
const ASM_SYMBOL_OSES: &[&str] = &[
    "linux",
    "android",
    "freebsd",
    "netbsd",
    "openbsd",
    "dragonfly",
    "illumos",
];

/// Where `linkme` collects its elements from a section named after the slice
/// (`linkme_METRICS`), which a `#[link_section]` static can join directly. Elsewhere the
/// element goes through linkme's own macro, which knows each platform's section.
const LINKME_SECTION_OSES: &[&str] = &["none", "linux", "android", "fuchsia", "psp"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(metrics_asm_link_symbol)");
    println!("cargo::rustc-check-cfg=cfg(metrics_linkme_section)");
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if ASM_SYMBOL_ARCHES.contains(&arch.as_str()) && ASM_SYMBOL_OSES.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=metrics_asm_link_symbol");
    }
    if LINKME_SECTION_OSES.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=metrics_linkme_section");
    }
}
