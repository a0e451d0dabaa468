//! A validated rule set, compiled for evaluation.
//!
//! Names are resolved to indices once, at load time, and every condition is
//! flattened into one arena of [`Node`]s, so evaluating a case walks small
//! arrays without hashing, string comparison or allocation per criterion. The
//! interactive walk re-evaluates after every answer and `batch` evaluates
//! millions of cases; both rely on this.

use std::collections::HashMap;
use std::ops::Range;

use rustc_hash::FxHashMap;

use super::answer_error::AnswerError;
use super::kinds::{CriterionKind, ReviewStatus, Urgency};
use super::node::{Node, NodeId, Range32, mark_read};
use super::program::Programs;

/// Index of a question in [`RuleSet::questions`].
pub type QuestionIdx = usize;
/// Index of a criterion in [`RuleSet::criteria`].
pub type CriterionIdx = usize;

/// Most options a choice question may have: a multiple choice's answer is a
/// 64-bit set, and a single choice's index must fit its `u16` with room to
/// spare. The compiler refuses more, so no index is ever truncated.
pub const MAX_OPTIONS: usize = 64;

/// A compiled, validated rule set.
#[derive(Debug)]
pub struct RuleSet {
    pub meta: Meta,
    pub sections: Vec<SectionInfo>,
    pub questions: Vec<Question>,
    pub criteria: Vec<Criterion>,
    /// Criteria in an order where every referenced criterion comes first.
    pub(crate) eval_order: Vec<CriterionIdx>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) children: Vec<NodeId>,
    /// Question ids to indexes. Fx hashing: `batch` looks up every key of
    /// a JSON Lines row here, and the keys are only looked up, never
    /// inserted, so input cannot flood it.
    question_index: FxHashMap<String, QuestionIdx>,
    criterion_index: HashMap<String, CriterionIdx>,
    /// The criteria and skip rules compiled for fast evaluation.
    pub(crate) programs: Programs,
    /// Each criterion's kind, by criterion index.
    pub(crate) kinds: Vec<CriterionKind>,
    /// The questions that have skip logic, in question order, with it and
    /// whether an `at_least` with `skipped: not_met` counts the question
    /// (then an answer recorded while its skip rule is undecided is kept
    /// aside for that count: see [`RuleSet::item`]).
    pub(crate) skip_rules: Vec<(QuestionIdx, NodeId, bool)>,
    /// The questions a `known:` test reads. `known` is the one test that is
    /// not monotone (false while unanswered, true once answered), so no
    /// outcome is final while one of these is open.
    pub(crate) known_tested: Vec<QuestionIdx>,
}

/// What a rule set says about itself.
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub version: String,
    pub review_status: ReviewStatus,
    pub review_date: String,
    pub review_note: String,
    pub description: String,
    pub disclaimer: String,
    pub sources: Vec<SourceInfo>,
    /// SHA-256 of the file's bytes (followed by a NUL and the question
    /// bank's bytes, when it uses one), in lower-case hex: ties a result to
    /// the exact text of the rules that produced it.
    pub sha256: String,
    /// The question bank used, if any.
    pub question_bank: Option<String>,
    /// Question ids an earlier version asked, with why they were retired.
    pub retired: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub id: String,
    pub citation: String,
    pub url: Option<String>,
    pub verified: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SectionInfo {
    pub id: String,
    pub title: String,
    pub description: String,
    pub questions: Range<QuestionIdx>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub text: String,
    /// A few words for summaries.
    pub short: String,
    pub help: String,
    pub rationale: String,
    pub kind: QuestionKind,
    pub allow_unknown: bool,
    /// Skip logic: asked only when this node evaluates to true.
    pub ask_when: Option<NodeId>,
    /// Indices into [`Meta::sources`].
    pub sources: Vec<usize>,
    pub section: usize,
    pub evidence: Vec<EvidenceNote>,
}

/// A teaching figure and the index of its source in [`Meta::sources`].
#[derive(Debug, Clone)]
pub struct EvidenceNote {
    pub text: String,
    pub source: usize,
    /// Shown only for cases where this condition holds (criteria only).
    pub when: Option<NodeId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    YesNo,
    SingleChoice(Vec<ChoiceOption>),
    MultipleChoice(Vec<ChoiceOption>),
    Number(NumberSpec),
}

