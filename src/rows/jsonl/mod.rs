//! JSON Lines input: one object of question ids and answers per line, or a
//! FHIR QuestionnaireResponse (or a Bundle of them) per line.
//!
//! Most lines are read by [`flat`], a scanner for the one flat shape real
//! exports have; any other line is read again from the start by a typed
//! serde visitor ([`visitor`]), straight into the answers buffer, with
//! every value checked by the engine's one answer parser. A key given
//! twice is refused, as in YAML: "last one wins" would silently drop an
//! answer.

mod flat;
#[cfg(test)]
mod tests;
mod visitor;

use std::borrow::Cow;

use serde::Deserializer;

use self::flat::Keys;
use self::visitor::LineVisitor;
use super::{BlockReader, RowError, RowSink, split};
use crate::engine::{Answer, RuleSet};
use crate::files::answers::Match;
use crate::files::fhir_response;

/// Reads blocks of JSON Lines into cases.
#[derive(Debug)]
pub struct JsonlRows<'a> {
    rs: &'a RuleSet,
    keys: Keys<'a>,
    /// Finds `"resourceType"`, which only a FHIR resource line holds
    /// (built once: a search set up per line cost a third of the time).
    resource_type: memchr::memmem::Finder<'static>,
}

impl<'a> JsonlRows<'a> {
    /// `id_field` names the key of the case id; without it, `case_id` or
    /// `id` where the rule set has no question of that name.
    pub fn new(rs: &'a RuleSet, id_field: Option<&'a str>) -> Self {
        JsonlRows {
            rs,
            keys: Keys::new(rs, id_field),
            resource_type: memchr::memmem::Finder::new(b"\"resourceType\""),
        }
    }
}

impl BlockReader for JsonlRows<'_> {
    fn read_block<S: RowSink>(
        &mut self,
        rec: &mut S,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), S::Stop> {
        // A block ending with a line break leaves an empty last piece: not
        // a line of its own.
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        // Lines found with memchr (a `split` on a closure tests every byte).
        for (this, raw) in (first_line..).zip(split::lines(bytes)) {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(text) = std::str::from_utf8(raw) else {
                rec.bad(None, this, RowError::NotUtf8)?;
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
                let resource = match resource {
                    Ok(r) => r,
                    Err(e) => {
                        rec.bad(None, this, RowError::Response(e))?;
                        continue;
                    }
                };
                // A Bundle on one line is one case per response it holds.
                for response in fhir_response::responses(&resource) {
                    match response_answers(self.rs, response) {
                        Ok((id, answers)) => {
                            rec.answers().copy_from_slice(&answers);
                            rec.case(id.as_deref(), this)?;
                        }
                        Err((id, e)) => rec.bad(id.as_deref(), this, e)?,
                    }
                }
                continue;
            }
            // Nearly every line: read without serde (`flat`), or, at
            // anything unusual, again from the start by serde.
            if let Some(id) = flat::read(self.rs, text, &mut self.keys, rec.answers()) {
                rec.case(id, this)?;
                continue;
            }
            let row = bind_line(self.rs, text, &mut self.keys, rec.answers());
            match row.error {
                None => rec.case(row.id.as_deref(), this)?,
                Some(e) => rec.bad(row.id.as_deref(), this, e)?,
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
) -> Result<WithId<Vec<Answer>>, WithId<RowError>> {
    let id = resource
        .get("id")
        .and_then(|i| i.as_str())
        .map(String::from);
    fhir_response::read_answers(rs, resource, Match::Strict)
        .map(|a| (id.clone(), a))
        .map_err(|e| (id.clone(), RowError::Response(e.message)))
}

/// One line bound: its case id (if any) and its first problem (if any).
#[derive(Debug, Default)]
struct Row<'t> {
    id: Option<Cow<'t, str>>,
    error: Option<RowError>,
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
        // A well-formed value that is not an object (`[1, 2]`, `"x"`) is a
        // data error at the first byte; anything else is broken JSON.
        let error = if e.is_data() && !text.trim_start().starts_with('{') {
            RowError::NotAnObject
        } else {
            RowError::Json(e.to_string())
        };
        row.error.get_or_insert(error);
    }
    row
}
