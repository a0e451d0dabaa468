//! A FHIR R4 QuestionnaireResponse read as an answers file, so every command
//! that takes answers takes one too (`run --answers`, `--resume`, `compare`).
//!
//! The response is turned into the answers-file text it stands for, which
//! then goes through the one answers-file reader, so the checks are the same
//! as for a YAML file: `questionnaire` names the rule set and version
//! (`https://sij-screen.org/fhir/Questionnaire/ID|VERSION`, or the older
//! `urn:sij-screen:questionnaire:ID|VERSION`), each item's `linkId` is a
//! question id (groups are walked), `valueBoolean` is yes/no, a coding's
//! `code` is an option id (`unknown` is "not assessed", `none` is "none of
//! these" on a multiple choice), a number is a number, and an item marked
//! with the data-absent-reason extension, answered `unknown`, or with its
//! "not assessed" box (`ID:not-assessed`) ticked is unknown. The read-only
//! items a renderer computed (`sij-screen:...`) are results, not answers,
//! and are passed over. A response for another questionnaire is refused
//! with its canonical.

use std::collections::HashMap;

use serde_json::Value;

/// The base of the tool's canonical URLs. Stable: saved responses and
/// other systems refer to them. Every resource they name is what `export`
/// writes, so a FHIR server that hosts those files resolves them.
pub const CANONICAL_BASE: &str = "https://sij-screen.org/fhir";

/// The canonical prefix of the tool's questionnaires.
pub const CANONICAL_PREFIX: &str = "https://sij-screen.org/fhir/Questionnaire/";

/// The prefix the first FHIR export used, still read.
const LEGACY_PREFIX: &str = "urn:sij-screen:questionnaire:";

/// The linkId suffix of the "not assessed" check box that follows a number
/// question allowing "unknown" (a number item cannot hold an "unknown"
/// option). `:` never occurs in a question id, so it cannot clash.
pub const NOT_ASSESSED_SUFFIX: &str = ":not-assessed";

/// The linkId prefix of the computed, read-only result items.
pub const RESULT_PREFIX: &str = "sij-screen:";

/// Whether `text` is a FHIR QuestionnaireResponse (JSON with that
/// `resourceType`).
pub fn is_response(text: &str) -> bool {
    read(text).is_some()
}

/// `text` parsed, when it is a QuestionnaireResponse (or a Bundle holding
/// one): parse once with this, then take [`answers_text`] of it. `None`
/// when it is not one; an error when it is one but holds a key twice in one
/// object (JSON readers keep the last, which would silently drop an
/// answer).
pub fn read(text: &str) -> Option<Result<Value, String>> {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return None;
    }
    match parse_strict(t) {
        Ok(v) => the_response(&v).is_some().then_some(Ok(v)),
        Err(e) => serde_json::from_str::<Value>(t)
            .ok()
            .filter(|v| the_response(v).is_some())
            .map(|_| Err(e.to_string())),
    }
}

/// JSON as a `Value`, refusing a key given twice in one object.
fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    struct Strict(Value);
    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(V).map(Strict)
        }
    }
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Value;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
            Ok(Value::Bool(b))
        }
        fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_str<E>(self, s: &str) -> Result<Value, E> {
            Ok(Value::from(s))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Strict(v)) = seq.next_element()? {
                items.push(v);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let Strict(v) = map.next_value()?;
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!(
                        "the key \"{key}\" appears twice in one object (a second value would silently replace the first)"
                    )));
                }
                out.insert(key, v);
            }
            Ok(Value::Object(out))
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let Strict(v) = Strict::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// The QuestionnaireResponse itself, or the one a Bundle (as `--format
/// fhir` writes) holds.
fn the_response(v: &Value) -> Option<&Value> {
    responses(v).into_iter().next()
}

