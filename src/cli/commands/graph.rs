//! `sij-screen graph`: a rule set's logic as a flowchart.

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::request::GraphFormat;
use crate::compile::catalog;
use crate::report::graph;

pub fn run(rules: &str, format: GraphFormat) -> Result<Exit, AppError> {
    let loaded = catalog::load(rules)?;
    let text = match format {
        GraphFormat::Mermaid => graph::mermaid(&loaded.rules),
        GraphFormat::Dot => graph::dot(&loaded.rules),
    };
    output::stdout(&text)?;
    Ok(Exit::Success)
}
