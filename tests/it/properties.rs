//! Property tests: random rule sets round-trip through YAML into the engine
//! unchanged and evaluate exactly like an independent reference evaluator;
//! Kleene logic obeys its laws; the batch and answers-file paths agree.

use proptest::prelude::*;
use sij_screen::engine::{Answer, Outcome, QuestionKind, RuleSet, Tri, parse_text};

// ---- A random rule set, as a plain spec -------------------------------

#[derive(Debug, Clone)]
enum QSpec {
    YesNo,
    Single(u16),
    Multi(u16),
    Number(i32, i32),
}

#[derive(Debug, Clone)]
enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    AtLeast(u32, Vec<Cond>),
    /// `at_least` with `skipped: not_met`; the items are single-question tests.
    AtLeastSkipped(u32, Vec<Cond>),
    Yes(usize),
    No(usize),
    Known(usize),
    Equals(usize, u16),
    Includes(usize, u16),
    Compare(usize, &'static str, i32),
    Count(usize, &'static str, u16),
    Criterion(usize),
}

#[derive(Debug, Clone)]
struct Spec {
    questions: Vec<(QSpec, Option<Cond>)>,
    criteria: Vec<(u8, Cond)>,
}

const OPS: [&str; 6] = [">=", ">", "<=", "<", "==", "!="];

fn qspec() -> impl Strategy<Value = QSpec> {
    prop_oneof![
        Just(QSpec::YesNo),
        (2u16..5).prop_map(QSpec::Single),
        (2u16..5).prop_map(QSpec::Multi),
        (-5i32..5, 0i32..20).prop_map(|(lo, span)| QSpec::Number(lo, lo + span)),
    ]
}

/// Leaves that fit questions `0..n`, and criterion references below `crit`.
fn leaves(qs: &[QSpec], n: usize, crit: usize) -> Vec<BoxedStrategy<Cond>> {
    let mut out: Vec<BoxedStrategy<Cond>> = Vec::new();
    for (i, q) in qs.iter().enumerate().take(n) {
        out.push(Just(Cond::Known(i)).boxed());
        match q.clone() {
            QSpec::YesNo => {
                out.push(Just(Cond::Yes(i)).boxed());
                out.push(Just(Cond::No(i)).boxed());
            }
            QSpec::Single(k) => out.push((0..k).prop_map(move |o| Cond::Equals(i, o)).boxed()),
            QSpec::Multi(k) => {
                out.push((0..k).prop_map(move |o| Cond::Includes(i, o)).boxed());
                out.push(
                    (0..6usize, 0..=k)
                        .prop_map(move |(op, v)| Cond::Count(i, OPS[op], v))
                        .boxed(),
                );
            }
            QSpec::Number(lo, hi) => {
                out.push(
                    (0..6usize, lo..=hi)
                        .prop_map(move |(op, v)| Cond::Compare(i, OPS[op], v))
                        .boxed(),
                );
            }
        }
    }
    if crit > 0 {
        out.push((0..crit).prop_map(Cond::Criterion).boxed());
    }
    out
}

fn cond(leaves: Vec<BoxedStrategy<Cond>>) -> BoxedStrategy<Cond> {
    let leaf = proptest::strategy::Union::new(leaves).boxed();
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Cond::All),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Cond::Any),
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            prop::collection::vec(inner, 1..5).prop_flat_map(|v| {
                let len = u32::try_from(v.len()).expect("small");
                (1..=len).prop_map(move |n| Cond::AtLeast(n, v.clone()))
            }),
        ]
    })
    .boxed()
}

fn spec() -> impl Strategy<Value = Spec> {
    prop::collection::vec(qspec(), 1..7).prop_flat_map(|qs| {
        // Skip logic for question i may only look at questions before it.
        let asks: Vec<BoxedStrategy<Option<Cond>>> = (0..qs.len())
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    prop::option::weighted(0.3, cond(leaves(&qs, i, 0))).boxed()
                }
            })
            .collect();
        let n_crit = 1..5usize;
        (Just(qs.clone()), asks, n_crit).prop_flat_map(|(qs, asks, n)| {
            let crits: Vec<BoxedStrategy<(u8, Cond)>> = (0..n)
                .map(|c| {
                    let plain = cond(leaves(&qs, qs.len(), c));
                    let items = proptest::strategy::Union::new(leaves(&qs, qs.len(), 0));
                    let skipped = prop::collection::vec(items, 1..6).prop_flat_map(|v| {
                        let len = u32::try_from(v.len()).expect("small");
                        (1..=len).prop_map(move |n| Cond::AtLeastSkipped(n, v.clone()))
                    });
                    (0u8..3, prop_oneof![3 => plain, 1 => skipped]).boxed()
                })
                .collect();
            let questions: Vec<(QSpec, Option<Cond>)> = qs.into_iter().zip(asks).collect();
            crits.prop_map(move |criteria| Spec {
                questions: questions.clone(),
                criteria,
            })
        })
    })
}

