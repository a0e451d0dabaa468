//! Which single answers would change the outcome, and what assessing each
//! unknown would give.
//!
//! This is exact, not heuristic: every condition tests an answer against
//! constants, so a question's possible answers fall into finitely many
//! classes that every condition treats alike (for a number, the thresholds
//! it is compared with and the intervals between them, see
//! [`super::number_range`]). Trying one answer from each class tries them
//! all. The one exception is a multiple choice of more than
//! [`EXHAUSTIVE_OPTIONS`] options, whose subsets are too many to try: there
//! the options are toggled one at a time, and the result says it is not
//! exhaustive instead of claiming that an unknown settles anything.

use serde::Serialize;

use super::number_range::{self, NumberRange};
use crate::engine::ruleset::MAX_OPTIONS;
use crate::engine::{Answer, Evaluation, Outcome, QuestionIdx, QuestionKind, RuleSet};

/// Multiple-choice questions with at most this many options have every
/// combination tried (2^10 = 1,024 evaluations).
pub const EXHAUSTIVE_OPTIONS: usize = 10;

/// An answer tried in place of the current one: a single answer, or for a
/// number question a whole range of answers that all give one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trial {
    Answer(Answer),
    Range(NumberRange),
}

impl Trial {
    /// In words, as an answers file would write it: `yes`, `posterior_si`,
    /// `[a, b]`, `75 or more`.
    pub fn label(&self, rs: &RuleSet, q: QuestionIdx) -> String {
        let question = &rs.questions[q];
        match (self, &question.kind) {
            (Trial::Range(r), QuestionKind::Number(spec)) => number_range::label(*r, spec),
            (Trial::Range(r), _) => format!("{}..{}", r.lo, r.hi),
            (Trial::Answer(a), _) => a.to_yaml(question).unwrap_or_default(),
        }
    }
}

/// One way a single answer changes the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub question: QuestionIdx,
    pub answer: Trial,
    pub outcome: Outcome,
}

/// Whether assessing an unknown would decide the outcome on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every possible answer gives a final outcome: one that no other open
    /// answer could change ([`RuleSet::outcome_is_final`]).
    Settles,
    /// Some answer leaves the outcome open to the other unknowns.
    DoesNotSettle,
    /// Not every combination of options was tried; nothing is claimed.
    NotExhaustive,
}

/// For an unknown question: what assessing it would give.
#[derive(Debug, Clone, PartialEq)]
pub struct Settle {
    pub question: QuestionIdx,
    /// (answer, outcome) for each class of answer.
    pub outcomes: Vec<(Trial, Outcome)>,
    pub verdict: Verdict,
}

/// The whole analysis of one case.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WhatWouldChange {
    pub changes: Vec<Change>,
    pub unknowns: Vec<Settle>,
}

/// Every single-answer change to an asked question that changes the outcome,
/// and for each unknown, what assessing it would give.
///
/// Each trial is the evaluation `--set` would make: the recorded answers
/// (not the answers left after skip logic) with one changed, so a change
/// that makes a question asked again finds its recorded answer.
pub fn what_would_change(rs: &RuleSet, ev: &Evaluation) -> WhatWouldChange {
    let mut out = WhatWouldChange::default();
    let mut trial = ev.recorded.clone();
    for q in 0..rs.questions.len() {
        if !ev.asked[q] {
            continue;
        }
        let (classes, exhaustive) = answer_classes(rs, q, ev.answers[q]);
        let mut results: Vec<(Trial, Outcome)> = Vec::with_capacity(classes.len());
        let mut all_final = true;
        for (class, answer) in classes {
            trial[q] = answer;
            let tried = rs.evaluate(&trial);
            all_final &= rs.outcome_is_final(&tried);
            results.push((class, tried.outcome));
        }
        trial[q] = ev.recorded[q];
        let merged = merge_ranges(results);
        if ev.answers[q].is_known() {
            out.changes
                .extend(merged.into_iter().filter(|(_, o)| *o != ev.outcome).map(
                    |(answer, outcome)| Change {
                        question: q,
                        answer,
                        outcome,
                    },
                ));
        } else if merged.iter().any(|(_, o)| *o != ev.outcome) {
            let verdict = if !exhaustive {
                Verdict::NotExhaustive
            } else if all_final {
                Verdict::Settles
            } else {
                Verdict::DoesNotSettle
            };
            out.unknowns.push(Settle {
                question: q,
                outcomes: merged,
                verdict,
            });
        }
    }
    out
}

