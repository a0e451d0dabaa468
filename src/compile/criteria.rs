//! Criteria as a whole: the order they are evaluated in (references first),
//! cycles between them, and warnings that need the whole rule set.

use super::Compiler;
use crate::diagnostics::Span;
use crate::engine::CriterionKind;
use crate::engine::node::mark_read;
use crate::engine::ruleset::{Criterion, CriterionIdx, Question};

impl Compiler {
    /// A topological order of criteria; reports each cycle once.
    pub(super) fn order_criteria(
        &mut self,
        criteria: &[Criterion],
        edges: &[Vec<(CriterionIdx, Span)>],
    ) -> Vec<CriterionIdx> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Active,
            Done,
        }
        let n = criteria.len();
        let mut mark = vec![Mark::New; n];
        let mut order = Vec::with_capacity(n);
        // Iterative DFS: criterion chains in hostile files can be long.
        for start in 0..n {
            if mark[start] != Mark::New {
                continue;
            }
            let mut stack: Vec<(CriterionIdx, usize)> = vec![(start, 0)];
            mark[start] = Mark::Active;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some((to, span)) = edges.get(node).and_then(|e| e.get(*next)) {
                    let to = *to;
                    *next += 1;
                    match mark[to] {
                        Mark::New => {
                            mark[to] = Mark::Active;
                            stack.push((to, 0));
                        }
                        Mark::Active => {
                            let from = stack.iter().position(|&(c, _)| c == to).unwrap_or(0);
                            // A long cycle is named by its ends: repeating
                            // every id of every cycle would grow with the
                            // square of the file.
                            let cycle = &stack[from..];
                            let mut path: Vec<&str> = if cycle.len() > 8 {
                                let head = cycle[..4].iter();
                                let tail = cycle[cycle.len() - 3..].iter();
                                head.map(|&(c, _)| criteria[c].id.as_str())
                                    .chain(std::iter::once("..."))
                                    .chain(tail.map(|&(c, _)| criteria[c].id.as_str()))
                                    .collect()
                            } else {
                                cycle
                                    .iter()
                                    .map(|&(c, _)| criteria[c].id.as_str())
                                    .collect()
                            };
                            path.push(criteria[to].id.as_str());
                            let msg = if to == node {
                                format!("criterion '{}' refers to itself", criteria[to].id)
                            } else {
                                format!(
                                    "criteria refer to each other in a cycle: {}",
                                    path.join(" -> ")
                                )
                            };
                            self.error(*span, msg);
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[node] = Mark::Done;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        order
    }

    pub(super) fn warn_unused_questions(
        &mut self,
        questions: &[Question],
        spans: &[Span],
        criteria: &[Criterion],
    ) {
        let mut used = vec![false; questions.len()];
        let roots = criteria
            .iter()
            .map(|c| c.root)
            .chain(questions.iter().filter_map(|q| q.ask_when));
        mark_read(&self.nodes, &self.children, roots, None, &mut used);
        for (i, q) in questions.iter().enumerate() {
            if !used[i] {
                self.warning(
                    spans[i],
                    format!(
                        "question '{}' is not used by any criterion or skip logic",
                        q.id
                    ),
                );
            }
        }
    }

    /// Red flags must be asked first so the walk can stop early: warn when a
    /// question a red flag reads comes after one it does not.
    pub(super) fn warn_red_flags_late(
        &mut self,
        questions: &[Question],
        spans: &[Span],
        criteria: &[Criterion],
    ) {
        let mut red = vec![false; questions.len()];
        let roots = criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::RedFlag)
            .map(|c| c.root);
        mark_read(&self.nodes, &self.children, roots, None, &mut red);
        let mut seen_other = false;
        for (i, q) in questions.iter().enumerate() {
            if red[i] && seen_other {
                self.warning(
                    spans[i],
                    format!("question '{}' feeds a red flag but comes after other questions; ask red flags first", q.id),
                );
            }
            seen_other |= !red[i];
        }
    }
}
