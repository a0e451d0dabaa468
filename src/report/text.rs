//! The summary as text for a terminal: a criteria table, the outcome, what
//! it means, evidence, unknowns, the sections asked for, and the disclaimer.
//!
//! Text from rule sets and answers files is made inert before it is shown
//! (see [`crate::diagnostics::inert`]): a rule set cannot send escape
//! sequences to the clinician's terminal.

use std::fmt::Write;

use comfy_table::{Attribute, Cell, Color};

use super::table::{Style, table};
use super::{Summary, WhatIfSection, WhatWouldChangeSection, WhySection, is_adverse, status_word};
use crate::diagnostics::{inert, inert_line};
use crate::engine::Tri;

fn paint(text: impl Into<String>, color: Option<Color>, style: Style) -> Cell {
    let cell = Cell::new(text.into());
    match (style.color, color) {
        (true, Some(c)) => cell.fg(c).add_attribute(Attribute::Bold),
        _ => cell,
    }
}

/// Renders the whole summary, with any sections it carries before the
/// disclaimer.
pub fn render(s: &Summary, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Screening summary: {}", inert_line(&s.title));
    let _ = writeln!(
        out,
        "Rule set {} version {} ({}, {}), sha256 {}",
        s.rule_set_id,
        inert_line(&s.version),
        s.review_status,
        s.review_date,
        s.sha256
    );
    out.push('\n');

    let mut t = table(style);
    t.set_header(["Criterion", "Kind", "Status", "Decided by", "Source"]);
    for c in &s.criteria {
        let color = match c.holds {
            Tri::Unknown => Some(Color::Yellow),
            h if is_adverse(c.kind, h) => Some(Color::Red),
            _ => Some(Color::Green),
        };
        let decided = if c.decided_by.is_empty() {
            "-".to_string()
        } else {
            c.decided_by
                .iter()
                .map(|a| format!("{} = {}", a.question, inert_line(&a.answer)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let label = if c.unverified.is_some() {
            format!("{}\n(UNVERIFIED)", inert_line(&c.label))
        } else {
            inert_line(&c.label).into_owned()
        };
        t.add_row(vec![
            Cell::new(label),
            Cell::new(c.kind.label()),
            paint(status_word(c.kind, c.holds), color, style),
            Cell::new(decided),
            Cell::new(c.sources.join(", ")),
        ]);
    }
    let _ = writeln!(out, "{t}");
    out.push('\n');

    let _ = writeln!(out, "Outcome: {}", s.outcome_sentence());
    let unmet: Vec<_> = s
        .criteria
        .iter()
        .filter(|c| is_adverse(c.kind, c.holds) && !c.if_not_met.is_empty())
        .collect();
    if !unmet.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "What this means:");
        for c in unmet {
            let _ = writeln!(
                out,
                "  - {}: {}",
                inert_line(&c.label),
                inert(c.if_not_met.trim())
            );
        }
    }
    let with_evidence: Vec<_> = s
        .criteria
        .iter()
        .filter(|c| !c.evidence.is_empty())
        .collect();
    if !with_evidence.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Evidence:");
        for c in with_evidence {
            for (text, source) in &c.evidence {
                let _ = writeln!(
                    out,
                    "  - {}: {} [{source}]",
                    inert_line(&c.label),
                    inert(text)
                );
            }
        }
    }
    if s.unverified().next().is_some() {
        out.push('\n');
        let _ = writeln!(
            out,
            "UNVERIFIED criteria (not checked against their source; weigh them accordingly):"
        );
        for (c, why) in s.unverified() {
            let _ = writeln!(out, "  - {}: {}", inert_line(&c.label), inert(why.trim()));
        }
    }
    if let Some(stopped) = s.stopped_by_red_flag() {
        out.push('\n');
        let _ = writeln!(out, "{stopped}");
    } else if s.unknowns().next().is_some() {
        out.push('\n');
        let _ = writeln!(out, "Unknown, would need assessing:");
        for (id, text, why) in s.unknowns() {
            let _ = writeln!(out, "  - {id}: {} ({why})", inert_line(text));
        }
    }
    let extra = sections(s);
    if !extra.is_empty() {
        out.push('\n');
        out.push_str(extra.trim_end());
        out.push('\n');
    }
    out.push('\n');
    let _ = writeln!(out, "{}", inert(&s.disclaimer));
    out
}

/// The sections asked for (`--set`, `--why`, `--what-would-change`) as text.
pub fn sections(s: &Summary) -> String {
    let mut out = String::new();
    if let Some(w) = &s.sections.what_if {
        what_if(&mut out, w);
    }
    if let Some(w) = &s.sections.why {
        why(&mut out, w);
    }
    if let Some(w) = &s.sections.what_would_change {
        what_would_change(&mut out, w);
    }
    out
}

fn what_if(out: &mut String, w: &WhatIfSection) {
    let set: Vec<String> = w.set.iter().map(|s| inert_line(s).into_owned()).collect();
    let _ = writeln!(out, "What changed (--set {}):", set.join(", --set "));
    for line in w.lines() {
        let _ = writeln!(out, "  {line}");
    }
}

fn why(out: &mut String, traces: &[WhySection]) {
    let _ = writeln!(out, "Why:");
    for t in traces {
        let _ = writeln!(out, "  {} [{}]: {}", inert_line(&t.label), t.id, t.status);
        for line in &t.lines {
            let _ = writeln!(out, "    {}", inert_line(&line.render()));
        }
    }
}

/// Changes toward a better outcome in detail, toward a worse one grouped by
/// outcome, then what assessing each unknown would give.
fn what_would_change(out: &mut String, w: &WhatWouldChangeSection) {
    let _ = writeln!(
        out,
        "What would change the outcome ({}):",
        w.outcome.as_str()
    );
    let better = w.better();
    if better.is_empty() {
        let _ = writeln!(
            out,
            "  No single change to an answered question improves it."
        );
    }
    for q in &better {
        let _ = writeln!(out, "  {} (now {}):", q.question, inert_line(&q.now));
        for a in &q.alternatives {
            let _ = writeln!(out, "    {} -> {}", a.answer, a.outcome.as_str());
        }
    }
    for (outcome, parts) in w.worse_in_words() {
        let _ = writeln!(out, "  -> {} if: {}", outcome.as_str(), parts.join("; "));
    }
    if !w.unknowns.is_empty() {
        let _ = writeln!(out, "Unknowns, and what assessing each would give:");
        for u in &w.unknowns {
            let verdict = super::verdict_text(u.verdict);
            let outcomes: Vec<String> = u
                .alternatives
                .iter()
                .map(|a| format!("{} -> {}", a.answer, a.outcome.as_str()))
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
            let _ = writeln!(out, "  {} ({verdict}): {shown}", u.question);
        }
    }
}
