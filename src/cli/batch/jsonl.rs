//! JSON Lines input: one object of question ids and answers per line.
//!
//! Each line is deserialised straight into the answers buffer by a typed
//! visitor (no intermediate `Value`), with every value checked by the
//! engine's one answer parser. A key given twice is refused, as in YAML:
//! "last one wins" would silently drop an answer.

use std::fmt;
use std::io::{Read, Write};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::pipeline::{self, Output, ReadFailure, Worker};
use super::rows::{Recorder, screen_block};
use super::{DEFAULT_ID_COLUMNS, Run, Tally, split};
use crate::cli::exit::AppError;
use crate::cli::request::BatchFormat;
use crate::diagnostics::FileId;
use crate::diagnostics::{inert, suggest};
use crate::engine::answer::{RawRef, parse_raw};
use crate::engine::ruleset::Question;
use crate::engine::{Answer, RuleSet};
use crate::files::answers::{self, AnswersDoc, Match};
use crate::files::{fhir_response, yaml};

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
                order: KeyOrder::new(rs),
                resource_type: memchr::memmem::Finder::new(b"\"resourceType\""),
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
    order: KeyOrder<'a>,
    /// Finds `"resourceType"`, which only a FHIR resource line holds
    /// (built once: a search set up per line cost a third of the time).
    resource_type: memchr::memmem::Finder<'static>,
}

impl Worker for JsonlWorker<'_> {
    fn block(&mut self, bytes: &[u8], first_line: u64) -> Output {
        let (rs, format, strict) = (self.rs, self.format, self.strict);
        screen_block(rs, format, strict, true, bytes.len(), |rec| {
            self.rows(rec, bytes, first_line)
        })
    }
}

impl JsonlWorker<'_> {
    fn rows(
        &mut self,
        rec: &mut Recorder<'_>,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), AppError> {
        // A block ending with a line break leaves an empty last piece: not
        // a line of its own.
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        for (this, raw) in (first_line..).zip(bytes.split(|&b| b == b'\n')) {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(text) = std::str::from_utf8(raw) else {
                rec.bad(None, this, "not valid UTF-8 text")?;
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            // A line may be a FHIR QuestionnaireResponse (NDJSON of
            // responses, as FHIR bulk exports write them).
            if self.resource_type.find(raw).is_some()
                && let Some(resource) = fhir_response::read(text)
            {
                // A Bundle on one line is one case per response it holds.
                for response in fhir_response::responses(&resource) {
                    match response_answers(self.rs, response) {
                        Ok((id, answers)) => {
                            rec.buf.answers.copy_from_slice(&answers);
                            rec.screened(id.as_deref(), this)?;
                        }
                        Err((id, msg)) => rec.bad(id.as_deref(), this, &msg)?,
                    }
                }
                continue;
            }
            let row = bind_line(
                self.rs,
                text,
                self.id_field,
                &mut rec.buf.answers,
                &mut self.seen,
                &mut self.order,
            );
            match row.error {
                None => rec.screened(row.id.as_deref(), this)?,
                Some(msg) => rec.bad(row.id.as_deref(), this, &msg)?,
            }
        }
        Ok(())
    }
}

/// A case id (if the line has one) with what became of the line.
type WithId<T> = (Option<String>, T);

/// A QuestionnaireResponse line's id (`id`, if any) and answers, checked as
/// an answers file is; or its id and the first problem.
fn response_answers(
    rs: &RuleSet,
    resource: &serde_json::Value,
) -> Result<WithId<Vec<Answer>>, WithId<String>> {
    let id = resource
        .get("id")
        .and_then(|i| i.as_str())
        .map(String::from);
    let answers_text = fhir_response::answers_text(resource, &|q| rs.takes_list(q))
        .map_err(|e| (id.clone(), e))?;
    let doc = yaml::parse::<AnswersDoc>(&answers_text, FileId::MAIN)
        .map_err(|d| (id.clone(), d.message))?;
    answers::bind(rs, &doc, &answers_text, Match::Strict)
        .map(|a| (id.clone(), a))
        .map_err(|ds| {
            let first = ds.first().map_or_else(String::new, |d| d.message.clone());
            (id.clone(), first)
        })
}

/// One line bound: its case id (if any) and its first problem (if any).
#[derive(Debug, Default)]
struct Row<'t> {
    id: Option<Cow<'t, str>>,
    error: Option<String>,
}

