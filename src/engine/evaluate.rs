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
    /// The answers as recorded, before skip logic: what `--set` and
    /// `--what-would-change` start from, so that a change which makes a
    /// question asked again finds its recorded answer.
    pub recorded: Vec<Answer>,
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

/// How one item of an `at_least` with `skipped: not_met` stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Skip logic decided not to ask its question: it counts as not met.
    Skipped,
    /// Skip logic has not decided whether to ask its question, which has a
    /// recorded answer. Asked, the item would have the answer's value; not
    /// asked, it would be not met. `value` is what both agree on: false when
    /// the answer fails the item, unknown otherwise.
    Pending { answer: Answer, value: Tri },
    /// Any other item: its value.
    Value(Tri),
}

impl Item {
    pub const fn value(self) -> Tri {
        match self {
            Item::Skipped => Tri::False,
            Item::Pending { value, .. } | Item::Value(value) => value,
        }
    }
}

impl RuleSet {
    /// Evaluates one case.
    pub fn evaluate(&self, answers: &[Answer]) -> Evaluation {
        let mut recorded = answers.to_vec();
        recorded.resize(self.questions.len(), Answer::Unanswered);
        let mut answers = recorded.clone();
        let mut asked = vec![true; self.questions.len()];
        let mut holds = vec![Tri::Unknown; self.criteria.len()];
        let pending = self.skip(&mut answers, Some(&mut asked));
        let outcome =
            self.criteria_and_outcome(&answers, &mut holds, if pending { &recorded } else { &[] });
        let dropped = recorded
            .iter()
            .zip(&answers)
            .enumerate()
            .filter(|(_, (g, now))| **g != Answer::Unanswered && **now == Answer::Unanswered)
            .map(|(qi, (g, _))| (qi, *g))
            .collect();
        Evaluation {
            answers,
            recorded,
            asked,
            holds,
            outcome,
            dropped,
        }
    }

    /// Evaluates in place, for callers that evaluate many cases and need
    /// only the criteria and the outcome (`batch`): skip logic drops the
    /// answers of questions it does not ask, but whether an unanswered
    /// question would be asked is not worked out (its answer is empty
    /// either way). The criteria and the outcome are exactly
    /// [`RuleSet::evaluate`]'s. `not_asked` gets the questions whose
    /// recorded answers skip logic set aside (for the report: no answer is
    /// dropped without a word). No allocation, but for a case with an
    /// answer behind an undecided skip rule that an `at_least` counts.
    pub fn evaluate_criteria_into(
        &self,
        answers: &mut [Answer],
        holds: &mut [Tri],
        not_asked: &mut Vec<QuestionIdx>,
    ) -> Outcome {
        not_asked.clear();
        // Answers dropped while their skip rule is undecided, kept aside
        // (rare: an empty Vec does not allocate).
        let mut pending: Vec<(QuestionIdx, Answer)> = Vec::new();
        for &(qi, node, counted) in &self.skip_rules {
            if answers[qi] != Answer::Unanswered {
                match self.eval_ask(qi, node, answers) {
                    Tri::True => {}
                    ask => {
                        if counted && ask == Tri::Unknown {
                            pending.push((qi, answers[qi]));
                        }
                        not_asked.push(qi);
                        answers[qi] = Answer::Unanswered;
                    }
                }
            }
        }
        if pending.is_empty() {
            return self.criteria_and_outcome(answers, holds, &[]);
        }
        let mut recorded = answers.to_vec();
        for (qi, a) in pending {
            recorded[qi] = a;
        }
        self.criteria_and_outcome(answers, holds, &recorded)
    }

    /// The criteria, in dependency order, and the outcome. `recorded` is
    /// empty unless an answer is pending behind an undecided skip rule;
    /// then every criterion is evaluated by recursion, which reads it (the
    /// compiled programs do not).
    fn criteria_and_outcome(
        &self,
        answers: &[Answer],
        holds: &mut [Tri],
        recorded: &[Answer],
    ) -> Outcome {
        for &ci in &self.eval_order {
            holds[ci] = if recorded.is_empty() {
                self.eval_criterion(ci, answers, holds)
            } else {
                self.eval_with(self.criteria[ci].root, answers, holds, recorded)
            };
        }
        self.outcome(holds)
    }

