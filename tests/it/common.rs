//! Helpers shared by the integration tests. Each test crate uses a subset.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The binary, with no colour, no `COLUMNS` and no standard input: the same
/// plain conditions CI has.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sij-screen"));
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .stdin(Stdio::null());
    cmd
}

fn under(dir: &str, name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join(name)
        .display()
        .to_string()
}

/// A file in `tests/fixtures/`.
pub fn fixture(name: &str) -> String {
    under("tests/fixtures", name)
}

/// An example answers file in `examples/cases/`.
pub fn case(name: &str) -> String {
    under("examples/cases", name)
}
