//! The summary as JSON, a contract for other tools:
//! `rule_set` (`id`, `version`, `sha256`), `outcome`, `criteria` (each with
//! `id`, `kind`, `label`, `holds`: true, false or null), `unanswered`, and
//! `disclaimer`. Fields are only ever added, never renamed.

use serde::Serialize;

use super::{Summary, status_word};
use crate::evaluate::Outcome;
use crate::logic::Tri;
use crate::model::CriterionKind;

#[derive(Serialize)]
struct Json<'a> {
    rule_set: RuleSetRef<'a>,
    outcome: Outcome,
    outcome_text: &'static str,
    criteria: Vec<CriterionJson<'a>>,
    unanswered: Vec<&'a str>,
    not_assessed: Vec<&'a str>,
    disclaimer: &'a str,
}

#[derive(Serialize)]
struct RuleSetRef<'a> {
    id: &'a str,
    version: &'a str,
    sha256: &'a str,
    title: &'a str,
    review_status: &'a str,
}

#[derive(Serialize)]
struct CriterionJson<'a> {
    id: &'a str,
    kind: CriterionKind,
    label: &'a str,
    holds: Tri,
    status: &'static str,
    decided_by: Vec<DecidedBy<'a>>,
    sources: &'a [String],
    evidence: Vec<EvidenceJson<'a>>,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    text: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct DecidedBy<'a> {
    question: &'a str,
    answer: &'a str,
}

/// Renders pretty-printed JSON with a trailing newline.
pub fn render(s: &Summary) -> String {
    pretty(&value(s))
}

/// Pretty-printed JSON with a trailing newline.
pub fn pretty(v: &serde_json::Value) -> String {
    let mut text =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The summary as a JSON value, for callers that add fields.
pub fn value(s: &Summary) -> serde_json::Value {
    let json = Json {
        rule_set: RuleSetRef {
            id: &s.rule_set_id,
            version: &s.version,
            sha256: &s.sha256,
            title: &s.title,
            review_status: s.review_status,
        },
        outcome: s.outcome,
        outcome_text: s.outcome.plain(),
        criteria: s
            .criteria
            .iter()
            .map(|c| CriterionJson {
                id: &c.id,
                kind: c.kind,
                label: &c.label,
                holds: c.holds,
                status: status_word(c.kind, c.holds),
                decided_by: c
                    .decided_by
                    .iter()
                    .map(|(q, _, a)| DecidedBy {
                        question: q,
                        answer: a,
                    })
                    .collect(),
                sources: &c.sources,
                evidence: c
                    .evidence
                    .iter()
                    .map(|(text, source)| EvidenceJson { text, source })
                    .collect(),
            })
            .collect(),
        unanswered: s.unanswered.iter().map(|(id, _)| id.as_str()).collect(),
        not_assessed: s.not_assessed.iter().map(|(id, _)| id.as_str()).collect(),
        disclaimer: &s.disclaimer,
    };
    serde_json::to_value(&json).unwrap_or(serde_json::Value::Null)
}
