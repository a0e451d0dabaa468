//! Which answers decided a criterion's value, for reports.

use super::evaluate::{Evaluation, Item};
use super::logic::Tri;
use super::node::{Node, NodeId};
use super::ruleset::{QuestionIdx, RuleSet};

impl RuleSet {
    /// The questions whose answers decided a criterion's value: for a false
    /// `all`, the parts that were false; for an unknown, the unknown parts
    /// (and, for `at_least`, the true ones counted so far); and so on. Not on
    /// the hot path: used for reports only.
    pub fn deciding_questions(&self, ci: usize, eval: &Evaluation) -> Vec<QuestionIdx> {
        let mut seen = vec![false; self.questions.len()];
        let mut expanded = vec![false; self.criteria.len()];
        self.decide(self.criteria[ci].root, eval, &mut seen, &mut expanded, 0);
        seen.iter()
            .enumerate()
            .filter(|(_, s)| **s)
            .map(|(i, _)| i)
            .collect()
    }

    /// Marks the questions that decided node `id`. A referenced criterion is
    /// followed once (`expanded`): what decided it does not depend on where
    /// it is referenced from, and following it again at every reference
    /// would cost exponential time on a lattice of references.
    fn decide(
        &self,
        id: NodeId,
        ev: &Evaluation,
        seen: &mut [bool],
        expanded: &mut [bool],
        depth: usize,
    ) {
        if depth > 256 {
            return;
        }
        let value = self.value_in(id, ev);
        match self.node(id) {
            Node::All(r) | Node::Any(r) => {
                let is_all = matches!(self.node(id), Node::All(_));
                // The parts that forced the value; when every part agrees
                // (all true / any false), all of them.
                let forcing = if is_all { Tri::False } else { Tri::True };
                let want = if value == Tri::Unknown {
                    Tri::Unknown
                } else if value == forcing {
                    forcing
                } else {
                    value
                };
                for &k in self.children_of(r) {
                    if self.value_in(k, ev) == want {
                        self.decide(k, ev, seen, expanded, depth + 1);
                    }
                }
            }
            Node::AtLeast {
                of,
                skipped_not_met,
                ..
            } => {
                for &k in self.children_of(of) {
                    let item = if skipped_not_met {
                        self.item_in(k, ev)
                    } else {
                        Item::Value(self.value_in(k, ev))
                    };
                    let kv = item.value();
                    let keep = match value {
                        Tri::True => kv == Tri::True,
                        Tri::False => kv == Tri::False,
                        Tri::Unknown => kv != Tri::False,
                    };
                    let question = self.node(k).question();
                    match item {
                        // Counted as not met because it was skipped: decided
                        // by the answers of its skip logic.
                        Item::Skipped => {
                            if value == Tri::False
                                && let Some(ask) = question.and_then(|q| self.questions[q].ask_when)
                            {
                                self.decide(ask, ev, seen, expanded, depth + 1);
                            }
                        }
                        // Decided by its recorded answer.
                        Item::Pending { .. } => {
                            if keep && let Some(q) = question {
                                seen[q] = true;
                            }
                        }
                        Item::Value(_) => {
                            if keep {
                                self.decide(k, ev, seen, expanded, depth + 1);
                            }
                        }
                    }
                }
            }
            Node::Not(k) => self.decide(k, ev, seen, expanded, depth + 1),
            Node::Criterion(c) => {
                if !std::mem::replace(&mut expanded[c], true) {
                    self.decide(self.criteria[c].root, ev, seen, expanded, depth + 1);
                }
            }
            leaf => {
                if let Some(q) = leaf.question() {
                    seen[q] = true;
                }
            }
        }
    }
}
