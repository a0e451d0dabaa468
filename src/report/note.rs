//! `--format note`: a screening as plain text that pastes into any EHR
//! note field. At most 15 lines, no markup, no table, no escapes: the
//! outcome, red flags, what is missing, what is still to assess, the rule
//! set (id, version, short hash), when (with the zone), and the not-advice
//! sentence. A what-if says so on its first line.

use std::fmt::Write as _;

use super::{HYPOTHETICAL_BANNER, Summary, outcome_word};
use crate::diagnostics::inert_line;
use crate::engine::{CriterionKind, Tri};

/// The most lines a note takes.
pub const MAX_LINES: usize = 15;

/// Criteria listed one a line before the rest are counted.
const LISTED: usize = 4;

pub fn render(s: &Summary) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(h) = &s.hypothetical {
        lines.push(format!(
            "{HYPOTHETICAL_BANNER}. {}",
            h.outcomes_line(s.outcome)
        ));
    }
    lines.push(format!(
        "SI joint fusion screening ({}): {}",
        s.rule_set_id,
        outcome_word(s.outcome)
    ));
    lines.push(s.outcome_sentence());
    let present: Vec<&str> = s
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::RedFlag && c.holds == Tri::True)
        .map(|c| c.label.as_str())
        .collect();
    let open: Vec<&str> = s
        .red_flags_not_ruled_out()
        .map(|c| c.label.as_str())
        .collect();
    lines.push(match (present.is_empty(), open.is_empty()) {
        (false, _) => format!("Red flags PRESENT: {}", present.join("; ")),
        (true, false) => format!("Red flags not ruled out: {}", open.join("; ")),
        (true, true) => "Red flags: none present".to_string(),
    });
    // What keeps the patient from meeting the criteria, worst first:
    // exclusions that apply, then indications not met.
    let mut against: Vec<String> = s
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::Exclusion && c.holds == Tri::True)
        .map(|c| format!("Exclusion applies: {}", c.label))
        .collect();
    against.extend(
        s.criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::Indication && c.holds == Tri::False)
            .map(|c| match c.missing_text() {
                Some(m) => format!("Not met: {} ({m})", c.label),
                None => format!("Not met: {}", c.label),
            }),
    );
    let more = against.len().saturating_sub(LISTED);
    lines.extend(against.into_iter().take(LISTED));
    if more > 0 {
        lines.push(format!(
            "... and {more} more not met or applying (see the full summary)"
        ));
    }
    let unknown: Vec<&str> = s
        .unknowns()
        .map(|(id, _, _)| id)
        .filter_map(|id| {
            s.record
                .iter()
                .flat_map(|r| &r.rows)
                .find(|r| r.question == id)
        })
        .map(|r| r.short.as_str())
        .collect();
    if !unknown.is_empty() {
        lines.push(format!("To assess: {}", unknown.join(", ")));
    }
    let short_hash = s.sha256.get(..12).unwrap_or(&s.sha256);
    lines.push(format!(
        "Rule set {} version {} (sha256 {short_hash}); screened {}",
        s.rule_set_id, s.version, s.date
    ));
    lines.push(super::NOT_ADVICE.to_string());
    // Always within the limit: the fixed lines are at most 7, and the
    // criteria at most LISTED + 1.
    debug_assert!(lines.len() <= MAX_LINES);
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(out, "{}", inert_line(&line));
    }
    out
}
