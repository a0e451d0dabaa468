//! FHIR R4 interchange: a rule set's questions as a `Questionnaire`, and a
//! completed screening as a `QuestionnaireResponse` that refers to it.
//!
//! Skip logic becomes `enableWhen` where FHIR can say it: a single test, or an
//! `all`/`any` of single tests, on an earlier question. Anything else (a
//! nested combination, `at_least`, a count) cannot be written as `enableWhen`;
//! the item is exported without it, and the caller is told which.

use serde_json::{Value, json};

use crate::engine::ruleset::ChoiceOption;
use crate::engine::{
    Answer, CmpOp, Evaluation, Node, NodeId, QuestionKind, ReviewStatus, RuleSet, whole_number,
};

/// The canonical URL of a rule set's questionnaire.
pub fn canonical(rs: &RuleSet) -> String {
    format!("urn:sij-screen:questionnaire:{}", rs.meta.id)
}

const OPTION_SYSTEM: &str = "urn:sij-screen:option";

/// The option code of "unknown / not assessed".
const UNKNOWN_CODE: &str = "unknown";

/// The option code of "none of these" on a tick list.
const NONE_CODE: &str = "none";

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

/// The questionnaire, and the ids of questions whose skip logic could not
/// be written as `enableWhen`.
pub fn questionnaire(rs: &RuleSet) -> (Value, Vec<String>) {
    let mut not_expressed = Vec::new();
    let sections: Vec<Value> = rs
        .sections
        .iter()
        .map(|s| {
            let items: Vec<Value> = s
                .questions
                .clone()
                .map(|qi| question_item(rs, qi, &mut not_expressed))
                .collect();
            json!({"linkId": s.id, "text": s.title, "type": "group", "item": items})
        })
        .collect();
    let status = match rs.meta.review_status {
        ReviewStatus::Reviewed => "active",
        ReviewStatus::Draft | ReviewStatus::Educational => "draft",
    };
    let mut q = json!({
        "resourceType": "Questionnaire",
        "id": fhir_id(&rs.meta.id),
        "url": canonical(rs),
        "version": rs.meta.version,
        "name": fhir_name(&rs.meta.id),
        "title": rs.meta.title,
        "status": status,
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
        super::NOT_ADVICE,
        rs.meta.disclaimer.trim()
    ));
    (q, not_expressed)
}

fn question_item(rs: &RuleSet, qi: usize, not_expressed: &mut Vec<String>) -> Value {
    let q = &rs.questions[qi];
    let mut item = json!({"linkId": q.id, "text": q.text});
    let option = |code: &str, display: &str| json!({"valueCoding": {"system": OPTION_SYSTEM, "code": code, "display": display}});
    // "Unknown / not assessed" is an option of its own, so that a renderer
    // keeps it (a data-absent-reason extension on the answer is dropped by
    // common renderers); on a tick list it, and "none", exclude the rest.
    let exclusive = |mut o: Value| {
        o["extension"] = json!([{
            "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive",
            "valueBoolean": true
        }]);
        o
    };
    let options = |opts: &[ChoiceOption], multi: bool| -> Value {
        let mut list: Vec<Value> = opts.iter().map(|o| option(&o.id, &o.label)).collect();
        if multi {
            list.push(exclusive(option(NONE_CODE, "None of these")));
        }
        if q.allow_unknown {
            let unknown = option(UNKNOWN_CODE, "Unknown / not assessed");
            list.push(if multi { exclusive(unknown) } else { unknown });
        }
        json!(list)
    };
    let mut extensions = Vec::new();
    match &q.kind {
        QuestionKind::YesNo => {
            // A choice of yes / no (/ unknown) rather than a boolean, which
            // cannot say "not assessed".
            item["type"] = json!("choice");
            let mut list = vec![option("yes", "Yes"), option("no", "No")];
            if q.allow_unknown {
                list.push(option(UNKNOWN_CODE, "Unknown / not assessed"));
            }
            item["answerOption"] = json!(list);
        }
        QuestionKind::SingleChoice(o) => {
            item["type"] = json!("choice");
            item["answerOption"] = options(o, false);
        }
        QuestionKind::MultipleChoice(o) => {
            item["type"] = json!("choice");
            item["repeats"] = json!(true);
            item["answerOption"] = options(o, true);
        }
        QuestionKind::Number(spec) => {
            let (ty, key) = if spec.integer {
                ("integer", "valueInteger")
            } else {
                ("decimal", "valueDecimal")
            };
            item["type"] = json!(ty);
            let bound = |v: f64| match whole_number(v) {
                Some(n) if spec.integer => json!(n),
                _ => json!(v),
            };
            if let Some(min) = spec.min {
                extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/minValue", key: bound(min)}));
            }
            if let Some(max) = spec.max {
                extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/maxValue", key: bound(max)}));
            }
            if let Some(unit) = &spec.unit {
                extensions.push(json!({
                    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unit",
                    "valueCoding": unit_coding(unit),
                }));
            }
        }
    }
    if !extensions.is_empty() {
        item["extension"] = json!(extensions);
    }
    if !q.allow_unknown {
        item["required"] = json!(true);
    }
    if let Some(node) = q.ask_when {
        match enable_when(rs, node) {
            Some((conditions, behavior)) => {
                item["enableWhen"] = json!(conditions);
                if conditions.len() > 1 {
                    item["enableBehavior"] = json!(behavior);
                }
            }
            None => not_expressed.push(q.id.clone()),
        }
    }
    if !q.help.trim().is_empty() {
        item["item"] = json!([{
            "linkId": format!("{}.help", q.id),
            "text": q.help.trim(),
            "type": "display",
            "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
                "valueCodeableConcept": {"coding": [{
                    "system": "http://hl7.org/fhir/questionnaire-item-control",
                    "code": "help",
                }]},
            }],
        }]);
    }
    item
}

