//! The optional sections a user asks for (`--set`, `--why`,
//! `--what-would-change`), as typed values every format renders.

use super::status_word;
use crate::analysis::what_if::Differences;
use crate::analysis::what_would_change::{self as wwc, Verdict, WhatWouldChange};
use crate::analysis::why::{self, TraceLine};
use crate::engine::{Evaluation, Outcome, RuleSet};

/// What `--set` changed.
#[derive(Debug, Clone)]
pub struct WhatIfSection {
    /// The `--set` arguments as given.
    pub set: Vec<String>,
    pub outcome_before: Outcome,
    pub outcome_after: Outcome,
    /// (criterion id, status before, status after)
    pub criteria: Vec<(String, &'static str, &'static str)>,
}

impl WhatIfSection {
    fn new(rs: &RuleSet, set: &[String], d: &Differences) -> Self {
        WhatIfSection {
            set: set.to_vec(),
            outcome_before: d.outcome_before,
            outcome_after: d.outcome_after,
            criteria: d
                .criteria
                .iter()
                .map(|c| {
                    let crit = &rs.criteria[c.criterion];
                    (
                        crit.id.clone(),
                        status_word(crit.kind, c.before),
                        status_word(crit.kind, c.after),
                    )
                })
                .collect(),
        }
    }

    /// The changes as lines: "outcome: a -> b", "criterion: x -> y".
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![if self.outcome_before == self.outcome_after {
            format!("outcome: {} (unchanged)", self.outcome_after.as_str())
        } else {
            format!(
                "outcome: {} -> {}",
                self.outcome_before.as_str(),
                self.outcome_after.as_str()
            )
        }];
        lines.extend(
            self.criteria
                .iter()
                .map(|(id, before, after)| format!("{id}: {before} -> {after}")),
        );
        if self.criteria.is_empty() && self.outcome_before == self.outcome_after {
            lines.push("no criterion changed".into());
        }
        lines
    }
}

/// One criterion's `--why` trace.
#[derive(Debug, Clone)]
pub struct WhySection {
    pub id: String,
    pub label: String,
    pub status: &'static str,
    pub lines: Vec<TraceLine>,
}

/// One answer class and the outcome it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub answer: String,
    pub outcome: Outcome,
}

/// A question whose change would change the outcome.
#[derive(Debug, Clone)]
pub struct QuestionChanges {
    pub question: String,
    /// The current answer, short.
    pub now: String,
    pub alternatives: Vec<Alternative>,
}

/// An unknown and what assessing it would give.
#[derive(Debug, Clone)]
pub struct UnknownOutcomes {
    pub question: String,
    pub verdict: Verdict,
    pub alternatives: Vec<Alternative>,
}

/// Questions, each with answers of theirs: `[("pct", ["under 50"])]`.
pub type QuestionAnswers<'a> = Vec<(&'a str, Vec<&'a str>)>;

/// `--what-would-change`, ready to render.
#[derive(Debug, Clone)]
pub struct WhatWouldChangeSection {
    pub outcome: Outcome,
    /// Every single-answer change, by question in rule-set order.
    pub changes: Vec<QuestionChanges>,
    pub unknowns: Vec<UnknownOutcomes>,
}

impl WhatWouldChangeSection {
    fn new(rs: &RuleSet, ev: &Evaluation, w: &WhatWouldChange) -> Self {
        let mut changes: Vec<QuestionChanges> = Vec::new();
        for c in &w.changes {
            let list = &mut changes;
            let q = &rs.questions[c.question];
            let alt = Alternative {
                answer: c.answer.label(rs, c.question),
                outcome: c.outcome,
            };
            match list.last_mut() {
                Some(last) if last.question == q.id => last.alternatives.push(alt),
                _ => list.push(QuestionChanges {
                    question: q.id.clone(),
                    now: ev.answers[c.question].short(q),
                    alternatives: vec![alt],
                }),
            }
        }
        let unknowns = w
            .unknowns
            .iter()
            .map(|s| UnknownOutcomes {
                question: rs.questions[s.question].id.clone(),
                verdict: s.verdict,
                alternatives: s
                    .outcomes
                    .iter()
                    .map(|(t, o)| Alternative {
                        answer: t.label(rs, s.question),
                        outcome: *o,
                    })
                    .collect(),
            })
            .collect();
        WhatWouldChangeSection {
            outcome: ev.outcome,
            changes,
            unknowns,
        }
    }

