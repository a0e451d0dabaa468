//! FHIR R4 interchange: a rule set's questions as a `Questionnaire`, its
//! codes as `CodeSystem`s, and a completed screening as a
//! `QuestionnaireResponse` that refers to it.
//!
//! The Questionnaire is self-scoring: every question, skip rule and
//! criterion is also an SDC `variable` in FHIRPath (see [`super::fhirpath`]),
//! and read-only items at the end show each criterion and the outcome, so an
//! SDC renderer computes the screening as the answers are entered. Skip
//! logic is `enableWhen` where that means exactly what the engine means, and
//! an SDC `enableWhenExpression` otherwise: never a silently different rule.

use serde_json::{Value, json};

use super::fhirpath::{self, NOT_ASSESSED_SUFFIX, Names, RESULT_PREFIX};
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
    let mut sections: Vec<Value> = rs
        .sections
        .iter()
        .map(|s| {
            let items: Vec<Value> = s
                .questions
                .clone()
                .flat_map(|qi| question_items(rs, &names, qi))
                .collect();
            json!({"linkId": s.id, "text": s.title, "type": "group", "item": items})
        })
        .collect();
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
        super::NOT_ADVICE,
        rs.meta.disclaimer.trim()
    ));
    q
}

/// The SDC extension that enables an item only while `expression` holds.
fn enable_when_expression(expression: String) -> Value {
    json!({
        "url": format!("{SDC}/sdc-questionnaire-enableWhenExpression"),
        "valueExpression": fhirpath_expression(expression),
    })
}

/// A display item shown only while `expression` holds.
fn shown_when(link_id: String, text: String, expression: String) -> Value {
    json!({
        "linkId": link_id,
        "type": "display",
        "text": text,
        "extension": [enable_when_expression(expression)],
    })
}

/// Every sentence the computed outcome can be, with a code for its item.
const OUTCOME_SENTENCES: [(&str, &str); 6] = [
    ("red_flag_urgent", super::RED_FLAG_URGENT),
    ("red_flag_investigate", super::RED_FLAG_INVESTIGATE),
    ("excluded", super::outcome_text(Outcome::Excluded)),
    ("not_met", super::outcome_text(Outcome::NotMet)),
    ("incomplete", super::outcome_text(Outcome::Incomplete)),
    ("met", super::outcome_text(Outcome::Met)),
];

/// The read-only items that show the screening as the renderer computes
/// it: the outcome, then every criterion, then the disclaimer.
fn result_group(rs: &RuleSet, names: &Names) -> Value {
    let calculated = |linkid: String, text: String, expression: String| {
        // The outcome is a sentence: `text` shows it whole.
        let ty = if linkid.ends_with(":outcome") {
            "text"
        } else {
            "string"
        };
        json!({
            "linkId": linkid,
            "text": text,
            "type": ty,
            "readOnly": true,
            "extension": [{
                "url": format!("{SDC}/sdc-questionnaire-calculatedExpression"),
                "valueExpression": fhirpath_expression(expression),
            }],
        })
    };
    let outcome = format!("%{}", fhirpath::OUTCOME_VARIABLE);
    // As the CLI's outcome sentence: a red flag not ruled out is said first,
    // so an incomplete screening never reads as "nothing rules the patient
    // out" while a red flag is unknown.
    let red_flag_present = fhirpath::red_flag_present(rs, names);
    let mut items: Vec<Value> = rs
        .criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == CriterionKind::RedFlag)
        .map(|(ci, c)| {
            shown_when(
                format!("{RESULT_PREFIX}red-flag-open:{}", c.id),
                super::not_ruled_out(&c.label),
                format!(
                    "{}.empty() and ({red_flag_present}).not()",
                    names.criterion(ci)
                ),
            )
        })
        .collect();
    // The sentence in full, as a display item shown only while it is the
    // outcome: a renderer wraps an item's text, but shows a computed answer
    // in a box that may cut it ("Stop: this" without what follows, in
    // LHC-Forms). The computed item after it is what the response records.
    items.extend(OUTCOME_SENTENCES.iter().map(|(code, sentence)| {
        shown_when(
            format!("{RESULT_PREFIX}outcome-shown:{code}"),
            (*sentence).to_string(),
            format!("{outcome} = {}", fhirpath::literal(sentence)),
        )
    }));
    items.push(calculated(
        format!("{RESULT_PREFIX}outcome"),
        "Outcome (as recorded in the response)".into(),
        outcome,
    ));
    for (ci, c) in rs.criteria.iter().enumerate() {
        let mut text = format!("{} ({})", c.label, c.kind.label());
        if c.unverified.is_some() {
            text.push_str(" (UNVERIFIED)");
        }
        items.push(calculated(
            format!("{RESULT_PREFIX}criterion:{}", c.id),
            text,
            fhirpath::criterion_status(rs, names, ci),
        ));
    }
    items.push(json!({
        "linkId": format!("{RESULT_PREFIX}not-advice"),
        "type": "display",
        "text": super::NOT_ADVICE,
    }));
    json!({
        "linkId": format!("{RESULT_PREFIX}result"),
        "text": "Screening result, computed from the answers above",
        "type": "group",
        "item": items,
    })
}