/// Binds one JSON object (question id -> value) into `answers`. JSON
/// `true`/`false` stand for yes/no. The whole line is read even after a
/// problem, so a bad row still reports its case id.
fn bind_line<'t>(
    rs: &RuleSet,
    text: &'t str,
    id_field: Option<&str>,
    answers: &mut [Answer],
    seen: &mut [bool],
    order: &mut KeyOrder<'_>,
) -> Row<'t> {
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
        order,
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

struct LineVisitor<'a, 'de, 'r> {
    rs: &'a RuleSet,
    id_field: Option<&'a str>,
    answers: &'a mut [Answer],
    seen: &'a mut [bool],
    row: &'a mut Row<'de>,
    order: &'a mut KeyOrder<'r>,
}

/// The question each key position held in earlier lines: the lines of a
/// file usually list their keys in one order, so a key is first compared
/// with the question it was last time (one comparison) before the index of
/// question ids (a fast hash) is asked.
#[derive(Debug)]
struct KeyOrder<'r> {
    at: Vec<Option<usize>>,
    index: FxHashMap<&'r str, usize>,
}

impl<'r> KeyOrder<'r> {
    fn new(rs: &'r RuleSet) -> Self {
        KeyOrder {
            at: Vec::new(),
            index: rs
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| (q.id.as_str(), i))
                .collect(),
        }
    }

    fn lookup(&mut self, rs: &RuleSet, position: usize, key: &str) -> Option<usize> {
        if let Some(Some(qi)) = self.at.get(position)
            && rs.questions[*qi].id == key
        {
            return Some(*qi);
        }
        let qi = *self.index.get(key)?;
        if self.at.len() <= position {
            self.at.resize(position + 1, None);
        }
        self.at[position] = Some(qi);
        Some(qi)
    }
}

impl LineVisitor<'_, '_, '_> {
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

impl<'de> Visitor<'de> for LineVisitor<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of question ids and answers")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut id_seen = false;
        let mut position = 0;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            position += 1;
            if self.is_id(&key) {
                let id: IdValue<'de> = map.next_value()?;
                if std::mem::replace(&mut id_seen, true) {
                    self.fail(format!("the key '{}' appears twice", inert(&key)));
                }
                self.row.id = Some(id.0);
                continue;
            }
            let Some(qi) = self.order.lookup(self.rs, position, &key) else {
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
            let question = &self.rs.questions[qi];
            match map.next_value_seed(AnswerSeed { question })? {
                Ok(a) => self.answers[qi] = a,
                Err(msg) => self.fail(format!("{key}: {msg}")),
            }
        }
        Ok(())
    }
}

/// A case id: a string (borrowed from the line when it can be), or any
/// other JSON value as written (`7`, `true`, `[1,2]`), as `Value` prints it.
struct IdValue<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for IdValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a case id")
            }
            fn visit_borrowed_str<E>(self, t: &'de str) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Borrowed(t)))
            }
            fn visit_str<E>(self, t: &str) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Owned(t.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Borrowed("null")))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Owned(serde_json::Value::from(b).to_string())))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Owned(serde_json::Value::from(n).to_string())))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Owned(serde_json::Value::from(n).to_string())))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
                Ok(IdValue(Cow::Owned(serde_json::Value::from(n).to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(IdValue(Cow::Owned(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(IdValue(Cow::Owned(match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads one answer straight into the engine's check, borrowing strings
/// from the line: no `serde_json::Value`, no allocation for a well-formed
/// answer. JSON `true` / `false` are yes / no, numbers are numbers, a string
/// is text and an array of strings a list, exactly as [`RawValue`] would
/// hold them.
struct AnswerSeed<'q> {
    question: &'q Question,
}

impl<'de> DeserializeSeed<'de> for AnswerSeed<'_> {
    type Value = Result<Answer, String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnswerSeed<'_> {
    type Value = Result<Answer, String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Null))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Null))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Bool(b)))
    }

    // The conversions are serde_json's own `Number::as_f64`.
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Number(n as f64)))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Number(n as f64)))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Number(n)))
    }

    fn visit_str<E>(self, t: &str) -> Result<Self::Value, E> {
        Ok(parse_raw(self.question, RawRef::Text(t)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items: Vec<Cow<'de, str>> = Vec::new();
        let mut all_text = true;
        while let Some(item) = seq.next_element::<Item<'de>>()? {
            match item.0 {
                Some(t) => items.push(t),
                None => all_text = false,
            }
        }
        if !all_text {
            return Ok(Err("expected a list of option ids".to_string()));
        }
        let refs: Vec<&str> = items.iter().map(|c| c.as_ref()).collect();
        Ok(parse_raw(self.question, RawRef::List(&refs)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // With serde_json's `arbitrary_precision` feature (which another
        // crate in the build may switch on), a number arrives as a map with
        // one private key holding its text: read it as `Value` would.
        if let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == NUMBER_TOKEN {
                let text: Cow<'de, str> = map.next_value()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                let n = text
                    .parse::<serde_json::Number>()
                    .ok()
                    .and_then(|n| n.as_f64())
                    .unwrap_or(f64::NAN);
                return Ok(parse_raw(self.question, RawRef::Number(n)));
            }
            map.next_value::<IgnoredAny>()?;
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err("expected an answer, found an object".into()))
    }
}

/// The key serde_json gives a number under `arbitrary_precision`.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// One element of a list: its text, or `None` if it is not a string.
struct Item<'de>(Option<Cow<'de, str>>);

