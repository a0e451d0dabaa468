//! Property tests: random rule sets round-trip through YAML into the engine
//! unchanged and evaluate exactly like an independent reference evaluator;
//! Kleene logic obeys its laws; the batch and answers-file paths agree.

use proptest::prelude::*;
use sij_screen::engine::{Answer, Outcome, QuestionKind, Tri, parse_text};

use super::generate::{Cond, QSpec, compile, reference, reference_with, spec, spec_and_answers};

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random rule sets survive YAML unchanged: the same questions, types,
    /// criteria and logic come out of the engine as went into the file.
    #[test]
    fn rule_sets_round_trip_through_yaml(spec in spec()) {
        let rs = compile(&spec);
        prop_assert_eq!(rs.questions.len(), spec.questions.len());
        for (q, (s, ask)) in rs.questions.iter().zip(&spec.questions) {
            let same_kind = match (&q.kind, s) {
                (QuestionKind::YesNo, QSpec::YesNo) => true,
                (QuestionKind::SingleChoice(o), QSpec::Single(k)) | (QuestionKind::MultipleChoice(o), QSpec::Multi(k)) => o.len() == *k as usize,
                (QuestionKind::Number(n), QSpec::Number(lo, hi)) => n.min == Some(f64::from(*lo)) && n.max == Some(f64::from(*hi)),
                _ => false,
            };
            prop_assert!(same_kind, "{:?} vs {:?}", q.kind, s);
            prop_assert_eq!(q.ask_when.is_some(), ask.is_some());
        }
        prop_assert_eq!(rs.criteria.len(), spec.criteria.len());
        for (c, (kind, _)) in rs.criteria.iter().zip(&spec.criteria) {
            prop_assert_eq!(c.kind.as_str(), ["red_flag", "exclusion", "indication"][*kind as usize]);
            prop_assert!(!sij_screen::describe_condition(&rs, c.root).is_empty());
        }
    }

    /// The engine agrees with the reference evaluator on every criterion and
    /// on skip logic, for any answers; and it never panics.
    #[test]
    fn evaluation_matches_the_reference((spec, given) in spec_and_answers()) {
        let rs = compile(&spec);
        let ev = rs.evaluate(&given);
        let asks: Vec<Option<Cond>> = spec.questions.iter().map(|(_, a)| a.clone()).collect();
        // Skip logic, by the reference: in order, dropping answers not asked.
        let mut effective = given.clone();
        for (i, (_, ask)) in spec.questions.iter().enumerate() {
            let asked = ask.as_ref().is_none_or(|c| reference(c, &effective, &[], &asks) == Tri::True);
            prop_assert_eq!(ev.asked[i], asked, "question {}", i);
            if !asked {
                effective[i] = Answer::Unanswered;
            }
        }
        let mut holds = Vec::new();
        for (_, c) in &spec.criteria {
            holds.push(reference_with(c, &effective, &holds, &asks, &given));
        }
        prop_assert_eq!(&ev.holds, &holds);
        // The batch evaluator, in place.
        let mut batch = given.clone();
        let mut batch_holds = vec![Tri::Unknown; holds.len()];
        let outcome = rs.evaluate_criteria_into(&mut batch, &mut batch_holds, &mut Vec::new());
        prop_assert_eq!(&batch_holds, &holds);
        prop_assert_eq!(outcome, ev.outcome);
    }

    /// A case read as a batch row (CSV cells) and as an answers file gives
    /// the same answers, hence the same outcome.
    #[test]
    fn batch_cells_and_answers_files_agree((spec, given) in spec_and_answers()) {
        let rs = compile(&spec);
        // Batch: each answer as the CSV cell the generator would write.
        let from_cells: Vec<Answer> = rs.questions.iter().zip(&given).map(|(q, a)| {
            let cell = match a.to_yaml(q) {
                None => String::new(),
                Some(v) if v == "[]" => v,
                Some(v) => v.trim_matches(['[', ']']).replace(", ", ";"),
            };
            parse_text(q, &cell).expect("a written answer parses back")
        }).collect();
        // Answers file: the format --save writes, read back as a file is.
        let text = sij_screen::answers_file_text(&rs, &given);
        let from_file = sij_screen::read_answers_text(&rs, &text).expect("saved answers bind");
        prop_assert_eq!(&from_cells, &given);
        prop_assert_eq!(&from_file, &given);
        prop_assert_eq!(rs.evaluate(&from_cells).outcome, rs.evaluate(&from_file).outcome);
    }

    /// "At least n of" only moves one way when an unknown is settled.
    #[test]
    fn at_least_is_monotone(n in 1u32..6, vals in prop::collection::vec(0u8..3, 1..8), pick in 0usize..8) {
        let tri = |v: u8| [Tri::False, Tri::Unknown, Tri::True][v as usize];
        let count = |vals: &[u8]| {
            let t = u32::try_from(vals.iter().filter(|v| **v == 2).count()).expect("small");
            let u = u32::try_from(vals.iter().filter(|v| **v == 1).count()).expect("small");
            Tri::at_least(n, t, u)
        };
        let i = pick % vals.len();
        if tri(vals[i]) == Tri::Unknown {
            let before = count(&vals);
            let mut up = vals.clone();
            up[i] = 2;
            let mut down = vals.clone();
            down[i] = 0;
            prop_assert!(count(&up) >= before);
            prop_assert!(count(&down) <= before);
        }
    }

    /// Kleene laws for any pair of values.
    #[test]
    fn kleene_laws(a in 0u8..3, b in 0u8..3) {
        let t = |v: u8| [Tri::False, Tri::Unknown, Tri::True][v as usize];
        let (a, b) = (t(a), t(b));
        prop_assert_eq!(a.not().not(), a);
        prop_assert_eq!(a.and(b).not(), a.not().or(b.not()));
        prop_assert_eq!(a.or(b).not(), a.not().and(b.not()));
    }
}

