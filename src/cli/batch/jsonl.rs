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

use super::flat_json::{self, Keys};
use super::pipeline::{self, Output, ReadFailure, Worker};
use super::rows::{Recorder, screen_block};
use super::{Run, Tally, split};
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
                format: args.format,
                strict: args.strict,
                keys: Keys::new(rs, args.id_column.as_deref()),
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
    format: BatchFormat,
    strict: bool,
    keys: Keys<'a>,
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
        // Lines found with memchr (a `split` on a closure tests every byte).
        for (this, raw) in (first_line..).zip(split::lines(bytes)) {
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
            // Nearly every line: read without serde (`flat_json`), or, at
            // anything unusual, again from the start by serde.
            if let Some(id) = flat_json::read(self.rs, text, &mut self.keys, &mut rec.buf.answers) {
                rec.screened(id, this)?;
                continue;
            }
            let row = bind_line(self.rs, text, &mut self.keys, &mut rec.buf.answers);
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
    keys: &mut Keys<'_>,
    answers: &mut [Answer],
) -> Row<'t> {
    answers.fill(Answer::Unanswered);
    keys.seen.fill(false);
    let mut row = Row::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let visitor = LineVisitor {
        rs,
        keys,
        answers,
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

struct LineVisitor<'a, 'de, 'r> {
    rs: &'a RuleSet,
    keys: &'a mut Keys<'r>,
    answers: &'a mut [Answer],
    row: &'a mut Row<'de>,
}

