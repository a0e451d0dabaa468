//! A response as the answers file it stands for: each answered item, in
//! document order, as an answer in the answers-file syntax, with where in
//! the response it was found.

use std::collections::HashMap;

use serde_json::Value;

use super::*;

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
    with_places(whole, is_multi).map(|(text, _)| text)
}

/// [`answers_text`], and for each answer line (in order) where in the
/// response it was found, as a JSON path (`item[2].item[0]`).
pub(super) fn with_places(
    whole: &Value,
    is_multi: &dyn Fn(&str) -> bool,
) -> Result<(String, Vec<String>), String> {
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
    walk(v.get("item"), "", &mut entries, is_multi)?;
    // A ticked "not assessed" box makes its number unknown; a value as well
    // is a contradiction, refused rather than guessed.
    let Entries {
        list: mut entries,
        index,
        not_assessed,
        mut places,
    } = entries;
    for (id, place) in not_assessed {
        match index.get(&id).map(|&i| &entries[i]) {
            Some((_, v)) if v != "unknown" => {
                return Err(format!(
                    "'{id}' has the answer {v} and is also marked not assessed; keep one"
                ));
            }
            Some(_) => {}
            None => {
                entries.push((id, "unknown".into()));
                places.push(place);
            }
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
    Ok((out, places))
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
    /// Questions whose "not assessed" box is ticked, each once, with the
    /// box's place.
    not_assessed: Vec<(String, String)>,
    /// Where each answer of `list` was found.
    places: Vec<String>,
}

/// Reads the answered items of `items` (found at the JSON path `at`).
fn walk(
    items: Option<&Value>,
    at: &str,
    out: &mut Entries,
    is_multi: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    let Some(items) = items.and_then(Value::as_array) else {
        return Ok(());
    };
    for (i, item) in items.iter().enumerate() {
        let here = if at.is_empty() {
            format!("item[{i}]")
        } else {
            format!("{at}.item[{i}]")
        };
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
                out.not_assessed.push((question.to_string(), here));
            }
            continue;
        }
        // A group: its items are the questions.
        if answers.is_none() && !absent {
            walk(item.get("item"), &here, out, is_multi)?;
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
        for (j, a) in answers.into_iter().flatten().enumerate() {
            walk(a.get("item"), &format!("{here}.answer[{j}]"), out, is_multi)?;
        }
        walk(item.get("item"), &here, out, is_multi)?;
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
        out.places.push(here);
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
