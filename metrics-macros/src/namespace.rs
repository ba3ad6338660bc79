//! The crate-wide name prefix, read from the crate's `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.metrics]
//! namespace = "voice"
//! ```
//!
//! A proc macro sees only the item it is attached to, so a prefix declared in the source (a
//! `const` at the crate root) would be invisible to it, and the name checks, the duplicate
//! detection and the expansion need the full name. The manifest is what every `#[metric]` of
//! a crate can read: cargo sets `CARGO_MANIFEST_DIR` for the compiler, which runs this macro.
//!
//! Only that table, written as a `[package.metadata.metrics]` section with `key = "value"`
//! lines, is read; anything else in it is a compile error rather than silently ignored.

use std::cell::Cell;
use std::ffi::OsString;
use std::path::Path;

pub struct Namespace {
    pub prefix: String,
}

/// Whether this expansion makes the crate depend on its manifest, so that adding or changing
/// the namespace rebuilds the crate (cargo alone does not rebuild a crate when only its
/// `[package.metadata]` changes). Only under cargo, which sets `CARGO_MANIFEST_DIR`, and only
/// for the first `#[metric]` of the crate: one dependency is enough, and each one cost about a
/// tenth of `cargo check`'s time on a crate of metrics.
///
/// "First" is remembered per thread and per crate. rustc expands a crate's macros on one
/// thread, in one process; where it did not (a fresh thread or process per expansion), more
/// expansions than the first would write the dependency, which costs time and is still right.
pub fn track() -> bool {
    let Some(directory) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return false;
    };
    let krate = (directory, std::env::var_os("CARGO_CRATE_NAME"));
    TRACKED.with(|tracked| tracked.replace(Some(krate.clone())) != Some(krate))
}

type Crate = (OsString, Option<OsString>);

thread_local! {
    static TRACKED: Cell<Option<Crate>> = const { Cell::new(None) };
}

/// Forgets which crate the manifest dependency was written for, so that the next expansion on
/// this thread writes it again (each expansion snapshot starts afresh).
#[cfg(test)]
pub fn forget_tracked() {
    TRACKED.with(|tracked| tracked.set(None));
}

const SECTION: &str = "[package.metadata.metrics]";

/// The namespace of the crate being compiled, if its manifest declares one.
pub fn crate_namespace() -> Result<Option<Namespace>, String> {
    let Ok(directory) = std::env::var("CARGO_MANIFEST_DIR") else {
        return Ok(None);
    };
    let path = Path::new(&directory).join("Cargo.toml");
    let Ok(manifest) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let Some(prefix) = parse(&manifest)? else {
        return Ok(None);
    };
    Ok(Some(Namespace { prefix }))
}

/// The `namespace` of the `[package.metadata.metrics]` section.
fn parse(manifest: &str) -> Result<Option<String>, String> {
    let mut in_section = false;
    let mut in_metadata = false;
    let mut namespace = None;
    let other_form = || {
        format!(
            "Cargo.toml: write the metrics settings as a `{SECTION}` section with \
             `namespace = \"...\"` under it; #[metric] reads no other form"
        )
    };
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_section = header == SECTION;
            in_metadata = header == "[package.metadata]";
            if !in_section && header.starts_with("[package.metadata.metrics") {
                return Err(other_form());
            }
            continue;
        }
        // `metrics = { namespace = ... }` under `[package.metadata]`, or a dotted key: read
        // by cargo, but not by this parser, so refused rather than ignored.
        let key = line.split('=').next().unwrap_or("").trim();
        if (in_metadata && (key == "metrics" || key.starts_with("metrics.")))
            || key.starts_with("metadata.metrics")
            || key.starts_with("package.metadata.metrics")
        {
            return Err(other_form());
        }
        if !in_section || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("Cargo.toml, {SECTION}: cannot read `{line}`"));
        };
        let key = key.trim();
        if key != "namespace" {
            return Err(format!(
                "Cargo.toml, {SECTION}: unknown key `{key}`; the only key is `namespace`"
            ));
        }
        let value = value.trim();
        let Some(value) = value
            .strip_prefix('"')
            .and_then(|value| value.strip_suffix('"'))
        else {
            return Err(format!(
                "Cargo.toml, {SECTION}: the namespace is a string: `namespace = \"voice\"`"
            ));
        };
        metrics_naming::check_prefix(value)
            .map_err(|message| format!("Cargo.toml, {SECTION}: invalid namespace: {message}"))?;
        namespace = Some(value.to_owned());
    }
    Ok(namespace)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_namespace_and_refuses_the_rest() {
        let manifest = "[package]\nname = \"voice-metrics\"\n\n[package.metadata.metrics]\n\
                        # the prefix\nnamespace = \"voice\"\n\n[dependencies]\nx = \"1\"\n";
        assert_eq!(parse(manifest), Ok(Some("voice".to_owned())));
        assert_eq!(parse("[package]\nname = \"x\"\n"), Ok(None));
        assert_eq!(
            parse("[package.metadata.metrics]\nnamespce = \"voice\"\n"),
            Err(
                "Cargo.toml, [package.metadata.metrics]: unknown key `namespce`; the only key \
                 is `namespace`"
                    .to_owned()
            )
        );
        let other_form = Err("Cargo.toml: write the metrics settings as a \
                              `[package.metadata.metrics]` section with `namespace = \"...\"` \
                              under it; #[metric] reads no other form"
            .to_owned());
        assert_eq!(
            parse("[package.metadata]\nmetrics = { namespace = \"voice\" }\n"),
            other_form
        );
        assert_eq!(
            parse("[package]\nmetadata.metrics.namespace = \"voice\"\n"),
            other_form
        );
        assert_eq!(parse("[ package.metadata.metrics.x ]\n"), other_form);
        assert_eq!(
            parse("[package.metadata.metrics]\nnamespace = \"Voice\"\n"),
            Err(
                "Cargo.toml, [package.metadata.metrics]: invalid namespace: `Voice` is not a \
                 name prefix: use lower-case letters, digits and `_`, starting with a letter \
                 and not ending with `_`"
                    .to_owned()
            )
        );
    }
}