    /// Changes toward a better outcome, by question.
    pub fn better(&self) -> Vec<QuestionChanges> {
        self.changes
            .iter()
            .filter_map(|q| {
                let alternatives: Vec<Alternative> = q
                    .alternatives
                    .iter()
                    .filter(|a| wwc::rank(a.outcome) > wwc::rank(self.outcome))
                    .cloned()
                    .collect();
                (!alternatives.is_empty()).then(|| QuestionChanges {
                    alternatives,
                    ..q.clone()
                })
            })
            .collect()
    }

    /// Worse outcomes, worst first, each with its questions in words:
    /// "pct = under 75", "care = [] (or 14 other answers)".
    pub fn worse_in_words(&self) -> Vec<(Outcome, Vec<String>)> {
        self.worse_by_outcome()
            .into_iter()
            .map(|(outcome, parts)| {
                let words = parts
                    .iter()
                    .map(|(id, answers)| match answers.as_slice() {
                        [one] => format!("{id} = {one}"),
                        [a, b] => format!("{id} = {a} or {b}"),
                        [a, rest @ ..] => format!("{id} = {a} (or {} other answers)", rest.len()),
                        [] => String::new(),
                    })
                    .collect();
                (outcome, words)
            })
            .collect()
    }

    /// Worse outcomes, worst first, each with its questions and answers.
    pub fn worse_by_outcome(&self) -> Vec<(Outcome, QuestionAnswers<'_>)> {
        Outcome::ALL
            .into_iter()
            .filter(|&o| o != Outcome::Met)
            .filter_map(|outcome| {
                let parts: Vec<(&str, Vec<&str>)> = self
                    .changes
                    .iter()
                    .filter_map(|q| {
                        let answers: Vec<&str> = q
                            .alternatives
                            .iter()
                            .filter(|a| a.outcome == outcome)
                            .map(|a| a.answer.as_str())
                            .collect();
                        (!answers.is_empty()).then_some((q.question.as_str(), answers))
                    })
                    .collect();
                (!parts.is_empty()).then_some((outcome, parts))
            })
            .collect()
    }
}

/// The optional sections a user asked for.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    pub what_if: Option<WhatIfSection>,
    pub why: Option<Vec<WhySection>>,
    pub what_would_change: Option<WhatWouldChangeSection>,
}

/// Which optional sections to build.
#[derive(Debug, Clone, Default)]
pub struct Wanted<'a> {
    /// `--set` arguments and the evaluation before them.
    pub what_if: Option<(&'a [String], &'a Evaluation)>,
    pub why: bool,
    pub what_would_change: bool,
}

impl Sections {
    pub fn new(rs: &RuleSet, ev: &Evaluation, wanted: &Wanted<'_>) -> Self {
        Sections {
            what_if: wanted.what_if.map(|(set, before)| {
                let d = crate::analysis::what_if::differences(rs, before, ev);
                WhatIfSection::new(rs, set, &d)
            }),
            why: wanted.why.then(|| {
                rs.criteria
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| WhySection {
                        id: c.id.clone(),
                        label: c.label.clone(),
                        status: status_word(c.kind, ev.holds[ci]),
                        lines: why::why(rs, ev, ci),
                    })
                    .collect()
            }),
            what_would_change: wanted
                .what_would_change
                .then(|| WhatWouldChangeSection::new(rs, ev, &wwc::what_would_change(rs, ev))),
        }
    }
}

/// What an unknown's verdict says, in words.
pub const fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Settles => "settles it",
        Verdict::DoesNotSettle => "does not settle it alone",
        Verdict::NotExhaustive => {
            "not exhaustive: options tried one at a time, combinations not tried"
        }
    }
}
