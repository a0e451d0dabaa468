//! Evaluating a compiled rule set against answers.
//!
//! Three steps, in order: skip logic drops the answers of questions that are
//! not asked (so a stale answer can never decide a criterion), criteria are
//! evaluated in dependency order with Kleene logic, and the outcome follows by
//! precedence: red flag, exclusion, unmet indication, unknown, met.

use serde::Serialize;

use super::answer::Answer;
use super::kinds::CriterionKind;
use super::logic::Tri;
use super::node::{Node, NodeId};
use super::ruleset::{QuestionIdx, RuleSet};

/// The result of a screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A red flag holds: stop, urgent medical evaluation.
    RedFlag,
    /// An exclusion holds.
    Excluded,
    /// At least one indication is not met.
    NotMet,
    /// Nothing rules the patient out, but something is unknown.
    Incomplete,
    /// Every indication is met and nothing excludes the patient.
    Met,
}

impl Outcome {
    /// Every outcome, by precedence: worst first.
    pub const ALL: [Outcome; 5] = [
        Outcome::RedFlag,
        Outcome::Excluded,
        Outcome::NotMet,
        Outcome::Incomplete,
        Outcome::Met,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::RedFlag => "red_flag",
            Outcome::Excluded => "excluded",
            Outcome::NotMet => "not_met",
            Outcome::Incomplete => "incomplete",
            Outcome::Met => "met",
        }
    }
}

/// Everything a report needs about one evaluated case.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Answers after skip logic: questions not asked are `Unanswered`.
    pub answers: Vec<Answer>,
    /// Whether each question is asked, given the other answers.
    pub asked: Vec<bool>,
    /// Whether each criterion holds, by criterion index.
    pub holds: Vec<Tri>,
    pub outcome: Outcome,
    /// Answers that were given but not used, because skip logic does not
    /// ask their question (or cannot yet say that it does): every summary
    /// reports them, so no recorded answer vanishes without a word.
    pub dropped: Vec<(QuestionIdx, Answer)>,
}

impl Evaluation {
    /// Asked questions with no answer at all.
    pub fn unanswered(&self) -> Vec<QuestionIdx> {
        (0..self.answers.len())
            .filter(|&i| self.asked[i] && self.answers[i] == Answer::Unanswered)
            .collect()
    }

    /// Asked questions answered "unknown / not assessed".
    pub fn not_assessed(&self) -> Vec<QuestionIdx> {
        (0..self.answers.len())
            .filter(|&i| self.asked[i] && self.answers[i] == Answer::Unknown)
            .collect()
    }
}

impl RuleSet {
    /// Evaluates one case.
    pub fn evaluate(&self, answers: &[Answer]) -> Evaluation {
        let mut answers = answers.to_vec();
        answers.resize(self.questions.len(), Answer::Unanswered);
        let mut asked = vec![true; self.questions.len()];
        let mut holds = vec![Tri::Unknown; self.criteria.len()];
        let given = answers.clone();
        let outcome = self.evaluate_into(&mut answers, &mut asked, &mut holds);
        let dropped = given
            .into_iter()
            .zip(&answers)
            .enumerate()
            .filter(|(_, (g, now))| *g != Answer::Unanswered && **now == Answer::Unanswered)
            .map(|(qi, (g, _))| (qi, g))
            .collect();
        Evaluation {
            answers,
            asked,
            holds,
            outcome,
            dropped,
        }
    }

    /// Evaluates in place into caller-owned buffers (no allocation), for
    /// callers that evaluate many cases. `answers` is rewritten by skip logic.
    pub fn evaluate_into(
        &self,
        answers: &mut [Answer],
        asked: &mut [bool],
        holds: &mut [Tri],
    ) -> Outcome {
        self.apply_skip_logic(answers, asked);
        self.criteria_and_outcome(answers, holds)
    }

    /// Evaluates in place, for callers that need only the criteria and the
    /// outcome (`batch`): skip logic drops the answers of questions it does
    /// not ask, but whether an unanswered question would be asked is not
    /// worked out (its answer is empty either way). The criteria and the
    /// outcome are exactly [`RuleSet::evaluate_into`]'s.
    pub fn evaluate_criteria_into(&self, answers: &mut [Answer], holds: &mut [Tri]) -> Outcome {
        for &(qi, node) in &self.skip_rules {
            if answers[qi] != Answer::Unanswered && self.eval_ask(qi, node, answers) != Tri::True {
                answers[qi] = Answer::Unanswered;
            }
        }
        self.criteria_and_outcome(answers, holds)
    }

    fn criteria_and_outcome(&self, answers: &[Answer], holds: &mut [Tri]) -> Outcome {
        for &ci in &self.eval_order {
            holds[ci] = self.eval_criterion(ci, answers, holds);
        }
        self.outcome(holds)
    }

    /// Marks which questions are asked and drops the answers of the rest.
    /// One pass over the questions that have skip logic, in question order,
    /// suffices: skip logic only looks at earlier questions, whose answers
    /// are settled by then.
    pub fn apply_skip_logic(&self, answers: &mut [Answer], asked: &mut [bool]) {
        asked.fill(true);
        for &(qi, node) in &self.skip_rules {
            let ask = self.eval_ask(qi, node, answers) == Tri::True;
            asked[qi] = ask;
            if !ask {
                answers[qi] = Answer::Unanswered;
            }
        }
    }

