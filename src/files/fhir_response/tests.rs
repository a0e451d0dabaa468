use super::*;

#[test]
fn a_response_becomes_answers() {
    let qr = r#"{"resourceType": "QuestionnaireResponse",
        "questionnaire": "urn:sij-screen:questionnaire:nass-2015|2.0.0",
        "status": "completed",
        "item": [{"linkId": "red_flags", "item": [
            {"linkId": "saddle_anaesthesia", "answer": [{"valueCoding": {"code": "no"}}]},
            {"linkId": "history_of_cancer", "answer": [{"valueBoolean": false}]},
            {"linkId": "faber_test", "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "asked-unknown"}]},
            {"linkId": "block_count", "answer": [{"valueInteger": 2}]},
            {"linkId": "device_contraindications", "answer": [{"valueCoding": {"code": "none"}}]},
            {"linkId": "conservative_care_components", "answer": [{"valueCoding": {"code": "medication"}}, {"valueCoding": {"code": "bracing"}}]}
        ]}]}"#;
    assert!(is_response(qr));
    let multi = |id: &str| id == "conservative_care_components" || id == "device_contraindications";
    let text = to_answers_text(qr, &multi).expect("reads");
    assert!(
        text.starts_with("rule_set: \"nass-2015\"\nversion: \"2.0.0\"\nanswers:\n"),
        "{text}"
    );
    for line in [
        "\"saddle_anaesthesia\": no",
        "\"history_of_cancer\": no",
        "\"faber_test\": unknown",
        "\"block_count\": 2",
        "\"device_contraindications\": []",
        "\"conservative_care_components\": [\"medication\", \"bracing\"]",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}

#[test]
fn another_questionnaire_is_refused() {
    let qr = r#"{"resourceType": "QuestionnaireResponse", "questionnaire": "http://example.org/Questionnaire/phq9"}"#;
    let e = to_answers_text(qr, &|_| false).expect_err("refused");
    assert!(e.contains("not a sij-screen questionnaire"), "{e}");
    assert!(!is_response("rule_set: x"));
}

#[test]
fn a_not_assessed_box_is_unknown_and_results_are_passed_over() {
    let qr = r#"{"resourceType": "QuestionnaireResponse",
        "questionnaire": "https://sij-screen.org/fhir/Questionnaire/nass-2015|2.0.0",
        "item": [
            {"linkId": "block_count:not-assessed", "answer": [{"valueBoolean": true}]},
            {"linkId": "first_block_relief_percent:not-assessed", "answer": [{"valueBoolean": false}]},
            {"linkId": "first_block_relief_percent", "answer": [{"valueInteger": 80}]},
            {"linkId": "sij-screen:result", "item": [
                {"linkId": "sij-screen:outcome", "answer": [{"valueString": "MET: ..."}]}
            ]}
        ]}"#;
    let text = to_answers_text(qr, &|_| false).expect("reads");
    assert!(text.contains("\"block_count\": unknown"), "{text}");
    assert!(
        text.contains("\"first_block_relief_percent\": 80"),
        "{text}"
    );
    assert!(!text.contains("sij-screen:"), "{text}");
    // A value and a ticked box contradict each other.
    let both = qr.replace(
        r#""first_block_relief_percent:not-assessed", "answer": [{"valueBoolean": false}]"#,
        r#""first_block_relief_percent:not-assessed", "answer": [{"valueBoolean": true}]"#,
    );
    let e = to_answers_text(&both, &|_| false).expect_err("refused");
    assert!(e.contains("also marked not assessed"), "{e}");
    // The first export's canonical is still read.
    let old = qr.replace(
        "https://sij-screen.org/fhir/Questionnaire/",
        "urn:sij-screen:questionnaire:",
    );
    assert!(to_answers_text(&old, &|_| false).is_ok());
}

/// A response with `items` (inside a group) for nass-2015.
fn response(items: &str) -> String {
    format!(
        r#"{{"resourceType": "QuestionnaireResponse", "status": "completed",
        "questionnaire": "https://sij-screen.org/fhir/Questionnaire/nass-2015|2.0.0",
        "item": [{{"linkId": "red_flags", "item": [{items}]}}]}}"#
    )
}

