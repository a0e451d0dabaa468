//! The condition arena: every condition of a rule set flattened into one
//! array of [`Node`]s, children referenced by index ranges, so evaluation
//! walks small arrays without hashing or allocation.

use super::kinds::CmpOp;
use super::ruleset::{CriterionIdx, QuestionIdx};

/// Index of a node in the condition arena.
pub type NodeId = u32;

/// One node of a compiled condition. Children live in `RuleSet::children`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node {
    All(Range32),
    Any(Range32),
    Not(NodeId),
    /// `n` or more of `of` hold. With `skipped_not_met`, an item whose
    /// question skip logic has decided not to ask counts as false.
    AtLeast {
        n: u32,
        of: Range32,
        skipped_not_met: bool,
    },
    Yes(QuestionIdx),
    No(QuestionIdx),
    Known(QuestionIdx),
    Equals(QuestionIdx, u16),
    Includes(QuestionIdx, u16),
    Compare(QuestionIdx, CmpOp, f64),
    Count(QuestionIdx, CmpOp, f64),
    Criterion(CriterionIdx),
}

impl Node {
    /// Whether this is a leaf: a test of one answer, or a criterion
    /// reference (not `all`, `any`, `not` or `at_least`).
    pub const fn is_leaf(self) -> bool {
        !matches!(
            self,
            Node::All(_) | Node::Any(_) | Node::Not(_) | Node::AtLeast { .. }
        )
    }

    /// The question a leaf reads; `None` for combinators and criterion references.
    pub const fn question(self) -> Option<QuestionIdx> {
        match self {
            Node::Yes(q)
            | Node::No(q)
            | Node::Known(q)
            | Node::Equals(q, _)
            | Node::Includes(q, _)
            | Node::Compare(q, ..)
            | Node::Count(q, ..) => Some(q),
            Node::All(_)
            | Node::Any(_)
            | Node::Not(_)
            | Node::AtLeast { .. }
            | Node::Criterion(_) => None,
        }
    }
}

/// A compact `start..end` into `RuleSet::children`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range32 {
    pub start: u32,
    pub end: u32,
}

/// Marks in `seen` every question read under `roots`. Criterion references
/// are followed through `criteria_roots` when given (each criterion once, so
/// even a cyclic reference ends), and ignored otherwise.
pub(crate) fn mark_read(
    nodes: &[Node],
    children: &[NodeId],
    roots: impl IntoIterator<Item = NodeId>,
    criteria_roots: Option<&[NodeId]>,
    seen: &mut [bool],
) {
    let mut followed = vec![false; criteria_roots.map_or(0, <[NodeId]>::len)];
    let mut stack: Vec<NodeId> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        let Some(&node) = nodes.get(id as usize) else {
            continue;
        };
        match node {
            Node::All(r) | Node::Any(r) | Node::AtLeast { of: r, .. } => {
                stack.extend_from_slice(&children[r.start as usize..r.end as usize]);
            }
            Node::Not(k) => stack.push(k),
            Node::Criterion(c) => {
                if let Some(cr) = criteria_roots
                    && !std::mem::replace(&mut followed[c], true)
                {
                    stack.push(cr[c]);
                }
            }
            leaf => {
                if let Some(q) = leaf.question()
                    && let Some(s) = seen.get_mut(q)
                {
                    *s = true;
                }
            }
        }
    }
}
