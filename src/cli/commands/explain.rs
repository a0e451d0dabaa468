//! `sij-screen explain`: a rule set in plain words, or as a handout.

use crate::cli::args::ExplainFormat;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::compile::catalog;
use crate::report::explain;

pub fn run(rules: &str, format: ExplainFormat) -> Result<Exit, AppError> {
    let loaded = catalog::load(rules)?;
    let rs = &loaded.rules;
    output::stdout(&match format {
        ExplainFormat::Text => explain::rule_set(rs),
        ExplainFormat::Markdown => explain::markdown(rs),
        ExplainFormat::Html => explain::html_page(rs),
    })?;
    Ok(Exit::Success)
}