impl QuestionKind {
    pub const fn name(&self) -> &'static str {
        match self {
            QuestionKind::YesNo => "yes/no",
            QuestionKind::SingleChoice(_) => "single choice",
            QuestionKind::MultipleChoice(_) => "multiple choice",
            QuestionKind::Number(_) => "number",
        }
    }

    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            QuestionKind::SingleChoice(o) | QuestionKind::MultipleChoice(o) => o,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
}

/// The accepted range of a number question.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberSpec {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<String>,
    pub integer: bool,
}

impl NumberSpec {
    /// Whether `value` fits: finite, whole where it must be, in range.
    /// [`NumberSpec::check`] says why not.
    #[inline]
    pub fn fits(&self, value: f64) -> bool {
        if !value.is_finite() || (self.integer && value.fract() != 0.0) {
            return false;
        }
        self.in_range(value)
    }

    /// Whether `value` is within the limits (the rest of [`Self::fits`]).
    #[inline]
    pub fn in_range(&self, value: f64) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }

    /// Why `value` does not fit, or `None` when it does.
    pub fn check(&self, value: f64) -> Option<AnswerError> {
        if self.fits(value) {
            return None;
        }
        if !value.is_finite() {
            return Some(AnswerError::NotFinite);
        }
        if self.integer && value.fract() != 0.0 {
            return Some(AnswerError::NotWhole(value));
        }
        let below = self.min.is_some_and(|m| value < m);
        let above = self.max.is_some_and(|m| value > m);
        (below || above).then(|| AnswerError::OutOfRange {
            value,
            range: self.range_text(),
        })
    }

    /// "0 to 100 percent", "at least 0 months", "any number".
    pub fn range_text(&self) -> String {
        let unit = self
            .unit
            .as_deref()
            .map(|u| format!(" {u}"))
            .unwrap_or_default();
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{} to {}{unit}", fmt_num(lo), fmt_num(hi)),
            (Some(lo), None) => format!("at least {}{unit}", fmt_num(lo)),
            (None, Some(hi)) => format!("at most {}{unit}", fmt_num(hi)),
            (None, None) => format!("any number{unit}"),
        }
    }
}

/// Formats a number without a trailing `.0` for whole values.
pub fn fmt_num(v: f64) -> String {
    match whole_number(v) {
        Some(n) => n.to_string(),
        None => format!("{v}"),
    }
}

/// Largest whole number an `f64` holds exactly (2^53).
const EXACT_WHOLE: f64 = 9_007_199_254_740_992.0;

/// The value as an `i64` when it is a whole number an `f64` holds exactly;
/// `None` otherwise (fractions, NaN, infinities, huge values), so a
/// conversion never silently truncates.
pub fn whole_number(v: f64) -> Option<i64> {
    if v.fract() == 0.0 && v.abs() <= EXACT_WHOLE {
        // Exact: whole, and within the range both types represent exactly.
        #[allow(clippy::cast_possible_truncation)]
        Some(v as i64)
    } else {
        None
    }
}

#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    pub kind: CriterionKind,
    pub root: NodeId,
    /// Indices into [`Meta::sources`].
    pub sources: Vec<usize>,
    pub rationale: String,
    pub if_not_met: String,
    pub evidence: Vec<EvidenceNote>,
    /// Red flags: how pressing the flag is when present.
    pub urgency: Urgency,
    /// Why the criterion could not be checked against its source; every
    /// output marks it UNVERIFIED.
    pub unverified: Option<String>,
}

