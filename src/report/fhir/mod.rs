//! FHIR R4 interchange: a rule set's questions as a `Questionnaire`, its
//! codes as `CodeSystem`s, and a completed screening as a
//! `QuestionnaireResponse` that refers to it.
//!
//! The Questionnaire is self-scoring: every question, skip rule and
//! criterion is also an SDC `variable` in FHIRPath (see [`fhirpath`]),
//! and read-only items at the end show each criterion and the outcome, so an
//! SDC renderer computes the screening as the answers are entered. Skip
//! logic is `enableWhen` where that means exactly what the engine means, and
//! an SDC `enableWhenExpression` otherwise: never a silently different rule.

pub mod bundle;
mod code_systems;
mod enable_when;
pub mod fhirpath;
mod items;
mod response;
#[cfg(test)]
mod tests;

use serde_json::{Value, json};

pub use self::code_systems::code_systems;
use self::enable_when::*;
use self::fhirpath::{NOT_ASSESSED_SUFFIX, Names, RESULT_PREFIX};
use self::items::*;
pub use self::response::response;
use crate::engine::ruleset::ChoiceOption;
use crate::engine::{
    Answer, CmpOp, CriterionKind, Evaluation, Node, NodeId, Outcome, QuestionKind, ReviewStatus,
    RuleSet, whole_number,
};

pub use crate::files::fhir_response::CANONICAL_BASE;

/// The canonical URL of a rule set's questionnaire (without version).
pub fn canonical(rs: &RuleSet) -> String {
    format!(
        "{}{}",
        crate::files::fhir_response::CANONICAL_PREFIX,
        rs.meta.id
    )
}

/// The code system of a rule set's answer options (with `yes`, `no`,
/// `unknown` and `none`), versioned with the rule set.
pub fn option_system(rs: &RuleSet) -> String {
    format!("{CANONICAL_BASE}/CodeSystem/{}-answers", rs.meta.id)
}

/// The code system of a rule set's criteria.
pub fn criterion_system(rs: &RuleSet) -> String {
    criterion_system_of(&rs.meta.id)
}

/// [`criterion_system`] by rule set id.
pub fn criterion_system_of(rule_set_id: &str) -> String {
    format!("{CANONICAL_BASE}/CodeSystem/{rule_set_id}-criteria")
}

/// The code system of screening outcomes, the same for every rule set.
pub const OUTCOME_SYSTEM: &str = "https://sij-screen.org/fhir/CodeSystem/outcome";

/// The code, in [`OUTCOME_SYSTEM`], of the screening-outcome Observation.
pub const OUTCOME_CODE: &str = "screening-outcome";

/// The option code of "unknown / not assessed".
const UNKNOWN_CODE: &str = "unknown";
const UNKNOWN_DISPLAY: &str = "Unknown / not assessed";

/// The option code of "none of these" on a tick list.
const NONE_CODE: &str = "none";
const NONE_DISPLAY: &str = "None of these";

const SDC: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition";

/// A FHIR `id`: letters, digits, `-` and `.`; our ids may also hold `_`.
fn fhir_id(id: &str) -> String {
    id.replace('_', "-")
}

/// A FHIR computable `name`: starts with a capital letter, then letters,
/// digits and `_`.
fn fhir_name(id: &str) -> String {
    let mut name: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => {
            name.replace_range(..1, &c.to_ascii_uppercase().to_string())
        }
        _ => name.insert(0, 'Q'),
    }
    name
}

fn unit_coding(unit: &str) -> Value {
    // UCUM codes where the unit has one.
    let code = match unit {
        "percent" | "%" => Some("%"),
        "months" => Some("mo"),
        "ng/mL" => Some("ng/mL"),
        _ => None,
    };
    match code {
        Some(c) => json!({"system": "http://unitsofmeasure.org", "code": c, "display": unit}),
        None => json!({"display": unit}),
    }
}

fn fhirpath_expression(expression: String) -> Value {
    json!({"language": "text/fhirpath", "expression": expression})
}

fn status(rs: &RuleSet) -> &'static str {
    match rs.meta.review_status {
        ReviewStatus::Reviewed => "active",
        ReviewStatus::Draft | ReviewStatus::Educational => "draft",
    }
}

/// The questionnaire. Every skip rule is exported (as `enableWhen` or as an
/// `enableWhenExpression`), so nothing is left out.
pub fn questionnaire(rs: &RuleSet) -> Value {
    let names = Names::new(rs);
    let mut sections: Vec<Value> = vec![top_group(rs, &names)];
    sections.extend(rs.sections.iter().map(|s| {
        let items: Vec<Value> = s
            .questions
            .clone()
            .flat_map(|qi| question_items(rs, &names, qi))
            .collect();
        json!({"linkId": s.id, "text": s.title, "type": "group", "item": items})
    }));
    sections.push(result_group(rs, &names));
    let variables: Vec<Value> = fhirpath::variables(rs, &names)
        .into_iter()
        .map(|(name, expression)| {
            json!({
                "url": "http://hl7.org/fhir/StructureDefinition/variable",
                "valueExpression": {"name": name, "language": "text/fhirpath", "expression": expression},
            })
        })
        .collect();
    let mut q = json!({
        "resourceType": "Questionnaire",
        "id": fhir_id(&rs.meta.id),
        "meta": {"profile": [format!("{SDC}/sdc-questionnaire-behave")]},
        "extension": variables,
        "url": canonical(rs),
        "version": rs.meta.version,
        "name": fhir_name(&rs.meta.id),
        "title": rs.meta.title,
        "status": status(rs),
        "experimental": rs.meta.review_status != ReviewStatus::Reviewed,
        "date": rs.meta.review_date,
        "subjectType": ["Patient"],
        "item": sections,
    });
    if !rs.meta.description.trim().is_empty() {
        q["description"] = json!(rs.meta.description.trim());
    }
    q["purpose"] = json!(format!(
        "{} {}",
        crate::report::NOT_ADVICE,
        rs.meta.disclaimer.trim()
    ));
    q
}