/// Skip logic as `enableWhen` entries and their `enableBehavior`, when FHIR
/// can express it.
fn enable_when(rs: &RuleSet, node: NodeId) -> Option<(Vec<Value>, &'static str)> {
    match rs.node(node) {
        Node::All(r) | Node::Any(r) => {
            let behavior = if matches!(rs.node(node), Node::All(_)) {
                "all"
            } else {
                "any"
            };
            let list: Option<Vec<Value>> = rs
                .children_of(r)
                .iter()
                .map(|&k| single_test(rs, k))
                .collect();
            list.map(|l| (l, behavior))
        }
        // In R4, `!=` also holds for an unanswered question, while the
        // engine's `not` of an unanswered question is unknown (not asked):
        // "answered and not equal" says what the engine means.
        Node::Not(k) if !matches!(rs.node(k), Node::Known(_)) => {
            let test = single_test(rs, node)?;
            let answered =
                json!({"question": test["question"], "operator": "exists", "answerBoolean": true});
            Some((vec![answered, test], "all"))
        }
        _ => single_test(rs, node).map(|t| (vec![t], "all")),
    }
}

fn single_test(rs: &RuleSet, node: NodeId) -> Option<Value> {
    let q = |i: usize| rs.questions[i].id.clone();
    let coding = |i: usize, o: u16| {
        let opt = &rs.questions[i].kind.options()[o as usize];
        json!({"system": OPTION_SYSTEM, "code": opt.id, "display": opt.label})
    };
    let number = |i: usize, v: f64| match &rs.questions[i].kind {
        QuestionKind::Number(s) if s.integer && whole_number(v).is_some() => {
            ("answerInteger", json!(whole_number(v)))
        }
        _ => ("answerDecimal", json!(v)),
    };
    let op = |op: CmpOp| match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "!=",
        other => other.symbol(),
    };
    let yes_no = |_: usize, yes: bool| {
        let code = if yes { "yes" } else { "no" };
        json!({"system": OPTION_SYSTEM, "code": code, "display": if yes { "Yes" } else { "No" }})
    };
    Some(match rs.node(node) {
        Node::Yes(i) => json!({"question": q(i), "operator": "=", "answerCoding": yes_no(i, true)}),
        Node::No(i) => json!({"question": q(i), "operator": "=", "answerCoding": yes_no(i, false)}),
        Node::Known(i) => json!({"question": q(i), "operator": "exists", "answerBoolean": true}),
        Node::Equals(i, o) | Node::Includes(i, o) => {
            json!({"question": q(i), "operator": "=", "answerCoding": coding(i, o)})
        }
        Node::Compare(i, cmp, v) => {
            let (key, value) = number(i, v);
            json!({"question": q(i), "operator": op(cmp), key: value})
        }
        Node::Not(k) => match rs.node(k) {
            Node::Yes(i) => {
                json!({"question": q(i), "operator": "!=", "answerCoding": yes_no(i, true)})
            }
            Node::No(i) => {
                json!({"question": q(i), "operator": "!=", "answerCoding": yes_no(i, false)})
            }
            Node::Equals(i, o) => {
                json!({"question": q(i), "operator": "!=", "answerCoding": coding(i, o)})
            }
            Node::Known(i) => {
                json!({"question": q(i), "operator": "exists", "answerBoolean": false})
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// A screening as a `QuestionnaireResponse`: `completed` when every asked
/// question is answered, else `in-progress`; the answers of asked questions,
/// with "unknown" and "none of these" as the options the Questionnaire
/// offers for them (a number answered "unknown" is an item without an
/// answer, marked with the data-absent-reason extension).
pub fn response(rs: &RuleSet, ev: &Evaluation, authored: &str) -> Value {
    let groups: Vec<Value> = rs
        .sections
        .iter()
        .filter_map(|s| {
            let items: Vec<Value> = s
                .questions
                .clone()
                .filter_map(|qi| answer_item(rs, ev, qi))
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

fn answer_item(rs: &RuleSet, ev: &Evaluation, qi: usize) -> Option<Value> {
    if !ev.asked[qi] {
        return None;
    }
    let q = &rs.questions[qi];
    let coding = |i: usize| {
        let o = &q.kind.options()[i];
        json!({"valueCoding": {"system": OPTION_SYSTEM, "code": o.id, "display": o.label}})
    };
    let code = |c: &str, d: &str| json!({"valueCoding": {"system": OPTION_SYSTEM, "code": c, "display": d}});
    let answers: Vec<Value> = match ev.answers[qi] {
        Answer::Unanswered => return None,
        // A number cannot hold the "unknown" option: the answer is absent,
        // marked with the data-absent-reason extension.
        Answer::Unknown if matches!(q.kind, QuestionKind::Number(_)) => {
            return Some(json!({
                "linkId": q.id,
                "text": q.text,
                "extension": [{
                    "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                    "valueCode": "asked-unknown",
                }],
            }));
        }
        Answer::Unknown => vec![code(UNKNOWN_CODE, "Unknown / not assessed")],
        Answer::Yes => vec![code("yes", "Yes")],
        Answer::No => vec![code("no", "No")],
        Answer::Multi(0) => vec![code(NONE_CODE, "None of these")],
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
    Some(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_fit_fhir() {
        assert_eq!(fhir_id("nass_2015"), "nass-2015");
        assert_eq!(fhir_name("nass-2015"), "Nass_2015");
        assert_eq!(fhir_name("2015x"), "Q2015x");
    }

    #[test]
    fn skip_logic_maps_to_enable_when() {
        let rs = crate::compile::catalog::load("evicore-cmm-611")
            .expect("bundled")
            .rules;
        let (q, not_expressed) = questionnaire(&rs);
        assert!(not_expressed.is_empty(), "{not_expressed:?}");
        let items = q["item"].as_array().expect("groups");
        let find = |id: &str| {
            items
                .iter()
                .flat_map(|g| g["item"].as_array().cloned().unwrap_or_default())
                .find(|i| i["linkId"] == id)
                .expect("item")
        };
        let cotinine = find("cotinine_ng_ml");
        // Asked unless nicotine use is known to be "never".
        assert_eq!(cotinine["enableBehavior"], "any");
        assert_eq!(
            cotinine["enableWhen"][0],
            json!({"question": "nicotine_status", "operator": "exists", "answerBoolean": false})
        );
        assert_eq!(cotinine["enableWhen"][1]["operator"], "!=");
        assert_eq!(cotinine["enableWhen"][1]["answerCoding"]["code"], "never");
        let thigh = find("thigh_thrust_test");
        assert_eq!(
            thigh["enableWhen"][0],
            json!({"question": "thrust_contraindicated", "operator": "=", "answerCoding": {"system": OPTION_SYSTEM, "code": "no", "display": "No"}})
        );
        let second = find("second_block_relief_percent");
        assert_eq!(second["enableWhen"][0]["answerInteger"], 2);
    }
}
