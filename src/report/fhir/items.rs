//! The Questionnaire's items: one or more per question, and the result
//! group that shows each criterion and the outcome as the form is filled.

use super::*;

/// The SDC extension that enables an item only while `expression` holds.
pub(super) fn enable_when_expression(expression: String) -> Value {
    json!({
        "url": format!("{SDC}/sdc-questionnaire-enableWhenExpression"),
        "valueExpression": fhirpath_expression(expression),
    })
}

/// A display item shown only while `expression` holds.
pub(super) fn shown_when(link_id: String, text: String, expression: String) -> Value {
    json!({
        "linkId": link_id,
        "type": "display",
        "text": text,
        "extension": [enable_when_expression(expression)],
    })
}

/// Every sentence the computed outcome can be, with a code for its item.
pub(super) const OUTCOME_SENTENCES: [(&str, &str); 7] = [
    ("red_flag_urgent", crate::report::RED_FLAG_URGENT),
    ("red_flag_investigate", crate::report::RED_FLAG_INVESTIGATE),
    ("excluded", crate::report::outcome_text(Outcome::Excluded)),
    ("not_met", crate::report::outcome_text(Outcome::NotMet)),
    (
        "incomplete",
        crate::report::outcome_text(Outcome::Incomplete),
    ),
    (
        "incomplete_red_flag_open",
        crate::report::INCOMPLETE_RED_FLAG_OPEN,
    ),
    ("met", crate::report::outcome_text(Outcome::Met)),
];

/// How each outcome sentence is styled where it is shown: red for a red
/// flag, amber for a reason against surgery or a missing answer, green for
/// met; always in words too (colour is never the only signal).
const OUTCOME_STYLES: [(&str, &str); 7] = [
    ("red_flag_urgent", "color:#a40000;font-weight:bold"),
    ("red_flag_investigate", "color:#a40000;font-weight:bold"),
    ("excluded", "color:#8a4b00;font-weight:bold"),
    ("not_met", "color:#8a4b00;font-weight:bold"),
    ("incomplete", "color:#5a5a00;font-weight:bold"),
    ("incomplete_red_flag_open", "color:#a40000;font-weight:bold"),
    ("met", "color:#1f6f1f;font-weight:bold"),
];

/// One display item per outcome sentence, each shown (styled by what it
/// means) only while it is the outcome; `place` keeps the linkIds of the
/// top group and the result group apart.
fn outcome_sentences(place: &str) -> impl Iterator<Item = Value> + '_ {
    let outcome = format!("%{}", fhirpath::OUTCOME_VARIABLE);
    OUTCOME_SENTENCES
        .iter()
        .zip(OUTCOME_STYLES)
        .map(move |((code, sentence), (_, css))| {
            styled(
                shown_when(
                    format!("{RESULT_PREFIX}{place}outcome-shown:{code}"),
                    (*sentence).to_string(),
                    format!("{outcome} = {}", fhirpath::literal(sentence)),
                ),
                css,
            )
        })
}

/// `text`, styled with CSS by the `rendering-style` extension on `_text`.
fn styled(mut item: Value, css: &str) -> Value {
    item["_text"] = json!({"extension": [{
        "url": "http://hl7.org/fhir/StructureDefinition/rendering-style",
        "valueString": css,
    }]});
    item
}

/// The red flags of `rs`, with their criterion index.
fn red_flags(rs: &RuleSet) -> impl Iterator<Item = (usize, &crate::engine::ruleset::Criterion)> {
    rs.criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == CriterionKind::RedFlag)
}

/// The group that opens the form: the outcome as it stands, styled by what
/// it means, and each red flag as soon as it is answered present, so
/// neither waits at the bottom of a long form. (The result group at the end
/// has the same outcome, every criterion and the item the response records.)
pub(super) fn top_group(rs: &RuleSet, names: &Names) -> Value {
    let mut items: Vec<Value> = red_flags(rs)
        .map(|(ci, c)| {
            styled(
                shown_when(
                    format!("{RESULT_PREFIX}top:red-flag-present:{}", c.id),
                    format!("RED FLAG present: {}", c.label),
                    format!("{} = true", names.criterion(ci)),
                ),
                OUTCOME_STYLES[0].1,
            )
        })
        .collect();
    items.extend(outcome_sentences("top:"));
    json!({
        "linkId": format!("{RESULT_PREFIX}top"),
        "text": "Outcome so far (computed from the answers below; not medical advice)",
        "type": "group",
        "item": items,
    })
}

/// The read-only items that show the screening as the renderer computes
/// it: the outcome, then every criterion, then the disclaimer.
pub(super) fn result_group(rs: &RuleSet, names: &Names) -> Value {
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
    let mut items: Vec<Value> = red_flags(rs)
        .map(|(ci, c)| {
            shown_when(
                format!("{RESULT_PREFIX}red-flag-open:{}", c.id),
                crate::report::not_ruled_out(&c.label),
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
    items.extend(outcome_sentences(""));
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
        "text": crate::report::NOT_ADVICE,
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
pub(super) fn question_items(rs: &RuleSet, names: &Names, qi: usize) -> Vec<Value> {
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
    // Required wherever an answer can always be given: "Unknown" and "None
    // of these" are options, so only a number that may be "not assessed"
    // (by its check box, a separate item) is left optional.
    if !q.allow_unknown || !matches!(q.kind, QuestionKind::Number(_)) {
        item["required"] = json!(true);
    }
    // Renderers do not all enforce an exclusive option, nor keep a number
    // and its "not assessed" box apart: a contradiction shows a warning and
    // makes the question unknown in the form's computation (its variable,
    // see `fhirpath::variables`), where the CLI refuses the response.
    let answers = fhirpath::answers_of(&q.id);
    let contradiction = match &q.kind {
        QuestionKind::MultipleChoice(_) => Some((
            fhirpath::exclusive_clash(&answers),
            "Contradictory answer: 'None of these' or 'Unknown' is ticked together with other options. The criteria that use this question count it as unknown until it is corrected.",
        )),
        QuestionKind::Number(_) if q.allow_unknown => Some((
            format!(
                "{} = true and {answers}.exists()",
                fhirpath::answers_of(&format!("{}{NOT_ASSESSED_SUFFIX}", q.id))
            ),
            "Contradictory answer: a number is given and 'not assessed' is ticked. The criteria that use this question count it as unknown until one is removed.",
        )),
        _ => None,
    };
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
    if let Some((expression, text)) = contradiction {
        items.push(styled(
            shown_when(
                format!("{}.contradiction", q.id),
                text.to_string(),
                expression,
            ),
            OUTCOME_STYLES[0].1,
        ));
    }
    items
}
