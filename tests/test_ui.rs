//! Every mistake `#[metric]` reports at compile time, one case per error, with the exact
//! message (`tests/ui/*.stderr`). Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test --test test_ui`, then review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
