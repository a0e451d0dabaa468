//! The rule set's logic as a flowchart that reads the way the decision is
//! taken: red flags first, then exclusions, then indications, each a group
//! of criteria in words, with one question per group deciding where the
//! case goes, and the five outcomes with their precedence. Skip logic is
//! drawn as gates: a note on the group saying which questions are asked
//! only when. Two kinds of arrow never mix: a dotted line ties a criterion
//! to its group's question; a labelled arrow is a decision. Mermaid and
//! Graphviz DOT draw the same chart top to bottom in the same order.

use std::fmt::Write;

use crate::analysis::describe;
use crate::engine::{CriterionKind, RuleSet};

/// One box of the chart.
struct ChartBox {
    id: String,
    label: String,
    shape: Shape,
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Criterion,
    Decision,
    Outcome(Tone),
    Start,
}

/// How an outcome reads: against the patient, undecided, or for.
#[derive(Clone, Copy, PartialEq)]
enum Tone {
    Stop,
    Against,
    Open,
    Met,
}

/// An edge: from, to, label, and whether it is a decision (solid) or ties a
/// criterion or gate to its group (dotted).
struct Edge {
    from: String,
    to: String,
    label: String,
    decision: bool,
}

/// Boxes and edges, in drawing order.
struct Chart {
    boxes: Vec<ChartBox>,
    edges: Vec<Edge>,
}

impl Chart {
    fn push(&mut self, id: &str, label: impl Into<String>, shape: Shape) {
        self.boxes.push(ChartBox {
            id: id.into(),
            label: label.into(),
            shape,
        });
    }

    fn edge(&mut self, from: &str, to: &str, label: &str, decision: bool) {
        self.edges.push(Edge {
            from: from.into(),
            to: to.into(),
            label: label.into(),
            decision,
        });
    }
}

/// Text wrapped for a box: lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    textwrap::wrap(text, width).join("\n")
}

/// A list item wrapped with its continuation lines indented.
fn item(text: &str, width: usize) -> String {
    let options = textwrap::Options::new(width).subsequent_indent("    ");
    textwrap::wrap(text, options).join("\n")
}

fn chart(rs: &RuleSet) -> Chart {
    let mut c = Chart {
        boxes: Vec::new(),
        edges: Vec::new(),
    };
    c.push(
        "start",
        wrap(
            &format!("{} (version {})", rs.meta.title, rs.meta.version),
            48,
        ),
        Shape::Start,
    );
    let stages = [
        (
            CriterionKind::RedFlag,
            "RED FLAGS (asked first)",
            "d_red",
            "Is any red flag present?",
            ("o_red", "RED FLAG: stop the screening", Tone::Stop, "yes"),
            "none present",
        ),
        (
            CriterionKind::Exclusion,
            "EXCLUSIONS",
            "d_excl",
            "Does any exclusion apply?",
            ("o_excl", "EXCLUDED", Tone::Against, "yes"),
            "none applies",
        ),
        (
            CriterionKind::Indication,
            "INDICATIONS (all must be met)",
            "d_ind",
            "Is every indication met?",
            ("o_notmet", "NOT MET", Tone::Against, "one is not met"),
            "",
        ),
    ];
    let mut previous = "start".to_string();
    let mut from_label = String::new();
    for (kind, title, decision, question, (outcome, outcome_label, tone, when), next_label) in
        stages
    {
        let members: Vec<usize> = rs
            .criteria
            .iter()
            .enumerate()
            .filter(|(_, cr)| cr.kind == kind)
            .map(|(ci, _)| ci)
            .collect();
        if members.is_empty() {
            continue;
        }
        // The group: its criteria in words, one after another, then the
        // skip logic of the questions they read (the gates).
        let mut lines = vec![title.to_string()];
        for &ci in &members {
            let crit = &rs.criteria[ci];
            let unverified = if crit.unverified.is_some() {
                " (UNVERIFIED)"
            } else {
                ""
            };
            lines.push(String::new());
            lines.push(item(&format!("* {}{unverified}", crit.label), 52));
            lines.push(item(
                &format!("  when {}", describe::words(rs, crit.root)),
                52,
            ));
        }
        let mut seen = vec![false; rs.questions.len()];
        let mut gates = Vec::new();
        for &ci in &members {
            for n in describe::leaf_nodes(rs, rs.criteria[ci].root) {
                if let Some(q) = rs.node(n).question()
                    && !std::mem::replace(&mut seen[q], true)
                    && let Some(ask) = rs.questions[q].ask_when
                {
                    gates.push(item(
                        &format!(
                            "- '{}' only when {}",
                            rs.questions[q].short,
                            describe::words(rs, ask)
                        ),
                        52,
                    ));
                }
            }
        }
        if !gates.is_empty() {
            lines.push(String::new());
            lines.push("Skip logic (gates):".into());
            lines.extend(gates);
        }
        let group = format!("g_{decision}");
        c.push(&group, lines.join("\n"), Shape::Criterion);
        c.edge(&previous, &group, &from_label, true);
        c.push(decision, question, Shape::Decision);
        c.edge(&group, decision, "", false);
        c.push(outcome, outcome_label, Shape::Outcome(tone));
        c.edge(decision, outcome, when, true);
        previous = decision.to_string();
        from_label = next_label.to_string();
    }
    c.push(
        "o_incomplete",
        "INCOMPLETE: something is unknown\n(a red flag not ruled out is named first)",
        Shape::Outcome(Tone::Open),
    );
    c.push("o_met", "MET", Shape::Outcome(Tone::Met));
    c.edge(&previous, "o_incomplete", "one is unknown", true);
    c.edge(&previous, "o_met", "all met", true);
    c
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
        "%% {} v{} (sha256 {})\n%%{{init: {{\"flowchart\": {{\"wrappingWidth\": 440}}}}}}%%\nflowchart TB\n",
        rs.meta.id, rs.meta.version, rs.meta.sha256
    );
    let text = |b: &ChartBox| mermaid_text(&b.label).replace('\n', "<br>");
    let shape = |b: &ChartBox| {
        let l = text(b);
        match b.shape {
            Shape::Criterion => format!("{}[\"{l}\"]", b.id),
            Shape::Decision => format!("{}{{\"{l}\"}}", b.id),
            Shape::Outcome(_) => format!("{}([\"{l}\"])", b.id),
            Shape::Start => format!("{}[/\"{l}\"/]", b.id),
        }
    };
    for b in &c.boxes {
        let _ = writeln!(out, "  {}", shape(b));
    }
    for e in &c.edges {
        match (e.decision, e.label.is_empty()) {
            (true, true) => {
                let _ = writeln!(out, "  {} --> {}", e.from, e.to);
            }
            (true, false) => {
                let _ = writeln!(out, "  {} -->|{}| {}", e.from, mermaid_text(&e.label), e.to);
            }
            (false, _) => {
                let _ = writeln!(out, "  {} -.- {}", e.from, e.to);
            }
        }
    }
    out.push_str("  classDef stop fill:#b00,color:#fff,stroke:#600\n");
    out.push_str("  classDef against fill:#fdd,stroke:#a00\n");
    out.push_str("  classDef open fill:#ffe9b3,stroke:#a60\n");
    out.push_str("  classDef met fill:#d7f5d7,stroke:#060\n");
    for b in &c.boxes {
        let class = match b.shape {
            Shape::Outcome(Tone::Stop) => "stop",
            Shape::Outcome(Tone::Against) => "against",
            Shape::Outcome(Tone::Open) => "open",
            Shape::Outcome(Tone::Met) => "met",
            _ => continue,
        };
        let _ = writeln!(out, "  class {} {class}", b.id);
    }
    out
}