    /// Marks which questions are asked and drops the answers of the rest.
    /// One pass over the questions that have skip logic, in question order,
    /// suffices: skip logic only looks at earlier questions, whose answers
    /// are settled by then.
    pub fn apply_skip_logic(&self, answers: &mut [Answer], asked: &mut [bool]) {
        self.skip(answers, Some(asked));
    }

    /// Skip logic, as [`RuleSet::apply_skip_logic`]; true when an answer an
    /// `at_least` counts was dropped while its skip rule is undecided.
    fn skip(&self, answers: &mut [Answer], mut asked: Option<&mut [bool]>) -> bool {
        if let Some(asked) = asked.as_deref_mut() {
            asked.fill(true);
        }
        let mut pending = false;
        for &(qi, node, counted) in &self.skip_rules {
            let ask = self.eval_ask(qi, node, answers);
            if let Some(asked) = asked.as_deref_mut() {
                asked[qi] = ask == Tri::True;
            }
            if ask != Tri::True {
                pending |= counted && ask == Tri::Unknown && answers[qi] != Answer::Unanswered;
                answers[qi] = Answer::Unanswered;
            }
        }
        pending
    }

    /// Whether the recorded answer to question `qi` is pending in `ev`: not
    /// asked, its skip rule undecided, and counted by an `at_least` with
    /// `skipped: not_met` (so it decides that count where both worlds
    /// agree, see [`Item::Pending`]). Any other answer skip logic set aside
    /// is not used at all.
    pub fn is_pending(&self, qi: QuestionIdx, ev: &Evaluation) -> bool {
        !ev.asked[qi]
            && ev.recorded[qi] != Answer::Unanswered
            && self.counted_behind_skip_rule(qi)
            && self.would_ask(qi, &ev.answers) == Tri::Unknown
    }

