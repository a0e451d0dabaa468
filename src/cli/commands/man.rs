//! `sij-screen man`: the man page (roff).

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;

pub fn run() -> Result<Exit, AppError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(AppError::stdout)?;
    output::stdout(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Success)
}
