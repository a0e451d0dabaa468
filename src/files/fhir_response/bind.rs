//! A response bound to a rule set's questions: the one step every reader
//! of responses goes through (a file, a JSON Lines row, a Bundle), with each
//! value checked by the same binder as an answers file's (so one range
//! check, one parser), and each problem placed in the response itself, by
//! its JSON path and linkId, never in text the user never saw.

use serde_json::Value;

use crate::diagnostics::FileId;
use crate::engine::{Answer, RuleSet};
use crate::files::answers::{self, AnswersDoc, Match};
use crate::files::yaml;

/// Why a response cannot be screened: one line, every problem in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BindError {
    pub message: String,
}

/// The answers of the response in `whole` (a QuestionnaireResponse, or a
/// Bundle holding one) for `rs`.
pub fn read_answers(rs: &RuleSet, whole: &Value, mode: Match) -> Result<Vec<Answer>, BindError> {
    let fail = |message: String| BindError { message };
    let (text, places) = super::answers::with_places(whole, &|q| rs.takes_list(q)).map_err(fail)?;
    let doc: AnswersDoc = yaml::parse(&text, FileId::MAIN).map_err(|d| fail(d.message))?;
    // The line of `answers:`; the answer lines follow it, one per place.
    let header = text
        .lines()
        .position(|l| l.starts_with("answers:"))
        .map_or(0, |i| i + 1);
    answers::bind(rs, &doc, &text, mode).map_err(|ds| {
        let said: Vec<String> = ds
            .iter()
            .map(|d| {
                let line = usize::try_from(d.span.line).unwrap_or(0);
                let place = line
                    .checked_sub(header + 1)
                    .and_then(|k| places.get(k))
                    .map_or_else(|| "questionnaire".to_string(), |p| p.clone());
                let help = d
                    .help
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                format!("at {place}: {}{help}", d.message)
            })
            .collect();
        fail(said.join("; "))
    })
}
