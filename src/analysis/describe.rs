//! Conditions as readable text: `first_block_relief_percent >= 75 and ...`.
//!
//! Used wherever a person reads the logic itself (comparisons of rule sets,
//! explanations) rather than its result.

use crate::engine::{Node, NodeId, RuleSet, fmt_num};

/// The whole condition under `id`, in words.
pub fn condition(rs: &RuleSet, id: NodeId) -> String {
    text(rs, id, false)
}

/// The leaves of a condition (single tests on one answer), in order.
pub fn leaves(rs: &RuleSet, id: NodeId) -> Vec<String> {
    let mut out = Vec::new();
    collect(rs, id, &mut out);
    out
}

/// The leaf nodes of a condition (single tests on one answer), in order.
pub fn leaf_nodes(rs: &RuleSet, id: NodeId) -> Vec<NodeId> {
    fn walk(rs: &RuleSet, id: NodeId, out: &mut Vec<NodeId>) {
        match rs.node(id) {
            Node::All(r) | Node::Any(r) | Node::AtLeast { of: r, .. } => {
                for &k in rs.children_of(r) {
                    walk(rs, k, out);
                }
            }
            Node::Not(k) => walk(rs, k, out),
            _ => out.push(id),
        }
    }
    let mut out = Vec::new();
    walk(rs, id, &mut out);
    out
}

/// A number threshold in words: "at least 75%", "more than 6 months".
pub fn threshold(rs: &RuleSet, q: usize, op: crate::engine::CmpOp, v: f64) -> String {
    let n = match &rs.questions[q].kind {
        crate::engine::QuestionKind::Number(spec) => match spec.unit.as_deref() {
            Some("percent" | "%") => format!("{}%", fmt_num(v)),
            Some(u) => format!("{} {u}", fmt_num(v)),
            None => fmt_num(v),
        },
        _ => fmt_num(v),
    };
    compared(op, &n)
}

/// A comparison with `n` in words.
fn compared(op: crate::engine::CmpOp, n: &str) -> String {
    let word = match op {
        crate::engine::CmpOp::Ge => "at least",
        crate::engine::CmpOp::Gt => "more than",
        crate::engine::CmpOp::Le => "at most",
        crate::engine::CmpOp::Lt => "less than",
        crate::engine::CmpOp::Eq => "exactly",
        crate::engine::CmpOp::Ne => "not",
    };
    format!("{word} {n}")
}

fn collect(rs: &RuleSet, id: NodeId, out: &mut Vec<String>) {
    match rs.node(id) {
        Node::All(r) | Node::Any(r) | Node::AtLeast { of: r, .. } => {
            for &k in rs.children_of(r) {
                collect(rs, k, out);
            }
        }
        Node::Not(k) => collect(rs, k, out),
        _ => out.push(text(rs, id, false)),
    }
}

fn text(rs: &RuleSet, id: NodeId, nested: bool) -> String {
    let q = |i: usize| rs.questions[i].id.as_str();
    let opt = |i: usize, o: u16| rs.questions[i].kind.options()[usize::from(o)].id.as_str();
    let join = |r, word: &str| {
        let parts: Vec<String> = rs
            .children_of(r)
            .iter()
            .map(|&k| text(rs, k, true))
            .collect();
        let s = parts.join(word);
        if nested && parts.len() > 1 {
            format!("({s})")
        } else {
            s
        }
    };
    match rs.node(id) {
        Node::All(r) => join(r, " and "),
        Node::Any(r) => join(r, " or "),
        Node::Not(k) => format!("not {}", text(rs, k, true)),
        Node::AtLeast {
            n,
            of,
            skipped_not_met,
        } => {
            let parts: Vec<String> = rs
                .children_of(of)
                .iter()
                .map(|&k| text(rs, k, true))
                .collect();
            let skipped = if skipped_not_met {
                "; a skipped item counts as not met"
            } else {
                ""
            };
            format!("at least {n} of ({}{skipped})", parts.join(", "))
        }
        Node::Yes(i) => format!("{} = yes", q(i)),
        Node::No(i) => format!("{} = no", q(i)),
        Node::Known(i) => format!("{} is known", q(i)),
        Node::Equals(i, o) => format!("{} = {}", q(i), opt(i, o)),
        Node::Includes(i, o) => format!("{} includes {}", q(i), opt(i, o)),
        Node::Compare(i, op, v) => format!("{} {} {}", q(i), op.symbol(), fmt_num(v)),
        Node::Count(i, op, v) => format!("count of {} {} {}", q(i), op.symbol(), fmt_num(v)),
        Node::Criterion(c) => format!("[{}]", rs.criteria[c].id),
    }
}

