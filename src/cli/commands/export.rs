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
            let (q, not_expressed) = fhir::questionnaire(&loaded.rules);
            for id in not_expressed {
                output::eprintln(&format!(
                    "sij-screen: warning: the skip logic of '{id}' cannot be written as FHIR enableWhen; exported without it"
                ));
            }
            output::stdout(&json::pretty(&q))?;
        }
    }
    Ok(Exit::Success)
}
