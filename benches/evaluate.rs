//! Evaluation speed of a compiled rule set (goal: at least 2 million cases a
//! second on one core for the default rule set).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sij_screen::engine::{Answer, RuleSet, Tri, parse_text};

fn cases(rs: &RuleSet) -> Vec<Vec<Answer>> {
    // A spread of realistic cases: the examples, varied.
    let text = include_str!("../examples/cases/met.yaml");
    let mut base = vec![Answer::Unanswered; rs.questions.len()];
    for line in text.lines().filter_map(|l| l.strip_prefix("  ")) {
        if let Some((k, v)) = line.split_once(':')
            && let Some(qi) = rs.question_idx(k.trim())
        {
            base[qi] = parse_text(&rs.questions[qi], v).unwrap_or(Answer::Unknown);
        }
    }
    (0..64)
        .map(|i| {
            let mut c = base.clone();
            for (qi, a) in c.iter_mut().enumerate() {
                if (i * 7 + qi * 3) % 11 == 0 {
                    *a = Answer::Unknown;
                }
            }
            c
        })
        .collect()
}

fn evaluate(c: &mut Criterion) {
    let rs = sij_screen::load_rules(sij_screen::DEFAULT_RULES).expect("bundled");
    let cases = cases(&rs);
    let mut answers = vec![Answer::Unanswered; rs.questions.len()];
    let mut holds = vec![Tri::Unknown; rs.criteria.len()];
    let mut not_asked = Vec::new();
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("nass-2015 (64 cases)", |b| {
        b.iter(|| {
            for case in &cases {
                answers.copy_from_slice(case);
                black_box(rs.evaluate_criteria_into(&mut answers, &mut holds, &mut not_asked));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
