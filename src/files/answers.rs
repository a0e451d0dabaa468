//! Answers: the answers-file format, and checking answers against questions.
//!
//! ```yaml
//! rule_set: nass-2015      # the rule set these answers were written for
//! version: "1.0.0"         # optional: refuse other versions
//! answers:
//!   saddle_anaesthesia: no          # yes / no / unknown
//!   block_relief_percent: 80        # a number in the question's range
//!   pain_side: left                 # an option id
//!   conservative_care: [pt, nsaid]  # a list of option ids ([] = none)
//! ```
//!
//! JSON works too (it is YAML). A question left out is *unanswered*, which
//! evaluates as unknown and is listed as such.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Spanned, Tagged};

use super::rule_set::ID_PATTERN;
use crate::diagnostics::suggest;
use crate::diagnostics::{At, Diagnostic, FileId, Span};
use crate::engine::ruleset::Question;
use crate::engine::{Answer, AnswerError, RawValue, RuleSet, parse_text, parse_value};

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("yes, no, unknown, a number, an option id or a list of option ids")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
                Ok(RawValue::Text(v))
            }
            fn visit_none<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_unit<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
                let mut items = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    items.push(s);
                }
                Ok(RawValue::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<RawValue, A::Error> {
                Err(de::Error::custom("expected an answer, found a mapping"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Key-value pairs in file order, each with its place. (A map type would lose
/// the order and the places.)
#[derive(Debug, Default)]
pub struct Entries(pub Vec<(Spanned<String>, Spanned<RawValue>)>);

/// Answers by question id, each a value as written (what [`RawValue`]
/// reads).
impl schemars::JsonSchema for Entries {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Answers".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {
                "description": "yes / no / unknown for yes/no questions (true / false too), a number, an option id, or a list of option ids ([] for none). Leave a question out (or ~) for unanswered.",
                "anyOf": [
                    {"type": "boolean"},
                    {"type": "number"},
                    {"type": "string"},
                    {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
                    {"type": "null"}
                ]
            }
        })
    }
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of question ids to answers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some((key, value)) =
                    map.next_entry::<Spanned<String>, Spanned<Tagged<RawValue>>>()?
                {
                    // A tag changes what a value means (`!!null yes` reads
                    // as no answer, `!!binary eWVz` as yes): an answer is
                    // written plainly, or not at all.
                    if let Some(tag) = &value.value.1 {
                        return Err(serde::de::Error::custom(format!(
                            "the answer to '{}' has a YAML tag ({}): write the answer without a tag",
                            key.value,
                            tag.strip_prefix("tag:yaml.org,2002:")
                                .map_or_else(|| tag.clone(), |t| format!("!!{t}"))
                        )));
                    }
                    let Spanned {
                        value: Tagged(raw, _),
                        referenced,
                        defined,
                    } = value;
                    v.push((key, Spanned::new(raw, referenced, defined)));
                }
                Ok(Entries(v))
            }
            fn visit_unit<E>(self) -> Result<Entries, E> {
                Ok(Entries::default())
            }
        }
        d.deserialize_map(V)
    }
}

/// An answers file as written.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersDoc {
    /// The id of the rule set the answers are for.
    #[schemars(with = "String")]
    pub rule_set: Spanned<String>,
    /// The rule set's version when saved; another version is refused
    /// (delete this line to screen anyway).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub version: Option<Spanned<String>>,
    /// When the walk last saved the file (UTC); for people, not checked.
    #[serde(default)]
    #[allow(dead_code)]
    pub saved: Option<String>,
    /// Answers by question id.
    #[serde(default)]
    pub answers: Entries,
}

/// How strictly an answers file must match the rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// `rule_set` (and `version`, if given) must name this rule set.
    Strict,
    /// Match answers by question id only; questions this rule set does not
    /// ask are ignored (used to compare one case across rule sets).
    ByQuestionId,
}

/// Checks one written answer against its question. A value YAML would read
/// as a boolean or a number is checked by its spelling, with the same text
/// parser a CSV cell or `--set` uses: so `yes`, `true` and `80` are accepted
/// everywhere, and `Yes`, `on`, `y` or `0x2` nowhere. (`text` is the file the
/// value was parsed from.)
pub fn check_value(
    q: &Question,
    value: &Spanned<RawValue>,
    text: &str,
) -> Result<Answer, AnswerError> {
    match &value.value {
        RawValue::Bool(_) | RawValue::Number(_) => match spelling(value, text) {
            Some(s) => parse_text(q, s),
            None => parse_value(q, &value.value),
        },
        other => parse_value(q, other),
    }
}

