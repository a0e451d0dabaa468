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

use std::collections::HashMap;

use crate::diagnostics::{At, Diagnostic, FileId, Span, suggest};
use crate::engine::{Answer, Outcome, RawValue, RuleSet, Tri};
use crate::files::answers::check_value;
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
    /// Answers to questions the rule set has retired: kept, not used, and
    /// said (as answers files are treated), so an old teaching case still
    /// runs when a profile retires a question.
    pub notes: Vec<String>,
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
pub fn run(rs: &RuleSet, doc: &VignetteDoc, text: &str) -> Result<Report, Vec<Diagnostic>> {
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
    check_case_ids(doc, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut first: HashMap<&str, Span> = HashMap::new();
    for c in &doc.cases {
        let span = Span::of(FileId::MAIN, &c.id);
        if let Some(earlier) = first.insert(c.id.value.as_str(), span) {
            first.insert(c.id.value.as_str(), earlier);
            errors.push(
                Diagnostic::error(span, format!("duplicate case id '{}'", c.id.value))
                    .with_related(earlier, "first defined here"),
            );
        }
    }
    let answers = resolve_answers(rs, doc, text, &mut errors);
    let bound: Vec<Option<Bound>> = answers
        .into_iter()
        .enumerate()
        .map(|(i, a)| bind_expectations(rs, doc, i, a, &mut errors))
        .collect();
    if !errors.is_empty() {
        errors.sort_by_key(|d| d.span);
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
    let notes = doc
        .cases
        .iter()
        .flat_map(|c| {
            crate::files::answers::retired(rs, &c.answers)
                .map(move |said| format!("case {}: {said}", c.id.value))
        })
        .collect();
    Ok(Report {
        cases,
        coverage_gaps,
        notes,
    })
}

/// Every case id must be an id (at most 64 letters, digits, `_`, `-` or
/// `.`), as the schema says: it is shown in tables, and a table cell of a
/// megabyte took comfy-table quadratic time to wrap (27 s for 1 MB).
fn check_case_ids(doc: &VignetteDoc, errors: &mut Vec<Diagnostic>) {
    for c in &doc.cases {
        if !crate::compile::valid_id(&c.id.value) {
            let shown: String = c.id.value.chars().take(40).collect();
            errors.push(Diagnostic::error(
                Span::of(FileId::MAIN, &c.id),
                format!(
                    "case id '{}{}' is not valid: use letters, digits, '_', '-' or '.', starting with a letter or digit (at most 64)",
                    shown.escape_debug(),
                    if shown.len() < c.id.value.len() { "..." } else { "" }
                ),
            ));
        }
    }
}

/// Every case's id and resolved answers (through `extends`), for screening
/// the cases against other rule sets (`compare --vignettes`).
pub fn case_answers(
    rs: &RuleSet,
    doc: &VignetteDoc,
    text: &str,
) -> Result<Vec<(String, Vec<Answer>)>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    check_case_ids(doc, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let answers = resolve_answers(rs, doc, text, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|d| d.span);
        return Err(errors);
    }
    Ok(doc
        .cases
        .iter()
        .zip(answers)
        .filter_map(|(c, a)| a.map(|a| (c.id.value.clone(), a)))
        .collect())
}

/// Answers written for `from`, re-read for `to` by question id (as
/// `compare --answers` does): a question `to` does not ask is left out; an
/// answer that does not fit `to`'s question stays unanswered.
pub fn carry_answers(from: &RuleSet, answers: &[Answer], to: &RuleSet) -> Vec<Answer> {
    let mut out = vec![Answer::Unanswered; to.questions.len()];
    for (q, a) in from.questions.iter().zip(answers) {
        let (Some(ti), Some(text)) = (to.question_idx(&q.id), a.to_yaml(q)) else {
            continue;
        };
        // `[a, b]` and `[]` read back as written.
        if let Ok(v) = crate::engine::parse_text(&to.questions[ti], &text) {
            out[ti] = v;
        }
    }
    out
}

/// Where a case stands while its `extends` chain is resolved.
#[derive(Clone)]
enum Resolution {
    Unvisited,
    /// On the chain being resolved now: meeting it again is a cycle.
    Visiting,
    /// Resolved: the answers, or `None` when the case or an ancestor is
    /// broken (already reported).
    Done(Option<Vec<Answer>>),
}

/// Every case's answers, following `extends`. Each case's own answers are
/// checked once (problems are reported at the case that wrote them) and
/// each resolved case is remembered, so long chains cost time in proportion
/// to their length, not its cube.
fn resolve_answers(
    rs: &RuleSet,
    doc: &VignetteDoc,
    text: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Option<Vec<Answer>>> {
    let index: HashMap<&str, usize> = doc
        .cases
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c.id.value.as_str(), i))
        .collect();
    let mut state = vec![Resolution::Unvisited; doc.cases.len()];
    for start in 0..doc.cases.len() {
        // Walk up to the first resolved ancestor (or the root), then back down.
        let mut path = Vec::new();
        let mut cur = start;
        let mut base: Option<Option<Vec<Answer>>> = None;
        loop {
            match &state[cur] {
                Resolution::Done(a) => {
                    base = Some(a.clone());
                    break;
                }
                Resolution::Visiting => {
                    // `cur` is on this path: a cycle. Everything on it is broken.
                    let at = path.last().copied().unwrap_or(cur);
                    if let Some(parent) = &doc.cases[at].extends {
                        errors.push(Diagnostic::error(
                            Span::of(FileId::MAIN, parent),
                            format!(
                                "case '{}' extends itself in a cycle",
                                doc.cases[at].id.value
                            ),
                        ));
                    }
                    base = Some(None);
                    break;
                }
                Resolution::Unvisited => {}
            }
            state[cur] = Resolution::Visiting;
            path.push(cur);
            let Some(parent) = &doc.cases[cur].extends else {
                break;
            };
            match index.get(parent.value.as_str()) {
                Some(&p) => cur = p,
                None => {
                    errors.push(Diagnostic::error(
                        Span::of(FileId::MAIN, parent),
                        format!("no case '{}' to extend", parent.value),
                    ));
                    base = Some(None);
                    break;
                }
            }
        }
        let mut answers = match base {
            Some(Some(a)) => Some(a),
            Some(None) => None,
            None => Some(vec![Answer::Unanswered; rs.questions.len()]),
        };
        for &case in path.iter().rev() {
            let own = own_answers(rs, doc, case, text, errors);
            answers = match (answers, own) {
                (Some(mut a), Some(own)) => {
                    for (qi, v) in own {
                        a[qi] = v;
                    }
                    Some(a)
                }
                _ => None,
            };
            state[case] = Resolution::Done(answers.clone());
        }
    }
    state
        .into_iter()
        .map(|s| match s {
            Resolution::Done(a) => a,
            _ => None,
        })
        .collect()
}