    /// Whether question `qi` would be asked given `answers` so far (which may
    /// lack later answers): `Unknown` while its skip logic is undecided.
    pub fn would_ask(&self, qi: QuestionIdx, answers: &[Answer]) -> Tri {
        match self.questions[qi].ask_when {
            None => Tri::True,
            Some(node) => self.eval(node, answers, &[]),
        }
    }

    /// The outcome, by precedence: a red flag present, an exclusion that
    /// applies, an indication not met, anything unknown, else met. One pass
    /// over the criteria's kinds (kept apart from the criteria, so the pass
    /// reads one small array: it runs for every case of a batch).
    pub fn outcome(&self, holds: &[Tri]) -> Outcome {
        const RED_FLAG: u8 = 1;
        const EXCLUDED: u8 = 2;
        const NOT_MET: u8 = 4;
        const UNKNOWN: u8 = 8;
        /// What each kind of criterion says with each value.
        const fn says(kind: CriterionKind, h: Tri) -> u8 {
            match (kind, h) {
                (CriterionKind::RedFlag, Tri::True) => RED_FLAG,
                (CriterionKind::Exclusion, Tri::True) => EXCLUDED,
                (CriterionKind::Indication, Tri::False) => NOT_MET,
                (_, Tri::Unknown) => UNKNOWN,
                _ => 0,
            }
        }
        /// `says` as a table, by kind and value: the pass ORs a looked-up
        /// bit per criterion, where branching on every pair was
        /// mispredicted often enough to be a third of the batch evaluator's
        /// time (perf).
        const TABLE: [[u8; 3]; 3] = {
            let kinds = [
                CriterionKind::RedFlag,
                CriterionKind::Exclusion,
                CriterionKind::Indication,
            ];
            let values = [Tri::False, Tri::Unknown, Tri::True];
            let mut t = [[0; 3]; 3];
            let mut k = 0;
            while k < 3 {
                let mut v = 0;
                while v < 3 {
                    t[kinds[k] as usize][values[v] as usize] = says(kinds[k], values[v]);
                    v += 1;
                }
                k += 1;
            }
            t
        };
        let mut flags = 0;
        for (&kind, &h) in self.kinds.iter().zip(holds) {
            flags |= TABLE[kind as usize][h as usize];
        }
        if flags & RED_FLAG != 0 {
            Outcome::RedFlag
        } else if flags & EXCLUDED != 0 {
            Outcome::Excluded
        } else if flags & NOT_MET != 0 {
            Outcome::NotMet
        } else if flags & UNKNOWN != 0 {
            Outcome::Incomplete
        } else {
            Outcome::Met
        }
    }

    /// The outcome these criteria would give if no red flag were present:
    /// for teaching, to show what a red flag hides. Never a substitute for
    /// [`RuleSet::outcome`].
    pub fn outcome_without_red_flags(&self, holds: &[Tri]) -> Outcome {
        let cleared: Vec<Tri> = self
            .criteria
            .iter()
            .zip(holds)
            .map(|(c, &h)| {
                if c.kind == CriterionKind::RedFlag {
                    Tri::False
                } else {
                    h
                }
            })
            .collect();
        self.outcome(&cleared)
    }

    /// Whether the outcome of these criterion values is final: no answer
    /// still open (unanswered or unknown) could change it. Kleene logic is
    /// monotone (a criterion that is true or false stays so however the
    /// unknowns are answered), so only the precedence of outcomes matters: a
    /// red flag is final; an exclusion is final once no red flag is unknown;
    /// an unmet indication once no red flag or exclusion is unknown.
    pub fn outcome_is_final(&self, holds: &[Tri]) -> bool {
        let unknown = |kind: CriterionKind| {
            self.criteria
                .iter()
                .zip(holds)
                .any(|(c, &h)| c.kind == kind && h == Tri::Unknown)
        };
        match self.outcome(holds) {
            Outcome::RedFlag | Outcome::Met => true,
            Outcome::Excluded => !unknown(CriterionKind::RedFlag),
            Outcome::NotMet => {
                !unknown(CriterionKind::RedFlag) && !unknown(CriterionKind::Exclusion)
            }
            Outcome::Incomplete => false,
        }
    }

    /// Whether the patient can no longer meet the rule set, whatever the
    /// open answers: an indication is not met or an exclusion applies, and
    /// no red flag is left unknown (an unassessed red flag must be assessed
    /// first). Open answers could then only add a reason (an exclusion), not
    /// make the patient a candidate.
    pub fn cannot_be_met(&self, holds: &[Tri]) -> bool {
        let red_flag_open = self
            .criteria
            .iter()
            .zip(holds)
            .any(|(c, &h)| c.kind == CriterionKind::RedFlag && h == Tri::Unknown);
        !red_flag_open && matches!(self.outcome(holds), Outcome::NotMet | Outcome::Excluded)
    }

