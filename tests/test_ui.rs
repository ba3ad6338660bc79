//! Every mistake `#[metric]` reports at compile time, one case per error (`tests/ui/*.rs`).
//!
//! The exact messages (`tests/ui/*.stderr`) are rustc's rendering, which changes between
//! compiler versions (underline widths, notes, wording of rustc's own errors). So:
//!
//! - on the compiler they were recorded with ([`RECORDED_WITH`]), trybuild compares them
//!   exactly; regenerate after an intended change with
//!   `TRYBUILD=overwrite cargo test --test test_ui`, then review the diff;
//! - on any other compiler, and on every other toolchain `rustup toolchain list` shows, each
//!   case must still fail to build, and every `error` headline of its snapshot (the line that
//!   names the mistake: `error[E0425]: cannot find value ...`) must be among its errors.
//!
//! The guarantees themselves (module level only, duplicates, typed labels) rest on rules of the
//! language, so they hold on every compiler; these tests are how we know.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::toolchains::{self, Toolchain};

/// `rustc -V` of the compiler the `.stderr` snapshots were recorded with.
const RECORDED_WITH: &str = "rustc 1.95.0 ";

#[test]
fn ui() {
    let current = toolchains::current();
    if current.version.starts_with(RECORDED_WITH) {
        let cases = trybuild::TestCases::new();
        cases.compile_fail("tests/ui/*.rs");
    } else {
        common::notice(&format!(
            "test_ui: snapshots were recorded with `{}`, this is `{}`: checking that every \
             case fails with its error headlines instead of comparing the whole output",
            RECORDED_WITH.trim(),
            current.version
        ));
        check_headlines(&current);
    }
}

/// The same cases built by every other installed toolchain (one per compiler version).
#[test]
fn ui_on_every_installed_toolchain() {
    let current = toolchains::current();
    let others: Vec<Toolchain> = toolchains::installed()
        .into_iter()
        .filter(|toolchain| toolchain.version != current.version)
        .collect();
    if others.is_empty() {
        common::notice(
            "test_ui: skipped ui_on_every_installed_toolchain: `rustup toolchain list` shows \
             no compiler other than the one running the tests",
        );
        return;
    }
    for toolchain in &others {
        check_headlines(toolchain);
    }
}

/// The `error...` headlines of each case's snapshot, by case name.
fn expected_headlines() -> BTreeMap<String, Vec<String>> {
    let mut cases = BTreeMap::new();
    for entry in fs::read_dir(ui_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "rs") {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let snapshot = fs::read_to_string(path.with_extension("stderr"))
                .unwrap_or_else(|_| panic!("tests/ui/{name}.rs has no .stderr snapshot"));
            let headlines: Vec<String> = snapshot
                .lines()
                .filter(|line| line.starts_with("error"))
                .map(str::to_owned)
                .collect();
            assert!(!headlines.is_empty(), "tests/ui/{name}.stderr has no error");
            cases.insert(name, headlines);
        }
    }
    cases
}

/// Builds every case with `toolchain` (`cargo check --keep-going`, one bin per case) and
/// checks that each fails with its snapshot's headlines.
fn check_headlines(toolchain: &Toolchain) {
    let cases = expected_headlines();
    let project = write_project(toolchain, cases.keys());
    let output = toolchain
        .cargo()
        .args([
            "check",
            "--bins",
            "--keep-going",
            "--message-format=json",
            "--color=never",
        ])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", project.join("target"))
        .output()
        .expect("cargo runs");
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let Some(case) = message["target"]["name"].as_str() else {
            continue;
        };
        let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
        errors
            .entry(case.to_owned())
            .or_default()
            .push_str(rendered);
    }
    let mut failures = Vec::new();
    for (case, headlines) in &cases {
        let Some(found) = errors.get(case) else {
            failures.push(format!("{case}: built without an error"));
            continue;
        };
        for headline in headlines {
            let missing: Vec<&str> = key_words(headline)
                .into_iter()
                .filter(|word| !found.contains(word))
                .collect();
            if !missing.is_empty() {
                failures.push(format!(
                    "{case}: expected `{headline}`, found no {missing:?} among:\n{found}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "with {} ({}):\n\n{}\n\ncargo's stderr:\n{}",
        toolchain.name,
        toolchain.version,
        failures.join("\n\n"),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What must be found of a snapshot's headline on another compiler. Our own messages
/// (`error: ...`, written by the macros) are ours to keep: all of it. rustc's (`error[E...]`)
/// may be reworded between versions: its code and every `quoted` term (the names involved).
fn key_words(headline: &str) -> Vec<&str> {
    let Some(rest) = headline.strip_prefix("error[") else {
        return vec![headline];
    };
    let code_end = rest.find(']').map_or(0, |end| end + "error[]".len());
    let mut words = vec![&headline[..code_end]];
    words.extend(headline[code_end..].split('`').skip(1).step_by(2));
    words
}

/// A crate with one bin per case, depending on `metrics-core` by path, in a directory of its
/// own per compiler version (so each keeps its build).
fn write_project<'a>(toolchain: &Toolchain, cases: impl Iterator<Item = &'a String>) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let slug: String = toolchain
        .version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ui-{slug}"));
    fs::create_dir_all(&project).unwrap();
    let mut manifest = format!(
        "[package]\nname = \"metrics-ui-cases\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\n\
         metrics-core = {{ path = {:?} }}\n",
        root.join("metrics-core")
    );
    for case in cases {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{case}\"\npath = {:?}\n",
            ui_dir().join(format!("{case}.rs"))
        ));
    }
    fs::write(project.join("Cargo.toml"), manifest).unwrap();
    // The lock file of the workspace, so the cases build against the same dependencies.
    fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
    project
}

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}
