//! Vignettes: teaching cases that test a rule set, as CQL's testing framework
//! tests measures. Each case gives answers and what the rule set must make of
//! them; `sij-screen test` runs every case and reports coverage: which
//! criteria no case makes true, false or unknown.
//!
//! ```yaml
//! rule_set: nass-2015
//! cases:
//!   - id: meets-all
//!     description: Every criterion met, at the borderline values.
//!     answers: { saddle_anaesthesia: no, block_count: 2, ... }
//!     expect:
//!       outcome: met
//!       criteria: { diagnostic_blocks: true, provocation_cluster: true }
//!   - id: second-block-74
//!     extends: meets-all                 # start from another case's answers
//!     answers: { second_block_relief_percent: 74 }   # `~` removes an answer
//!     expect: { outcome: not_met, criteria: { diagnostic_blocks: false } }
//! ```
//!
//! `criteria` values are `true`, `false` or `~` (null: unknown); criteria not
//! listed are not checked.

use crate::diagnostics::{Diagnostic, FileId, Span, suggest};
use crate::engine::{Answer, Outcome, RawValue, RuleSet, Tri, parse_value};
use crate::files::vignettes::VignetteDoc;

/// One checked difference between what a case expects and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub description: String,
    pub expected: Outcome,
    pub actual: Outcome,
    pub mismatches: Vec<Mismatch>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// The result of a vignette file.
