//! Explaining the logic: a rule set in plain words, why each criterion came
//! out as it did, what changed under other answers, and which single answers
//! would change the outcome.
//!
//! "What would change the outcome" is exact, not heuristic: every condition
//! tests an answer against constants, so a question's possible answers fall
//! into finitely many classes that every condition treats alike (for a number,
//! the thresholds it is compared with and the intervals between them). Trying
//! one answer from each class tries them all.

use std::fmt::Write;

use crate::answers::Answer;
use crate::describe;
use crate::evaluate::{Evaluation, Outcome};
use crate::logic::Tri;
use crate::model::CriterionKind;
use crate::report::status_word;
use crate::ruleset::{
    MAX_MULTI_OPTIONS, Node, NodeId, QuestionIdx, QuestionKind, RuleSet, fmt_num,
};

/// The rule set as readable text: metadata, sections and questions (with
/// their skip logic), and each criterion's condition with its sources.
pub fn rule_set(rs: &RuleSet) -> String {
    let m = &rs.meta;
    let mut out = String::new();
    let _ = writeln!(out, "{}", m.title);
    let _ = writeln!(
        out,
        "Rule set {} version {} ({}, {})",
        m.id,
        m.version,
        m.review_status.as_str(),
        m.review_date
    );
    if !m.review_note.trim().is_empty() {
        let _ = writeln!(out, "Review note: {}", m.review_note.trim());
    }
    if !m.description.trim().is_empty() {
        let _ = writeln!(out, "\n{}", m.description.trim());
    }
    let _ = writeln!(out, "\nQUESTIONS");
    for s in &rs.sections {
        let _ = writeln!(out, "\n{}", s.title);
        for qi in s.questions.clone() {
            let q = &rs.questions[qi];
            let _ = writeln!(out, "  {} [{}]: {}", q.id, kind_text(&q.kind), q.text);
            if let Some(node) = q.ask_when {
                let _ = writeln!(
                    out,
                    "      asked only when {}",
                    describe::condition(rs, node)
                );
            }
            if !q.allow_unknown {
                let _ = writeln!(out, "      must be answered (unknown is not accepted)");
            }
        }
    }
    let _ = writeln!(out, "\nCRITERIA");
    for kind in [
        CriterionKind::RedFlag,
        CriterionKind::Exclusion,
        CriterionKind::Indication,
    ] {
        let heading = match kind {
            CriterionKind::RedFlag => "Red flags (any present: stop, urgent evaluation)",
            CriterionKind::Exclusion => "Exclusions (any applies: excluded)",
            CriterionKind::Indication => "Indications (all must be met)",
        };
        let _ = writeln!(out, "\n{heading}");
        for c in rs.criteria.iter().filter(|c| c.kind == kind) {
            let _ = writeln!(out, "  {}: {}", c.id, c.label);
            let _ = writeln!(out, "      holds when {}", describe::condition(rs, c.root));
            if !c.sources.is_empty() {
                let _ = writeln!(
                    out,
                    "      sources: {}",
                    rs.source_ids(&c.sources).join(", ")
                );
            }
            if !c.rationale.trim().is_empty() {
                let _ = writeln!(out, "      why: {}", c.rationale.trim());
            }
        }
    }
    let _ = writeln!(
        out,
        "\nOUTCOME\n  red_flag if a red flag is present; else excluded if an exclusion applies;"
    );
    let _ = writeln!(
        out,
        "  else not_met if an indication is not met; else incomplete if anything is unknown; else met."
    );
    let _ = writeln!(out, "\nSOURCES");
    for s in &m.sources {
        let _ = writeln!(out, "  [{}] {}", s.id, s.citation.trim());
        if let Some(url) = &s.url {
            let _ = writeln!(out, "      {url}");
        }
        if let Some(v) = &s.verified {
            let _ = writeln!(out, "      verified: {}", v.trim());
        }
    }
    out
}

