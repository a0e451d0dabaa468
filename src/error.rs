//! Errors, and the exit codes they map to.
//!
//! Exit codes are a contract with scripts, so they are defined once here and
//! documented in the README and `--help`:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | a screening completed (whatever its outcome), or a check passed |
//! | 1    | a check found problems (`validate`) |
//! | 2    | usage or input error: unreadable file, malformed YAML, an answer that does not fit its question, answers for another rule set, no terminal |
//! | 130  | interrupted (Ctrl-C or SIGTERM) |

use std::io;
use std::process::ExitCode;

use crate::diagnostic::Diagnostics;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Problems = 1,
    Usage = 2,
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// A file could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: permission denied")]
    PermissionDenied { path: String },
    #[error("{path}: is a directory, not a file")]
    IsDirectory { path: String },
    #[error(
        "{path}: not a regular file (a pipe, socket or device cannot be read as a rule set or answers file)"
    )]
    NotRegularFile { path: String },
    #[error("{path}: larger than the limit of {} MiB", limit / (1024 * 1024))]
    TooLarge { path: String, limit: u64 },
    #[error("{path}:{line}:{column}: not valid UTF-8 text")]
    NotUtf8 {
        path: String,
        line: u64,
        column: u64,
    },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

impl InputError {
    pub fn from_io(path: &str, source: io::Error) -> Self {
        let path = path.to_string();
        match source.kind() {
            io::ErrorKind::NotFound => InputError::NotFound { path },
            io::ErrorKind::PermissionDenied => InputError::PermissionDenied { path },
            io::ErrorKind::IsADirectory => InputError::IsDirectory { path },
            _ => InputError::Io { path, source },
        }
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Input(#[from] InputError),
    /// A rule set or answers file with problems; every one is listed.
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error("no terminal to ask questions on: pass --answers FILE to screen a case without one")]
    NoTerminal,
    #[error("{path}: cannot write: {source}")]
    Write { path: String, source: io::Error },
    #[error("interrupted: {0}")]
    Interrupted(String),
    #[error("terminal error: {0}")]
    Terminal(io::Error),
}

impl AppError {
    pub fn exit(&self) -> Exit {
        match self {
            AppError::Interrupted(_) => Exit::Interrupted,
            _ => Exit::Usage,
        }
    }
}
