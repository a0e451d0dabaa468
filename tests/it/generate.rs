//! Random rule sets and cases, for the property tests and the differential
//! harness: a plain spec of questions and criteria (every construct of the
//! condition language), its YAML, and a reference evaluator written out
//! longhand, independently of the engine.

use proptest::prelude::*;
use sij_screen::engine::{Answer, RuleSet, Tri};

// ---- A random rule set, as a plain spec -------------------------------

#[derive(Debug, Clone)]
pub(crate) enum QSpec {
    YesNo,
    Single(u16),
    Multi(u16),
    Number(i32, i32),
}

#[derive(Debug, Clone)]
pub(crate) enum Cond {
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
pub(crate) struct Spec {
    pub(crate) questions: Vec<(QSpec, Option<Cond>)>,
    pub(crate) criteria: Vec<(u8, Cond)>,
}

pub(crate) const OPS: [&str; 6] = [">=", ">", "<=", "<", "==", "!="];

pub(crate) fn qspec() -> impl Strategy<Value = QSpec> {
    prop_oneof![
        Just(QSpec::YesNo),
        (2u16..5).prop_map(QSpec::Single),
        (2u16..5).prop_map(QSpec::Multi),
        (-5i32..5, 0i32..20).prop_map(|(lo, span)| QSpec::Number(lo, lo + span)),
    ]
}

/// Leaves that fit questions `0..n`, and criterion references below `crit`.
pub(crate) fn leaves(qs: &[QSpec], n: usize, crit: usize) -> Vec<BoxedStrategy<Cond>> {
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

pub(crate) fn cond(leaves: Vec<BoxedStrategy<Cond>>) -> BoxedStrategy<Cond> {
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

pub(crate) fn spec() -> impl Strategy<Value = Spec> {
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

pub(crate) fn yaml_cond(c: &Cond) -> String {
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

pub(crate) fn yaml(spec: &Spec) -> String {
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

pub(crate) fn tri_of(answer: Answer, test: impl Fn(Answer) -> Option<bool>) -> Tri {
    test(answer).map_or(Tri::Unknown, Tri::from_bool)
}

pub(crate) fn cmp(op: &str, a: f64, b: f64) -> bool {
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
pub(crate) fn reference(c: &Cond, ans: &[Answer], holds: &[Tri], asks: &[Option<Cond>]) -> Tri {
    reference_with(c, ans, holds, asks, &[])
}

/// [`reference`], with the answers as recorded before skip logic (`given`,
/// or none): an `at_least` with `skipped: not_met` item whose skip rule is
/// undecided is false when its recorded answer fails it (false whether the
/// question is asked or not), else unknown.
pub(crate) fn reference_with(
    c: &Cond,
    ans: &[Answer],
    holds: &[Tri],
    asks: &[Option<Cond>],
    given: &[Answer],
) -> Tri {
    let reference = |c: &Cond, ans: &[Answer], holds: &[Tri], asks: &[Option<Cond>]| {
        reference_with(c, ans, holds, asks, given)
    };
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
                    // The item's question's skip rule, by the reference.
                    let gate = question_of(item)
                        .filter(|_| skips)
                        .and_then(|q| Some((q, asks[q].as_ref()?)))
                        .map(|(q, a)| (q, reference(a, ans, &[], asks)));
                    match gate {
                        Some((_, Tri::False)) => Tri::False,
                        Some((q, Tri::Unknown))
                            if ans[q] == Answer::Unanswered
                                && given.get(q).is_some_and(|a| *a != Answer::Unanswered) =>
                        {
                            // Both worlds: asked (the recorded answer's
                            // value) and not asked (false).
                            let mut world = ans.to_vec();
                            world[q] = given[q];
                            if reference(item, &world, holds, asks) == Tri::False {
                                Tri::False
                            } else {
                                Tri::Unknown
                            }
                        }
                        _ => reference(item, ans, holds, asks),
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
pub(crate) const fn question_of(c: &Cond) -> Option<usize> {
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

pub(crate) fn answer_for(q: &QSpec) -> BoxedStrategy<Answer> {
    let common = prop_oneof![Just(Answer::Unanswered), Just(Answer::Unknown)];
    let typed: BoxedStrategy<Answer> = match q.clone() {
        QSpec::YesNo => prop_oneof![Just(Answer::Yes), Just(Answer::No)].boxed(),
        QSpec::Single(k) => (0..k).prop_map(Answer::Choice).boxed(),
        QSpec::Multi(k) => (0..(1u64 << k)).prop_map(Answer::Multi).boxed(),
        QSpec::Number(lo, hi) => (lo..=hi).prop_map(|v| Answer::Number(f64::from(v))).boxed(),
    };
    prop_oneof![1 => common, 4 => typed].boxed()
}

pub(crate) fn spec_and_answers() -> impl Strategy<Value = (Spec, Vec<Answer>)> {
    spec().prop_flat_map(|s| {
        let answers: Vec<BoxedStrategy<Answer>> =
            s.questions.iter().map(|(q, _)| answer_for(q)).collect();
        (Just(s), answers)
    })
}

pub(crate) fn compile(spec: &Spec) -> RuleSet {
    let text = yaml(spec);
    match sij_screen::compile_rules("prop.yaml", &text) {
        Ok(rules) => rules,
        Err(d) => panic!("generated rule set does not validate:\n{d}\n{text}"),
    }
}

/// The criteria and the outcome by the reference: skip logic in question
/// order (an answer behind a skip rule that is not true is dropped), each
/// criterion in order, and the outcome by precedence (red flag, exclusion,
/// unmet indication, unknown, met).
pub(crate) fn reference_screening(spec: &Spec, given: &[Answer]) -> (Vec<Tri>, &'static str) {
    let asks: Vec<Option<Cond>> = spec.questions.iter().map(|(_, a)| a.clone()).collect();
    let mut effective = given.to_vec();
    for (i, ask) in asks.iter().enumerate() {
        if ask
            .as_ref()
            .is_some_and(|c| reference(c, &effective, &[], &asks) != Tri::True)
        {
            effective[i] = Answer::Unanswered;
        }
    }
    let mut holds = Vec::new();
    for (_, c) in &spec.criteria {
        holds.push(reference_with(c, &effective, &holds, &asks, given));
    }
    let has = |kind: u8, v: Tri| {
        spec.criteria
            .iter()
            .zip(&holds)
            .any(|((k, _), h)| *k == kind && *h == v)
    };
    let outcome = if has(0, Tri::True) {
        "red_flag"
    } else if has(1, Tri::True) {
        "excluded"
    } else if has(2, Tri::False) {
        "not_met"
    } else if holds.contains(&Tri::Unknown) {
        "incomplete"
    } else {
        "met"
    };
    (holds, outcome)
}

/// A rule set past the compiled evaluator's limits (a stack of 32 values,
/// 4,096 operations), so its fallback to recursion runs: one criterion
/// nested `depth` deep through every combinator, one `at_least` of `width`
/// items, and a skip rule behind a negation.
pub(crate) fn deep_spec(depth: usize, width: usize) -> Spec {
    let questions = vec![
        (QSpec::YesNo, None),
        (QSpec::Number(0, 10), None),
        (QSpec::Single(3), Some(Cond::Not(Box::new(Cond::Yes(0))))),
        (QSpec::Multi(3), None),
        (
            QSpec::YesNo,
            Some(Cond::Any(vec![Cond::No(0), Cond::Equals(2, 1)])),
        ),
    ];
    let mut deep = Cond::Compare(1, ">=", 5);
    for level in 0..depth {
        deep = match level % 5 {
            // The deep part last: each level needs two more stack slots.
            0 => Cond::All(vec![Cond::Known(1), Cond::Yes(4), deep]),
            1 => Cond::Any(vec![Cond::Includes(3, 0), Cond::No(0), deep]),
            2 => Cond::Not(Box::new(deep)),
            3 => Cond::AtLeast(2, vec![Cond::Equals(2, 2), Cond::Known(4), deep]),
            _ => Cond::Any(vec![Cond::Count(3, ">", 2), Cond::Yes(0), deep]),
        };
    }
    let leaves = [
        Cond::Yes(4),
        Cond::Compare(1, "<", 3),
        Cond::Equals(2, 0),
        Cond::Includes(3, 1),
    ];
    let wide = Cond::AtLeast(
        u32::try_from(width / 3).expect("small"),
        (0..width)
            .map(|i| leaves[i % leaves.len()].clone())
            .collect(),
    );
    Spec {
        questions,
        criteria: vec![
            (0, Cond::All(vec![Cond::Yes(0), Cond::Compare(1, "==", 10)])),
            (2, deep),
            (2, wide),
            (
                2,
                Cond::AtLeastSkipped(1, vec![Cond::Yes(4), Cond::Compare(1, "!=", 4)]),
            ),
            (1, Cond::Criterion(1)),
        ],
    }
}