fn kind_text(kind: &QuestionKind) -> String {
    match kind {
        QuestionKind::YesNo => "yes/no".into(),
        QuestionKind::SingleChoice(o) => {
            format!(
                "one of: {}",
                o.iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        QuestionKind::MultipleChoice(o) => {
            format!(
                "any of: {}",
                o.iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        QuestionKind::Number(spec) => format!("number, {}", spec.range_text()),
    }
}

/// Why criterion `ci` came out as it did: its condition as an indented tree,
/// each part with its value and the answers behind it.
pub fn why(rs: &RuleSet, ev: &Evaluation, ci: usize) -> Vec<String> {
    let mut lines = Vec::new();
    trace(rs, ev, rs.criteria[ci].root, 0, &mut lines);
    lines
}

fn trace(rs: &RuleSet, ev: &Evaluation, id: NodeId, depth: usize, out: &mut Vec<String>) {
    let value = rs.eval(id, &ev.answers, &ev.holds);
    let pad = "  ".repeat(depth);
    let counts = |kids: &[NodeId]| {
        let vals: Vec<Tri> = kids
            .iter()
            .map(|&k| rs.eval(k, &ev.answers, &ev.holds))
            .collect();
        let n = |t: Tri| vals.iter().filter(|v| **v == t).count();
        format!(
            "{} true, {} unknown, {} false",
            n(Tri::True),
            n(Tri::Unknown),
            n(Tri::False)
        )
    };
    match rs.node(id) {
        Node::All(r) | Node::Any(r) => {
            let word = if matches!(rs.node(id), Node::All(_)) {
                "all"
            } else {
                "any"
            };
            let kids = rs.kids(r);
            out.push(format!(
                "{pad}{word} of {}: {}: {}",
                kids.len(),
                counts(kids),
                value.as_str()
            ));
            for &k in kids {
                trace(rs, ev, k, depth + 1, out);
            }
        }
        Node::AtLeast { n, of } => {
            let kids = rs.kids(of);
            out.push(format!(
                "{pad}at least {n} of {}: {}: {}",
                kids.len(),
                counts(kids),
                value.as_str()
            ));
            for &k in kids {
                trace(rs, ev, k, depth + 1, out);
            }
        }
        Node::Not(k) => {
            out.push(format!("{pad}not: {}", value.as_str()));
            trace(rs, ev, k, depth + 1, out);
        }
        Node::Criterion(c) => {
            let crit = &rs.criteria[c];
            out.push(format!(
                "{pad}criterion {} ({}): {}",
                crit.id,
                crit.label,
                value.as_str()
            ));
        }
        leaf => {
            let answer = leaf
                .question()
                .map(|q| answer_text(rs, ev, q))
                .unwrap_or_default();
            out.push(format!(
                "{pad}{} ({answer}): {}",
                describe::condition(rs, id),
                value.as_str()
            ));
        }
    }
}

fn answer_text(rs: &RuleSet, ev: &Evaluation, q: QuestionIdx) -> String {
    if !ev.asked[q] {
        "not asked".into()
    } else {
        format!("answer: {}", ev.answers[q].short(&rs.questions[q]))
    }
}

/// What changed between two evaluations: the outcome and each criterion.
pub fn differences(rs: &RuleSet, before: &Evaluation, after: &Evaluation) -> Vec<String> {
    let mut lines = Vec::new();
    if before.outcome != after.outcome {
        lines.push(format!(
            "outcome: {} -> {}",
            before.outcome.as_str(),
            after.outcome.as_str()
        ));
    } else {
        lines.push(format!("outcome: {} (unchanged)", after.outcome.as_str()));
    }
    for (ci, c) in rs.criteria.iter().enumerate() {
        if before.holds[ci] != after.holds[ci] {
            lines.push(format!(
                "{}: {} -> {}",
                c.id,
                status_word(c.kind, before.holds[ci]),
                status_word(c.kind, after.holds[ci])
            ));
        }
    }
    if lines.len() == 1 && before.outcome == after.outcome {
        lines.push("no criterion changed".into());
    }
    lines
}

/// One way a single answer changes the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub question: QuestionIdx,
    /// The answer, described: `yes`, `posterior_si`, `>= 75`, `[a, b]`.
    pub answer: String,
    pub outcome: Outcome,
}

/// For an unknown question: what assessing it would give.
#[derive(Debug, Clone, PartialEq)]
pub struct Settle {
    pub question: QuestionIdx,
    /// (answer, outcome) for each class of answer.
    pub outcomes: Vec<(String, Outcome)>,
    /// Whether every possible answer gives a decided (not incomplete) outcome.
    pub settles: bool,
}

/// Every single-answer change to an asked question that changes the outcome,
/// and for each unknown, what assessing it would give. Exact for every
/// question type; multiple-choice questions of more than 10 options are
/// tried option by option (toggling one at a time) instead of all subsets.
pub fn what_would_change(rs: &RuleSet, ev: &Evaluation) -> (Vec<Change>, Vec<Settle>) {
    let mut changes = Vec::new();
    let mut settles = Vec::new();
    for q in 0..rs.questions.len() {
        if !ev.asked[q] {
            continue;
        }
        let classes = answer_classes(rs, q, ev.answers[q]);
        let mut results: Vec<(String, Outcome)> = Vec::new();
        for (label, answer) in classes {
            let mut trial = ev.answers.clone();
            trial[q] = answer;
            results.push((label, rs.evaluate(&trial).outcome));
        }
        let current_known = ev.answers[q].is_known();
        for (label, outcome) in merge_ranges(rs, q, &results) {
            if outcome != ev.outcome && current_known {
                changes.push(Change {
                    question: q,
                    answer: label,
                    outcome,
                });
            }
        }
        if !current_known {
            let merged = merge_ranges(rs, q, &results);
            let settles_it = merged.iter().all(|(_, o)| *o != Outcome::Incomplete);
            if merged.iter().any(|(_, o)| *o != ev.outcome) {
                settles.push(Settle {
                    question: q,
                    outcomes: merged,
                    settles: settles_it,
                });
            }
        }
    }
    (changes, settles)
}

/// One representative answer per class of answers no condition tells apart,
/// labelled for people. Unknown is not a class here: it is the current state
/// of the questions this is asked about, or a loss of information.
fn answer_classes(rs: &RuleSet, q: QuestionIdx, current: Answer) -> Vec<(String, Answer)> {
    let question = &rs.questions[q];
    match &question.kind {
        QuestionKind::YesNo => vec![("yes".into(), Answer::Yes), ("no".into(), Answer::No)],
        QuestionKind::SingleChoice(opts) => opts
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), Answer::Choice(i as u16)))
            .collect(),
        QuestionKind::MultipleChoice(opts) if opts.len() <= 10 => (0..(1u64 << opts.len()))
            .map(|bits| {
                (
                    Answer::Multi(bits).to_yaml(question).unwrap_or_default(),
                    Answer::Multi(bits),
                )
            })
            .collect(),
        QuestionKind::MultipleChoice(opts) => {
            let base = if let Answer::Multi(b) = current { b } else { 0 };
            (0..opts.len().min(MAX_MULTI_OPTIONS))
                .map(|i| {
                    let bits = base ^ (1 << i);
                    (
                        Answer::Multi(bits).to_yaml(question).unwrap_or_default(),
                        Answer::Multi(bits),
                    )
                })
                .collect()
        }
        QuestionKind::Number(spec) => {
            let mut cuts: Vec<f64> = thresholds(rs, q)
                .into_iter()
                .filter(|c| spec.min.is_none_or(|m| *c >= m) && spec.max.is_none_or(|m| *c <= m))
                .collect();
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            let lo = spec
                .min
                .unwrap_or(cuts.first().copied().unwrap_or(0.0) - 1.0);
            let hi = spec
                .max
                .unwrap_or(cuts.last().copied().unwrap_or(0.0) + 1.0);
            // Points: each threshold, and one value inside each gap.
            let mut points = Vec::new();
            let mut prev = None::<f64>;
            for &c in &cuts {
                let gap_lo = prev.unwrap_or(lo);
                if let Some(v) = inside(gap_lo, c, prev.is_none(), spec.integer) {
                    points.push(v);
                }
                points.push(c);
                prev = Some(c);
            }
            if let Some(v) =
                inside(prev.unwrap_or(lo), hi, prev.is_none(), spec.integer).or_else(|| {
                    // The top of the range is its own class when it is not a cut.
                    (prev != Some(hi)).then_some(hi)
                })
            {
                points.push(v);
            }
            if points.is_empty() {
                points.push(lo);
            }
            points
                .into_iter()
                .map(|v| (fmt_num(v), Answer::Number(v)))
                .collect()
        }
    }
}

