//! The Questionnaire, CodeSystems and responses, checked.

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
    assert_eq!(
        items[OUTCOME_SENTENCES.len()]["linkId"],
        "sij-screen:outcome"
    );
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

/// A rule set whose one criterion nests `at_least` `depth` deep.
fn nested_at_least(depth: usize) -> RuleSet {
    let mut y = String::from(
        "id: deep\ntitle: Deep\nversion: \"1\"\nreview: { status: draft, date: 2026-01-01 }\ndisclaimer: d\nsources: [{ id: s, citation: c }]\nsections:\n  - id: a\n    title: A\n    questions:\n",
    );
    for i in 0..=depth {
        y.push_str(&format!(
            "      - {{ id: q{i}, text: Q{i}?, type: yes_no }}\n"
        ));
    }
    let mut cond = "{ yes: q0 }".to_string();
    for i in 1..=depth {
        cond = format!("{{ at_least: {{ n: 1, of: [ {{ yes: q{i} }}, {cond} ] }} }}");
    }
    y.push_str(&format!(
        "criteria:\n  - id: c\n    kind: indication\n    label: C\n    sources: [s]\n    condition: {cond}\n"
    ));
    crate::compile::catalog::compile_text("deep.yaml", &y)
        .expect("compiles")
        .rules
}

/// Regression (the export was exponential in `at_least` nesting: each item
/// written three times, 170 MB at depth 13): the Questionnaire grows
/// linearly with the nesting.
#[test]
fn the_questionnaire_of_nested_at_least_grows_linearly() {
    let size = |depth| questionnaire(&nested_at_least(depth)).to_string().len();
    // Depth 16 is near the YAML nesting limit (each level is three); the
    // exponential export wrote 170 MB at 13.
    let (d4, d8, d16) = (size(4), size(8), size(16));
    // Linear: twice the depth adds about twice as much.
    let (a, b) = (d8 - d4, d16 - d8);
    assert!(b < 3 * a, "{d4} -> {d8} -> {d16} bytes");
    assert!(d16 < 100_000, "{d16} bytes at depth 16");
}
