//! Duplicate metric names across crates fail the build, in every profile; and the cases that
//! need a real `cargo` build of their own (dev-dependency cycles, `#[test]` fns).
//!
//! Builds the crates of `tests/fixtures` (a workspace of its own) with `cargo build`:
//! `fixture-dup-app` links `fixture-jobs` and `fixture-jobs-copy`, which both define
//! `fixture_jobs_total`, and must fail; `fixture-ok-app` links `fixture-jobs` and
//! `fixture-jobs-user`, whose metrics differ, and must build and expose both. The fixture
//! builds share one target directory under this package's `CARGO_TARGET_TMPDIR`, so only the
//! first run compiles their dependencies.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::toolchains;

/// What `fixture-ok-app` prints: both crates' metrics, from the one registry.
const OK_APP_OUTPUT: &str = "\
# HELP fixture_job_duration_seconds Time the fixture's jobs took.
# TYPE fixture_job_duration_seconds histogram
fixture_job_duration_seconds_bucket{le=\"0.5\"} 0
fixture_job_duration_seconds_bucket{le=\"1\"} 1
fixture_job_duration_seconds_bucket{le=\"+Inf\"} 1
fixture_job_duration_seconds_sum 0.75
fixture_job_duration_seconds_count 1
# HELP fixture_jobs_total Jobs run by the fixture.
# TYPE fixture_jobs_total counter
fixture_jobs_total 1
";

/// The one link symbol per metric family: in `global_asm!` on ELF targets (which survives thin
/// LTO), an exported `#[used]` static elsewhere.
const SYMBOL: &str = "metric `fixture_jobs_total` or `fixture_jobs` is defined in two linked \
                      crates: rename one, or give one another `name`";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures")
}

fn cargo(args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(fixtures())
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .expect("cargo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Builds both apps in `profile` and checks that the duplicate failed to link with a message
/// containing each of `expected`, and that the correct pair built and exposes both metrics.
fn check_profile(profile: &str, expected: &[&str]) {
    let output = cargo(&[
        "build",
        "--profile",
        profile,
        "--keep-going",
        "--color=never",
        "-p",
        "fixture-dup-app",
        "-p",
        "fixture-ok-app",
    ]);
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "{profile}: the duplicate linked:\n{stderr}"
    );
    assert!(
        stderr.contains("could not compile `fixture-dup-app`"),
        "{profile}: fixture-dup-app did not fail:\n{stderr}"
    );
    assert!(
        !stderr.contains("could not compile `fixture-ok-app`"),
        "{profile}: the correct pair failed:\n{stderr}"
    );
    for message in expected {
        assert_eq!(
            stderr.matches(message).count(),
            1,
            "{profile}: the failure does not say `{message}` once:\n{stderr}"
        );
    }

    let directory = if profile == "dev" { "debug" } else { profile };
    let app = target_dir().join(directory).join("fixture-ok-app");
    let run = Command::new(&app).output().expect("fixture-ok-app runs");
    assert!(
        run.status.success(),
        "{profile}: fixture-ok-app failed: {}",
        text(&run.stderr)
    );
    assert_eq!(text(&run.stdout), OK_APP_OUTPUT, "{profile}");
}

#[test]
fn duplicate_across_crates_fails_debug_build() {
    check_profile("dev", &[&format!("duplicate symbol: {SYMBOL}")]);
}

#[test]
fn duplicate_across_crates_fails_release_build() {
    check_profile("release", &[&format!("duplicate symbol: {SYMBOL}")]);
}

/// Thin LTO internalizes exported statics, which is why ELF targets define the symbol in
/// `global_asm!`: the test fails if it is defined any other way.
#[cfg(all(
    any(target_arch = "x86_64", target_arch = "aarch64"),
    any(target_os = "linux", target_os = "android", target_os = "freebsd")
))]
#[test]
fn duplicate_across_crates_fails_thin_lto_build() {
    check_profile("thin-lto", &[&format!("duplicate symbol: {SYMBOL}")]);
}

/// Fat LTO merges every crate into one LLVM module, whose assembler refuses the second
/// definition of the symbol.
#[test]
fn duplicate_across_crates_fails_fat_lto_build() {
    check_profile(
        "fat-lto",
        &[&format!("error: symbol '{SYMBOL}' is already defined")],
    );
}