/// A value strictly between `lo` and `hi` (or equal to `lo` when `lo` is the
/// range's own minimum and not a threshold), honouring whole numbers.
fn inside(lo: f64, hi: f64, lo_is_min: bool, integer: bool) -> Option<f64> {
    if lo_is_min && lo < hi {
        return Some(lo);
    }
    if integer {
        let v = lo.floor() + 1.0;
        (v < hi).then_some(v)
    } else {
        (lo < hi).then_some(lo + (hi - lo) / 2.0)
    }
}

/// The constants question `q` is compared with anywhere (criteria and skip logic).
fn thresholds(rs: &RuleSet, q: QuestionIdx) -> Vec<f64> {
    let mut out = Vec::new();
    for id in 0..rs.nodes.len() as NodeId {
        if let Node::Compare(qq, _, v) = rs.node(id)
            && qq == q
        {
            out.push(v);
        }
    }
    out
}

/// For numbers, merges neighbouring classes with the same outcome into one
/// range ("75 or more"); other answers are returned as they are.
fn merge_ranges(
    rs: &RuleSet,
    q: QuestionIdx,
    results: &[(String, Outcome)],
) -> Vec<(String, Outcome)> {
    let QuestionKind::Number(spec) = &rs.questions[q].kind else {
        return results.to_vec();
    };
    let values: Vec<f64> = results
        .iter()
        .map(|(l, _)| l.parse::<f64>().unwrap_or(f64::NAN))
        .collect();
    let mut merged: Vec<(String, Outcome)> = Vec::new();
    let mut i = 0;
    while i < results.len() {
        let mut j = i;
        while j + 1 < results.len() && results[j + 1].1 == results[i].1 {
            j += 1;
        }
        let (first, last) = (values[i], values[j]);
        let at_min = spec.min.is_some_and(|m| first <= m) || i == 0;
        let at_max = spec.max.is_some_and(|m| last >= m) || j == results.len() - 1;
        let label = match (at_min, at_max) {
            (true, true) => "any value".to_string(),
            (true, false) => format!("{} or less", fmt_num(last)),
            (false, true) => format!("{} or more", fmt_num(first)),
            (false, false) if i == j => fmt_num(first),
            (false, false) => format!("{} to {}", fmt_num(first), fmt_num(last)),
        };
        merged.push((label, results[i].1));
        i = j + 1;
    }
    merged
}