/// The answers case `i` writes itself, each checked; `None` (with every
/// problem reported) when any is wrong.
fn own_answers(
    rs: &RuleSet,
    doc: &VignetteDoc,
    i: usize,
    text: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<(usize, Answer)>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in &doc.cases[i].answers.0 {
        if rs.retired(&key.value).is_some() {
            continue; // said in the report's notes
        }
        let Some(qi) = rs.question_idx(&key.value) else {
            let help = suggest::help(&key.value, rs.questions.iter().map(|q| q.id.as_str()));
            errors.push(
                Diagnostic::error(
                    Span::of(FileId::MAIN, key),
                    format!("no question '{}'", key.value),
                )
                .with_help(help),
            );
            ok = false;
            continue;
        };
        match check_value(&rs.questions[qi], value, text)
            .map_err(|e| e.for_question(&key.value))
            .at(Span::of(FileId::MAIN, value))
        {
            Ok(a) => out.push((qi, a)),
            Err(d) => {
                errors.push(d);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Case `i`'s expectations, checked against the rule set.
fn bind_expectations(
    rs: &RuleSet,
    doc: &VignetteDoc,
    i: usize,
    answers: Option<Vec<Answer>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Bound> {
    let mut ok = answers.is_some();
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
        answers: answers?,
        expect_outcome: case.expect.outcome.value,
        expect_criteria,
    })
}

#[cfg(test)]
mod tests;
