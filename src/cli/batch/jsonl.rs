//! JSON Lines input: one object of question ids and answers per line.

use std::io::BufRead;

use super::DEFAULT_ID_COLUMNS;
use super::rows::Recorder;
use crate::cli::exit::AppError;
use crate::cli::request::BatchRequest;
use crate::diagnostics::suggest;
use crate::engine::{Answer, RawValue, RuleSet, parse_value};
use crate::files::InputError;

pub(super) fn run(
    rec: &mut Recorder<'_>,
    args: &BatchRequest,
    shown: &str,
    mut reader: impl BufRead,
) -> Result<(), AppError> {
    let id_field = args.id_column.as_deref();
    rec.header(true)?;
    let mut bytes = Vec::new();
    let mut line = 0u64;
    loop {
        bytes.clear();
        let n = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| AppError::Input(InputError::from_io(shown, e)))?;
        if n == 0 {
            break;
        }
        line += 1;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            rec.bad(None, line, "not valid UTF-8 text")?;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match bind_json_line(rec.rs, text, id_field, &mut rec.buf.answers) {
            Ok(id) => rec.screened(id.as_deref(), line)?,
            Err((id, msg)) => rec.bad(id.as_deref(), line, &msg)?,
        }
    }
    Ok(())
}

/// Binds one JSON object (question id -> value) into `answers`; returns the
/// case id. JSON `true`/`false` stand for yes/no.
fn bind_json_line(
    rs: &RuleSet,
    text: &str,
    id_field: Option<&str>,
    answers: &mut [Answer],
) -> Result<Option<String>, (Option<String>, String)> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| (None, format!("not a JSON object: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err((
            None,
            "expected a JSON object of question ids and answers".into(),
        ));
    };
    let id_key = |k: &str| match id_field {
        Some(f) => k == f,
        None => DEFAULT_ID_COLUMNS.contains(&k) && rs.question_idx(k).is_none(),
    };
    let id = map.iter().find(|(k, _)| id_key(k)).map(|(_, v)| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    answers.fill(Answer::Unanswered);
    for (k, v) in &map {
        if id_key(k) {
            continue;
        }
        let Some(qi) = rs.question_idx(k) else {
            let hint = suggest::did_you_mean(k, rs.questions.iter().map(|q| q.id.as_str()));
            return Err((id, format!("no question '{k}'{hint}")));
        };
        let raw = match v {
            serde_json::Value::Null => RawValue::Null,
            serde_json::Value::Bool(b) => RawValue::Bool(*b),
            serde_json::Value::Number(n) => RawValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => RawValue::Text(s.clone()),
            serde_json::Value::Array(items) => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        serde_json::Value::String(s) => list.push(s.clone()),
                        _ => return Err((id, format!("{k}: expected a list of option ids"))),
                    }
                }
                RawValue::List(list)
            }
            serde_json::Value::Object(_) => {
                return Err((id, format!("{k}: expected an answer, found an object")));
            }
        };
        match parse_value(&rs.questions[qi], &raw) {
            Ok(a) => answers[qi] = a,
            Err(msg) => return Err((id, format!("{k}: {msg}"))),
        }
    }
    Ok(id)
}
