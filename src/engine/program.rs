//! Conditions as postfix programs, for evaluating many cases.
//!
//! [`RuleSet::eval`] walks a condition by recursion, which is clear and is
//! what the reports and the walk use. But `batch` evaluates every criterion
//! of millions of cases, and there a call per node (saving registers,
//! dispatching, returning) was most of the evaluator's time (perf). So each
//! criterion and each skip rule is also compiled, once, into a flat list of
//! operations over a small stack of values: the leaves push their values
//! and each combinator folds the values its children left.
//!
//! The values are the same as [`RuleSet::eval`]'s: evaluation has no side
//! effects, so leaving out its short-circuit changes nothing but the work
//! done; a leaf is read by the same [`RuleSet::leaf`]; a skipped item of an
//! `at_least` counts as false by the same `RuleSet::question_skipped`, with
//! the question found once. A test
//! compares the two on every bundled vignette (in `analysis::vignettes`, as
//! the engine loads no files), and the property tests compare `evaluate`
//! with an independent reference evaluator on random rule sets.

use super::answer::Answer;
use super::logic::Tri;
use super::node::{Node, NodeId, Range32};
use super::ruleset::RuleSet;

/// The deepest stack a program may need; a condition that needs more (a
/// very wide or deep one) is evaluated by recursion instead.
const MAX_STACK: usize = 32;

/// The longest program kept, a bound on the work of building one.
const MAX_OPS: usize = 4096;

#[derive(Debug, Clone, Copy)]
enum Op {
    /// A leaf condition: pushes its value.
    Leaf(Node),
    /// Pops this many values and pushes their Kleene conjunction.
    All(u32),
    /// Pops this many values and pushes their Kleene disjunction.
    Any(u32),
    /// Negates the top value.
    Not,
    /// Pops `of` values and pushes whether at least `n` of them hold.
    AtLeast { n: u32, of: u32 },
    /// An `all` of leaves only (most are): reads them in a loop, stopping
    /// at the first false, and pushes the result.
    AllLeaves(Range32),
    /// An `any` of leaves only, stopping at the first true.
    AnyLeaves(Range32),
    /// The top value is an item of an `at_least` with `skipped: not_met`
    /// that tests question `q`, whose skip rule is `rule`: false if that
    /// rule decided not to ask it (as [`RuleSet::item`] decides).
    Skipped { q: u32, rule: NodeId },
}

impl Op {
    /// Whether [`RuleSet::one`] evaluates it without a stack: a leaf, or an
    /// `all` or `any` of leaves.
    const fn needs_no_stack(self) -> bool {
        matches!(self, Op::Leaf(_) | Op::AllLeaves(_) | Op::AnyLeaves(_))
    }
}

/// How one condition is evaluated.
#[derive(Debug, Clone, Copy)]
enum Compiled {
    /// By recursion: too deep or too wide for a program (or none).
    Recursion,
    /// One operation that needs no stack (a leaf, or an `all` or `any` of
    /// leaves): most conditions, run without setting up a program.
    One(Op),
    /// A program: these operations.
    Program(Range32),
}

/// The programs of one rule set.
#[derive(Debug, Default)]
pub(crate) struct Programs {
    ops: Vec<Op>,
    /// The leaves of `AllLeaves` and `AnyLeaves`.
    leaves: Vec<Node>,
    /// Each criterion's program, by criterion index.
    criteria: Vec<Compiled>,
    /// Each question's skip rule's program, by question index.
    asks: Vec<Compiled>,
}

