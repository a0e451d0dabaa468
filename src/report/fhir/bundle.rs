//! The outcome travels with the answers: `--format fhir` writes a FHIR R4
//! `Bundle` (type `collection`) holding the QuestionnaireResponse and an
//! `Observation` of the result.
//!
//! Why an Observation: it is the resource systems already store, chart and
//! query for assessment results, it carries one value (the outcome) with
//! one component per criterion, and it can point at the response it was
//! derived from. A RiskAssessment predicts a probability of an event, which
//! this is not; a GuidanceResponse reports a decision-support *module* run,
//! which needs a published module. No clinical codes are invented: the
//! Observation's code, outcome and criteria are coded in the tool's own
//! code systems (`export fhir-code-systems`), with their meaning in text.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{OUTCOME_CODE, OUTCOME_SYSTEM, criterion_system_of};
use crate::engine::{CriterionKind, Outcome, Tri};
use crate::report::Summary;
use crate::report::html::escape;

/// A stable `urn:uuid:` made from the content, so the same screening gives
/// the same ids.
fn uuid_of(seed: &str) -> String {
    let d = Sha256::digest(seed.as_bytes());
    let h: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The Bundle: the response, and the Observation of the outcome derived
/// from it.
pub fn bundle(s: &Summary, response: Value, authored: &str) -> Value {
    let response_id = uuid_of(&format!("qr|{response}|{authored}"));
    let observation_id = uuid_of(&format!("obs|{response}|{authored}"));
    let final_outcome = s.outcome != Outcome::Incomplete;
    let criterion_system = criterion_system_of(&s.rule_set_id);
    let components: Vec<Value> = s
        .criteria
        .iter()
        .map(|c| {
            let mut comp = json!({
                "code": {
                    "coding": [{"system": criterion_system, "code": c.id, "display": c.label}],
                    "text": format!("{} ({})", c.label, c.kind.label()),
                },
            });
            match c.holds {
                Tri::Unknown => {
                    comp["dataAbsentReason"] = json!({"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                        "code": "unknown",
                    }]});
                }
                h => comp["valueBoolean"] = json!(h == Tri::True),
            }
            if c.unverified.is_some() {
                comp["interpretation"] =
                    json!([{"text": "UNVERIFIED: not checked against its source"}]);
            }
            comp
        })
        .collect();
    let red_flags = s
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::RedFlag && c.holds == Tri::True)
        .count();
    let narrative = format!(
        "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>{}</b></p><p>Rule set {} version {} (sha256 {}), screened {}.</p><p>{}</p></div>",
        escape(&s.outcome_sentence()),
        escape(&s.rule_set_id),
        escape(&s.version),
        escape(&s.sha256),
        escape(&s.date),
        escape(crate::report::NOT_ADVICE)
    );
    let mut observation = json!({
        "resourceType": "Observation",
        "status": if final_outcome { "final" } else { "preliminary" },
        "text": {"status": "generated", "div": narrative},
        "code": {
            "coding": [{"system": OUTCOME_SYSTEM, "code": OUTCOME_CODE, "display": "Selection-criteria screening outcome"}],
            "text": format!("Screening outcome under {} {}", s.rule_set_id, s.version),
        },
        "effectiveDateTime": authored,
        "valueCodeableConcept": {
            "coding": [{"system": OUTCOME_SYSTEM, "code": s.outcome.as_str(), "display": s.outcome.as_str().replace('_', " ")}],
            "text": s.outcome_sentence(),
        },
        "derivedFrom": [{"reference": response_id}],
        "component": components,
        "note": [
            {"text": format!("Rule set {} version {}, sha256 {}; {} red flag(s) present.", s.rule_set_id, s.version, s.sha256, red_flags)},
            {"text": crate::report::NOT_ADVICE},
        ],
    });
    // Answers skip logic set aside are not in the response (a question not
    // asked has no answer there): the Observation says them, so none
    // vanishes without a word.
    if !s.recorded_not_asked.is_empty() {
        let said: Vec<&str> = s
            .recorded_not_asked
            .iter()
            .map(|(a, _)| a.words.as_str())
            .collect();
        if let Some(notes) = observation["note"].as_array_mut() {
            notes
                .push(json!({"text": format!("Recorded but not asked here: {}", said.join("; "))}));
        }
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": authored,
        "entry": [
            {"fullUrl": response_id, "resource": response},
            {"fullUrl": observation_id, "resource": observation},
        ],
    })
}