fn refused(items: &str, multi: bool) -> String {
    to_answers_text(&response(items), &|_| multi).expect_err("refused")
}

/// Regression: two answers to a red flag were read as the last one, and
/// the case screened as MET.
#[test]
fn two_answers_to_a_red_flag_are_refused() {
    let e = refused(
        r#"{"linkId": "saddle_anaesthesia", "answer": [{"valueBoolean": true}, {"valueBoolean": false}]}"#,
        false,
    );
    assert!(e.contains("saddle_anaesthesia: 2 answers"), "{e}");
    let e = refused(
        r#"{"linkId": "block_count", "answer": [{"valueInteger": 80}, {"valueInteger": 10}]}"#,
        false,
    );
    assert!(e.contains("block_count: 2 answers"), "{e}");
}

/// Regression: a coding beside a value was dropped without a word.
#[test]
fn a_coding_beside_a_value_is_refused() {
    let e = refused(
        r#"{"linkId": "conservative_care_components", "answer": [{"valueCoding": {"code": "medication"}}, {"valueBoolean": true}]}"#,
        true,
    );
    assert!(e.contains("a coded answer beside a value"), "{e}");
}

/// "None of these" or "Unknown" with real options: said by name, not
/// "no option 'none'".
#[test]
fn an_exclusive_option_with_others_is_named() {
    for (code, word) in [("none", "None of these"), ("unknown", "Unknown")] {
        let e = refused(
            &format!(
                r#"{{"linkId": "conservative_care_components", "answer": [{{"valueCoding": {{"code": "{code}"}}}}, {{"valueCoding": {{"code": "bracing"}}}}]}}"#
            ),
            true,
        );
        assert!(e.contains(&format!("\"{word}\" is ticked together")), "{e}");
    }
}

/// Regression: `answer` as an object (not a list) was dropped with exit 0.
#[test]
fn an_answer_that_is_not_a_list_is_refused() {
    let e = refused(
        r#"{"linkId": "saddle_anaesthesia", "answer": {"valueBoolean": true}}"#,
        false,
    );
    assert!(e.contains("must be a list"), "{e}");
}

/// Regression: questions nested under an answer were dropped.
#[test]
fn questions_nested_under_an_answer_are_read() {
    let text = to_answers_text(
        &response(
            r#"{"linkId": "history_of_cancer", "answer": [{"valueBoolean": true, "item": [
                {"linkId": "cancer_investigated_excluded", "answer": [{"valueBoolean": false}]}]}]}"#,
        ),
        &|_| false,
    )
    .expect("reads");
    assert!(
        text.contains("\"cancer_investigated_excluded\": no"),
        "{text}"
    );
    assert!(text.contains("\"history_of_cancer\": yes"), "{text}");
}

/// Regression: a key given twice in one JSON object was read as the last.
#[test]
fn a_duplicate_json_key_is_refused() {
    let qr = response(
        r#"{"linkId": "saddle_anaesthesia", "answer": [{"valueBoolean": true, "valueBoolean": false}]}"#,
    );
    let e = to_answers_text(&qr, &|_| false).expect_err("refused");
    assert!(e.contains("appears twice"), "{e}");
    assert!(
        matches!(read(&qr), Some(Err(_))),
        "still known as a response"
    );
}

/// Regression: a response entered in error was screened as any other.
#[test]
fn a_response_entered_in_error_is_refused() {
    let qr = response("").replace("\"completed\"", "\"entered-in-error\"");
    let e = to_answers_text(&qr, &|_| false).expect_err("refused");
    assert!(e.contains("entered-in-error"), "{e}");
}

/// Regression: data-absent on an item silently discarded its value.
#[test]
fn a_value_marked_data_absent_is_refused() {
    let e = refused(
        r#"{"linkId": "block_count", "answer": [{"valueInteger": 2}], "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "asked-unknown"}]}"#,
        false,
    );
    assert!(e.contains("also marked data-absent"), "{e}");
}