/// A label for DOT: quotes and backslashes escaped, each line ended by
/// `end` (`\\n` centred, `\\l` left-aligned).
fn dot_lines(s: &str, end: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', end)
}

fn dot_text(s: &str) -> String {
    dot_lines(s, "\\n")
}

/// Graphviz DOT.
pub fn dot(rs: &RuleSet) -> String {
    let c = chart(rs);
    let mut out = format!(
        "// {} v{} (sha256 {})\ndigraph \"{}\" {{\n  rankdir=TB;\n  newrank=true;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        rs.meta.id,
        rs.meta.version,
        rs.meta.sha256,
        dot_text(&rs.meta.id)
    );
    let attrs = |b: &ChartBox| {
        let shape = match b.shape {
            Shape::Criterion => "box, style=\"rounded\"",
            Shape::Decision => "diamond, style=bold",
            Shape::Outcome(Tone::Stop) => {
                "box, style=\"filled,bold\", fillcolor=\"#bb0000\", fontcolor=white"
            }
            Shape::Outcome(Tone::Against) => "box, style=\"filled,bold\", fillcolor=\"#ffdddd\"",
            Shape::Outcome(Tone::Open) => "box, style=\"filled,bold\", fillcolor=\"#ffe9b3\"",
            Shape::Outcome(Tone::Met) => "box, style=\"filled,bold\", fillcolor=\"#d7f5d7\"",
            Shape::Start => "box, style=bold",
        };
        // A group's lines are left-aligned (`\\l` ends each line).
        let label = if b.shape == Shape::Criterion {
            format!("{}\\l", dot_lines(&b.label, "\\l"))
        } else {
            dot_text(&b.label)
        };
        format!("{} [label=\"{label}\", shape={shape}];", b.id)
    };
    for b in &c.boxes {
        let _ = writeln!(out, "  {}", attrs(b));
    }
    for e in &c.edges {
        let style = if e.decision {
            "penwidth=1.6"
        } else {
            "style=dotted, arrowhead=none"
        };
        if e.label.is_empty() {
            let _ = writeln!(out, "  {} -> {} [{style}];", e.from, e.to);
        } else {
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"{}\", {style}];",
                e.from,
                e.to,
                dot_text(&e.label)
            );
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
            for e in &c.edges {
                assert!(
                    ids.contains(&e.from.as_str()) && ids.contains(&e.to.as_str()),
                    "{}: {} -> {}",
                    b.id,
                    e.from,
                    e.to
                );
            }
            let m = mermaid(&rs);
            assert!(m.contains("flowchart TB") && m.contains("RED FLAGS (asked first)"));
            // The decision order: red flags, exclusions, indications.
            let at = |s: &str| m.find(s).unwrap_or(usize::MAX);
            assert!(
                at("d_red -->|yes| o_red") < at("d_ind -->|all met| o_met"),
                "{m}"
            );
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
