//! The serde reader of a JSON line: a typed visitor that binds each key
//! and value straight into the answers buffer, borrowing strings from the
//! line (no `serde_json::Value`, no allocation for a well-formed answer).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Row;
use super::flat::Keys;
use crate::diagnostics::suggest;
use crate::engine::answer::{RawRef, parse_raw};
use crate::engine::ruleset::{MAX_OPTIONS, Question};
use crate::engine::{Answer, AnswerError, RuleSet};
use crate::rows::RowError;

pub(super) struct LineVisitor<'a, 'de, 'r> {
    pub(super) rs: &'a RuleSet,
    pub(super) keys: &'a mut Keys<'r>,
    pub(super) answers: &'a mut [Answer],
    pub(super) row: &'a mut Row<'de>,
}

impl LineVisitor<'_, '_, '_> {
    fn is_id(&self, key: &str) -> bool {
        self.keys.id.contains(&key)
    }

    fn fail(&mut self, e: RowError) {
        self.row.error.get_or_insert(e);
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
                    self.fail(RowError::RepeatedId(key.to_string()));
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
                self.fail(RowError::NoQuestion {
                    key: key.to_string(),
                    hint,
                });
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if std::mem::replace(&mut self.keys.seen[qi], true) {
                self.fail(RowError::RepeatedKey(key.to_string()));
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let question = &self.rs.questions[qi];
            match map.next_value_seed(AnswerSeed { question })? {
                Ok(a) => self.answers[qi] = a,
                Err(e) => self.fail(RowError::answer(&key, e)),
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
/// is text and an array of strings a list, exactly as [`crate::engine::RawValue`] would
/// hold them.
pub(super) struct AnswerSeed<'q> {
    pub(super) question: &'q Question,
}

impl<'de> DeserializeSeed<'de> for AnswerSeed<'_> {
    type Value = Result<Answer, AnswerError>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnswerSeed<'_> {
    type Value = Result<Answer, AnswerError>;

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
        const ON_STACK: usize = MAX_OPTIONS;
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
            return Ok(Err(AnswerError::ListItemsNotText));
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
        Ok(Err(AnswerError::Object))
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
