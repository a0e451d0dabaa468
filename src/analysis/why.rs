//! Why each criterion came out as it did: its condition as a tree, each part
//! with its value and the answer behind it.

use crate::analysis::describe;
use crate::engine::{Evaluation, Item, Node, NodeId, QuestionIdx, RuleSet, Tri};

/// One line of a trace: a part of the condition, how deep it sits, and its
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub depth: usize,
    /// The part in words, with the answer behind a leaf:
    /// "at least 3 of 6: 2 true, 2 unknown, 2 false",
    /// "distraction_test = yes (answer: yes)".
    pub text: String,
    pub value: Tri,
}

impl TraceLine {
    /// The line as printed: indented two spaces per level, value last.
    pub fn render(&self) -> String {
        format!(
            "{}{}: {}",
            "  ".repeat(self.depth),
            self.text,
            self.value.as_str()
        )
    }
}

/// Why criterion `ci` came out as it did.
pub fn why(rs: &RuleSet, ev: &Evaluation, ci: usize) -> Vec<TraceLine> {
    let mut lines = Vec::new();
    trace(rs, ev, rs.criteria[ci].root, 0, &mut lines);
    lines
}

fn trace(rs: &RuleSet, ev: &Evaluation, id: NodeId, depth: usize, out: &mut Vec<TraceLine>) {
    let value = rs.value_in(id, ev);
    // Under `skipped: not_met`, a skipped item counts as false.
    let skips = matches!(
        rs.node(id),
        Node::AtLeast {
            skipped_not_met: true,
            ..
        }
    );
    let item = |k: NodeId| {
        if skips {
            rs.item_in(k, ev)
        } else {
            Item::Value(rs.value_in(k, ev))
        }
    };
    let counts = |children: &[NodeId]| {
        let vals: Vec<Tri> = children.iter().map(|&k| item(k).value()).collect();
        let n = |t: Tri| vals.iter().filter(|v| **v == t).count();
        format!(
            "{} true, {} unknown, {} false",
            n(Tri::True),
            n(Tri::Unknown),
            n(Tri::False)
        )
    };
    let mut line = |text: String| {
        out.push(TraceLine { depth, text, value });
    };
    match rs.node(id) {
        node @ (Node::All(r) | Node::Any(r) | Node::AtLeast { of: r, .. }) => {
            let word = match node {
                Node::All(_) => "all".to_string(),
                Node::Any(_) => "any".to_string(),
                Node::AtLeast { n, .. } => format!("at least {n}"),
                _ => String::new(),
            };
            let children = rs.children_of(r);
            line(format!(
                "{word} of {}: {}",
                children.len(),
                counts(children)
            ));
            for &k in children {
                let text = match item(k) {
                    Item::Skipped => "not asked: skipped, counts as not met".to_string(),
                    Item::Pending { answer, value } => {
                        let recorded = rs
                            .node(k)
                            .question()
                            .map(|q| answer.short(&rs.questions[q]))
                            .unwrap_or_default();
                        let either = if value == Tri::False {
                            "not met whether or not it is asked"
                        } else {
                            "counts only if it is asked"
                        };
                        format!("recorded {recorded}, may not be asked: {either}")
                    }
                    Item::Value(_) => {
                        trace(rs, ev, k, depth + 1, out);
                        continue;
                    }
                };
                out.push(TraceLine {
                    depth: depth + 1,
                    text: format!("{} ({text})", describe::condition(rs, k)),
                    value: item(k).value(),
                });
            }
        }
        Node::Not(k) => {
            line("not".into());
            trace(rs, ev, k, depth + 1, out);
        }
        Node::Criterion(c) => {
            let crit = &rs.criteria[c];
            line(format!("criterion {} ({})", crit.id, crit.label));
        }
        leaf => {
            let answer = leaf
                .question()
                .map(|q| answer_text(rs, ev, q))
                .unwrap_or_default();
            line(format!("{} ({answer})", describe::condition(rs, id)));
        }
    }
}

fn answer_text(rs: &RuleSet, ev: &Evaluation, q: QuestionIdx) -> String {
    if ev.asked[q] {
        format!("answer: {}", ev.answers[q].short(&rs.questions[q]))
    } else {
        "not asked".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;
    use crate::engine::Answer;

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
            a[qi] = crate::engine::parse_text(&rs.questions[qi], v).expect("v");
        }
        let ev = rs.evaluate(&a);
        let ci = rs.criterion_idx("provocation_cluster").expect("c");
        let lines: Vec<String> = why(&rs, &ev, ci).iter().map(TraceLine::render).collect();
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
