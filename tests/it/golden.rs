//! Command-line cases as golden files: each `tests/cmd/NAME.toml` gives the
//! arguments (run from the repository root), and `NAME.stdout` /
//! `NAME.stderr` the exact output, with `[..]` where it varies (dates).
//! Adding a case needs no Rust; `TRYCMD=overwrite cargo test golden`
//! rewrites the expected files after a deliberate change.

#[test]
fn command_line_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml");
}
