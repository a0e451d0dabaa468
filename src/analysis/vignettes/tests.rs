//! Vignettes run against the bundled rule sets and hand-made cases.

use super::*;
use crate::compile::catalog;
use crate::files::vignettes::VignetteDoc;

const RULES: &str = r#"
id: t
title: T
version: "1"
review: { status: draft, date: 2026-01-01 }
disclaimer: d
sources: [{ id: s, citation: c }]
sections:
  - id: a
    title: A
    questions:
      - { id: x, text: X?, type: yes_no }
      - { id: n, text: N?, type: number, min: 0, max: 10 }
criteria:
  - { id: cx, kind: indication, label: X, condition: { yes: x }, sources: [s] }
  - { id: cn, kind: indication, label: N, condition: { compare: { question: n, op: ">=", value: 5 } }, sources: [s] }
"#;

fn report(vignettes: &str) -> Result<Report, Vec<Diagnostic>> {
    let rs = catalog::compile_text("t", RULES).expect("rules").rules;
    let doc: VignetteDoc = crate::files::yaml::parse(vignettes, FileId::MAIN).expect("parses");
    run(&rs, &doc, vignettes)
}

/// Every criterion and skip rule of every bundled rule set, on every
/// vignette and on each of them with one answer left out in turn,
/// gives by its compiled program what recursion gives.
#[test]
fn programs_evaluate_as_recursion_on_every_bundled_vignette() {
    for b in catalog::BUNDLED {
        let rs = catalog::load(b.id).expect("bundled").rules;
        let path = format!(
            "{}/rules/{}.vignettes.yaml",
            env!("CARGO_MANIFEST_DIR"),
            b.id
        );
        let text = std::fs::read_to_string(path).expect("vignettes");
        let doc: VignetteDoc = crate::files::yaml::parse(&text, FileId::MAIN).expect("parses");
        let cases = case_answers(&rs, &doc, &text).expect("cases");
        let mut checked = 0;
        for (_, answers) in cases {
            for drop in std::iter::once(None).chain((0..answers.len()).map(Some)) {
                let mut a = answers.clone();
                if let Some(d) = drop {
                    a[d] = Answer::Unanswered;
                }
                for (qi, q) in rs.questions.iter().enumerate() {
                    if let Some(root) = q.ask_when {
                        assert_eq!(rs.eval_ask(qi, root, &a), rs.eval(root, &a, &[]));
                    }
                }
                let ev = rs.evaluate(&a);
                // Batch's evaluation, without the asked bookkeeping,
                // gives the same criteria and outcome.
                let mut batch = a.clone();
                batch.resize(rs.questions.len(), Answer::Unanswered);
                let mut holds = vec![Tri::Unknown; rs.criteria.len()];
                let outcome = rs.evaluate_criteria_into(&mut batch, &mut holds, &mut Vec::new());
                assert_eq!((outcome, &holds), (ev.outcome, &ev.holds), "{}", b.id);
                for (ci, c) in rs.criteria.iter().enumerate() {
                    assert_eq!(
                        rs.eval_criterion(ci, &ev.answers, &ev.holds),
                        rs.eval(c.root, &ev.answers, &ev.holds),
                        "{}: {}",
                        b.id,
                        c.id
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{}: {checked}", b.id);
    }
}

#[test]
fn passing_and_failing_cases_with_extends() {
    let r = report(
            r#"
rule_set: t
cases:
  - { id: base, answers: { x: yes, n: 5 }, expect: { outcome: met, criteria: { cn: true } } }
  - { id: low, extends: base, answers: { n: 4 }, expect: { outcome: not_met, criteria: { cn: false, cx: true } } }
  - { id: wrong, extends: low, answers: { n: ~ }, expect: { outcome: met, criteria: { cn: false } } }
"#,
        )
        .expect("runs");
    assert_eq!((r.passed(), r.failed()), (2, 1));
    let wrong = &r.cases[2];
    assert_eq!(wrong.actual, Outcome::Incomplete);
    assert_eq!(
        wrong.mismatches,
        vec![
            Mismatch {
                what: "outcome".into(),
                expected: "met".into(),
                actual: "incomplete".into()
            },
            Mismatch {
                what: "cn".into(),
                expected: "false".into(),
                actual: "unknown".into()
            },
        ]
    );
    // cx is never false or unknown; cn is covered.
    assert_eq!(
        r.coverage_gaps,
        vec![("cx".to_string(), vec![Tri::False, Tri::Unknown])]
    );
}

#[test]
fn file_problems_are_all_listed() {
    let errs = report(
        r#"
rule_set: t
cases:
  - { id: a, answers: { y: yes, n: 50 }, expect: { outcome: met, criteria: { cz: true } } }
  - { id: b, extends: nowhere, expect: { outcome: met } }
  - { id: c, extends: c, expect: { outcome: met } }
"#,
    )
    .expect_err("bad file");
    let msgs: Vec<String> = errs
        .iter()
        .map(|d| match &d.help {
            Some(h) => format!("{} ({h})", d.message),
            None => d.message.clone(),
        })
        .collect();
    assert_eq!(
        msgs,
        [
            "no question 'y'",
            "n: 50 is outside the range 0 to 10",
            "no criterion 'cz' (did you mean 'cx'?)",
            "no case 'nowhere' to extend",
            "case 'c' extends itself in a cycle",
        ]
    );
}

/// Every bundled rule set is tested by its own vignettes: at least 12,
/// all passing, every criterion made true, false and unknown.
#[test]
fn bundled_vignettes_pass_with_complete_coverage() {
    for b in catalog::BUNDLED {
        let rules = catalog::compile_text(b.id, b.text)
            .unwrap_or_else(|d| panic!("{d:?}"))
            .rules;
        let (_, text) = catalog::VIGNETTES
            .iter()
            .find(|(id, _)| *id == b.id)
            .expect("vignettes bundled");
        let doc: crate::files::vignettes::VignetteDoc =
            crate::files::yaml::parse(text, FileId::MAIN)
                .unwrap_or_else(|d| panic!("{}", d.message));
        let report = run(&rules, &doc, text).unwrap_or_else(|d| panic!("{d:?}"));
        assert!(
            report.cases.len() >= 12,
            "{}: {} vignettes",
            b.id,
            report.cases.len()
        );
        for c in &report.cases {
            assert!(c.passed(), "{} / {}: {:?}", b.id, c.id, c.mismatches);
        }
        assert!(
            report.coverage_gaps.is_empty(),
            "{}: {:?}",
            b.id,
            report.coverage_gaps
        );
    }
}
