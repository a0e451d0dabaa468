//! Writing to standard output and choosing how to draw there.
//!
//! A closed pipe (`sij-screen ... | head`) is not an error worth a message.
//! Files are written through [`super::atomic::AtomicFile`].

use std::io::{self, IsTerminal, Write};

use super::exit::AppError;
use super::request::ColorWhen;
use crate::report::table::Style;

/// Writes `text` to standard output. A closed pipe ends quietly.
pub fn stdout(text: &str) -> Result<(), AppError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(AppError::stdout(e)),
    }
}

/// Writes a summary to standard output, through a pager when `pager` is
/// asked for and standard output is a terminal (as git does, the pager is
/// `$SIJ_SCREEN_PAGER`, then `$PAGER`, then `less -FRX`). A pager that
/// cannot be started is not an error: the summary is written directly.
pub fn summary(text: &str, pager: bool) -> Result<(), AppError> {
    if !pager || !io::stdout().is_terminal() {
        return stdout(text);
    }
    let command = std::env::var("SIJ_SCREEN_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .ok()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| "less -FRX".to_string());
    let child = std::process::Command::new("sh")
        .args(["-c", &command])
        .stdin(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return stdout(text);
    };
    if let Some(mut input) = child.stdin.take() {
        // The pager may quit before reading everything (`q` in less): a
        // closed pipe is not an error.
        let _ = input.write_all(text.as_bytes());
    }
    let _ = child.wait();
    Ok(())
}

/// Shows the cursor again, if standard error is a terminal (the walk may
/// have hidden it). On a log file or a pipe the escape sequence would only
/// be stray bytes, so nothing is written there.
pub fn restore_cursor() {
    if io::stderr().is_terminal() {
        let _ = console::Term::stderr().show_cursor();
    }
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

/// Writes a line to standard error; a closed or full standard error is
/// ignored (there is nowhere left to say anything), never a panic.
pub fn eprintln(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_terminal() {
        assert!(use_color(ColorWhen::Always, false));
        assert!(!use_color(ColorWhen::Never, true));
        assert!(!use_color(ColorWhen::Auto, false));
    }
}