impl<'de> Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an option id")
            }
            fn visit_borrowed_str<E>(self, t: &'de str) -> Result<Self::Value, E> {
                Ok(Item(Some(Cow::Borrowed(t))))
            }
            fn visit_str<E>(self, t: &str) -> Result<Self::Value, E> {
                Ok(Item(Some(Cow::Owned(t.to_string()))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Item(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Item(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Item(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Item(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Item(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Item(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Item(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;
    use proptest::prelude::*;

    fn mini() -> RuleSet {
        catalog::compile_text("mini", include_str!("../../../tests/fixtures/mini.yaml"))
            .expect("fixture")
            .rules
    }

    /// A bound line's id and problem.
    #[derive(Debug)]
    struct Bound {
        id: Option<String>,
        error: Option<String>,
    }

    fn bind(text: &str) -> Bound {
        let rs = mini();
        let mut answers = vec![Answer::Unanswered; rs.questions.len()];
        let mut seen = vec![false; rs.questions.len()];
        let row = bind_line(
            &rs,
            text,
            None,
            &mut answers,
            &mut seen,
            &mut KeyOrder::new(&rs),
        );
        Bound {
            id: row.id.map(Cow::into_owned),
            error: row.error,
        }
    }

    /// What the earlier reader made of a JSON value: through `Value`.
    fn through_value(v: &serde_json::Value) -> Result<crate::engine::RawValue, String> {
        use crate::engine::RawValue;
        use serde_json::Value;
        Ok(match v {
            Value::Null => RawValue::Null,
            Value::Bool(b) => RawValue::Bool(*b),
            Value::Number(n) => RawValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => RawValue::Text(s.clone()),
            Value::Array(items) => RawValue::List(
                items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Ok(s.clone()),
                        _ => Err("expected a list of option ids".to_string()),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(_) => return Err("expected an answer, found an object".into()),
        })
    }

    proptest! {
        /// The borrowing reader gives every question the answer (or the
        /// message) that reading through `serde_json::Value` gave.
        #[test]
        fn answers_read_as_through_value(qi in 0usize..40, text in prop_oneof![
            prop::sample::select(vec![
                "null", "true", "false", "0", "75", "75.5", "1e1", "-3", "1e400", "\"yes\"", "\"no\"",
                "\"unknown\"", "\"75%\"", "\"posterior_si\"", "\"lumbar\"", "[]", "[\"medication\"]",
                "[\"medication\", 3]", "[\"bracing\", \"bracing\"]", "{}", "{\"a\": 1}", "\"y\\u0065s\"",
                "[[1], {\"b\": 2}]", "18446744073709551615", "-9223372036854775808",
            ]).prop_map(String::from),
            "-?[0-9]{1,20}(\\.[0-9]{1,5})?",
        ]) {
            let rs = catalog::load("nass-2015").expect("bundled").rules;
            let q = &rs.questions[qi % rs.questions.len()];
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                return Ok(());
            };
            let before = through_value(&value).and_then(|raw| crate::engine::parse_value(q, &raw));
            let mut de = serde_json::Deserializer::from_str(&text);
            let now = AnswerSeed { question: q }.deserialize(&mut de).expect("reads");
            prop_assert_eq!(now, before, "{}", text);
        }
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