/// Every QuestionnaireResponse `v` is or holds: itself, or each one among a
/// Bundle's entries, in order (other entries are not responses).
pub fn responses(v: &Value) -> Vec<&Value> {
    let is_response =
        |r: &Value| r.get("resourceType") == Some(&Value::from("QuestionnaireResponse"));
    match v.get("resourceType").and_then(Value::as_str) {
        Some("QuestionnaireResponse") => vec![v],
        Some("Bundle") => v
            .get("entry")
            .and_then(Value::as_array)
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|e| e.get("resource").filter(|r| is_response(r)))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The answers-file text a response stands for, or why it cannot be read.
/// `is_multi` says which question ids take a list (a multiple choice), so
/// that one ticked option is still written as a list.
pub fn to_answers_text(text: &str, is_multi: &dyn Fn(&str) -> bool) -> Result<String, String> {
    let whole: Value =
        parse_strict(text).map_err(|e| format!("not a FHIR resource in JSON: {e}"))?;
    answers_text(&whole, is_multi)
}

/// [`to_answers_text`] of a resource already parsed.
pub fn answers_text(whole: &Value, is_multi: &dyn Fn(&str) -> bool) -> Result<String, String> {
    let v = the_response(whole).ok_or("not a QuestionnaireResponse (or a Bundle holding one)")?;
    let n = responses(whole).len();
    if n > 1 {
        return Err(format!(
            "a Bundle of {n} QuestionnaireResponses: one case is screened at a time here; `sij-screen batch` screens each"
        ));
    }
    if v.get("status").and_then(Value::as_str) == Some("entered-in-error") {
        return Err(
            "the QuestionnaireResponse has status entered-in-error (it was recorded by mistake), so it is not screened"
                .into(),
        );
    }
    let canonical = v
        .get("questionnaire")
        .and_then(Value::as_str)
        .ok_or("the QuestionnaireResponse names no questionnaire")?;
    let rest = canonical
        .strip_prefix(CANONICAL_PREFIX)
        .or_else(|| canonical.strip_prefix(LEGACY_PREFIX))
        .ok_or_else(|| {
        format!(
            "the QuestionnaireResponse is for '{canonical}', not a sij-screen questionnaire ({CANONICAL_PREFIX}ID|VERSION)"
        )
    })?;
    let (id, version) = match rest.split_once('|') {
        Some((id, v)) => (id, Some(v)),
        None => (rest, None),
    };
    let mut out = String::new();
    out.push_str(&format!("rule_set: {}\n", json_str(id)));
    if let Some(v) = version {
        out.push_str(&format!("version: {}\n", json_str(v)));
    }
    let mut entries = Entries::default();
    walk(v.get("item"), &mut entries, is_multi)?;
    // A ticked "not assessed" box makes its number unknown; a value as well
    // is a contradiction, refused rather than guessed.
    let Entries {
        list: mut entries,
        index,
        not_assessed,
    } = entries;
    for id in not_assessed {
        match index.get(&id).map(|&i| &entries[i]) {
            Some((_, v)) if v != "unknown" => {
                return Err(format!(
                    "'{id}' has the answer {v} and is also marked not assessed; keep one"
                ));
            }
            Some(_) => {}
            None => entries.push((id, "unknown".into())),
        }
    }
    if entries.is_empty() {
        out.push_str("answers: {}\n");
    } else {
        out.push_str("answers:\n");
        for (k, v) in entries {
            out.push_str(&format!("  {}: {v}\n", json_str(&k)));
        }
    }
    Ok(out)
}

/// A string as a JSON (hence YAML) literal, so nothing from the file can
/// break the YAML it is written into.
fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The answers read so far, in order, with an index by question id (a
/// hostile file may hold very many items: every lookup is constant time).
#[derive(Default)]
struct Entries {
    list: Vec<(String, String)>,
    index: HashMap<String, usize>,
    /// Questions whose "not assessed" box is ticked, each once.
    not_assessed: Vec<String>,
}

fn walk(
    items: Option<&Value>,
    out: &mut Entries,
    is_multi: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    let Some(items) = items.and_then(Value::as_array) else {
        return Ok(());
    };
    for item in items {
        let link = item
            .get("linkId")
            .and_then(Value::as_str)
            .ok_or("an item without a linkId")?;
        // What a renderer computed (the outcome, each criterion) is a
        // result, not an answer.
        if link.starts_with(RESULT_PREFIX) {
            continue;
        }
        let answers = match item.get("answer") {
            None => None,
            Some(Value::Array(a)) => Some(a),
            Some(_) => return Err(format!("{link}: `answer` must be a list of answers")),
        };
        let absent = item
            .get("extension")
            .and_then(Value::as_array)
            .is_some_and(|e| {
                e.iter().any(|x| {
                    x.get("url").and_then(Value::as_str)
                        == Some("http://hl7.org/fhir/StructureDefinition/data-absent-reason")
                })
            });
        if let Some(question) = link.strip_suffix(NOT_ASSESSED_SUFFIX) {
            let ticked = match answers.map(Vec::as_slice).unwrap_or_default() {
                [] => false,
                [one] => one
                    .get("valueBoolean")
                    .and_then(Value::as_bool)
                    .ok_or_else(|| {
                        format!("{link}: the \"not assessed\" box takes a boolean answer")
                    })?,
                _ => return Err(format!("{link}: more than one answer")),
            };
            if ticked {
                if out.index.contains_key(link) {
                    return Err(format!("the item '{link}' appears twice"));
                }
                out.index.insert(link.to_string(), usize::MAX);
                out.not_assessed.push(question.to_string());
            }
            continue;
        }
        // A group: its items are the questions.
        if answers.is_none() && !absent {
            walk(item.get("item"), out, is_multi)?;
            continue;
        }
        if out.index.contains_key(link) {
            return Err(format!("the item '{link}' appears twice"));
        }
        if absent && answers.is_some_and(|a| !a.is_empty()) {
            return Err(format!(
                "{link}: has an answer and is also marked data-absent (not known); keep one"
            ));
        }
        // Questions nested under an answer, or under the question itself,
        // are read too, never passed over.
        for a in answers.into_iter().flatten() {
            walk(a.get("item"), out, is_multi)?;
        }
        walk(item.get("item"), out, is_multi)?;
        let value = if absent {
            "unknown".to_string()
        } else {
            value(
                link,
                answers.map(Vec::as_slice).unwrap_or_default(),
                is_multi(link),
            )?
        };
        out.index.insert(link.to_string(), out.list.len());
        out.list.push((link.to_string(), value));
    }
    Ok(())
}

/// The answers of one item as the answers file would write them.
///
/// A question that takes one answer must have one: two answers, or a coded
/// answer beside a value, are refused (a reader that kept the last would
/// silently decide the case). A multiple choice's "None of these" or
/// "Unknown" ticked with other options is refused by name.
fn value(link: &str, answers: &[Value], multi: bool) -> Result<String, String> {
    if !multi && answers.len() > 1 {
        return Err(format!(
            "{link}: {} answers to a question that takes one; keep one",
            answers.len()
        ));
    }
    let mut codes = Vec::new();
    let mut scalars = Vec::new();
    for a in answers {
        if let Some(b) = a.get("valueBoolean").and_then(Value::as_bool) {
            scalars.push(if b {
                "yes".to_string()
            } else {
                "no".to_string()
            });
        } else if let Some(n) = a.get("valueInteger").or_else(|| a.get("valueDecimal")) {
            scalars.push(n.to_string());
        } else if let Some(code) = a
            .get("valueCoding")
            .and_then(|c| c.get("code"))
            .and_then(Value::as_str)
        {
            codes.push(code.to_string());
        } else if let Some(s) = a.get("valueString").and_then(Value::as_str) {
            scalars.push(json_str(s));
        } else {
            return Err(format!(
                "{link}: an answer of a kind sij-screen does not read"
            ));
        }
    }
    match (scalars.as_slice(), codes.is_empty()) {
        ([], _) => {}
        ([one], true) => return Ok(one.clone()),
        (_, true) => return Err(format!("{link}: more than one answer; keep one")),
        (_, false) => {
            return Err(format!(
                "{link}: a coded answer beside a value answer; keep one"
            ));
        }
    }
    if codes.len() > 1 {
        for exclusive in ["none", "unknown"] {
            if codes.iter().any(|c| c == exclusive) {
                let word = if exclusive == "none" {
                    "None of these"
                } else {
                    "Unknown"
                };
                return Err(format!(
                    "{link}: \"{word}\" is ticked together with other options; it excludes them, so keep one or the other"
                ));
            }
        }
    }
    match codes.as_slice() {
        [one] if one == "unknown" => Ok("unknown".into()),
        [one] if one == "yes" || one == "no" => Ok(one.clone()),
        [one] if one == "none" => Ok("[]".into()),
        [one] if !multi => Ok(json_str(one)),
        many => Ok(format!(
            "[{}]",
            many.iter()
                .map(|c| json_str(c))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
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
        let multi =
            |id: &str| id == "conservative_care_components" || id == "device_contraindications";
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
}
