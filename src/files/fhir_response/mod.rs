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
/// one): parse once with this, then bind it with [`read_answers`]. `None`
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

mod answers;
mod bind;
#[cfg(test)]
mod tests;

pub use self::answers::to_answers_text;
pub use self::bind::read_answers;