#[derive(Debug, Clone)]
pub struct Report {
    pub cases: Vec<CaseResult>,
    /// Criteria (id) and the values no case gave them.
    pub coverage_gaps: Vec<(String, Vec<Tri>)>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// A bound case: answers resolved through `extends`, expectations checked.
struct Bound {
    answers: Vec<Answer>,
    expect_outcome: Outcome,
    expect_criteria: Vec<(usize, Tri)>,
}

/// Runs every case of `doc` against `rs`. Problems in the file itself (an
/// unknown question, a bad value, an `extends` cycle) are errors, all listed.
pub fn run(rs: &RuleSet, doc: &VignetteDoc) -> Result<Report, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if doc.rule_set.value != rs.meta.id {
        errors.push(Diagnostic::error(
            Span::of(FileId::MAIN, &doc.rule_set),
            format!(
                "these vignettes are for rule set '{}', not '{}'",
                doc.rule_set.value, rs.meta.id
            ),
        ));
        return Err(errors);
    }
    let ids: Vec<&str> = doc.cases.iter().map(|c| c.id.value.as_str()).collect();
    for (i, c) in doc.cases.iter().enumerate() {
        if ids[..i].contains(&c.id.value.as_str()) {
            errors.push(Diagnostic::error(
                Span::of(FileId::MAIN, &c.id),
                format!("duplicate case id '{}'", c.id.value),
            ));
        }
    }
    let mut bound: Vec<Option<Bound>> = Vec::with_capacity(doc.cases.len());
    for i in 0..doc.cases.len() {
        bound.push(bind_case(rs, doc, i, &ids, &mut errors));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut seen = vec![[false; 3]; rs.criteria.len()];
    let mut cases = Vec::new();
    for (c, b) in doc.cases.iter().zip(bound.into_iter().flatten()) {
        let ev = rs.evaluate(&b.answers);
        for (ci, h) in ev.holds.iter().enumerate() {
            seen[ci][*h as usize] = true;
        }
        let mut mismatches = Vec::new();
        if ev.outcome != b.expect_outcome {
            mismatches.push(Mismatch {
                what: "outcome".into(),
                expected: b.expect_outcome.as_str().into(),
                actual: ev.outcome.as_str().into(),
            });
        }
        for (ci, want) in b.expect_criteria {
            if ev.holds[ci] != want {
                mismatches.push(Mismatch {
                    what: rs.criteria[ci].id.clone(),
                    expected: want.as_str().into(),
                    actual: ev.holds[ci].as_str().into(),
                });
            }
        }
        cases.push(CaseResult {
            id: c.id.value.clone(),
            description: c.description.clone(),
            expected: b.expect_outcome,
            actual: ev.outcome,
            mismatches,
        });
    }
    let coverage_gaps = rs
        .criteria
        .iter()
        .zip(&seen)
        .filter_map(|(c, s)| {
            let missing: Vec<Tri> = [Tri::True, Tri::False, Tri::Unknown]
                .into_iter()
                .filter(|t| !s[*t as usize])
                .collect();
            (!missing.is_empty()).then(|| (c.id.clone(), missing))
        })
        .collect();
    Ok(Report {
        cases,
        coverage_gaps,
    })
}

/// Resolves case `i`'s answers (following `extends`) and expectations.
fn bind_case(
    rs: &RuleSet,
    doc: &VignetteDoc,
    i: usize,
    ids: &[&str],
    errors: &mut Vec<Diagnostic>,
) -> Option<Bound> {
    // The chain of cases from the root ancestor down to `i`.
    let mut chain = vec![i];
    let mut cur = i;
    while let Some(parent) = &doc.cases[cur].extends {
        let Some(p) = ids.iter().position(|id| *id == parent.value) else {
            errors.push(Diagnostic::error(
                Span::of(FileId::MAIN, parent),
                format!("no case '{}' to extend", parent.value),
            ));
            return None;
        };
        if chain.contains(&p) {
            errors.push(Diagnostic::error(
                Span::of(FileId::MAIN, parent),
                format!("case '{}' extends itself in a cycle", ids[i]),
            ));
            return None;
        }
        chain.push(p);
        cur = p;
    }
    let mut answers = vec![Answer::Unanswered; rs.questions.len()];
    let mut ok = true;
    for &ci in chain.iter().rev() {
        for (key, value) in &doc.cases[ci].answers.0 {
            let Some(qi) = rs.question_idx(&key.value) else {
                // Report each bad key once, at the case that wrote it.
                if ci == i {
                    let help =
                        suggest::help(&key.value, rs.questions.iter().map(|q| q.id.as_str()));
                    errors.push(
                        Diagnostic::error(
                            Span::of(FileId::MAIN, key),
                            format!("no question '{}'", key.value),
                        )
                        .with_help(help),
                    );
                }
                ok = false;
                continue;
            };
            match parse_value(&rs.questions[qi], &value.value) {
                Ok(a) => answers[qi] = a,
                Err(msg) => {
                    if ci == i {
                        errors.push(Diagnostic::error(
                            Span::of(FileId::MAIN, value),
                            format!("{}: {msg}", key.value),
                        ));
                    }
                    ok = false;
                }
            }
        }
    }
    let case = &doc.cases[i];
    let mut expect_criteria = Vec::new();
    for (key, value) in &case.expect.criteria.0 {
        let Some(ci) = rs.criterion_idx(&key.value) else {
            let help = suggest::help(&key.value, rs.criteria.iter().map(|c| c.id.as_str()));
            errors.push(
                Diagnostic::error(
                    Span::of(FileId::MAIN, key),
                    format!("no criterion '{}'", key.value),
                )
                .with_help(help),
            );
            ok = false;
            continue;
        };
        let want = match value.value {
            RawValue::Bool(b) => Tri::from_bool(b),
            RawValue::Null => Tri::Unknown,
            _ => {
                errors.push(Diagnostic::error(
                    Span::of(FileId::MAIN, value),
                    "expected true, false or ~ (unknown)",
                ));
                ok = false;
                continue;
            }
        };
        expect_criteria.push((ci, want));
    }
    ok.then_some(Bound {
        answers,
        expect_outcome: case.expect.outcome.value,
        expect_criteria,
    })
}

#[cfg(test)]
mod tests {
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
        run(&rs, &doc)
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
            let report = run(&rules, &doc).unwrap_or_else(|d| panic!("{d:?}"));
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
}
