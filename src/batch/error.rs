//! What stops a batch run, each with the input's name where it helps.

use std::io;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::files::InputError;
use crate::rows::bundle::BundleError;
use crate::rows::csv::HeaderError;
use crate::rows::limits::MAX_RECORD_BYTES;
use crate::rows::{Input, RowError};

/// Why a run stopped. Rows before the stop are written (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The CSV header, or (`strict`) the first bad row: problems at their
    /// places in the input.
    #[error("{} has {} error(s)", .0.main_file(), .0.errors())]
    Invalid(Diagnostics),
    /// The input could not be read on.
    #[error(transparent)]
    Read(InputError),
    /// A JSON line over the record limit (nothing after it is read).
    #[error(
        "{name}:{line}: line longer than the limit of {} MiB; nothing after it was read",
        MAX_RECORD_BYTES >> 20
    )]
    LineTooLong { name: String, line: u64 },
    /// A CSV record over the record limit.
    #[error(
        "{name}: line {line}: a record longer than the limit of {} MiB; nothing after it was read (is this really a CSV file?)",
        MAX_RECORD_BYTES >> 20
    )]
    RecordTooLong { name: String, line: u64 },
    /// A JSON document that is not a Bundle to screen.
    #[error("{name}: {error}")]
    Bundle { name: String, error: BundleError },
    /// The results could not be written (the caller names where).
    #[error("cannot write the results: {0}")]
    Write(io::Error),
}

impl BatchError {
    /// One problem at `line` of the input `name`.
    pub(super) fn at_line(name: &str, line: u64, message: String) -> Self {
        BatchError::Invalid(Diagnostics::for_file(
            name,
            vec![Diagnostic::error(Span::at(FileId::MAIN, line, 1), message)],
        ))
    }

    /// `strict`'s stop at a bad row.
    pub(super) fn strict(name: &str, line: u64, error: &RowError) -> Self {
        Self::at_line(name, line, error.to_string())
    }

    /// The input failed to read, or one record was too long.
    pub(super) fn read_failure(name: &str, f: ReadFailure, input: Input) -> Self {
        let name = name.to_string();
        match (f, input) {
            (ReadFailure::Io(e), _) => BatchError::Read(InputError::from_io(&name, e)),
            (ReadFailure::TooLong { line }, Input::Jsonl) => BatchError::LineTooLong { name, line },
            (ReadFailure::TooLong { line }, Input::Csv) => BatchError::RecordTooLong { name, line },
        }
    }

    pub(super) fn header(name: &str, e: HeaderError) -> Self {
        match e {
            HeaderError::Invalid(d) => BatchError::Invalid(Diagnostics::for_file(name, vec![*d])),
            HeaderError::Read(e) => BatchError::Read(InputError::from_io(name, e)),
        }
    }
}

/// Why the input could not be read on: ends the run after the rows before
/// it are written.
#[derive(Debug)]
pub enum ReadFailure {
    Io(io::Error),
    /// A record longer than [`MAX_RECORD_BYTES`], starting at this line.
    TooLong {
        line: u64,
    },
}
