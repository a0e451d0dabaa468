//! A completed screening as a QuestionnaireResponse.

use super::*;

/// A screening as a `QuestionnaireResponse`: `completed` when every asked
/// question is answered, else `in-progress`; the answers of asked questions,
/// with "unknown" and "none of these" as the options the Questionnaire
/// offers for them (a number answered "unknown" is an item without an
/// answer, marked with the data-absent-reason extension, and its "not
/// assessed" check box ticked).
pub fn response(rs: &RuleSet, ev: &Evaluation, authored: &str) -> Value {
    let groups: Vec<Value> = rs
        .sections
        .iter()
        .filter_map(|s| {
            let items: Vec<Value> = s
                .questions
                .clone()
                .flat_map(|qi| answer_items(rs, ev, qi))
                .collect();
            (!items.is_empty()).then(|| json!({"linkId": s.id, "text": s.title, "item": items}))
        })
        .collect();
    // Completed only when every question asked has an answer (unknown
    // counts as an answer); otherwise the screening is in progress.
    let status = if ev.unanswered().is_empty() {
        "completed"
    } else {
        "in-progress"
    };
    let mut r = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": format!("{}|{}", canonical(rs), rs.meta.version),
        "status": status,
        "authored": authored,
    });
    if !groups.is_empty() {
        r["item"] = json!(groups);
    }
    r
}

/// The items of question `qi`'s answer: none for a question skip logic
/// does not ask, but for one whose skip rule is still undecided and that
/// an `at_least` counts: its recorded answer is kept, as the engine keeps
/// it, so the response screens back to the same result.
pub(super) fn answer_items(rs: &RuleSet, ev: &Evaluation, qi: usize) -> Vec<Value> {
    let answer = if ev.asked[qi] {
        ev.answers[qi]
    } else if rs.is_pending(qi, ev) {
        ev.recorded[qi]
    } else {
        return Vec::new();
    };
    let q = &rs.questions[qi];
    let system = option_system(rs);
    let coding = |i: usize| {
        let o = &q.kind.options()[i];
        json!({"valueCoding": {"system": system, "code": o.id, "display": o.label}})
    };
    let code =
        |c: &str, d: &str| json!({"valueCoding": {"system": system, "code": c, "display": d}});
    let answers: Vec<Value> = match answer {
        Answer::Unanswered => return Vec::new(),
        // A number cannot hold the "unknown" option: the answer is absent,
        // marked with the data-absent-reason extension, and the check box
        // that renderers keep is ticked.
        Answer::Unknown if matches!(q.kind, QuestionKind::Number(_)) => {
            return vec![
                json!({
                    "linkId": q.id,
                    "text": q.text,
                    "extension": [{
                        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                        "valueCode": "asked-unknown",
                    }],
                }),
                json!({
                    "linkId": format!("{}{NOT_ASSESSED_SUFFIX}", q.id),
                    "text": format!("{}: not assessed / unknown", q.short),
                    "answer": [{"valueBoolean": true}],
                }),
            ];
        }
        Answer::Unknown => vec![code(UNKNOWN_CODE, UNKNOWN_DISPLAY)],
        Answer::Yes => vec![code("yes", "Yes")],
        Answer::No => vec![code("no", "No")],
        Answer::Multi(0) => vec![code(NONE_CODE, NONE_DISPLAY)],
        Answer::Number(v) => match &q.kind {
            QuestionKind::Number(s) if s.integer && whole_number(v).is_some() => {
                vec![json!({"valueInteger": whole_number(v)})]
            }
            _ => vec![json!({"valueDecimal": v})],
        },
        Answer::Choice(i) => vec![coding(i as usize)],
        Answer::Multi(bits) => (0..q.kind.options().len())
            .filter(|i| bits >> i & 1 == 1)
            .map(coding)
            .collect(),
    };
    let mut item = json!({"linkId": q.id, "text": q.text});
    if !answers.is_empty() {
        item["answer"] = json!(answers);
    }
    vec![item]
}