impl RuleSet {
    /// Why question `id` is no longer asked, if an earlier version asked it.
    pub fn retired(&self, id: &str) -> Option<&str> {
        self.meta
            .retired
            .iter()
            .find(|(r, _)| r == id)
            .map(|(_, why)| why.as_str())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        meta: Meta,
        sections: Vec<SectionInfo>,
        questions: Vec<Question>,
        criteria: Vec<Criterion>,
        eval_order: Vec<CriterionIdx>,
        nodes: Vec<Node>,
        children: Vec<NodeId>,
    ) -> Self {
        let question_index = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        let criterion_index = criteria
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let programs = Programs::build(
            &nodes,
            &children,
            criteria.iter().map(|c| c.root),
            &questions.iter().map(|q| q.ask_when).collect::<Vec<_>>(),
        );
        let kinds = criteria.iter().map(|c| c.kind).collect();
        let mut counted = vec![false; questions.len()];
        for node in &nodes {
            if let Node::AtLeast {
                of,
                skipped_not_met: true,
                ..
            } = *node
            {
                let items = children.get(of.start as usize..of.end as usize);
                for &k in items.unwrap_or_default() {
                    if let Some(q) = nodes.get(k as usize).and_then(|n| n.question())
                        && let Some(c) = counted.get_mut(q)
                    {
                        *c = true;
                    }
                }
            }
        }
        let skip_rules = questions
            .iter()
            .enumerate()
            .filter_map(|(qi, q)| q.ask_when.map(|n| (qi, n, counted[qi])))
            .collect();
        let mut known_tested: Vec<QuestionIdx> = nodes
            .iter()
            .filter_map(|n| match *n {
                Node::Known(q) => Some(q),
                _ => None,
            })
            .collect();
        known_tested.sort_unstable();
        known_tested.dedup();
        RuleSet {
            meta,
            sections,
            questions,
            criteria,
            eval_order,
            nodes,
            children,
            question_index,
            criterion_index,
            programs,
            kinds,
            skip_rules,
            known_tested,
        }
    }

    #[inline]
    pub fn question_idx(&self, id: &str) -> Option<QuestionIdx> {
        self.question_index.get(id).copied()
    }

    /// Whether question `id` exists and takes a list of options (a multiple
    /// choice): readers of other formats need it to write one ticked
    /// option as a list.
    pub fn takes_list(&self, id: &str) -> bool {
        self.question_idx(id)
            .is_some_and(|qi| matches!(self.questions[qi].kind, QuestionKind::MultipleChoice(_)))
    }

    pub fn criterion_idx(&self, id: &str) -> Option<CriterionIdx> {
        self.criterion_index.get(id).copied()
    }

    /// Every node of every condition, in the order they were compiled.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, id: NodeId) -> Node {
        self.nodes[id as usize]
    }

    /// The children of an `all`, `any` or `at_least` node.
    pub fn children_of(&self, r: Range32) -> &[NodeId] {
        &self.children[r.start as usize..r.end as usize]
    }

    /// The source citations of a criterion or question, by index.
    pub fn source_ids(&self, idx: &[usize]) -> Vec<&str> {
        idx.iter()
            .map(|&i| self.meta.sources[i].id.as_str())
            .collect()
    }

    /// Every question a condition reads, directly or through the criteria it
    /// references, in rule-set order without repeats.
    pub fn questions_read(&self, root: NodeId) -> Vec<QuestionIdx> {
        let mut seen = vec![false; self.questions.len()];
        let criteria_roots: Vec<NodeId> = self.criteria.iter().map(|c| c.root).collect();
        mark_read(
            &self.nodes,
            &self.children,
            [root],
            Some(&criteria_roots),
            &mut seen,
        );
        seen.iter()
            .enumerate()
            .filter(|(_, s)| **s)
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_spec_checks_range_and_integers() {
        let spec = NumberSpec {
            min: Some(0.0),
            max: Some(100.0),
            unit: Some("percent".into()),
            integer: false,
        };
        assert_eq!(spec.check(75.0), None);
        assert_eq!(spec.check(0.0), None);
        assert_eq!(spec.check(100.0), None);
        assert_eq!(
            spec.check(150.0).map(|e| e.to_string()).as_deref(),
            Some("150 is outside the range 0 to 100 percent")
        );
        assert!(spec.check(f64::NAN).is_some());
        assert!(spec.check(f64::INFINITY).is_some());
        let months = NumberSpec {
            min: Some(0.0),
            max: None,
            unit: Some("months".into()),
            integer: true,
        };
        assert_eq!(
            months.check(-1.0).map(|e| e.to_string()).as_deref(),
            Some("-1 is outside the range at least 0 months")
        );
        assert_eq!(
            months.check(6.5).map(|e| e.to_string()).as_deref(),
            Some("6.5 is not a whole number")
        );
    }

    #[test]
    fn fmt_num_drops_trailing_zero() {
        assert_eq!(fmt_num(75.0), "75");
        assert_eq!(fmt_num(7.5), "7.5");
        assert_eq!(fmt_num(-3.0), "-3");
    }
}