impl Programs {
    /// Compiles the conditions at `criteria` and `asks` (roots in `nodes`).
    pub(crate) fn build(
        nodes: &[Node],
        children: &[NodeId],
        criteria: impl Iterator<Item = NodeId>,
        asks: &[Option<NodeId>],
    ) -> Self {
        let mut p = Programs::default();
        let mut leaves = Vec::new();
        let mut compile = |root: NodeId, ops: &mut Vec<Op>| {
            let start = ops.len();
            let mut out = Out {
                ops: &mut *ops,
                leaves: &mut leaves,
                rules: asks,
            };
            let fits = emit(nodes, children, root, &mut out, 0).is_some_and(|h| h <= MAX_STACK)
                && ops.len() - start <= MAX_OPS;
            let end = ops.len();
            match (fits, u32::try_from(start), u32::try_from(end)) {
                (true, _, _) if end == start + 1 && ops[start].needs_no_stack() => {
                    let op = ops[start];
                    ops.truncate(start);
                    Compiled::One(op)
                }
                (true, Ok(start), Ok(end)) => Compiled::Program(Range32 { start, end }),
                _ => {
                    ops.truncate(start);
                    Compiled::Recursion
                }
            }
        };
        let mut ops = Vec::new();
        p.criteria = criteria.map(|root| compile(root, &mut ops)).collect();
        p.asks = asks
            .iter()
            .map(|root| root.map_or(Compiled::Recursion, |r| compile(r, &mut ops)))
            .collect();
        p.ops = ops;
        p.leaves = leaves;
        p
    }
}

/// Where a program is written.
struct Out<'a> {
    ops: &'a mut Vec<Op>,
    leaves: &'a mut Vec<Node>,
    /// Each question's skip rule, by question index.
    rules: &'a [Option<NodeId>],
}

/// Appends the program of node `id`; the stack height it needs, or `None`
/// if it is too deep, too long or malformed (then it is evaluated by
/// recursion, which has its own guards).
fn emit(
    nodes: &[Node],
    children: &[NodeId],
    id: NodeId,
    out: &mut Out<'_>,
    depth: usize,
) -> Option<usize> {
    if depth > MAX_STACK || out.ops.len() > MAX_OPS {
        return None;
    }
    let node = *nodes.get(id as usize)?;
    let kids = |r: Range32| children.get(r.start as usize..r.end as usize);
    // An `all` or `any` of leaves only: one operation over its leaves.
    if let Node::All(r) | Node::Any(r) = node {
        let items = kids(r)?;
        let leaves: Option<Vec<Node>> = items
            .iter()
            .map(|&k| nodes.get(k as usize).copied().filter(|n| n.is_leaf()))
            .collect();
        if let Some(leaves) = leaves {
            let start = u32::try_from(out.leaves.len()).ok()?;
            out.leaves.extend(leaves);
            let end = u32::try_from(out.leaves.len()).ok()?;
            let range = Range32 { start, end };
            out.ops.push(if matches!(node, Node::All(_)) {
                Op::AllLeaves(range)
            } else {
                Op::AnyLeaves(range)
            });
            return Some(1);
        }
    }
    // The height a list of children needs: the i-th starts on i values.
    let list = |r: Range32, skipped: bool, out: &mut Out<'_>| -> Option<(usize, u32)> {
        let mut height = 1;
        let items = kids(r)?;
        for (i, &k) in items.iter().enumerate() {
            height = height.max(i + emit(nodes, children, k, out, depth + 1)?);
            // An item whose question has no skip rule is never skipped.
            if skipped
                && let Some(q) = nodes.get(k as usize).and_then(|n| n.question())
                && let Some(&Some(rule)) = out.rules.get(q)
            {
                out.ops.push(Op::Skipped {
                    q: u32::try_from(q).ok()?,
                    rule,
                });
            }
        }
        Some((height, u32::try_from(items.len()).ok()?))
    };
    Some(match node {
        Node::All(r) => {
            let (h, n) = list(r, false, out)?;
            out.ops.push(Op::All(n));
            h
        }
        Node::Any(r) => {
            let (h, n) = list(r, false, out)?;
            out.ops.push(Op::Any(n));
            h
        }
        Node::AtLeast {
            n,
            of,
            skipped_not_met,
        } => {
            let (h, count) = list(of, skipped_not_met, out)?;
            out.ops.push(Op::AtLeast { n, of: count });
            h
        }
        Node::Not(k) => {
            let h = emit(nodes, children, k, out, depth + 1)?;
            out.ops.push(Op::Not);
            h
        }
        leaf => {
            out.ops.push(Op::Leaf(leaf));
            1
        }
    })
}