// ---- Rendering the spec as YAML --------------------------------------

fn yaml_cond(c: &Cond) -> String {
    let list = |v: &[Cond]| v.iter().map(yaml_cond).collect::<Vec<_>>().join(", ");
    match c {
        Cond::All(v) => format!("{{all: [{}]}}", list(v)),
        Cond::Any(v) => format!("{{any: [{}]}}", list(v)),
        Cond::Not(c) => format!("{{not: {}}}", yaml_cond(c)),
        Cond::AtLeast(n, v) => format!("{{at_least: {{n: {n}, of: [{}]}}}}", list(v)),
        Cond::AtLeastSkipped(n, v) => {
            format!(
                "{{at_least: {{n: {n}, skipped: not_met, of: [{}]}}}}",
                list(v)
            )
        }
        Cond::Yes(q) => format!("{{yes: q{q}}}"),
        Cond::No(q) => format!("{{no: q{q}}}"),
        Cond::Known(q) => format!("{{known: q{q}}}"),
        Cond::Equals(q, o) => format!("{{equals: {{question: q{q}, option: o{o}}}}}"),
        Cond::Includes(q, o) => format!("{{includes: {{question: q{q}, option: o{o}}}}}"),
        Cond::Compare(q, op, v) => {
            format!("{{compare: {{question: q{q}, op: \"{op}\", value: {v}}}}}")
        }
        Cond::Count(q, op, v) => format!("{{count: {{question: q{q}, op: \"{op}\", value: {v}}}}}"),
        Cond::Criterion(c) => format!("{{criterion: c{c}}}"),
    }
}

fn yaml(spec: &Spec) -> String {
    let mut y = String::from(
        "id: prop\ntitle: Property\nversion: \"1\"\nreview: {status: draft, date: 2026-01-01}\ndisclaimer: d\nsources: [{id: s, citation: c}]\nsections:\n  - id: a\n    title: A\n    questions:\n",
    );
    for (i, (q, ask)) in spec.questions.iter().enumerate() {
        let kind = match q {
            QSpec::YesNo => "type: yes_no".to_string(),
            QSpec::Single(k) | QSpec::Multi(k) => {
                let ty = if matches!(q, QSpec::Single(_)) {
                    "single_choice"
                } else {
                    "multiple_choice"
                };
                let opts: Vec<String> = (0..*k)
                    .map(|o| format!("{{id: o{o}, label: O{o}}}"))
                    .collect();
                format!("type: {ty}, options: [{}]", opts.join(", "))
            }
            QSpec::Number(lo, hi) => format!("type: number, min: {lo}, max: {hi}"),
        };
        let ask = ask
            .as_ref()
            .map(|c| format!(", ask_when: {}", yaml_cond(c)))
            .unwrap_or_default();
        y.push_str(&format!("      - {{id: q{i}, text: Q{i}?, {kind}{ask}}}\n"));
    }
    y.push_str("criteria:\n");
    for (i, (kind, c)) in spec.criteria.iter().enumerate() {
        let kind = ["red_flag", "exclusion", "indication"][*kind as usize];
        y.push_str(&format!(
            "  - {{id: c{i}, kind: {kind}, label: C{i}, sources: [s], condition: {}}}\n",
            yaml_cond(c)
        ));
    }
    y
}

// ---- The reference evaluator ----------------------------------------

fn tri_of(answer: Answer, test: impl Fn(Answer) -> Option<bool>) -> Tri {
    test(answer).map_or(Tri::Unknown, Tri::from_bool)
}

fn cmp(op: &str, a: f64, b: f64) -> bool {
    match op {
        ">=" => a >= b,
        ">" => a > b,
        "<=" => a <= b,
        "<" => a < b,
        "==" => a == b,
        _ => a != b,
    }
}

