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
        QuestionKind::Number(spec) => number_classes(rs, q, spec)
            .into_iter()
            .map(|(span, v)| (span.encode(), Answer::Number(v)))
            .collect(),
    }
}

/// An interval of numbers, each end open or closed.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    lo: f64,
    lo_incl: bool,
    hi: f64,
    hi_incl: bool,
}

impl Span {
    /// Carried through the generic (label, answer) list as text, and
    /// decoded again for merging.
    fn encode(self) -> String {
        format!("{}|{}|{}|{}", self.lo, self.lo_incl, self.hi, self.hi_incl)
    }

    fn decode(s: &str) -> Option<Span> {
        let mut it = s.split('|');
        Some(Span {
            lo: it.next()?.parse().ok()?,
            lo_incl: it.next()?.parse().ok()?,
            hi: it.next()?.parse().ok()?,
            hi_incl: it.next()?.parse().ok()?,
        })
    }
}

/// The classes of a number question: each threshold it is compared with, and
/// the intervals between them, within its range, with one value from each.
/// Whole-number questions get whole-number bounds and values.
fn number_classes(
    rs: &RuleSet,
    q: QuestionIdx,
    spec: &crate::ruleset::NumberSpec,
) -> Vec<(Span, f64)> {
    let lo = spec.min.unwrap_or(f64::NEG_INFINITY);
    let hi = spec.max.unwrap_or(f64::INFINITY);
    let mut cuts: Vec<f64> = thresholds(rs, q)
        .into_iter()
        .filter(|c| *c >= lo && *c <= hi)
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut spans = Vec::new();
    let mut from = (lo, true);
    for &c in &cuts {
        spans.push(Span {
            lo: from.0,
            lo_incl: from.1,
            hi: c,
            hi_incl: false,
        });
        spans.push(Span {
            lo: c,
            lo_incl: true,
            hi: c,
            hi_incl: true,
        });
        from = (c, false);
    }
    spans.push(Span {
        lo: from.0,
        lo_incl: from.1,
        hi,
        hi_incl: true,
    });
    spans
        .into_iter()
        .filter_map(|s| {
            let s = if spec.integer { whole(s)? } else { s };
            let valid = s.lo < s.hi || (s.lo == s.hi && s.lo_incl && s.hi_incl);
            valid.then(|| (s, representative(s, spec.integer)))
        })
        .filter(|(_, v)| v.is_finite())
        .collect()
}

/// Narrows a span to whole numbers with closed ends; `None` if none fit.
fn whole(s: Span) -> Option<Span> {
    let lo = if s.lo_incl {
        s.lo.ceil()
    } else {
        s.lo.floor() + 1.0
    };
    let hi = if s.hi_incl {
        s.hi.floor()
    } else {
        s.hi.ceil() - 1.0
    };
    (lo <= hi).then_some(Span {
        lo,
        lo_incl: true,
        hi,
        hi_incl: true,
    })
}

fn representative(s: Span, integer: bool) -> f64 {
    if s.lo_incl && s.lo.is_finite() {
        return s.lo;
    }
    if s.hi_incl && s.hi.is_finite() && !s.lo.is_finite() {
        return s.hi;
    }
    let v = match (s.lo.is_finite(), s.hi.is_finite()) {
        (true, true) => s.lo + (s.hi - s.lo) / 2.0,
        (true, false) => s.lo + 1.0,
        (false, true) => s.hi - 1.0,
        (false, false) => 0.0,
    };
    if integer { v.floor() } else { v }
}