impl RuleSet {
    /// Criterion `ci`'s value: by its program, or by recursion.
    #[inline]
    pub(crate) fn eval_criterion(&self, ci: usize, answers: &[Answer], holds: &[Tri]) -> Tri {
        match self.programs.criteria.get(ci) {
            Some(Compiled::One(op)) => self.one(*op, answers, holds),
            Some(Compiled::Program(r)) => self.run(*r, answers, holds),
            _ => self.eval(self.criteria[ci].root, answers, holds),
        }
    }

    /// The value of question `qi`'s skip rule `root`: by its program, or by
    /// recursion.
    #[inline]
    pub(crate) fn eval_ask(&self, qi: usize, root: NodeId, answers: &[Answer]) -> Tri {
        match self.programs.asks.get(qi) {
            Some(Compiled::One(op)) => self.one(*op, answers, &[]),
            Some(Compiled::Program(r)) => self.run(*r, answers, &[]),
            _ => self.eval(root, answers, &[]),
        }
    }

    /// The value of an operation that needs no stack: a leaf, or an `all`
    /// or `any` of leaves (unknown for any other, which `run` evaluates).
    /// The loops repeat `RuleSet::eval`'s on purpose: written as one helper
    /// over an iterator of leaf values, they were not inlined and cost 3-4%
    /// of a batch's instructions (callgrind).
    #[inline(always)]
    fn one(&self, op: Op, answers: &[Answer], holds: &[Tri]) -> Tri {
        match op {
            Op::Leaf(node) => self.leaf(node, answers, holds),
            Op::AllLeaves(r) => {
                let mut acc = Tri::True;
                for &node in self.program_leaves(r) {
                    acc = acc.and(self.leaf(node, answers, holds));
                    if acc == Tri::False {
                        break;
                    }
                }
                acc
            }
            Op::AnyLeaves(r) => {
                let mut acc = Tri::False;
                for &node in self.program_leaves(r) {
                    acc = acc.or(self.leaf(node, answers, holds));
                    if acc == Tri::True {
                        break;
                    }
                }
                acc
            }
            _ => Tri::Unknown,
        }
    }

    fn program_leaves(&self, r: Range32) -> &[Node] {
        &self.programs.leaves[r.start as usize..r.end as usize]
    }

    fn run(&self, r: Range32, answers: &[Answer], holds: &[Tri]) -> Tri {
        let mut stack = [Tri::Unknown; MAX_STACK];
        let mut len = 0;
        for op in &self.programs.ops[r.start as usize..r.end as usize] {
            match *op {
                Op::Leaf(_) | Op::AllLeaves(_) | Op::AnyLeaves(_) => {
                    stack[len] = self.one(*op, answers, holds);
                    len += 1;
                }
                Op::All(n) => {
                    let from = len - n as usize;
                    stack[from] = stack[from..len].iter().fold(Tri::True, |a, &v| a.and(v));
                    len = from + 1;
                }
                Op::Any(n) => {
                    let from = len - n as usize;
                    stack[from] = stack[from..len].iter().fold(Tri::False, |a, &v| a.or(v));
                    len = from + 1;
                }
                Op::Not => stack[len - 1] = stack[len - 1].not(),
                Op::AtLeast { n, of } => {
                    let from = len - of as usize;
                    let (mut t, mut u) = (0, 0);
                    for &v in &stack[from..len] {
                        t += u32::from(v == Tri::True);
                        u += u32::from(v == Tri::Unknown);
                    }
                    stack[from] = Tri::at_least(n, t, u);
                    len = from + 1;
                }
                Op::Skipped { q, rule } => {
                    if self.question_skipped(q as usize, rule, answers) {
                        stack[len - 1] = Tri::False;
                    }
                }
            }
        }
        stack[0]
    }
}