    /// Whether question `qi` has skip logic and an `at_least` with
    /// `skipped: not_met` counts it: then its recorded answer can decide
    /// that count while its skip rule is undecided ([`Item::Pending`]).
    pub fn counted_behind_skip_rule(&self, qi: QuestionIdx) -> bool {
        // In question order, so a binary search finds it.
        self.skip_rules
            .binary_search_by_key(&qi, |&(q, _, _)| q)
            .is_ok_and(|i| self.skip_rules[i].2)
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

    /// Whether the outcome of this evaluation is final: no answer still
    /// open (unanswered or unknown) could change it. Kleene logic is
    /// monotone (a criterion that is true or false stays so however the
    /// unknowns are answered, also behind an undecided skip rule: see
    /// [`Item`]), so only the precedence of outcomes matters: a red flag is
    /// final; an exclusion is final once no red flag is unknown; an unmet
    /// indication once no red flag or exclusion is unknown. The exception
    /// is a `known:` test, which turns from false to true when its question
    /// is answered: while a question it reads is open, nothing is final.
    pub fn outcome_is_final(&self, ev: &Evaluation) -> bool {
        let holds = &ev.holds;
        let unknown = |kind: CriterionKind| {
            self.criteria
                .iter()
                .zip(holds)
                .any(|(c, &h)| c.kind == kind && h == Tri::Unknown)
        };
        !self.known_open(ev)
            && match self.outcome(holds) {
                Outcome::RedFlag | Outcome::Met => true,
                Outcome::Excluded => !unknown(CriterionKind::RedFlag),
                Outcome::NotMet => {
                    !unknown(CriterionKind::RedFlag) && !unknown(CriterionKind::Exclusion)
                }
                Outcome::Incomplete => false,
            }
    }

    /// Whether a question a `known:` test reads is still open: it has no
    /// known answer in use, and skip logic has not decided against asking
    /// it (a recorded answer behind an undecided skip rule is open too).
    fn known_open(&self, ev: &Evaluation) -> bool {
        self.known_tested.iter().any(|&q| {
            ev.answers.get(q).is_some_and(|a| !a.is_known())
                && self.would_ask(q, &ev.answers) != Tri::False
        })
    }

    /// Whether the patient can no longer meet the rule set, whatever the
    /// open answers: an indication is not met or an exclusion applies, and
    /// no red flag is left unknown (an unassessed red flag must be assessed
    /// first). Open answers could then only add a reason (an exclusion), not
    /// make the patient a candidate. Never while a question a `known:` test
    /// reads is open (see [`RuleSet::outcome_is_final`]).
    pub fn cannot_be_met(&self, ev: &Evaluation) -> bool {
        let red_flag_open = self
            .criteria
            .iter()
            .zip(&ev.holds)
            .any(|(c, &h)| c.kind == CriterionKind::RedFlag && h == Tri::Unknown);
        !red_flag_open
            && !self.known_open(ev)
            && matches!(self.outcome(&ev.holds), Outcome::NotMet | Outcome::Excluded)
    }

    /// Evaluates one node. `holds` has the values of criteria evaluated so far
    /// (the evaluation order guarantees referenced criteria come first).
    pub fn eval(&self, id: NodeId, answers: &[Answer], holds: &[Tri]) -> Tri {
        self.eval_with(id, answers, holds, &[])
    }

    /// The value of node `id` in the evaluation `ev`.
    pub fn value_in(&self, id: NodeId, ev: &Evaluation) -> Tri {
        self.eval_with(id, &ev.answers, &ev.holds, &ev.recorded)
    }

    /// [`RuleSet::eval`], with the answers as recorded before skip logic
    /// (or none), which an `at_least` reads for [`Item::Pending`] items.
    pub(crate) fn eval_with(
        &self,
        id: NodeId,
        answers: &[Answer],
        holds: &[Tri],
        recorded: &[Answer],
    ) -> Tri {
        match self.node(id) {
            Node::All(r) => {
                let mut acc = Tri::True;
                for &k in self.children_of(r) {
                    acc = acc.and(self.eval_with(k, answers, holds, recorded));
                    if acc == Tri::False {
                        break;
                    }
                }
                acc
            }
            Node::Any(r) => {
                let mut acc = Tri::False;
                for &k in self.children_of(r) {
                    acc = acc.or(self.eval_with(k, answers, holds, recorded));
                    if acc == Tri::True {
                        break;
                    }
                }
                acc
            }
            Node::Not(k) => self.eval_with(k, answers, holds, recorded).not(),
            Node::AtLeast {
                n,
                of,
                skipped_not_met,
            } => {
                let (mut t, mut u) = (0, 0);
                for &k in self.children_of(of) {
                    let value = if skipped_not_met {
                        self.item(k, answers, holds, recorded).value()
                    } else {
                        self.eval_with(k, answers, holds, recorded)
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

    /// How item `id` of an `at_least` with `skipped: not_met` stands. Its
    /// value is exact where the two worlds of an undecided skip rule agree:
    /// a recorded answer that fails the item fails it whether or not the
    /// question turns out to be asked, so it is not met; one that passes it
    /// is unknown until the skip rule is decided. (Skip logic only looks at
    /// earlier questions, so its value on the answers after skip logic is
    /// the value skip logic saw.)
    pub(crate) fn item(
        &self,
        id: NodeId,
        answers: &[Answer],
        holds: &[Tri],
        recorded: &[Answer],
    ) -> Item {
        let node = self.node(id);
        // A question with an answer left after skip logic was asked; only an
        // unanswered one with skip logic needs its skip rule evaluated.
        if let Some(q) = node.question()
            && answers.get(q) == Some(&Answer::Unanswered)
            && let Some(rule) = self.questions[q].ask_when
        {
            match self.eval_ask(q, rule, answers) {
                Tri::False => return Item::Skipped,
                Tri::Unknown => {
                    if let Some(&answer) = recorded.get(q)
                        && answer != Answer::Unanswered
                    {
                        let value = match self.leaf(node, recorded, holds) {
                            Tri::False => Tri::False,
                            _ => Tri::Unknown,
                        };
                        return Item::Pending { answer, value };
                    }
                }
                Tri::True => {}
            }
        }
        Item::Value(self.eval_with(id, answers, holds, recorded))
    }

    /// How item `id` of an `at_least` with `skipped: not_met` stands in the
    /// evaluation `ev` (for reports).
    pub fn item_in(&self, id: NodeId, ev: &Evaluation) -> Item {
        self.item(id, &ev.answers, &ev.holds, &ev.recorded)
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
}
