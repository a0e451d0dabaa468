//! `sij-screen man`: the man page (roff).

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;

/// The page as roff text.
fn page() -> Result<String, AppError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(AppError::stdout)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn run() -> Result<Exit, AppError> {
    output::stdout(&page()?)?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::exit::EXIT_CODES;

    #[test]
    fn the_page_lists_every_exit_code() {
        let page = page().expect("renders");
        for (exit, _) in EXIT_CODES {
            assert!(page.contains(&format!("  {:<4} ", exit.code())), "{page}");
        }
    }
}