    /// Evaluates one node. `holds` has the values of criteria evaluated so far
    /// (the evaluation order guarantees referenced criteria come first).
    pub fn eval(&self, id: NodeId, answers: &[Answer], holds: &[Tri]) -> Tri {
        match self.node(id) {
            Node::All(r) => {
                let mut acc = Tri::True;
                for &k in self.children_of(r) {
                    acc = acc.and(self.eval(k, answers, holds));
                    if acc == Tri::False {
                        break;
                    }
                }
                acc
            }
            Node::Any(r) => {
                let mut acc = Tri::False;
                for &k in self.children_of(r) {
                    acc = acc.or(self.eval(k, answers, holds));
                    if acc == Tri::True {
                        break;
                    }
                }
                acc
            }
            Node::Not(k) => self.eval(k, answers, holds).not(),
            Node::AtLeast {
                n,
                of,
                skipped_not_met,
            } => {
                let (mut t, mut u) = (0, 0);
                for &k in self.children_of(of) {
                    let value = if skipped_not_met && self.skipped(k, answers) {
                        Tri::False
                    } else {
                        self.eval(k, answers, holds)
                    };
                    match value {
                        Tri::True => t += 1,
                        Tri::Unknown => u += 1,
                        Tri::False => {}
                    }
                }
                Tri::at_least(n, t, u)
            }
            leaf => self.leaf(leaf, answers, holds),
        }
    }

    /// The value of a leaf condition (a test of one answer, or a criterion
    /// already evaluated); unknown for a combinator, which [`RuleSet::eval`]
    /// and the compiled programs evaluate themselves.
    // Inlined into both evaluators: a call per leaf was what the compiled
    // programs are there to save.
    #[inline(always)]
    pub(crate) fn leaf(&self, node: Node, answers: &[Answer], holds: &[Tri]) -> Tri {
        match node {
            Node::All(_) | Node::Any(_) | Node::Not(_) | Node::AtLeast { .. } => Tri::Unknown,
            Node::Yes(q) => match answers[q] {
                Answer::Yes => Tri::True,
                Answer::No => Tri::False,
                _ => Tri::Unknown,
            },
            Node::No(q) => match answers[q] {
                Answer::No => Tri::True,
                Answer::Yes => Tri::False,
                _ => Tri::Unknown,
            },
            Node::Known(q) => Tri::from_bool(answers.get(q).is_some_and(|a| a.is_known())),
            Node::Equals(q, o) => match answers[q] {
                Answer::Choice(c) => Tri::from_bool(c == o),
                _ => Tri::Unknown,
            },
            Node::Includes(q, o) => match answers[q] {
                Answer::Multi(bits) => Tri::from_bool(bits >> o & 1 == 1),
                _ => Tri::Unknown,
            },
            Node::Compare(q, op, v) => match answers[q] {
                Answer::Number(x) => Tri::from_bool(op.apply(x, v)),
                _ => Tri::Unknown,
            },
            Node::Count(q, op, v) => match answers[q] {
                Answer::Multi(bits) => Tri::from_bool(op.apply(f64::from(bits.count_ones()), v)),
                _ => Tri::Unknown,
            },
            Node::Criterion(c) => holds.get(c).copied().unwrap_or(Tri::Unknown),
        }
    }

    /// Whether skip logic has decided not to ask the question that item
    /// `id` tests (false while it is undecided). Skip logic only looks at
    /// earlier questions, so its value on the answers after skip logic is
    /// the value skip logic saw.
    pub fn skipped(&self, id: NodeId, answers: &[Answer]) -> bool {
        // A question with an answer left after skip logic was asked; only an
        // unanswered one with skip logic needs its condition evaluated.
        self.node(id).question().is_some_and(|q| {
            self.questions[q]
                .ask_when
                .is_some_and(|rule| self.question_skipped(q, rule, answers))
        })
    }

    /// Whether question `q`, whose skip rule is `rule`, was skipped: it has
    /// no answer and its rule is false (an answer left after skip logic was
    /// asked).
    #[inline]
    pub(crate) fn question_skipped(
        &self,
        q: QuestionIdx,
        rule: NodeId,
        answers: &[Answer],
    ) -> bool {
        answers.get(q) == Some(&Answer::Unanswered) && self.eval_ask(q, rule, answers) == Tri::False
    }

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
        let value = self.eval(id, &ev.answers, &ev.holds);
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
                    if self.eval(k, &ev.answers, &ev.holds) == want {
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
                    // An item counted as not met because it was skipped was
                    // decided by the answers of its skip logic.
                    if skipped_not_met && self.skipped(k, &ev.answers) {
                        if value == Tri::False
                            && let Some(ask) = self
                                .node(k)
                                .question()
                                .and_then(|q| self.questions[q].ask_when)
                        {
                            self.decide(ask, ev, seen, expanded, depth + 1);
                        }
                        continue;
                    }
                    let kv = self.eval(k, &ev.answers, &ev.holds);
                    let keep = match value {
                        Tri::True => kv == Tri::True,
                        Tri::False => kv == Tri::False,
                        Tri::Unknown => kv != Tri::False,
                    };
                    if keep {
                        self.decide(k, ev, seen, expanded, depth + 1);
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
