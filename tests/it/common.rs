//! Helpers shared by the integration tests. Each test crate uses a subset.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

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

/// Runs with `stdin` as standard input; fails the test if it takes longer
/// than `limit` (a hang) or panics. Output is collected while the program
/// runs, so a large one cannot fill the pipe and stall both sides.
pub fn run_timed(args: &[&str], stdin: Option<&[u8]>, limit: Duration) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(limit) {
        Ok(out) => out.expect("output"),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("{args:?} hung for more than {limit:?}");
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    out
}
