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
    }
}
