//! Ctrl-C and SIGTERM: one handler for the whole program.
//!
//! Whatever the program is doing, an interrupt must leave the terminal usable,
//! say in one line what happened to the user's data, leave no temporary file
//! behind, and exit with 130. Work that must not be cut in half (an atomic
//! save's rename) runs inside [`commit`]; the handler waits for it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::exit::Exit;

#[derive(Debug, Default)]
struct State {
    /// What to say after "interrupted: ".
    message: Option<String>,
    /// A temporary file to remove.
    cleanup: Option<PathBuf>,
}

static STATE: Mutex<State> = Mutex::new(State {
    message: None,
    cleanup: None,
});
static INSTALLED: AtomicBool = AtomicBool::new(false);

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the handler (once). Returns whether it is in place.
pub fn install() -> bool {
    if INSTALLED.load(Ordering::SeqCst) {
        return true;
    }
    let ok = ctrlc::set_handler(|| {
        let mut s = state();
        if let Some(path) = s.cleanup.take() {
            let _ = std::fs::remove_file(path);
        }
        super::output::restore_cursor();
        let msg = s.message.clone().unwrap_or_else(|| "stopped".into());
        super::output::eprintln(&format!("\nsij-screen: interrupted: {msg}"));
        std::process::exit(i32::from(Exit::Interrupted.code()));
    })
    .is_ok();
    INSTALLED.store(ok, Ordering::SeqCst);
    ok
}

/// Sets what an interrupt says happened to the user's data.
pub fn set_message(message: impl Into<String>) {
    state().message = Some(message.into());
}

/// Creates a temporary file with `create` and records it for removal in
/// one step: an interrupt waits until both are done, so it never leaves a
/// temporary file that was created but not yet recorded (about 3% of the
/// interrupts sent as a save started left an empty one).
pub fn create_temporary<T, E>(
    create: impl FnOnce() -> Result<T, E>,
    path: impl FnOnce(&T) -> PathBuf,
) -> Result<T, E> {
    let mut s = state();
    let made = create()?;
    s.cleanup = Some(path(&made));
    Ok(made)
}

/// Runs `commit` (the rename that publishes an output) so an interrupt sees
/// either the temporary file still to remove, or the finished output with
/// nothing to remove, never the moment between.
pub fn commit<T, E>(
    commit: impl FnOnce() -> Result<T, E>,
    message: Option<String>,
) -> Result<T, E> {
    let mut s = state();
    let result = commit();
    if result.is_ok() {
        s.cleanup = None;
        if message.is_some() {
            s.message = message;
        }
    }
    result
}