/// One representative answer per class of answers no condition tells apart,
/// and whether the classes cover every possible answer. Unknown is not a
/// class here: it is the current state of the questions this is asked about,
/// or a loss of information.
fn answer_classes(rs: &RuleSet, q: QuestionIdx, current: Answer) -> (Vec<(Trial, Answer)>, bool) {
    let one = |a: Answer| (Trial::Answer(a), a);
    match &rs.questions[q].kind {
        QuestionKind::YesNo => (vec![one(Answer::Yes), one(Answer::No)], true),
        QuestionKind::SingleChoice(opts) => (
            (0..opts.len())
                .filter_map(|i| u16::try_from(i).ok())
                .map(|i| one(Answer::Choice(i)))
                .collect(),
            true,
        ),
        QuestionKind::MultipleChoice(opts) if opts.len() <= EXHAUSTIVE_OPTIONS => (
            (0..(1u64 << opts.len()))
                .map(|bits| one(Answer::Multi(bits)))
                .collect(),
            true,
        ),
        QuestionKind::MultipleChoice(opts) => {
            let base = if let Answer::Multi(b) = current { b } else { 0 };
            (
                (0..opts.len().min(MAX_OPTIONS))
                    .map(|i| one(Answer::Multi(base ^ (1 << i))))
                    .collect(),
                false,
            )
        }
        QuestionKind::Number(spec) => (
            number_range::classes(rs, q, spec)
                .into_iter()
                .map(|(range, v)| (Trial::Range(range), Answer::Number(v)))
                .collect(),
            true,
        ),
    }
}

/// Merges neighbouring number ranges with the same outcome into one range
/// ("75 or more"); other answers are returned as they are.
fn merge_ranges(results: Vec<(Trial, Outcome)>) -> Vec<(Trial, Outcome)> {
    let mut merged: Vec<(Trial, Outcome)> = Vec::with_capacity(results.len());
    for (trial, outcome) in results {
        match (merged.last_mut(), trial) {
            (Some((Trial::Range(last), o)), Trial::Range(next)) if *o == outcome => {
                *last = number_range::join(*last, next);
            }
            _ => merged.push((trial, outcome)),
        }
    }
    merged
}

/// How good an outcome is for the patient's candidacy, worst first.
pub const fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::RedFlag => 0,
        Outcome::Excluded => 1,
        Outcome::NotMet => 2,
        Outcome::Incomplete => 3,
        Outcome::Met => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;

    fn mini() -> RuleSet {
        let text = include_str!("../../tests/fixtures/mini.yaml");
        catalog::compile_text("mini.yaml", text)
            .expect("fixture")
            .rules
    }

    fn answers(rs: &RuleSet, pairs: &[(&str, &str)]) -> Vec<Answer> {
        let mut a = vec![Answer::Unanswered; rs.questions.len()];
        for (k, v) in pairs {
            let qi = rs.question_idx(k).expect("question");
            a[qi] = crate::engine::parse_text(&rs.questions[qi], v).expect("value");
        }
        a
    }

    #[test]
    fn number_classes_cover_each_side_of_every_threshold() {
        let rs = mini();
        let q = rs.question_idx("pct").expect("pct");
        let QuestionKind::Number(spec) = &rs.questions[q].kind else {
            panic!("number")
        };
        let classes: Vec<(String, f64)> = number_range::classes(&rs, q, spec)
            .into_iter()
            .map(|(s, v)| (number_range::label(s, spec), v))
            .collect();
        // 0..100 with one threshold at 50: below it, at it, above it.
        assert_eq!(
            classes,
            vec![
                ("under 50".into(), 0.0),
                ("50".into(), 50.0),
                ("over 50".into(), 75.0)
            ]
        );
    }

    #[test]
    fn not_met_case_lists_the_answer_that_would_meet_it() {
        let rs = mini();
        let ev = rs.evaluate(&answers(
            &rs,
            &[
                ("flag", "no"),
                ("excl", "no"),
                ("done", "yes"),
                ("pct", "40"),
                ("side", "left"),
            ],
        ));
        assert_eq!(ev.outcome, Outcome::NotMet);
        let changes = what_would_change(&rs, &ev).changes;
        let shown: Vec<(String, String, Outcome)> = changes
            .iter()
            .map(|c| {
                (
                    rs.questions[c.question].id.clone(),
                    c.answer.label(&rs, c.question),
                    c.outcome,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("flag".into(), "yes".into(), Outcome::RedFlag),
                ("excl".into(), "yes".into(), Outcome::Excluded),
                ("pct".into(), "50 or more".into(), Outcome::Met),
            ]
        );
    }

    #[test]
    fn incomplete_case_names_the_unknown_that_settles_it() {
        let rs = mini();
        let ev = rs.evaluate(&answers(
            &rs,
            &[
                ("flag", "no"),
                ("excl", "no"),
                ("done", "yes"),
                ("pct", "60"),
            ],
        ));
        assert_eq!(ev.outcome, Outcome::Incomplete);
        let settles = what_would_change(&rs, &ev).unknowns;
        assert_eq!(settles.len(), 1);
        let s = &settles[0];
        assert_eq!(rs.questions[s.question].id, "side");
        assert_eq!(s.verdict, Verdict::Settles);
        let outcomes: Vec<(String, Outcome)> = s
            .outcomes
            .iter()
            .map(|(t, o)| (t.label(&rs, s.question), *o))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                ("left".into(), Outcome::Met),
                ("right".into(), Outcome::NotMet)
            ]
        );
    }
}