/// The whole condition under `id` in words for a reader who does not know
/// the ids: questions by their few words, options by their labels, numbers
/// with their units ("'Nicotine use' is not 'Never used nicotine'",
/// "'Relief after block 1' is at least 75%").
pub fn words(rs: &RuleSet, id: NodeId) -> String {
    phrase(rs, id, false)
}

fn phrase(rs: &RuleSet, id: NodeId, nested: bool) -> String {
    let q = |i: usize| format!("'{}'", rs.questions[i].short);
    let opt =
        |i: usize, o: u16| format!("'{}'", rs.questions[i].kind.options()[usize::from(o)].label);
    let join = |r, word: &str| {
        let parts: Vec<String> = rs
            .children_of(r)
            .iter()
            .map(|&k| phrase(rs, k, true))
            .collect();
        let s = parts.join(word);
        if nested && parts.len() > 1 {
            format!("({s})")
        } else {
            s
        }
    };
    match rs.node(id) {
        Node::All(r) => join(r, " and "),
        Node::Any(r) => join(r, " or "),
        Node::Not(k) => match rs.node(k) {
            Node::Yes(i) => format!("{} is not yes", q(i)),
            Node::No(i) => format!("{} is not no", q(i)),
            Node::Known(i) => format!("{} is unanswered or unknown", q(i)),
            Node::Equals(i, o) => format!("{} is not {}", q(i), opt(i, o)),
            Node::Includes(i, o) => format!("{} does not include {}", q(i), opt(i, o)),
            _ => format!("not {}", phrase(rs, k, true)),
        },
        Node::AtLeast {
            n,
            of,
            skipped_not_met,
        } => {
            let parts: Vec<String> = rs
                .children_of(of)
                .iter()
                .map(|&k| phrase(rs, k, true))
                .collect();
            let skipped = if skipped_not_met {
                " (a skipped one counts as not met)"
            } else {
                ""
            };
            format!("at least {n} of: {}{skipped}", parts.join("; "))
        }
        Node::Yes(i) => format!("{} is yes", q(i)),
        Node::No(i) => format!("{} is no", q(i)),
        Node::Known(i) => format!("{} is answered", q(i)),
        Node::Equals(i, o) => format!("{} is {}", q(i), opt(i, o)),
        Node::Includes(i, o) => format!("{} includes {}", q(i), opt(i, o)),
        Node::Compare(i, op, v) => format!("{} is {}", q(i), threshold(rs, i, op, v)),
        Node::Count(i, op, v) => {
            format!(
                "the number ticked in {} is {}",
                q(i),
                compared(op, &fmt_num(v))
            )
        }
        Node::Criterion(c) => format!("'{}' holds", rs.criteria[c].label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;

    #[test]
    fn conditions_read_as_text() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let c = |id: &str| rs.criteria[rs.criterion_idx(id).expect("criterion")].root;
        assert_eq!(
            condition(&rs, c("diagnostic_blocks")),
            "block_count >= 2 and first_block_relief_percent >= 75 and second_block_relief_percent >= 75"
        );
        assert!(
            condition(&rs, c("provocation_cluster"))
                .starts_with("at least 3 of (distraction_test = yes, ")
        );
        assert_eq!(
            condition(&rs, c("device_contraindication")),
            "count of device_contraindications >= 1"
        );
        assert_eq!(
            leaves(&rs, c("fortin_point")),
            [
                "sulcus_tenderness_only = yes",
                "no_other_obvious_source = yes"
            ]
        );
        assert!(
            condition(&rs, c("provocation_cluster"))
                .ends_with("faber_test = yes; a skipped item counts as not met)")
        );
        assert_eq!(
            words(&rs, c("diagnostic_blocks")),
            "'Diagnostic blocks done' is at least 2 and 'Relief after block 1' is at least 75% and 'Relief after block 2' is at least 75%"
        );
        let ev = catalog::load("evicore-cmm-611").expect("bundled").rules;
        let cotinine = ev.questions[ev.question_idx("cotinine_ng_ml").expect("q")]
            .ask_when
            .expect("skip logic");
        assert_eq!(
            words(&ev, cotinine),
            "'Nicotine use' is unanswered or unknown or 'Nicotine use' is not 'Never used nicotine'"
        );
    }
}