/// Words for a span of a question's range: "under 75", "75 or more", "3".
fn span_label(s: Span, spec: &crate::ruleset::NumberSpec) -> String {
    let at_min = s.lo_incl
        && spec.min.is_none_or(|m| s.lo <= m)
        && (spec.min.is_some() || !s.lo.is_finite());
    let at_max = s.hi_incl
        && spec.max.is_none_or(|m| s.hi >= m)
        && (spec.max.is_some() || !s.hi.is_finite());
    let lo = fmt_num(s.lo);
    let hi = fmt_num(s.hi);
    match (at_min, at_max) {
        (true, true) => "any value".into(),
        _ if s.lo == s.hi => lo,
        (true, false) if s.hi_incl => format!("{hi} or less"),
        (true, false) => format!("under {hi}"),
        (false, true) if s.lo_incl => format!("{lo} or more"),
        (false, true) => format!("over {lo}"),
        (false, false) => {
            let from = if s.lo_incl { lo } else { format!("over {lo}") };
            let to = if s.hi_incl { hi } else { format!("under {hi}") };
            format!("{from} to {to}")
        }
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
    let mut merged: Vec<(Span, Outcome)> = Vec::new();
    for (label, outcome) in results {
        let Some(span) = Span::decode(label) else {
            continue;
        };
        match merged.last_mut() {
            Some((last, o)) if *o == *outcome => {
                last.hi = span.hi;
                last.hi_incl = span.hi_incl;
            }
            _ => merged.push((span, *outcome)),
        }
    }
    merged
        .into_iter()
        .map(|(s, o)| (span_label(s, spec), o))
        .collect()
}

/// How good an outcome is for the patient's candidacy, worst first.
fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::RedFlag => 0,
        Outcome::Excluded => 1,
        Outcome::NotMet => 2,
        Outcome::Incomplete => 3,
        Outcome::Met => 4,
    }
}

/// The "what would change the outcome" section as text: changes toward a
/// better outcome in detail, changes toward a worse one grouped by outcome.
pub fn what_would_change_text(rs: &RuleSet, ev: &Evaluation) -> String {
    let mut out = String::new();
    let (changes, settles) = what_would_change(rs, ev);
    let _ = writeln!(
        out,
        "What would change the outcome ({}):",
        ev.outcome.as_str()
    );
    let (better, worse): (Vec<&Change>, Vec<&Change>) = changes
        .iter()
        .partition(|c| rank(c.outcome) > rank(ev.outcome));
    if better.is_empty() {
        let _ = writeln!(
            out,
            "  No single change to an answered question improves it."
        );
    }
    let mut last_q = None;
    for c in &better {
        let q = &rs.questions[c.question];
        if last_q != Some(c.question) {
            let _ = writeln!(out, "  {} (now {}):", q.id, ev.answers[c.question].short(q));
            last_q = Some(c.question);
        }
        let _ = writeln!(out, "    {} -> {}", c.answer, c.outcome.as_str());
    }
    for outcome in [
        Outcome::RedFlag,
        Outcome::Excluded,
        Outcome::NotMet,
        Outcome::Incomplete,
    ] {
        // Per question: its answers that lead to this outcome.
        let mut parts: Vec<String> = Vec::new();
        let mut q_seen: Vec<usize> = Vec::new();
        for c in worse.iter().filter(|c| c.outcome == outcome) {
            if q_seen.contains(&c.question) {
                continue;
            }
            q_seen.push(c.question);
            let answers: Vec<&str> = worse
                .iter()
                .filter(|d| d.question == c.question && d.outcome == outcome)
                .map(|d| d.answer.as_str())
                .collect();
            let id = &rs.questions[c.question].id;
            parts.push(match answers.as_slice() {
                [one] => format!("{id} = {one}"),
                [a, b] => format!("{id} = {a} or {b}"),
                [a, rest @ ..] => format!("{id} = {a} (or {} other answers)", rest.len()),
                [] => continue,
            });
        }
        if !parts.is_empty() {
            let _ = writeln!(out, "  -> {} if: {}", outcome.as_str(), parts.join("; "));
        }
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
            let shown = if outcomes.len() > 6 {
                format!(
                    "{}; ... ({} answers in all)",
                    outcomes[..4].join("; "),
                    outcomes.len()
                )
            } else {
                outcomes.join("; ")
            };
            let _ = writeln!(out, "  {} ({verdict}): {shown}", q.id);
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
        let QuestionKind::Number(spec) = &rs.questions[q].kind else {
            panic!("number")
        };
        let classes: Vec<(String, f64)> = number_classes(&rs, q, spec)
            .into_iter()
            .map(|(s, v)| (span_label(s, spec), v))
            .collect();
        // 0..100 with one threshold at 50: below it, at it, above it.
        assert_eq!(
            classes,
            vec![
                ("under 50".into(), 0.0),
                ("50".into(), 50.0),
                ("over 50".into(), 75.0)
            ]
        );
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
