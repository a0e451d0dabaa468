//! JSON Lines input: one object of question ids and answers per line.
//!
//! Each line is deserialised straight into the answers buffer by a typed
//! visitor (no intermediate `Value`), with every value checked by the
//! engine's one answer parser. A key given twice is refused, as in YAML:
//! "last one wins" would silently drop an answer.

use std::fmt;
use std::io::{Read, Write};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::pipeline::{self, BadRow, Output, ReadFailure, Worker};
use super::rows::{Recorder, RowWriter};
use super::{DEFAULT_ID_COLUMNS, Run, Tally, split};
use crate::cli::exit::AppError;
use crate::cli::request::BatchFormat;
use crate::diagnostics::{inert, suggest};
use crate::engine::{Answer, RawValue, RuleSet, parse_value};

pub(super) fn run(
    run: Run<'_, '_>,
    reader: impl Read + Send,
    out: &mut dyn Write,
    tally: &mut Tally,
) -> Result<(), AppError> {
    let (rs, args, shown) = (run.rs, run.args, run.shown);
    run.header(out, true)?;
    let workers: Vec<Box<dyn Worker + '_>> = (0..args.threads.max(1))
        .map(|_| {
            Box::new(JsonlWorker {
                rs,
                id_field: args.id_column.as_deref(),
                format: args.format,
                strict: args.strict,
                seen: vec![false; rs.questions.len()],
            }) as Box<dyn Worker>
        })
        .collect();
    let fail = |f: ReadFailure| super::failure(shown, f, super::Input::Jsonl);
    pipeline::run(
        reader,
        Vec::new(),
        1,
        split::jsonl_cut,
        workers,
        out,
        tally,
        run.on_bad,
        &fail,
    )
}

/// Parses, screens and formats blocks of JSON Lines.
struct JsonlWorker<'a> {
    rs: &'a RuleSet,
    id_field: Option<&'a str>,
    format: BatchFormat,
    strict: bool,
    seen: Vec<bool>,
}

impl Worker for JsonlWorker<'_> {
    fn block(&mut self, bytes: &[u8], first_line: u64) -> Output {
        let rs = self.rs;
        let mut out = Vec::with_capacity(bytes.len());
        let mut tally = Tally::new(rs);
        let mut bad: Vec<BadRow> = Vec::new();
        let mut stopped = false;
        let strict = self.strict;
        let mut on_bad = |line: u64, msg: &str| -> Result<(), AppError> {
            bad.push((line, msg.to_string()));
            if strict {
                stopped = true;
                return Err(AppError::Usage(String::new()));
            }
            Ok(())
        };
        let result = {
            let mut rec = Recorder::new(
                rs,
                RowWriter::new(self.format, &mut out),
                &mut tally,
                &mut on_bad,
            )
            .with_id(true);
            let r = self.rows(&mut rec, bytes, first_line);
            r.and_then(|()| rec.rows.flush())
        };
        Output {
            bytes: out,
            tally,
            bad,
            stopped,
            failed: result.err().filter(|_| !stopped).map(|e| e.to_string()),
        }
    }
}

impl JsonlWorker<'_> {
    fn rows(
        &mut self,
        rec: &mut Recorder<'_>,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), AppError> {
        let lines = bytes.split(|&b| b == b'\n');
        let mut line = first_line;
        // The block ends with a line break, which leaves an empty last
        // piece: not a line of its own.
        let count = split::line_breaks(bytes);
        let mut index = 0u64;
        for raw in lines {
            if index == count && raw.is_empty() {
                break;
            }
            let this = line;
            line += 1;
            index += 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(text) = std::str::from_utf8(raw) else {
                rec.bad(None, this, "not valid UTF-8 text")?;
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let row = bind_line(
                self.rs,
                text,
                self.id_field,
                &mut rec.buf.answers,
                &mut self.seen,
            );
            match row.error {
                None => rec.screened(row.id.as_deref(), this)?,
                Some(msg) => rec.bad(row.id.as_deref(), this, &msg)?,
            }
        }
        Ok(())
    }
}

/// One line bound: its case id (if any) and its first problem (if any).
#[derive(Debug, Default)]
struct Row {
    id: Option<String>,
    error: Option<String>,
}

