//! `sij-screen explain`: a rule set in plain words.

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::compile::catalog;
use crate::report::explain;

pub fn run(rules: &str) -> Result<Exit, AppError> {
    let loaded = catalog::load(rules)?;
    output::stdout(&explain::rule_set(&loaded.rules))?;
    Ok(Exit::Success)
}