/// `fixture-jobs` has a dev-dependency on a crate that depends on it, so its unit tests link
/// it twice: that builds (no false positive), and the unit test there asserts that the
/// registry reports the second copy. Its integration test `tests/clash.rs` (built with
/// `cfg(test)`, so without link symbols) redefines `fixture_jobs_total`, and asserts that the
/// registry's run-time check names both definitions.
#[test]
fn dev_dependency_cycle_builds_and_runtime_check_reports_duplicates() {
    let output = cargo(&["test", "--color=never", "-p", "fixture-jobs"]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for test in [
        "test tests::dev_dependency_cycle_builds_and_the_registry_reports_the_second_copy ... ok",
        "test registry_reports_both_definitions ... ok",
    ] {
        assert!(stdout.contains(test), "`{test}` did not run:\n{stdout}");
    }
}

/// The cross-crate duplicate fails the link with every other installed toolchain too (one per
/// compiler version; the same-crate duplicate and the lints are `tests/ui` cases, which
/// `test_ui` builds with each of them). Dev profile: the others are the same mechanism.
#[test]
fn duplicate_across_crates_fails_with_every_installed_toolchain() {
    let current = toolchains::current();
    let others: Vec<_> = toolchains::installed()
        .into_iter()
        .filter(|toolchain| toolchain.version != current.version)
        .collect();
    if others.is_empty() {
        common::notice(
            "test_duplicates: skipped the other toolchains: `rustup toolchain list` shows no \
             compiler other than the one running the tests",
        );
    }
    for toolchain in others {
        let output = toolchain
            .cargo()
            .args(["build", "--color=never", "-p", "fixture-dup-app"])
            .current_dir(fixtures())
            .env(
                "CARGO_TARGET_DIR",
                target_dir().join(format!("build-{}", toolchain.name)),
            )
            .output()
            .expect("cargo runs");
        let stderr = text(&output.stderr);
        let with = &toolchain.version;
        assert!(
            !output.status.success(),
            "{with}: the duplicate linked\n{stderr}"
        );
        assert_eq!(
            stderr
                .matches(&format!("duplicate symbol: {SYMBOL}"))
                .count(),
            1,
            "{with}:\n{stderr}"
        );
    }
}

/// Module level only, for the case a trybuild case cannot build: the body of a `#[test]` fn,
/// which exists only when the crate is compiled as a test. Built by every installed toolchain
/// (one per compiler version), since the guarantee must not depend on one compiler.
#[test]
fn metric_inside_test_fn_fails_cargo_check() {
    for toolchain in toolchains::installed() {
        let output = toolchain
            .cargo()
            .args([
                "check",
                "--tests",
                "--color=never",
                "-p",
                "fixture-metric-in-test-fn",
            ])
            .current_dir(fixtures())
            .env(
                "CARGO_TARGET_DIR",
                target_dir().join(format!("check-{}", toolchain.name)),
            )
            .output()
            .expect("cargo runs");
        let stderr = text(&output.stderr);
        let with = &toolchain.version;
        assert!(!output.status.success(), "{with}: built\n{stderr}");
        assert!(
            stderr.contains(
                "error[E0425]: cannot find value \
                 `FIXTURE_TEST_FN_CALLS_TOTAL_must_be_declared_at_module_level` in module `self`\n\
                 \x20 --> test-fn/src/lib.rs:12:16"
            ),
            "{with}:\n{stderr}"
        );
    }
}

/// The namespace comes from `[package.metadata.metrics]` in Cargo.toml, which cargo alone
/// does not watch: the crate's first `#[metric]` makes the crate depend on the file (the
/// others do not repeat it), so changing the namespace rebuilds the crate and renames every
/// metric. The first declaration here is compiled out by its `cfg`, which must not take the
/// dependency with it. Built in a copy under the target directory, since the test edits it.
#[test]
fn changing_the_namespace_in_cargo_toml_rebuilds_the_crate() {
    let crate_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("namespace-rebuild");
    let _ = std::fs::remove_dir_all(&crate_dir);
    std::fs::create_dir_all(crate_dir.join("src")).expect("a fresh directory");
    std::fs::copy(fixtures().join("Cargo.lock"), crate_dir.join("Cargo.lock"))
        .expect("the fixtures' lock file");
    std::fs::write(
        crate_dir.join("src/main.rs"),
        "use metrics_core::{metric, IntCounter};\n\n\
         /// Never compiled.\n#[metric]\n#[cfg(any())]\nstatic NEVER_TOTAL: IntCounter;\n\n\
         /// Jobs run.\n#[metric]\nstatic JOBS_TOTAL: IntCounter;\n\n\
         mod queue {\n    use metrics_core::{metric, IntGauge};\n\n    \
         /// Jobs waiting.\n    #[metric]\n    pub static QUEUE_DEPTH: IntGauge;\n}\n\n\
         fn main() {\n    JOBS_TOTAL.inc();\n    queue::QUEUE_DEPTH.set(2);\n    \
         print!(\"{}\", metrics_core::registry().render());\n}\n",
    )
    .expect("writable");
    let manifest = |namespace: &str| {
        format!(
            "[package]\nname = \"fixture-namespace-rebuild\"\nversion = \"0.0.0\"\n\
             edition = \"2024\"\npublish = false\n\n\
             [dependencies]\nmetrics-core = {{ path = {core:?}, default-features = false }}\n\n\
             [package.metadata.metrics]\nnamespace = \"{namespace}\"\n\n\
             # Not part of the repository's workspace; the fixtures' profile, so that their \
             dependencies are reused.\n[workspace]\n\n\
             [profile.dev]\ndebug = false\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
            core = Path::new(env!("CARGO_MANIFEST_DIR")).join("metrics-core"),
        )
    };
    let run = || {
        let output = Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--color=never"])
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", target_dir())
            .env_remove("CARGO_BUILD_TARGET")
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        // The crate's own metrics, without metrics-core's.
        text(&output.stdout)
            .split_inclusive('\n')
            .filter(|line| !line.contains(" metrics_core_"))
            .collect::<String>()
    };
    let exposition = |namespace: &str| {
        format!(
            "# HELP {namespace}_jobs_total Jobs run.\n# TYPE {namespace}_jobs_total counter\n\
             {namespace}_jobs_total 1\n\
             # HELP {namespace}_queue_depth Jobs waiting.\n# TYPE {namespace}_queue_depth gauge\n\
             {namespace}_queue_depth 2\n"
        )
    };

    std::fs::write(crate_dir.join("Cargo.toml"), manifest("before")).expect("writable");
    assert_eq!(run(), exposition("before"));
    std::fs::write(crate_dir.join("Cargo.toml"), manifest("after")).expect("writable");
    assert_eq!(run(), exposition("after"));
}