/// Kleene logic written out longhand, independently of the engine.
fn reference(c: &Cond, ans: &[Answer], holds: &[Tri], asks: &[Option<Cond>]) -> Tri {
    match c {
        Cond::All(v) => {
            let vals: Vec<Tri> = v.iter().map(|c| reference(c, ans, holds, asks)).collect();
            if vals.contains(&Tri::False) {
                Tri::False
            } else if vals.contains(&Tri::Unknown) {
                Tri::Unknown
            } else {
                Tri::True
            }
        }
        Cond::Any(v) => {
            let vals: Vec<Tri> = v.iter().map(|c| reference(c, ans, holds, asks)).collect();
            if vals.contains(&Tri::True) {
                Tri::True
            } else if vals.contains(&Tri::Unknown) {
                Tri::Unknown
            } else {
                Tri::False
            }
        }
        Cond::Not(c) => match reference(c, ans, holds, asks) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        },
        Cond::AtLeast(n, v) | Cond::AtLeastSkipped(n, v) => {
            let skips = matches!(c, Cond::AtLeastSkipped(..));
            let vals: Vec<Tri> = v
                .iter()
                .map(|item| {
                    // A skipped item's question: its skip logic, by the
                    // reference, is decided false.
                    let skipped = skips
                        && question_of(item).is_some_and(|q| {
                            asks[q]
                                .as_ref()
                                .is_some_and(|a| reference(a, ans, &[], asks) == Tri::False)
                        });
                    if skipped {
                        Tri::False
                    } else {
                        reference(item, ans, holds, asks)
                    }
                })
                .collect();
            let t = u32::try_from(vals.iter().filter(|x| **x == Tri::True).count()).expect("small");
            let u =
                u32::try_from(vals.iter().filter(|x| **x == Tri::Unknown).count()).expect("small");
            if t >= *n {
                Tri::True
            } else if t + u < *n {
                Tri::False
            } else {
                Tri::Unknown
            }
        }
        Cond::Yes(q) => tri_of(ans[*q], |a| match a {
            Answer::Yes => Some(true),
            Answer::No => Some(false),
            _ => None,
        }),
        Cond::No(q) => tri_of(ans[*q], |a| match a {
            Answer::No => Some(true),
            Answer::Yes => Some(false),
            _ => None,
        }),
        Cond::Known(q) => Tri::from_bool(!matches!(ans[*q], Answer::Unanswered | Answer::Unknown)),
        Cond::Equals(q, o) => tri_of(ans[*q], |a| {
            if let Answer::Choice(c) = a {
                Some(c == *o)
            } else {
                None
            }
        }),
        Cond::Includes(q, o) => tri_of(ans[*q], |a| {
            if let Answer::Multi(b) = a {
                Some(b & (1 << o) != 0)
            } else {
                None
            }
        }),
        Cond::Compare(q, op, v) => tri_of(ans[*q], |a| {
            if let Answer::Number(x) = a {
                Some(cmp(op, x, f64::from(*v)))
            } else {
                None
            }
        }),
        Cond::Count(q, op, v) => tri_of(ans[*q], |a| {
            if let Answer::Multi(b) = a {
                Some(cmp(op, f64::from(b.count_ones()), f64::from(*v)))
            } else {
                None
            }
        }),
        Cond::Criterion(c) => holds[*c],
    }
}

/// The question a single-question test reads.
const fn question_of(c: &Cond) -> Option<usize> {
    match c {
        Cond::Yes(q)
        | Cond::No(q)
        | Cond::Known(q)
        | Cond::Equals(q, _)
        | Cond::Includes(q, _)
        | Cond::Compare(q, ..)
        | Cond::Count(q, ..) => Some(*q),
        _ => None,
    }
}

fn answer_for(q: &QSpec) -> BoxedStrategy<Answer> {
    let common = prop_oneof![Just(Answer::Unanswered), Just(Answer::Unknown)];
    let typed: BoxedStrategy<Answer> = match q.clone() {
        QSpec::YesNo => prop_oneof![Just(Answer::Yes), Just(Answer::No)].boxed(),
        QSpec::Single(k) => (0..k).prop_map(Answer::Choice).boxed(),
        QSpec::Multi(k) => (0..(1u64 << k)).prop_map(Answer::Multi).boxed(),
        QSpec::Number(lo, hi) => (lo..=hi).prop_map(|v| Answer::Number(f64::from(v))).boxed(),
    };
    prop_oneof![1 => common, 4 => typed].boxed()
}

fn spec_and_answers() -> impl Strategy<Value = (Spec, Vec<Answer>)> {
    spec().prop_flat_map(|s| {
        let answers: Vec<BoxedStrategy<Answer>> =
            s.questions.iter().map(|(q, _)| answer_for(q)).collect();
        (Just(s), answers)
    })
}

fn compile(spec: &Spec) -> RuleSet {
    let text = yaml(spec);
    match sij_screen::compile_rules("prop.yaml", &text) {
        Ok(rules) => rules,
        Err(d) => panic!("generated rule set does not validate:\n{d}\n{text}"),
    }
}

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
            holds.push(reference(c, &effective, &holds, &asks));
        }
        prop_assert_eq!(&ev.holds, &holds);
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
        if !rs.outcome_is_final(&ev.holds) {
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
        if !rs.cannot_be_met(&ev.holds) {
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
