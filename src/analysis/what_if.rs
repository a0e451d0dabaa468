//! What changed between two evaluations of a case ("what if": `--set`).

use crate::engine::{Evaluation, Outcome, RuleSet, Tri};

/// One criterion whose value changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionChange {
    pub criterion: usize,
    pub before: Tri,
    pub after: Tri,
}

/// The outcome before and after, and each criterion that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Differences {
    pub outcome_before: Outcome,
    pub outcome_after: Outcome,
    pub criteria: Vec<CriterionChange>,
}

/// What changed between two evaluations of the same rule set.
pub fn differences(rs: &RuleSet, before: &Evaluation, after: &Evaluation) -> Differences {
    Differences {
        outcome_before: before.outcome,
        outcome_after: after.outcome,
        criteria: (0..rs.criteria.len())
            .filter(|&ci| before.holds[ci] != after.holds[ci])
            .map(|ci| CriterionChange {
                criterion: ci,
                before: before.holds[ci],
                after: after.holds[ci],
            })
            .collect(),
    }
}