/// The "what would change the outcome" section as text.
pub fn what_would_change_text(rs: &RuleSet, ev: &Evaluation) -> String {
    let mut out = String::new();
    let (changes, settles) = what_would_change(rs, ev);
    let _ = writeln!(
        out,
        "What would change the outcome ({}):",
        ev.outcome.as_str()
    );
    if changes.is_empty() {
        let _ = writeln!(
            out,
            "  No single change to an answered question changes it."
        );
    }
    let mut last_q = None;
    for c in &changes {
        let q = &rs.questions[c.question];
        if last_q != Some(c.question) {
            let _ = writeln!(out, "  {} (now {}):", q.id, ev.answers[c.question].short(q));
            last_q = Some(c.question);
        }
        let _ = writeln!(out, "    {} -> {}", c.answer, c.outcome.as_str());
    }
    if !settles.is_empty() {
        let _ = writeln!(out, "Unknowns, and what assessing each would give:");
        for s in &settles {
            let q = &rs.questions[s.question];
            let verdict = if s.settles {
                "settles it"
            } else {
                "does not settle it alone"
            };
            let outcomes: Vec<String> = s
                .outcomes
                .iter()
                .map(|(a, o)| format!("{a} -> {}", o.as_str()))
                .collect();
            let _ = writeln!(out, "  {} ({verdict}): {}", q.id, outcomes.join("; "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn mini() -> RuleSet {
        let text = include_str!("../tests/fixtures/mini.yaml");
        catalog::compile_text("mini.yaml", text)
            .expect("fixture")
            .rules
    }

    fn answers(rs: &RuleSet, pairs: &[(&str, &str)]) -> Vec<Answer> {
        let mut a = vec![Answer::Unanswered; rs.questions.len()];
        for (k, v) in pairs {
            let qi = rs.question_idx(k).expect("question");
            a[qi] = crate::answers::parse_text(&rs.questions[qi], v).expect("value");
        }
        a
    }

    #[test]
    fn number_classes_cover_each_side_of_every_threshold() {
        let rs = mini();
        let q = rs.question_idx("pct").expect("pct");
        let labels: Vec<String> = answer_classes(&rs, q, Answer::Unanswered)
            .into_iter()
            .map(|(l, _)| l)
            .collect();
        // 0..100 with one threshold at 50: below it, at it, above it.
        assert_eq!(labels, ["0", "50", "75"]);
    }

    #[test]
    fn not_met_case_lists_the_answer_that_would_meet_it() {
        let rs = mini();
        let ev = rs.evaluate(&answers(
            &rs,
            &[
                ("flag", "no"),
                ("excl", "no"),
                ("done", "yes"),
                ("pct", "40"),
                ("side", "left"),
            ],
        ));
        assert_eq!(ev.outcome, Outcome::NotMet);
        let (changes, _) = what_would_change(&rs, &ev);
        let shown: Vec<(String, String, Outcome)> = changes
            .iter()
            .map(|c| {
                (
                    rs.questions[c.question].id.clone(),
                    c.answer.clone(),
                    c.outcome,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("flag".into(), "yes".into(), Outcome::RedFlag),
                ("excl".into(), "yes".into(), Outcome::Excluded),
                ("pct".into(), "50 or more".into(), Outcome::Met),
            ]
        );
    }

    #[test]
    fn incomplete_case_names_the_unknown_that_settles_it() {
        let rs = mini();
        let ev = rs.evaluate(&answers(
            &rs,
            &[
                ("flag", "no"),
                ("excl", "no"),
                ("done", "yes"),
                ("pct", "60"),
            ],
        ));
        assert_eq!(ev.outcome, Outcome::Incomplete);
        let (_, settles) = what_would_change(&rs, &ev);
        assert_eq!(settles.len(), 1);
        let s = &settles[0];
        assert_eq!(rs.questions[s.question].id, "side");
        assert!(s.settles);
        assert_eq!(
            s.outcomes,
            vec![
                ("left".into(), Outcome::Met),
                ("right".into(), Outcome::NotMet)
            ]
        );
    }

    #[test]
    fn why_trace_counts_parts() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let mut a = vec![Answer::Unanswered; rs.questions.len()];
        for (k, v) in [
            ("distraction_test", "yes"),
            ("thigh_thrust_test", "yes"),
            ("compression_test", "unknown"),
            ("gaenslen_test", "no"),
            ("faber_test", "no"),
            ("thrust_contraindicated", "no"),
        ] {
            let qi = rs.question_idx(k).expect("q");
            a[qi] = crate::answers::parse_text(&rs.questions[qi], v).expect("v");
        }
        let ev = rs.evaluate(&a);
        let ci = rs.criterion_idx("provocation_cluster").expect("c");
        let lines = why(&rs, &ev, ci);
        assert_eq!(
            lines[0],
            "at least 3 of 6: 2 true, 2 unknown, 2 false: unknown"
        );
        assert_eq!(lines[1], "  distraction_test = yes (answer: yes): true");
        assert!(
            lines.contains(
                &"  sacral_thrust_test = yes (answer: (unanswered)): unknown".to_string()
            ),
            "{lines:#?}"
        );
    }
}
