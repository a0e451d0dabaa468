//! `sij-screen completions`: shell completion scripts.

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;

pub fn run(shell: clap_complete::Shell) -> Result<Exit, AppError> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sij-screen", &mut buf);
    output::stdout(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Success)
}
