//! The summary as JSON, a contract for other tools:
//! `rule_set` (`id`, `version`, `sha256`, `title`, `review_status`),
//! `outcome`, `outcome_text`, `criteria` (each with `id`, `kind`, `label`,
//! `holds`: true, false or null, `status`, `decided_by`, `sources`,
//! `evidence`, `unverified`, and for red flags `urgency`), `unanswered`, `not_assessed`, `disclaimer`, and the sections
//! asked for: `what_if`, `why`, `what_would_change`. Fields are only ever
//! added, never renamed.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Summary, status_word};
use crate::engine::{CriterionKind, Outcome, Tri};

#[derive(Serialize)]
struct Json<'a> {
    /// True when answers were changed by `--set`: a what-if, not the
    /// patient's recorded screening (then `recorded_outcome` is the outcome
    /// of the answers as recorded, and `changed_by_set` the questions).
    hypothetical: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_outcome: Option<Outcome>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changed_by_set: Vec<&'a str>,
    rule_set: RuleSetRef<'a>,
    outcome: Outcome,
    outcome_text: String,
    red_flags_not_ruled_out: Vec<&'a str>,
    criteria: Vec<CriterionJson<'a>>,
    unanswered: Vec<&'a str>,
    not_assessed: Vec<&'a str>,
    /// Answers given to questions skip logic does not ask: not used.
    recorded_not_asked: Vec<RecordedJson<'a>>,
    disclaimer: &'a str,
}

#[derive(Serialize)]
struct RecordedJson<'a> {
    question: &'a str,
    answer: &'a str,
    /// Whether the skip rule is undecided: the answer then counts where it
    /// decides a criterion either way.
    skip_rule_undecided: bool,
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
    /// Why the criterion could not be checked against its source; null when it was.
    unverified: Option<&'a str>,
    /// Red flags only: "urgent" or "investigate".
    #[serde(skip_serializing_if = "Option::is_none")]
    urgency: Option<&'static str>,
    /// An indication not met: each requirement that fails, with the answer
    /// given; a criterion unknown: what it waits for. Empty otherwise.
    missing: &'a [String],
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
pub fn pretty(v: &Value) -> String {
    let mut text =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The summary as a JSON value.
pub fn value(s: &Summary) -> Value {
    let json = Json {
        hypothetical: s.hypothetical.is_some(),
        recorded_outcome: s.hypothetical.as_ref().map(|h| h.recorded_outcome),
        changed_by_set: s
            .hypothetical
            .iter()
            .flat_map(|h| h.changed.iter().map(String::as_str))
            .collect(),
        rule_set: RuleSetRef {
            id: &s.rule_set_id,
            version: &s.version,
            sha256: &s.sha256,
            title: &s.title,
            review_status: s.review_status,
        },
        outcome: s.outcome,
        outcome_text: s.outcome_sentence(),
        red_flags_not_ruled_out: s.red_flags_not_ruled_out().map(|c| c.id.as_str()).collect(),
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
                    .map(|a| DecidedBy {
                        question: &a.question,
                        answer: &a.answer,
                    })
                    .collect(),
                sources: &c.sources,
                evidence: c
                    .evidence
                    .iter()
                    .map(|(text, source)| EvidenceJson { text, source })
                    .collect(),
                unverified: c.unverified.as_deref(),
                urgency: (c.kind == CriterionKind::RedFlag).then(|| c.urgency.as_str()),
                missing: &c.missing,
            })
            .collect(),
        unanswered: s.unanswered.iter().map(|a| a.question.as_str()).collect(),
        not_assessed: s.not_assessed.iter().map(|a| a.question.as_str()).collect(),
        recorded_not_asked: s
            .recorded_not_asked
            .iter()
            .map(|(a, undecided)| RecordedJson {
                question: &a.question,
                answer: &a.answer,
                skip_rule_undecided: *undecided,
            })
            .collect(),
        disclaimer: &s.disclaimer,
    };
    let mut v = serde_json::to_value(&json).unwrap_or(Value::Null);
    let sections = &s.sections;
    if let Some(w) = &sections.what_if {
        v["what_if"] = json!({
            "set": w.set,
            "outcome_before": w.outcome_before,
            "changes": w.lines(),
        });
    }
    if let Some(traces) = &sections.why {
        let map: Map<String, Value> = traces
            .iter()
            .map(|t| {
                let lines: Vec<String> = t.lines.iter().map(|l| l.render()).collect();
                (t.id.clone(), json!(lines))
            })
            .collect();
        v["why"] = Value::Object(map);
    }
    if let Some(w) = &sections.what_would_change {
        let changes: Vec<Value> = w
            .changes
            .iter()
            .flat_map(|q| {
                q.alternatives.iter().map(
                    |a| json!({"question": q.question, "answer": a.answer, "outcome": a.outcome}),
                )
            })
            .collect();
        let unknowns: Vec<Value> = w
            .unknowns
            .iter()
            .map(|u| {
                json!({
                    "question": u.question,
                    "settles": u.verdict == crate::analysis::what_would_change::Verdict::Settles,
                    "verdict": u.verdict,
                    "outcomes": u.alternatives.iter().map(|a| json!({"answer": a.answer, "outcome": a.outcome})).collect::<Vec<_>>(),
                })
            })
            .collect();
        v["what_would_change"] = json!({"changes": changes, "unknowns": unknowns});
    }
    v
}
