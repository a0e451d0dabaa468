//! Rendering a screening result: a table for people, JSON for programs.
//!
//! Both are built from one [`Summary`], so they cannot disagree.

pub mod json;
pub mod markdown;
pub mod text;

use crate::evaluate::{Evaluation, Outcome};
use crate::logic::Tri;
use crate::model::CriterionKind;
use crate::ruleset::RuleSet;

/// Said on every summary, whatever the rule set says besides.
pub const NOT_ADVICE: &str = "NOT MEDICAL ADVICE. This is an educational screening aid that applies published selection criteria mechanically. It is not medical advice and not a substitute for the judgement of a specialist who examines the patient.";

/// One criterion's line in a summary.
#[derive(Debug, Clone)]
pub struct CriterionLine {
    pub id: String,
    pub kind: CriterionKind,
    pub label: String,
    pub holds: Tri,
    /// (question id, question text, answer as shown)
    pub decided_by: Vec<(String, String, String)>,
    pub sources: Vec<String>,
    pub if_not_met: String,
    /// (teaching figure, source id)
    pub evidence: Vec<(String, String)>,
}

/// Everything a report shows, gathered once.
#[derive(Debug, Clone)]
pub struct Summary {
    pub rule_set_id: String,
    pub title: String,
    pub version: String,
    pub sha256: String,
    pub review_status: &'static str,
    pub review_date: String,
    pub outcome: Outcome,
    pub criteria: Vec<CriterionLine>,
    /// (id, text) of asked questions left unanswered.
    pub unanswered: Vec<(String, String)>,
    /// (id, text) of asked questions answered "unknown".
    pub not_assessed: Vec<(String, String)>,
    pub disclaimer: String,
}

impl Summary {
    /// Every question still to be assessed, as (id, text, why): those answered
    /// "unknown" first, then those left unanswered. Every format lists these.
    pub fn unknowns(&self) -> impl Iterator<Item = (&str, &str, &'static str)> {
        fn tagged<'a>(
            list: &'a [(String, String)],
            why: &'static str,
        ) -> impl Iterator<Item = (&'a str, &'a str, &'static str)> {
            list.iter()
                .map(move |(id, text)| (id.as_str(), text.as_str(), why))
        }
        tagged(&self.not_assessed, "answered unknown").chain(tagged(&self.unanswered, "unanswered"))
    }

    pub fn new(rs: &RuleSet, ev: &Evaluation) -> Self {
        let criteria = rs
            .criteria
            .iter()
            .enumerate()
            .map(|(ci, c)| CriterionLine {
                id: c.id.clone(),
                kind: c.kind,
                label: c.label.clone(),
                holds: ev.holds[ci],
                decided_by: rs
                    .deciding_questions(ci, ev)
                    .into_iter()
                    .map(|qi| {
                        let q = &rs.questions[qi];
                        let shown = if ev.asked[qi] {
                            ev.answers[qi].short(q)
                        } else {
                            "(not asked)".into()
                        };
                        (q.id.clone(), q.text.clone(), shown)
                    })
                    .collect(),
                sources: rs
                    .source_ids(&c.sources)
                    .into_iter()
                    .map(String::from)
                    .collect(),
                if_not_met: c.if_not_met.clone(),
                evidence: c
                    .evidence
                    .iter()
                    .map(|e| (e.text.clone(), rs.meta.sources[e.source].id.clone()))
                    .collect(),
            })
            .collect();
        let pick = |list: Vec<usize>| {
            list.into_iter()
                .map(|qi| (rs.questions[qi].id.clone(), rs.questions[qi].text.clone()))
                .collect()
        };
        Summary {
            rule_set_id: rs.meta.id.clone(),
            title: rs.meta.title.clone(),
            version: rs.meta.version.clone(),
            sha256: rs.meta.sha256.clone(),
            review_status: rs.meta.review_status.as_str(),
            review_date: rs.meta.review_date.clone(),
            outcome: ev.outcome,
            criteria,
            unanswered: pick(ev.unanswered()),
            not_assessed: pick(ev.not_assessed()),
            disclaimer: format!("{NOT_ADVICE} {}", rs.meta.disclaimer.trim()),
        }
    }
}

/// The status word of a criterion, by kind: a red flag is present or absent,
/// an exclusion applies or not, an indication is met or not.
pub fn status_word(kind: CriterionKind, holds: Tri) -> &'static str {
    match (kind, holds) {
        (_, Tri::Unknown) => "unknown",
        (CriterionKind::RedFlag, Tri::True) => "PRESENT",
        (CriterionKind::RedFlag, Tri::False) => "absent",
        (CriterionKind::Exclusion, Tri::True) => "APPLIES",
        (CriterionKind::Exclusion, Tri::False) => "does not apply",
        (CriterionKind::Indication, Tri::True) => "met",
        (CriterionKind::Indication, Tri::False) => "NOT MET",
    }
}

/// Whether a criterion's value counts against the patient.
pub fn is_adverse(kind: CriterionKind, holds: Tri) -> bool {
    matches!(
        (kind, holds),
        (CriterionKind::RedFlag | CriterionKind::Exclusion, Tri::True)
            | (CriterionKind::Indication, Tri::False)
    )
}