/// Every partial case of the mini rule set, exhaustively: an outcome called
/// final keeps, and one that "cannot be met" never becomes met or
/// incomplete, however the open answers are given. (The walk's offer to
/// finish early relies on both.)
#[test]
fn a_final_outcome_survives_every_completion() {
    let text = std::fs::read_to_string(crate::common::fixture("mini.yaml")).expect("fixture");
    let rs = sij_screen::compile_rules("mini", &text).expect("fixture");
    let yes_no = [Answer::Unanswered, Answer::Unknown, Answer::Yes, Answer::No];
    let pct = [
        Answer::Unanswered,
        Answer::Unknown,
        Answer::Number(40.0),
        Answer::Number(60.0),
    ];
    let side = [
        Answer::Unanswered,
        Answer::Unknown,
        Answer::Choice(0),
        Answer::Choice(1),
    ];
    let domains: [&[Answer]; 5] = [&yes_no, &yes_no, &yes_no, &pct, &side];
    let all = |d: &[&[Answer]]| -> Vec<Vec<Answer>> {
        d.iter().fold(vec![vec![]], |acc, dom| {
            acc.into_iter()
                .flat_map(|a| {
                    dom.iter().map(move |v| {
                        let mut n = a.clone();
                        n.push(*v);
                        n
                    })
                })
                .collect()
        })
    };
    /// The values each answer may take in a completion of `case`: an open
    /// answer any known value of its domain, a known one itself.
    fn open_domains<'a>(case: &'a [Answer], domains: &[&'a [Answer]]) -> Vec<&'a [Answer]> {
        case.iter()
            .zip(domains)
            .map(|(a, d)| {
                if a.is_known() {
                    std::slice::from_ref(a)
                } else {
                    &d[2..]
                }
            })
            .collect()
    }
    let (mut finals, mut checked) = (0, 0);
    for case in all(&domains) {
        let ev = rs.evaluate(&case);
        if !rs.outcome_is_final(&ev) {
            continue;
        }
        finals += 1;
        let completions = all(&open_domains(&case, &domains));
        assert!(!completions.is_empty());
        for completed in completions {
            assert_eq!(
                rs.evaluate(&completed).outcome,
                ev.outcome,
                "{case:?} -> {completed:?}"
            );
            checked += 1;
        }
    }
    assert!(finals > 50, "only {finals} final cases");
    // cannot_be_met: no completion of such a case is met or incomplete.
    for case in all(&domains) {
        let ev = rs.evaluate(&case);
        if !rs.cannot_be_met(&ev) {
            continue;
        }
        for completed in all(&open_domains(&case, &domains)) {
            let o = rs.evaluate(&completed).outcome;
            assert!(
                matches!(o, Outcome::NotMet | Outcome::Excluded),
                "{case:?} -> {o:?}"
            );
        }
    }
    assert!(checked > finals, "completions were checked");
}
