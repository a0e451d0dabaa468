//! What-would-change and finality on generated rule sets: every change the
//! analysis claims is what `--set` gives (the same evaluation of the
//! recorded answers with one changed), an unclaimed change changes nothing,
//! and an outcome called final, or settled, survives every completion.

use proptest::prelude::*;
use sij_screen::engine::{Answer, Outcome, RuleSet};
use sij_screen::{NumberRange, Trial, Verdict, what_would_change};

use super::generate::{Cond, QSpec, Spec, answer_for, compile, spec};

/// A case, and a known answer for every question (to complete it with).
fn case_and_fill() -> impl Strategy<Value = (Spec, Vec<Answer>, Vec<Answer>)> {
    spec().prop_flat_map(|s| {
        let given: Vec<BoxedStrategy<Answer>> =
            s.questions.iter().map(|(q, _)| answer_for(q)).collect();
        let fill: Vec<BoxedStrategy<Answer>> =
            s.questions.iter().map(|(q, _)| known_answer(q)).collect();
        (Just(s), given, fill)
    })
}

fn known_answer(q: &QSpec) -> BoxedStrategy<Answer> {
    match q.clone() {
        QSpec::YesNo => prop_oneof![Just(Answer::Yes), Just(Answer::No)].boxed(),
        QSpec::Single(k) => (0..k).prop_map(Answer::Choice).boxed(),
        QSpec::Multi(k) => (0..(1u64 << k)).prop_map(Answer::Multi).boxed(),
        QSpec::Number(lo, hi) => (lo..=hi).prop_map(|v| Answer::Number(f64::from(v))).boxed(),
    }
}

/// The case with every open answer (unanswered or unknown) given.
fn complete(given: &[Answer], fill: &[Answer]) -> Vec<Answer> {
    given
        .iter()
        .zip(fill)
        .map(|(g, f)| if g.is_known() { *g } else { *f })
        .collect()
}

/// Answers a claim stands for: the answer, or for a range its ends (where
/// included) and a number inside.
fn samples(trial: &Trial) -> Vec<Answer> {
    match *trial {
        Trial::Answer(a) => vec![a],
        Trial::Range(NumberRange {
            lo,
            lo_incl,
            hi,
            hi_incl,
        }) => {
            let mut v = Vec::new();
            if lo_incl && lo.is_finite() {
                v.push(lo);
            }
            if hi_incl && hi.is_finite() {
                v.push(hi);
            }
            if lo < hi && lo.is_finite() && hi.is_finite() {
                v.push(lo + (hi - lo) / 2.0);
            }
            v.into_iter().map(Answer::Number).collect()
        }
    }
}

/// The questions a `known:` test reads, anywhere in the rule set.
fn known_tested(s: &Spec) -> Vec<usize> {
    fn walk(c: &Cond, out: &mut Vec<usize>) {
        match c {
            Cond::All(v) | Cond::Any(v) | Cond::AtLeast(_, v) | Cond::AtLeastSkipped(_, v) => {
                v.iter().for_each(|c| walk(c, out));
            }
            Cond::Not(c) => walk(c, out),
            Cond::Known(q) => out.push(*q),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in s.questions.iter().filter_map(|(_, a)| a.as_ref()) {
        walk(c, &mut out);
    }
    for (_, c) in &s.criteria {
        walk(c, &mut out);
    }
    out
}

/// `--set q=a`: the recorded answers with one changed, evaluated.
fn set(rs: &RuleSet, given: &[Answer], q: usize, a: Answer) -> Outcome {
    let mut changed = given.to_vec();
    changed[q] = a;
    rs.evaluate(&changed).outcome
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Every change claimed gives exactly the claimed outcome under
    /// `--set`; an answer to an asked question that changes the outcome is
    /// claimed; and an unknown said to settle the case gives, with each of
    /// its answers, an outcome every completion keeps.
    #[test]
    fn what_would_change_is_what_set_gives((s, given, fill) in case_and_fill(), pick in 0usize..64) {
        let rs = compile(&s);
        let ev = rs.evaluate(&given);
        let w = what_would_change(&rs, &ev);
        for c in &w.changes {
            for a in samples(&c.answer) {
                prop_assert_eq!(set(&rs, &given, c.question, a), c.outcome, "--set q{}={:?}", c.question, a);
            }
        }
        for u in &w.unknowns {
            for (trial, outcome) in &u.outcomes {
                for a in samples(trial) {
                    let mut changed = given.clone();
                    changed[u.question] = a;
                    let tried = rs.evaluate(&changed);
                    prop_assert_eq!(tried.outcome, *outcome, "--set q{}={:?}", u.question, a);
                    if u.verdict == Verdict::Settles {
                        let done = rs.evaluate(&complete(&changed, &fill));
                        prop_assert_eq!(done.outcome, *outcome, "settled by q{}={:?}, then completed", u.question, a);
                    }
                }
            }
        }
        // An answer the claims leave out changes nothing.
        let q = pick % given.len();
        if ev.asked[q] && given[q].is_known() && fill[q] != given[q] {
            let now = set(&rs, &given, q, fill[q]);
            if now != ev.outcome {
                let claimed = w.changes.iter().any(|c| c.question == q && c.outcome == now && samples(&c.answer).iter().any(|a| rs.evaluate(&{ let mut x = given.clone(); x[q] = *a; x }).outcome == now));
                prop_assert!(claimed, "q{} = {:?} gives {:?}, unclaimed", q, fill[q], now);
            }
        }
    }

    /// An outcome called final is the outcome of every completion, and a
    /// criterion that is true or false stays so (Kleene logic is monotone,
    /// also behind an undecided skip rule); one that cannot be met never
    /// becomes met or incomplete.
    #[test]
    fn a_final_outcome_survives_completion((s, given, fill) in case_and_fill()) {
        let rs = compile(&s);
        let ev = rs.evaluate(&given);
        let done = rs.evaluate(&complete(&given, &fill));
        // `known:` is the one test that is not monotone.
        let known_open = known_tested(&s)
            .iter()
            .any(|&q| !ev.answers[q].is_known() && rs.would_ask(q, &ev.answers) != sij_screen::engine::Tri::False);
        for (ci, (before, after)) in ev.holds.iter().zip(&done.holds).enumerate() {
            if *before != sij_screen::engine::Tri::Unknown && !known_open {
                prop_assert_eq!(before, after, "criterion c{}", ci);
            }
        }
        if rs.outcome_is_final(&ev) {
            prop_assert_eq!(done.outcome, ev.outcome);
        }
        if rs.cannot_be_met(&ev) {
            prop_assert!(matches!(done.outcome, Outcome::NotMet | Outcome::Excluded), "{:?}", done.outcome);
        }
    }
}