impl LineVisitor<'_, '_, '_> {
    fn is_id(&self, key: &str) -> bool {
        self.keys.id.contains(&key)
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
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            position += 1;
            if self.is_id(&key) {
                let id: IdValue<'de> = map.next_value()?;
                if std::mem::replace(&mut id_seen, true) {
                    self.fail(format!("the key '{}' appears twice", inert(&key)));
                }
                self.row.id = Some(id.0);
                continue;
            }
            let Some(qi) = self.keys.order.lookup(position, &key) else {
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
            if std::mem::replace(&mut self.keys.seen[qi], true) {
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
        // Items borrowed from the line sit in a stack array (a list longer
        // than any choice's options, or an item with escapes, moves to the
        // heap): two allocations per list had cost a tenth of the time.
        const ON_STACK: usize = crate::engine::ruleset::MAX_OPTIONS;
        let mut borrowed: [&'de str; ON_STACK] = [""; ON_STACK];
        let mut n = 0;
        let mut owned: Option<Vec<Cow<'de, str>>> = None;
        let mut all_text = true;
        while let Some(item) = seq.next_element::<Item<'de>>()? {
            match (item.0, &mut owned) {
                (None, _) => all_text = false,
                (Some(Cow::Borrowed(t)), None) if n < ON_STACK => {
                    borrowed[n] = t;
                    n += 1;
                }
                (Some(t), Some(list)) => list.push(t),
                (Some(t), None) => {
                    let mut list: Vec<Cow<'de, str>> =
                        borrowed[..n].iter().map(|s| Cow::Borrowed(*s)).collect();
                    list.push(t);
                    owned = Some(list);
                }
            }
        }
        if !all_text {
            return Ok(Err("expected a list of option ids".to_string()));
        }
        Ok(match owned {
            None => parse_raw(self.question, RawRef::List(&borrowed[..n])),
            Some(list) => {
                let refs: Vec<&str> = list.iter().map(AsRef::as_ref).collect();
                parse_raw(self.question, RawRef::List(&refs))
            }
        })
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

/// A string borrowed from the line when it can be (serde's own `Cow<str>`
/// always copies: one allocation per key had cost a twentieth of the time).
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, t: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(t)))
            }
            fn visit_str<E>(self, t: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(t.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

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

    /// nass-2015, compiled once for all the tests here.
    fn nass() -> &'static RuleSet {
        static RS: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RS.get_or_init(|| catalog::load("nass-2015").expect("bundled").rules)
    }

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
        let row = bind_line(&rs, text, &mut Keys::new(&rs, None), &mut answers);
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
            let rs = nass();
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

    /// Keys with values their question accepts: most pairs of a line are
    /// valid, so that the lines which differ only in one edge (a repeated
    /// key, one odd value) reach the fast reader's checks.
    const KEYS: &[(&str, &[&str])] = &[
        (
            "saddle_anaesthesia",
            &["\"yes\"", "\"no\"", "\"unknown\"", "true", "false", "null"],
        ),
        ("distraction_test", &["\"yes\"", "false", "\"unknown\""]),
        (
            "pain_location",
            &["\"posterior_si\"", "\"lumbar\"", "\"unknown\""],
        ),
        ("block_count", &["0", "2", "10", "-0", "2.0"]),
        (
            "first_block_relief_percent",
            &["75", "75.5", "0.1", "99.999999999999", "\"75%\"", "100"],
        ),
        (
            "conservative_care_months",
            &["6", "12.5", "600", "123456789012345"],
        ),
        (
            "conservative_care_components",
            &["[]", "[\"medication\"]", "[ \"medication\" , \"bracing\" ]"],
        ),
        ("case_id", &["\"c7\"", "\"\"", "\"caf\u{e9}\""]),
        ("id", &["\"c8\""]),
        ("no_such_question", &["1"]),
        ("fortin_finger_test", &["\"yes\""]),
        ("pain_\\u006cocation", &["\"lumbar\""]),
    ];

    /// Values at the edges of the fast reader: escapes, control
    /// characters, exponents, leading zeros, long numbers, broken syntax.
    const EDGES: &[&str] = &[
        "\"y\\u0065s\"",
        "\"a\tb\"",
        "tru",
        "nul",
        "007",
        "1.",
        ".5",
        "-",
        "1e1",
        "2E0",
        "1234567890123456",
        "1.5.2",
        "[\"medication\",]",
        "[1]",
        "[\"medication\", 3]",
        "[\"bracing\", \"bracing\"]",
        "{}",
        "{\"a\": 1}",
        "[\"medication\"",
        "-3",
        "\"many\"",
        "101",
        "7",
    ];

    /// One JSON line of such pairs, with odd spacing and sometimes broken
    /// braces or trailing text.
    fn flat_line() -> impl Strategy<Value = String> {
        let space = || prop::sample::select(vec!["", "", "", " ", "\t", "  ", "\r"]);
        let pair = (
            prop::sample::select(KEYS.to_vec()),
            any::<prop::sample::Index>(),
            prop::bool::weighted(0.1),
            prop::sample::select(EDGES.to_vec()),
            space(),
            space(),
        )
            .prop_map(|((key, good), pick, edge, odd, a, b)| {
                let value = if edge { odd } else { *pick.get(good) };
                format!("\"{key}\"{a}:{b}{value}")
            });
        (
            prop::collection::vec(pair, 0..8),
            prop::sample::select(vec!["{", "{", "{", "{", " {", "[", ""]),
            prop::sample::select(vec!["}", "}", "}", "}", "} ", "}}", "} x", "", ",}"]),
            space(),
        )
            .prop_map(|(pairs, open, close, sp)| {
                format!("{open}{sp}{}{close}", pairs.join(&format!("{sp},")))
            })
    }

    /// The generated lines hit both readers: many are taken by the fast
    /// one, many are left to serde (else the agreement below says little).
    #[test]
    fn generated_lines_reach_both_readers() {
        use proptest::strategy::ValueTree;
        let rs = nass();
        let n = rs.questions.len();
        let mut keys = Keys::new(rs, None);
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut fast, mut repeated) = (0, 0);
        for _ in 0..2000 {
            let line = flat_line().new_tree(&mut runner).expect("line").current();
            let mut answers = vec![Answer::Unanswered; n];
            let taken = flat_json::read(rs, &line, &mut keys, &mut answers);
            fast += usize::from(taken.is_some());
            let row = bind_line(rs, &line, &mut keys, &mut answers);
            repeated += usize::from(row.error.as_deref().is_some_and(|e| e.contains("twice")));
        }
        assert!(
            (150..1700).contains(&fast),
            "fast reader took {fast} of 2000"
        );
        assert!(repeated > 100, "{repeated} lines repeat a key");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whatever line the fast reader accepts, the serde reader reads
        /// with no problem, the same case id and the same answers; the key
        /// positions it remembers carry over from line to line as in a run.
        #[test]
        fn the_fast_reader_agrees_with_serde(lines in prop::collection::vec(flat_line(), 1..6)) {
            let rs = nass();
            let n = rs.questions.len();
            let mut keys = Keys::new(rs, None);
            for line in &lines {
                let (mut fast, mut slow) = (vec![Answer::Unanswered; n], vec![Answer::Unanswered; n]);
                let got = flat_json::read(rs, line, &mut keys, &mut fast);
                let row = bind_line(rs, line, &mut keys, &mut slow);
                if let Some(id) = got {
                    prop_assert_eq!(&row.error, &None, "{}", line);
                    prop_assert_eq!(id, row.id.as_deref(), "{}", line);
                    prop_assert_eq!(&fast, &slow, "{}", line);
                }
            }
        }
    }

    #[test]
    fn the_fast_reader_takes_ordinary_lines_and_leaves_the_rest() {
        let rs = nass();
        let n = rs.questions.len();
        let mut keys = Keys::new(rs, None);
        let mut read = |line: &str| {
            let mut answers = vec![Answer::Unanswered; n];
            flat_json::read(rs, line, &mut keys, &mut answers)
                .map(|id| (id.map(String::from), answers))
        };
        let ordinary = r#"{"case_id": "c1", "pain_location": "posterior_si", "block_count": 2, "first_block_relief_percent": 80.5, "conservative_care_components": ["medication", "bracing"], "saddle_anaesthesia": false}"#;
        let (id, answers) = read(ordinary).expect("accepted");
        assert_eq!(id.as_deref(), Some("c1"));
        assert!(answers.iter().filter(|a| **a != Answer::Unanswered).count() == 5);
        // The same line again takes the remembered key positions.
        assert!(read(ordinary).is_some());
        for unusual in [
            r#"{"block_count": 1e1}"#,
            r#"{"pain_location": "posterior\u005fsi"}"#,
            r#"{"block_count": 2, "block_count": 2}"#,
            r#"{"no_such_question": 1}"#,
            r#"{"fortin_finger_test": "yes"}"#,
            r#"{"block_count": "many"}"#,
            r#"{"case_id": 7}"#,
            r#"{"block_count": 2} x"#,
            r#"{"block_count": 1234567890123456}"#,
        ] {
            assert!(read(unusual).is_none(), "{unusual}");
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
