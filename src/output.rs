//! Writing results: to standard output, and atomically to files.
//!
//! A closed pipe (`sij-screen ... | head`) is not an error worth a message, and
//! a file that is written must never be left half-written, even if the
//! process dies mid-write: write a temporary file beside it, then rename.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::cli::ColorWhen;
use crate::error::AppError;
use crate::report::text::Style;

/// Writes `text` to standard output. A closed pipe ends quietly.
pub fn stdout(text: &str) -> Result<(), AppError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(AppError::Write {
            path: "standard output".into(),
            source: e,
        }),
    }
}

/// Replaces `path` with `text` atomically: readers see the old file or the
/// new one, never a mixture.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), AppError> {
    let shown = path.display().to_string();
    let err = |source: io::Error| AppError::Write {
        path: shown.clone(),
        source,
    };
    if path.is_dir() {
        return Err(err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("directory {} does not exist", dir.display()),
        )));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".sij-screen-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(text.as_bytes()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Whether colour is wanted on a stream that is (or is not) a terminal.
pub fn use_color(when: ColorWhen, is_terminal: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The table style for standard output: UTF-8 and colour on a terminal, the
/// terminal's width; plain ASCII otherwise, at `COLUMNS` columns if set
/// (for wide logs) or 100.
pub fn stdout_style(when: ColorWhen) -> Style {
    style_for(&console::Term::stdout(), io::stdout().is_terminal(), when)
}

/// The table style for standard error (batch summaries), by the same rules.
pub fn stderr_style() -> Style {
    style_for(
        &console::Term::stderr(),
        io::stderr().is_terminal(),
        ColorWhen::Auto,
    )
}

fn style_for(term: &console::Term, tty: bool, when: ColorWhen) -> Style {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok());
    let width = if tty {
        term.size_checked().map(|(_, w)| w).or(columns)
    } else {
        columns
    };
    Style {
        utf8: tty,
        color: use_color(when, tty),
        width: width.unwrap_or(100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.yaml");
        write_atomic(&path, "one\n").expect("first write");
        write_atomic(&path, "two\n").expect("second write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "two\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn atomic_write_into_a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = write_atomic(&dir.path().join("nope/a.yaml"), "x").expect_err("missing dir");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    #[test]
    fn colour_follows_the_terminal() {
        assert!(use_color(ColorWhen::Always, false));
        assert!(!use_color(ColorWhen::Never, true));
        assert!(!use_color(ColorWhen::Auto, false));
    }
}
