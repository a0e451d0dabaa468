//! `sij-screen export`: a rule set for other systems.

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::request::ExportKind;
use crate::compile::catalog;
use crate::report::{fhir, json};

pub fn run(rules: &str, what: ExportKind) -> Result<Exit, AppError> {
    let loaded = catalog::load(rules)?;
    match what {
        ExportKind::FhirQuestionnaire => {
            output::stdout(&json::pretty(&fhir::questionnaire(&loaded.rules)))?;
        }
        ExportKind::FhirCodeSystems => {
            output::stdout(&json::pretty(&fhir::code_systems(&loaded.rules)))?;
        }
    }
    Ok(Exit::Success)
}
