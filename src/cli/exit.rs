//! Exit codes, and the errors that map to them.
//!
//! Exit codes are a contract with scripts, so they are defined once, in
//! [`EXIT_CODES`]: `--help`, the man page and the README's table are made
//! from (or checked against) this one list.

use std::io;
use std::process::ExitCode;

use crate::batch::BatchError;
use crate::cli::usage::UsageError;
use crate::compile::catalog::LoadError;
use crate::diagnostics::{Diagnostics, inert};
use crate::files::InputError;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Problems = 1,
    Usage = 2,
    Interrupted = 130,
}

impl Exit {
    pub const fn code(self) -> u8 {
        self as u8
    }
}

/// Every exit code and what it means, in order.
pub const EXIT_CODES: [(Exit, &str); 4] = [
    (
        Exit::Success,
        "a screening completed (whatever its outcome), or a check passed",
    ),
    (
        Exit::Problems,
        "a check found problems (`validate`), a vignette failed (`test`), or `batch` met bad rows (it screened the rest)",
    ),
    (
        Exit::Usage,
        "usage or input error: unreadable or missing file, malformed YAML, an answer that does not fit its question, answers for another rule set, no terminal for the walk",
    ),
    (Exit::Interrupted, "interrupted (Ctrl-C or SIGTERM)"),
];

/// The exit codes for `--help` and the man page, with the disclaimer.
pub fn help_text() -> String {
    let mut out = String::from("Exit codes:\n");
    for (exit, meaning) in EXIT_CODES {
        // Wrapped here with a hanging indent, short enough that clap leaves
        // the lines alone on any ordinary terminal.
        let mut line = format!("  {:<4}", exit.code());
        for word in meaning.replace('`', "").split_whitespace() {
            if line.len() + 1 + word.len() > 72 {
                out.push_str(&line);
                out.push('\n');
                line = " ".repeat(7);
            } else {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\nNot medical advice: an educational aid that applies published criteria.");
    out
}

/// The exit codes as the README's Markdown table (a test checks the README
/// carries exactly this).
#[cfg(test)]
pub fn markdown_table() -> String {
    let mut out = String::from("| code | meaning |\n|---|---|\n");
    for (exit, meaning) in EXIT_CODES {
        out.push_str(&format!("| {} | {meaning} |\n", exit.code()));
    }
    out
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// `--rules` names no bundled rule set and no file.
    #[error(transparent)]
    UnknownRules(LoadError),
    /// A FHIR QuestionnaireResponse that cannot be read as answers, in the
    /// words of its reader.
    #[error("{}: {message}", inert(.name))]
    Response { name: String, message: String },
    /// The save path holds a file this walk did not write.
    #[error(
        "{path} was created or replaced by another program since this walk last saved it, so it is not overwritten"
    )]
    NotOurs { path: String },
    /// Another walk holds the lock of the file this walk would save to.
    #[error(
        "{path} is open in another walk (it holds the file's lock); finish or stop that walk first, or save this one elsewhere"
    )]
    Locked { path: String },
    /// A walk whose last answer could not be saved; `kept` says what the
    /// file still holds.
    #[error(
        "the last answer could not be saved: {error}{kept}. The summary above shows every answer given."
    )]
    SaveFailed { error: Box<AppError>, kept: String },
    #[error(transparent)]
    Input(#[from] InputError),
    /// A rule set, answers or vignette file with problems; every one is listed.
    #[error("{} has {} error(s)", .0.main_file(), .0.errors())]
    Invalid(Diagnostics),
    #[error("no terminal to ask questions on: pass --answers FILE to screen a case without one")]
    NoTerminal,
    #[error("{path}: cannot write: {source}")]
    Write { path: String, source: io::Error },
    #[error("interrupted: {0}")]
    Interrupted(String),
    #[error("terminal error: {0}")]
    Terminal(io::Error),
    /// A batch run that could not go on.
    #[error(transparent)]
    Batch(BatchError),
}

impl From<BatchError> for AppError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Invalid(d) => AppError::Invalid(d),
            BatchError::Read(e) => AppError::Input(e),
            other => AppError::Batch(other),
        }
    }
}

impl From<LoadError> for AppError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Input(e) => AppError::Input(e),
            LoadError::Invalid(d) => AppError::Invalid(d),
            unknown @ LoadError::UnknownName { .. } => AppError::UnknownRules(unknown),
        }
    }
}

impl AppError {
    pub fn exit(&self) -> Exit {
        match self {
            AppError::Interrupted(_) => Exit::Interrupted,
            _ => Exit::Usage,
        }
    }

    /// An unwritable standard output.
    pub fn stdout(source: io::Error) -> Self {
        AppError::Write {
            path: "standard output".into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_table_is_made_from_the_one_definition() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown_table()),
            "README's exit-code table differs from cli::exit::EXIT_CODES; it should read:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn help_lists_every_code() {
        let help = help_text();
        for (exit, _) in EXIT_CODES {
            assert!(help.contains(&format!("  {:<4} ", exit.code())), "{help}");
        }
        for line in help.lines() {
            assert!(line.len() <= 72, "{line}");
        }
    }
}
