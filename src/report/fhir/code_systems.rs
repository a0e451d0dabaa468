//! The CodeSystems a rule set's Questionnaire and responses use: its
//! options and its criteria.

use super::*;

/// The code systems the Questionnaire, the response and the Bundle use: the
/// rule set's answer options, its criteria, and the outcomes, as a Bundle
/// (type `collection`) whose `fullUrl`s are their canonical URLs.
pub fn code_systems(rs: &RuleSet) -> Value {
    let mut answers: Vec<Value> = vec![
        json!({"code": "yes", "display": "Yes"}),
        json!({"code": "no", "display": "No"}),
        json!({"code": UNKNOWN_CODE, "display": UNKNOWN_DISPLAY, "definition": "The question was asked and the answer is not known or the test was not done."}),
        json!({"code": NONE_CODE, "display": NONE_DISPLAY, "definition": "On a multiple choice: none of the options applies."}),
    ];
    for q in &rs.questions {
        for o in q.kind.options() {
            match answers.iter_mut().find(|c| c["code"] == o.id.as_str()) {
                // One code, several wordings across questions: the first is
                // the display, the rest designations.
                Some(c) if c["display"] != o.label.as_str() => {
                    let mut list = c["designation"].as_array().cloned().unwrap_or_default();
                    if !list.iter().any(|d| d["value"] == o.label.as_str()) {
                        list.push(json!({"value": o.label}));
                    }
                    c["designation"] = json!(list);
                }
                Some(_) => {}
                None => answers.push(json!({"code": o.id, "display": o.label})),
            }
        }
    }
    let criteria: Vec<Value> = rs
        .criteria
        .iter()
        .map(|c| {
            let mut d = format!(
                "A {} of rule set {} {}.",
                c.kind.label(),
                rs.meta.id,
                rs.meta.version
            );
            if let Some(why) = &c.unverified {
                d.push_str(&format!(" UNVERIFIED: {why}"));
            }
            json!({"code": c.id, "display": c.label, "definition": d})
        })
        .collect();
    let outcomes: Vec<Value> = std::iter::once(json!({
        "code": OUTCOME_CODE,
        "display": "Selection-criteria screening outcome",
        "definition": "The outcome of applying a rule set of published selection criteria to a patient's answers (not medical advice).",
    }))
    .chain(
        [Outcome::RedFlag, Outcome::Excluded, Outcome::NotMet, Outcome::Incomplete, Outcome::Met]
            .into_iter()
            .map(|o| json!({"code": o.as_str(), "display": o.as_str().replace('_', " "), "definition": crate::report::outcome_text(o)})),
    )
    .collect();
    let system = |url: String, name: &str, title: String, version: &str, concepts: Vec<Value>| {
        json!({
            "fullUrl": url,
            "resource": {
                "resourceType": "CodeSystem",
                "url": url,
                "version": version,
                "name": name,
                "title": title,
                "status": status(rs),
                "experimental": true,
                "caseSensitive": true,
                "content": "complete",
                "count": concepts.len(),
                "concept": concepts,
            },
        })
    };
    let name = fhir_name(&rs.meta.id);
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            system(option_system(rs), &format!("{name}Answers"), format!("Answer options of {}", rs.meta.title), &rs.meta.version, answers),
            system(criterion_system(rs), &format!("{name}Criteria"), format!("Criteria of {}", rs.meta.title), &rs.meta.version, criteria),
            system(OUTCOME_SYSTEM.into(), "SijScreenOutcome", "sij-screen screening outcomes".into(), "1", outcomes),
        ],
    })
}