/// Binds one JSON object (question id -> value) into `answers`. JSON
/// `true`/`false` stand for yes/no. The whole line is read even after a
/// problem, so a bad row still reports its case id.
fn bind_line(
    rs: &RuleSet,
    text: &str,
    id_field: Option<&str>,
    answers: &mut [Answer],
    seen: &mut [bool],
) -> Row {
    answers.fill(Answer::Unanswered);
    seen.fill(false);
    let mut row = Row::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let visitor = LineVisitor {
        rs,
        id_field,
        answers,
        seen,
        row: &mut row,
    };
    let parsed = de.deserialize_map(visitor).and_then(|()| de.end());
    if let Err(e) = parsed {
        let msg = if e.is_data() && e.to_string().starts_with("invalid type") {
            "expected a JSON object of question ids and answers".to_string()
        } else {
            format!("not a JSON object: {e}")
        };
        row.error.get_or_insert(msg);
    }
    row
}

struct LineVisitor<'a> {
    rs: &'a RuleSet,
    id_field: Option<&'a str>,
    answers: &'a mut [Answer],
    seen: &'a mut [bool],
    row: &'a mut Row,
}

impl LineVisitor<'_> {
    fn is_id(&self, key: &str) -> bool {
        match self.id_field {
            Some(f) => key == f,
            None => DEFAULT_ID_COLUMNS.contains(&key) && self.rs.question_idx(key).is_none(),
        }
    }

    fn fail(&mut self, msg: String) {
        self.row.error.get_or_insert(msg);
    }
}

impl<'de> Visitor<'de> for LineVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of question ids and answers")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut id_seen = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if self.is_id(&key) {
                let id: IdValue = map.next_value()?;
                if std::mem::replace(&mut id_seen, true) {
                    self.fail(format!("the key '{}' appears twice", inert(&key)));
                }
                self.row.id = Some(id.0);
                continue;
            }
            let Some(qi) = self.rs.question_idx(&key) else {
                if self.rs.retired(&key).is_some() {
                    // An earlier version's question: not used (README,
                    // "Retired questions"); the CSV path notes it once.
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                let hint =
                    suggest::did_you_mean(&key, self.rs.questions.iter().map(|q| q.id.as_str()));
                self.fail(format!("no question '{}'{hint}", inert(&key)));
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if std::mem::replace(&mut self.seen[qi], true) {
                self.fail(format!(
                    "the key '{key}' appears twice (a second answer would silently replace the first)"
                ));
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let raw = map.next_value_seed(RawSeed)?;
            match raw {
                Ok(raw) => match parse_value(&self.rs.questions[qi], &raw) {
                    Ok(a) => self.answers[qi] = a,
                    Err(msg) => self.fail(format!("{key}: {msg}")),
                },
                Err(msg) => self.fail(format!("{key}: {msg}")),
            }
        }
        Ok(())
    }
}

/// A case id: a string, or any other JSON value as written.
struct IdValue(String);

impl<'de> de::Deserialize<'de> for IdValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(IdValue(match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }))
    }
}

/// An answer value; a wrong shape (an object, a list of non-strings) is a
/// problem of this row, not a parse error of the line.
struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = Result<RawValue, String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(match v {
            serde_json::Value::Null => Ok(RawValue::Null),
            serde_json::Value::Bool(b) => Ok(RawValue::Bool(b)),
            serde_json::Value::Number(n) => Ok(RawValue::Number(n.as_f64().unwrap_or(f64::NAN))),
            serde_json::Value::String(s) => Ok(RawValue::Text(s)),
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => Ok(s),
                    _ => Err("expected a list of option ids".to_string()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(RawValue::List),
            serde_json::Value::Object(_) => Err("expected an answer, found an object".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;

    fn mini() -> RuleSet {
        catalog::compile_text("mini", include_str!("../../../tests/fixtures/mini.yaml"))
            .expect("fixture")
            .rules
    }

    fn bind(text: &str) -> Row {
        let rs = mini();
        let mut answers = vec![Answer::Unanswered; rs.questions.len()];
        let mut seen = vec![false; rs.questions.len()];
        bind_line(&rs, text, None, &mut answers, &mut seen)
    }

    #[test]
    fn a_duplicate_key_is_refused_and_the_id_still_reported() {
        let row = bind(r#"{"flag": false, "flag": true, "case_id": "c7"}"#);
        assert_eq!(row.id.as_deref(), Some("c7"));
        assert!(
            row.error
                .as_deref()
                .is_some_and(|e| e.contains("appears twice")),
            "{row:?}"
        );
    }

    #[test]
    fn shapes_and_values_are_checked() {
        assert!(bind(r#"{"pct": {"a": 1}}"#).error.is_some());
        assert!(bind(r#"[1, 2]"#).error.is_some());
        assert!(bind(r#"{"flag": true"#).error.is_some());
        assert!(bind(r#"{"flag": true} trailing"#).error.is_some());
        let ok = bind(r#"{"id": 7, "flag": false, "pct": 80, "side": "left"}"#);
        assert_eq!((ok.id.as_deref(), ok.error), (Some("7"), None));
    }
}