/// A question's item, and for a number that may be "not assessed", the
/// check box that says so.
fn question_items(rs: &RuleSet, names: &Names, qi: usize) -> Vec<Value> {
    let q = &rs.questions[qi];
    let system = option_system(rs);
    let mut item = json!({"linkId": q.id, "text": q.text});
    let option = |code: &str, display: &str| json!({"valueCoding": {"system": system, "code": code, "display": display}});
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
            list.push(exclusive(option(NONE_CODE, NONE_DISPLAY)));
        }
        if q.allow_unknown {
            let unknown = option(UNKNOWN_CODE, UNKNOWN_DISPLAY);
            list.push(if multi { exclusive(unknown) } else { unknown });
        }
        json!(list)
    };
    let mut extensions = Vec::new();
    let mut not_assessed = None;
    match &q.kind {
        QuestionKind::YesNo => {
            // A choice of yes / no (/ unknown) rather than a boolean, which
            // cannot say "not assessed".
            item["type"] = json!("choice");
            let mut list = vec![option("yes", "Yes"), option("no", "No")];
            if q.allow_unknown {
                list.push(option(UNKNOWN_CODE, UNKNOWN_DISPLAY));
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
            // A number has no "unknown" option: a check box beside it, which
            // every renderer keeps, says it was not assessed.
            if q.allow_unknown {
                not_assessed = Some(json!({
                    "linkId": format!("{}{NOT_ASSESSED_SUFFIX}", q.id),
                    "text": format!("{}: not assessed / unknown", q.short),
                    "type": "boolean",
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
    let mut skip = serde_json::Map::new();
    if let Some(node) = q.ask_when {
        match enable_when(rs, node) {
            Some((conditions, _)) if conditions.is_empty() => {}
            Some((conditions, behavior)) => {
                if conditions.len() > 1 {
                    skip.insert("enableBehavior".into(), json!(behavior));
                }
                skip.insert("enableWhen".into(), json!(conditions));
            }
            None => {
                let ask = names.ask(qi).unwrap_or_else(|| "false".into());
                skip.insert("extension".into(), json!([enable_when_expression(ask)]));
            }
        }
    }
    let apply_skip = |target: &mut Value| {
        for (k, v) in &skip {
            if k == "extension" {
                let list = target["extension"].as_array().cloned().unwrap_or_default();
                let mut list = list;
                list.extend(v.as_array().cloned().unwrap_or_default());
                target["extension"] = json!(list);
            } else {
                target[k] = v.clone();
            }
        }
    };
    apply_skip(&mut item);
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
    let mut items = vec![item];
    if let Some(mut box_item) = not_assessed {
        apply_skip(&mut box_item);
        items.push(box_item);
    }
    items
}

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
            .map(|o| json!({"code": o.as_str(), "display": o.as_str().replace('_', " "), "definition": super::outcome_text(o)})),
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

/// Skip logic as `enableWhen` entries and their `enableBehavior`, when
/// `enableWhen` means exactly what the engine means; `None` otherwise (the
/// caller then writes an SDC `enableWhenExpression`).
///
/// The engine asks a question when its rule is *true*; unknown (an
/// unanswered or "unknown" answer) means not asked. So under `all` each part
/// must be true exactly when the engine's part is, and under `any` too, with
/// each part one `enableWhen`. R4 also says a disabled question counts as
/// unanswered, as the engine drops the answers of questions it does not ask.
fn enable_when(rs: &RuleSet, node: NodeId) -> Option<(Vec<Value>, &'static str)> {
    match rs.node(node) {
        Node::All(r) => {
            let mut list = Vec::new();
            for &k in rs.children_of(r) {
                list.extend(conjunction(rs, k)?);
            }
            Some((list, "all"))
        }
        Node::Any(r) if !rs.children_of(r).is_empty() => {
            let list: Option<Vec<Value>> = rs
                .children_of(r)
                .iter()
                .map(|&k| match conjunction(rs, k)?.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                })
                .collect();
            list.map(|l| (l, "any"))
        }
        _ => conjunction(rs, node).map(|l| (l, "all")),
    }
}

/// `enableWhen` entries that all hold exactly when `node` is true.
fn conjunction(rs: &RuleSet, node: NodeId) -> Option<Vec<Value>> {
    let question = |i: usize| &rs.questions[i];
    let link = |i: usize| json!(question(i).id);
    let coding = |i: usize, o: u16| {
        let opt = &question(i).kind.options()[o as usize];
        json!({"system": option_system(rs), "code": opt.id, "display": opt.label})
    };
    let yes_no = |yes: bool| {
        let code = if yes { "yes" } else { "no" };
        json!({"system": option_system(rs), "code": code, "display": if yes { "Yes" } else { "No" }})
    };
    let number = |i: usize, v: f64| match &question(i).kind {
        QuestionKind::Number(s) if s.integer && whole_number(v).is_some() => {
            ("answerInteger", json!(whole_number(v)))
        }
        _ => ("answerDecimal", json!(v)),
    };
    let compare = |i: usize, cmp: CmpOp, v: f64| {
        let op = match cmp {
            CmpOp::Eq => "=",
            other => other.symbol(),
        };
        let (key, value) = number(i, v);
        json!({"question": link(i), "operator": op, key: value})
    };
    // "Answered" in the engine's sense: an "unknown" option is an answer in
    // FHIR but not in the engine, so it is excluded too where it exists.
    let answered = |i: usize| {
        let mut list =
            vec![json!({"question": link(i), "operator": "exists", "answerBoolean": true})];
        if question(i).allow_unknown && !matches!(question(i).kind, QuestionKind::Number(_)) {
            list.push(json!({"question": link(i), "operator": "!=", "answerCoding": {"system": option_system(rs), "code": UNKNOWN_CODE, "display": UNKNOWN_DISPLAY}}));
        }
        list
    };
    // `exists` agrees with the engine's `known` when "unknown" is no
    // option (a number's "not assessed" is a separate item).
    let exists_is_known = |i: usize| {
        !question(i).allow_unknown || matches!(question(i).kind, QuestionKind::Number(_))
    };
    Some(match rs.node(node) {
        Node::Yes(i) => {
            vec![json!({"question": link(i), "operator": "=", "answerCoding": yes_no(true)})]
        }
        Node::No(i) => {
            vec![json!({"question": link(i), "operator": "=", "answerCoding": yes_no(false)})]
        }
        Node::Known(i) if exists_is_known(i) => {
            vec![json!({"question": link(i), "operator": "exists", "answerBoolean": true})]
        }
        Node::Equals(i, o) | Node::Includes(i, o) => {
            vec![json!({"question": link(i), "operator": "=", "answerCoding": coding(i, o)})]
        }
        // In R4 `!=` also holds for an unanswered question.
        Node::Compare(_, CmpOp::Ne, _) => return None,
        Node::Compare(i, cmp, v) => vec![compare(i, cmp, v)],
        Node::Not(k) => {
            match rs.node(k) {
                // Not yes is "answered no"; not no is "answered yes".
                Node::Yes(i) => vec![
                    json!({"question": link(i), "operator": "=", "answerCoding": yes_no(false)}),
                ],
                Node::No(i) => vec![
                    json!({"question": link(i), "operator": "=", "answerCoding": yes_no(true)}),
                ],
                // In R4 `!=` also holds for an unanswered question; the engine's
                // "not equal" needs an answer.
                Node::Equals(i, o) => {
                    let mut list = answered(i);
                    list.push(json!({"question": link(i), "operator": "!=", "answerCoding": coding(i, o)}));
                    list
                }
                Node::Known(i) if exists_is_known(i) => {
                    vec![json!({"question": link(i), "operator": "exists", "answerBoolean": false})]
                }
                Node::Compare(i, cmp, v) if v.is_finite() => {
                    let negated = match cmp {
                        CmpOp::Ge => CmpOp::Lt,
                        CmpOp::Gt => CmpOp::Le,
                        CmpOp::Le => CmpOp::Gt,
                        CmpOp::Lt => CmpOp::Ge,
                        CmpOp::Eq => CmpOp::Ne,
                        CmpOp::Ne => CmpOp::Eq,
                    };
                    if negated == CmpOp::Ne {
                        // `!=` holds for an unanswered number in R4.
                        return None;
                    }
                    vec![compare(i, negated, v)]
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

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

fn answer_items(rs: &RuleSet, ev: &Evaluation, qi: usize) -> Vec<Value> {
    if !ev.asked[qi] {
        return Vec::new();
    }
    let q = &rs.questions[qi];
    let system = option_system(rs);
    let coding = |i: usize| {
        let o = &q.kind.options()[i];
        json!({"valueCoding": {"system": system, "code": o.id, "display": o.label}})
    };
    let code =
        |c: &str, d: &str| json!({"valueCoding": {"system": system, "code": c, "display": d}});
    let answers: Vec<Value> = match ev.answers[qi] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_fit_fhir() {
        assert_eq!(fhir_id("nass_2015"), "nass-2015");
        assert_eq!(fhir_name("nass-2015"), "Nass_2015");
        assert_eq!(fhir_name("2015x"), "Q2015x");
    }

    fn find(q: &Value, id: &str) -> Value {
        q["item"]
            .as_array()
            .expect("groups")
            .iter()
            .flat_map(|g| g["item"].as_array().cloned().unwrap_or_default())
            .find(|i| i["linkId"] == id)
            .expect("item")
    }

    #[test]
    fn skip_logic_maps_to_enable_when_or_an_expression() {
        let rs = crate::compile::catalog::load("evicore-cmm-611")
            .expect("bundled")
            .rules;
        let q = questionnaire(&rs);
        // Asked unless nicotine use is known to be "never": "not known"
        // differs from FHIR's `exists` once "unknown" is an option, so the
        // rule is an expression.
        let cotinine = find(&q, "cotinine_ng_ml");
        assert!(cotinine.get("enableWhen").is_none());
        let ext = &cotinine["extension"].as_array().expect("extensions");
        let expr = ext
            .iter()
            .find(|e| {
                e["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("enableWhenExpression"))
            })
            .expect("enableWhenExpression");
        assert!(
            expr["valueExpression"]["expression"]
                .as_str()
                .expect("text")
                .starts_with("%ask")
        );
        // "Not yes" is "answered no".
        let thigh = find(&q, "thigh_thrust_test");
        assert_eq!(
            thigh["enableWhen"][0],
            json!({"question": "thrust_contraindicated", "operator": "=", "answerCoding": {"system": option_system(&rs), "code": "no", "display": "No"}})
        );
        let second = find(&q, "second_block_relief_percent");
        assert_eq!(second["enableWhen"][0]["answerInteger"], 2);
        // Every skip rule is exported one way or the other.
        for question in &rs.questions {
            let item = find(&q, &question.id);
            let has_expr = item["extension"].as_array().is_some_and(|l| {
                l.iter().any(|e| {
                    e["url"]
                        .as_str()
                        .is_some_and(|u| u.ends_with("enableWhenExpression"))
                })
            });
            assert_eq!(
                question.ask_when.is_some(),
                item.get("enableWhen").is_some() || has_expr,
                "{}",
                question.id
            );
        }
    }

    #[test]
    fn the_questionnaire_computes_and_shows_every_criterion() {
        let rs = crate::compile::catalog::load("nass-2015")
            .expect("bundled")
            .rules;
        let q = questionnaire(&rs);
        let vars = q["extension"].as_array().expect("variables");
        assert!(vars.len() >= rs.questions.len() + rs.criteria.len());
        let result = q["item"]
            .as_array()
            .expect("groups")
            .last()
            .expect("result")
            .clone();
        assert_eq!(result["linkId"], "sij-screen:result");
        let items = result["item"].as_array().expect("items");
        let flags = rs
            .criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::RedFlag)
            .count();
        assert!(flags > 0);
        // First, a warning for each red flag while it is not ruled out.
        for item in &items[..flags] {
            let link = item["linkId"].as_str().expect("linkId");
            assert!(link.starts_with("sij-screen:red-flag-open:"), "{link}");
            assert_eq!(item["type"], "display");
        }
        let items = &items[flags..];
        assert_eq!(
            items[0]["linkId"],
            "sij-screen:outcome-shown:red_flag_urgent"
        );
        assert_eq!(items[6]["linkId"], "sij-screen:outcome");
        assert_eq!(items.len(), OUTCOME_SENTENCES.len() + rs.criteria.len() + 2);
        // One display item per sentence the outcome can be, each shown only
        // while it is the outcome.
        for (i, (_, sentence)) in OUTCOME_SENTENCES.iter().enumerate() {
            assert_eq!(items[i]["text"], *sentence);
            let when = items[i]["extension"][0]["valueExpression"]["expression"]
                .as_str()
                .expect("expression");
            assert_eq!(when, format!("%outcome = {}", fhirpath::literal(sentence)));
        }
        assert!(
            items
                .iter()
                .all(|i| i["type"] == "display" || i["readOnly"] == true)
        );
        // A number that may be "not assessed" has its check box.
        let n = rs
            .questions
            .iter()
            .find(|q| q.allow_unknown && matches!(q.kind, QuestionKind::Number(_)))
            .expect("such a number");
        find(&q, &format!("{}{NOT_ASSESSED_SUFFIX}", n.id));
    }

    #[test]
    fn code_systems_hold_every_code_used() {
        let rs = crate::compile::catalog::load("insite-sifi-2016")
            .expect("bundled")
            .rules;
        let b = code_systems(&rs);
        let entries = b["entry"].as_array().expect("entries");
        assert_eq!(entries.len(), 3);
        let codes = |i: usize| -> Vec<String> {
            entries[i]["resource"]["concept"]
                .as_array()
                .expect("concepts")
                .iter()
                .map(|c| c["code"].as_str().expect("code").to_string())
                .collect()
        };
        let answers = codes(0);
        for q in &rs.questions {
            for o in q.kind.options() {
                assert!(answers.contains(&o.id), "{}", o.id);
            }
        }
        assert_eq!(codes(1).len(), rs.criteria.len());
        assert!(codes(2).contains(&"not_met".to_string()));
        assert_eq!(entries[0]["fullUrl"], option_system(&rs));
    }
}
