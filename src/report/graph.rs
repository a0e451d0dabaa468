//! The rule set's logic as a flowchart: Mermaid (renders in Markdown viewers)
//! or Graphviz DOT. Criteria are grouped by kind, each with its condition as
//! a tree, and lead to the outcome they decide.

use std::fmt::Write;

use crate::analysis::describe;
use crate::engine::{CriterionKind, Node, NodeId, RuleSet};

/// One box of the chart.
struct ChartBox {
    id: String,
    label: String,
    shape: Shape,
}

#[derive(Clone, Copy)]
enum Shape {
    Criterion,
    Combinator,
    Test,
    Outcome,
}

/// Boxes, edges (from, to, label) and groups (kind, title, member ids).
struct Chart {
    boxes: Vec<ChartBox>,
    edges: Vec<(String, String, String)>,
    groups: Vec<(&'static str, Vec<String>)>,
}

impl Chart {
    fn in_group<'a>(&'a self, members: &'a [String]) -> impl Iterator<Item = &'a ChartBox> {
        self.boxes.iter().filter(move |b| members.contains(&b.id))
    }

    /// Boxes drawn outside every group (the outcomes, condition parts).
    fn ungrouped(&self) -> impl Iterator<Item = &ChartBox> {
        self.boxes
            .iter()
            .filter(|b| !self.groups.iter().any(|(_, m)| m.contains(&b.id)))
    }
}

fn chart(rs: &RuleSet) -> Chart {
    let mut c = Chart {
        boxes: Vec::new(),
        edges: Vec::new(),
        groups: Vec::new(),
    };
    for (kind, title, outcome, outcome_label, edge) in [
        (
            CriterionKind::RedFlag,
            "Red flags",
            "out_red_flag",
            "RED FLAG: stop, urgent evaluation",
            "any present",
        ),
        (
            CriterionKind::Exclusion,
            "Exclusions",
            "out_excluded",
            "EXCLUDED",
            "any applies",
        ),
        (
            CriterionKind::Indication,
            "Indications",
            "out_met",
            "MET (if all met, nothing excludes)",
            "all must be met",
        ),
    ] {
        let mut members = Vec::new();
        for (ci, crit) in rs
            .criteria
            .iter()
            .enumerate()
            .filter(|(_, cr)| cr.kind == kind)
        {
            let id = format!("c{ci}");
            c.boxes.push(ChartBox {
                id: id.clone(),
                label: crit.label.clone(),
                shape: Shape::Criterion,
            });
            members.push(id.clone());
            c.edges
                .push((id.clone(), format!("n{}", crit.root), String::new()));
            condition(rs, crit.root, &mut c);
            c.edges.push((id, outcome.to_string(), edge.to_string()));
        }
        if !members.is_empty() {
            c.groups.push((title, members));
            c.boxes.push(ChartBox {
                id: outcome.into(),
                label: outcome_label.into(),
                shape: Shape::Outcome,
            });
        }
    }
    c
}

fn condition(rs: &RuleSet, id: NodeId, c: &mut Chart) {
    let me = format!("n{id}");
    let (label, shape, kids): (String, Shape, Vec<NodeId>) = match rs.node(id) {
        Node::All(r) => (
            "all of".into(),
            Shape::Combinator,
            rs.children_of(r).to_vec(),
        ),
        Node::Any(r) => (
            "any of".into(),
            Shape::Combinator,
            rs.children_of(r).to_vec(),
        ),
        Node::AtLeast {
            n,
            of,
            skipped_not_met,
        } => (
            if skipped_not_met {
                format!("at least {n} of (skipped = not met)")
            } else {
                format!("at least {n} of")
            },
            Shape::Combinator,
            rs.children_of(of).to_vec(),
        ),
        Node::Not(k) => ("not".into(), Shape::Combinator, vec![k]),
        Node::Criterion(ci) => {
            // Point at the referenced criterion's own box.
            c.boxes.push(ChartBox {
                id: me.clone(),
                label: format!("criterion {}", rs.criteria[ci].id),
                shape: Shape::Test,
            });
            c.edges.push((me, format!("c{ci}"), String::new()));
            return;
        }
        _ => (describe::condition(rs, id), Shape::Test, Vec::new()),
    };
    c.boxes.push(ChartBox {
        id: me.clone(),
        label,
        shape,
    });
    for k in kids {
        c.edges.push((me.clone(), format!("n{k}"), String::new()));
        condition(rs, k, c);
    }
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// Mermaid flowchart.
pub fn mermaid(rs: &RuleSet) -> String {
    let c = chart(rs);
    let mut out = format!(
        "%% {} v{} (sha256 {})\nflowchart LR\n",
        rs.meta.id, rs.meta.version, rs.meta.sha256
    );
    let shape = |b: &ChartBox| {
        let l = mermaid_text(&b.label);
        match b.shape {
            Shape::Criterion => format!("{}[\"{l}\"]", b.id),
            Shape::Combinator => format!("{}{{\"{l}\"}}", b.id),
            Shape::Test => format!("{}(\"{l}\")", b.id),
            Shape::Outcome => format!("{}[[\"{l}\"]]", b.id),
        }
    };
    for (title, members) in &c.groups {
        let _ = writeln!(
            out,
            "  subgraph {}[\"{title}\"]",
            title.replace(' ', "_").to_lowercase()
        );
        for b in c.in_group(members) {
            let _ = writeln!(out, "    {}", shape(b));
        }
        let _ = writeln!(out, "  end");
    }
    for b in c.ungrouped() {
        let _ = writeln!(out, "  {}", shape(b));
    }
    for (from, to, label) in &c.edges {
        if label.is_empty() {
            let _ = writeln!(out, "  {from} --> {to}");
        } else {
            let _ = writeln!(out, "  {from} -->|{}| {to}", mermaid_text(label));
        }
    }
    out
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT.
pub fn dot(rs: &RuleSet) -> String {
    let c = chart(rs);
    let mut out = format!(
        "// {} v{} (sha256 {})\ndigraph \"{}\" {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n",
        rs.meta.id,
        rs.meta.version,
        rs.meta.sha256,
        dot_text(&rs.meta.id)
    );
    let attrs = |b: &ChartBox| {
        let shape = match b.shape {
            Shape::Criterion => "box, style=bold",
            Shape::Combinator => "diamond",
            Shape::Test => "box, style=rounded",
            Shape::Outcome => "doubleoctagon",
        };
        format!(
            "{} [label=\"{}\", shape={shape}];",
            b.id,
            dot_text(&b.label)
        )
    };
    for (i, (title, members)) in c.groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{i} {{\n    label=\"{title}\";");
        for b in c.in_group(members) {
            let _ = writeln!(out, "    {}", attrs(b));
        }
        let _ = writeln!(out, "  }}");
    }
    for b in c.ungrouped() {
        let _ = writeln!(out, "  {}", attrs(b));
    }
    for (from, to, label) in &c.edges {
        if label.is_empty() {
            let _ = writeln!(out, "  {from} -> {to};");
        } else {
            let _ = writeln!(out, "  {from} -> {to} [label=\"{}\"];", dot_text(label));
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edge_joins_declared_boxes() {
        for b in crate::compile::catalog::BUNDLED {
            let rs = crate::compile::catalog::load(b.id).expect("bundled").rules;
            let c = chart(&rs);
            let ids: Vec<&str> = c.boxes.iter().map(|b| b.id.as_str()).collect();
            for (from, to, _) in &c.edges {
                assert!(
                    ids.contains(&from.as_str()) && ids.contains(&to.as_str()),
                    "{}: {from} -> {to}",
                    b.id
                );
            }
            let m = mermaid(&rs);
            assert!(m.contains("flowchart LR") && m.contains("subgraph red_flags[\"Red flags\"]"));
            assert!(
                !m.lines()
                    .skip(1)
                    .any(|l| l.contains(">=") && !l.contains("-->")),
                "raw > in a label"
            );
            let d = dot(&rs);
            assert_eq!(d.matches('{').count(), d.matches('}').count());
        }
    }
}