/// The text a value was written as (where it was defined, for an alias).
fn spelling<'t>(value: &Spanned<RawValue>, text: &'t str) -> Option<&'t str> {
    let span = value.defined.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(start..start.checked_add(len)?)
        .filter(|s| !s.is_empty())
}

/// One line for each answer to a question this version of the rule set no
/// longer asks: the answer is kept in the file but not used, and the user
/// is told so rather than left to find out.
pub fn retired_notes(rs: &RuleSet, doc: &AnswersDoc) -> Vec<String> {
    retired(rs, &doc.answers)
        .map(|said| format!("note: {said}"))
        .collect()
}

/// For each answer in `entries` to a question `rs` has retired: "'id' is
/// no longer asked by RULES VERSION, so its answer is not used: why" (the
/// words answers files and vignettes share).
pub fn retired<'a>(rs: &'a RuleSet, entries: &'a Entries) -> impl Iterator<Item = String> + 'a {
    entries.0.iter().filter_map(move |(key, _)| {
        rs.retired(&key.value).map(|why| {
            format!(
                "'{}' is no longer asked by {} {}, so its answer is not used: {why}",
                key.value, rs.meta.id, rs.meta.version
            )
        })
    })
}

/// Checks an answers file (`doc`, parsed from `text`) against a rule set,
/// listing every problem.
pub fn bind(
    rs: &RuleSet,
    doc: &AnswersDoc,
    text: &str,
    mode: Match,
) -> Result<Vec<Answer>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if mode == Match::Strict {
        if doc.rule_set.value != rs.meta.id {
            errors.push(Diagnostic::error(
                Span::of(FileId::MAIN, &doc.rule_set),
                format!(
                    "these answers were written for rule set '{}', not '{}' (pass --rules {} or fix `rule_set`)",
                    doc.rule_set.value, rs.meta.id, doc.rule_set.value
                ),
            ));
            return Err(errors);
        }
        if let Some(v) = &doc.version
            && v.value != rs.meta.version
        {
            errors.push(
                Diagnostic::error(
                    Span::of(FileId::MAIN, v),
                    format!(
                        "these answers were written for version {} of '{}', but the rule set is version {}",
                        v.value, rs.meta.id, rs.meta.version
                    ),
                )
                .with_help(Some(format!(
                    "the criteria may have changed; to screen these answers with version {} anyway, delete the `version:` line (the answers stay as they are)",
                    rs.meta.version
                ))),
            );
            return Err(errors);
        }
    }
    let mut answers = vec![Answer::Unanswered; rs.questions.len()];
    for (key, value) in &doc.answers.0 {
        let Some(qi) = rs.question_idx(&key.value) else {
            // A question an earlier version asked: noted by `retired_notes`.
            if mode == Match::Strict && rs.retired(&key.value).is_none() {
                let help = suggest::help(&key.value, rs.questions.iter().map(|q| q.id.as_str()));
                errors.push(
                    Diagnostic::error(
                        Span::of(FileId::MAIN, key),
                        format!("rule set '{}' has no question '{}'", rs.meta.id, key.value),
                    )
                    .with_help(help),
                );
            }
            continue;
        };
        match check_value(&rs.questions[qi], value, text)
            .map_err(|e| e.for_question(&key.value))
            .at(Span::of(FileId::MAIN, value))
        {
            Ok(a) => answers[qi] = a,
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Writes answers in the answers-file format. Only answered questions are
/// written; ids are plain (see `compile::valid_id`), so no quoting is needed
/// except for the version, which is written as a JSON string (valid YAML).
pub fn to_file_text(rs: &RuleSet, answers: &[Answer], saved: Option<&str>) -> String {
    let mut out = format!(
        "# sij-screen answers: patient data, handle accordingly.\nrule_set: {}\nversion: {}\n",
        rs.meta.id,
        serde_json::Value::String(rs.meta.version.clone())
    );
    if let Some(when) = saved {
        out.push_str(&format!(
            "saved: {}\n",
            serde_json::Value::String(when.to_string())
        ));
    }
    out.push_str("answers:\n");
    let mut any = false;
    for (q, a) in rs.questions.iter().zip(answers) {
        if let Some(v) = a.to_yaml(q) {
            out.push_str(&format!("  {}: {v}\n", q.id));
            any = true;
        }
    }
    if !any {
        out.push_str("  {}\n");
    }
    out
}
