//! The closing table of a run: counts per outcome and per criterion.

use comfy_table::Cell;

use super::Tally;
use crate::engine::{CriterionKind, Outcome, RuleSet, Tri};
use crate::report::is_adverse;
use crate::report::table::{Style, table};

/// The closing table: counts per outcome and per criterion.
pub fn summary(rs: &RuleSet, t: &Tally, style: Style) -> String {
    let mut out = String::new();
    let mut o = table(style);
    o.set_header(["Outcome", "Cases"]);
    for outcome in Outcome::ALL {
        o.add_row(vec![
            Cell::new(outcome.as_str()),
            Cell::new(t.outcomes[outcome as usize]),
        ]);
    }
    o.add_row(vec![Cell::new("bad rows (not screened)"), Cell::new(t.bad)]);
    out.push_str(&format!("{o}\n"));
    let mut c = table(style);
    c.set_header(["Criterion", "Kind", "Against the patient", "Unknown"]);
    for (crit, counts) in rs.criteria.iter().zip(&t.criteria) {
        let adverse: u64 = [Tri::False, Tri::Unknown, Tri::True]
            .into_iter()
            .filter(|&h| is_adverse(crit.kind, h))
            .map(|h| counts[h as usize])
            .sum();
        let unknown = counts[Tri::Unknown as usize];
        let word = match crit.kind {
            CriterionKind::RedFlag => "present",
            CriterionKind::Exclusion => "applies",
            CriterionKind::Indication => "not met",
        };
        let id = if crit.unverified.is_some() {
            format!("{} (UNVERIFIED)", crit.id)
        } else {
            crit.id.clone()
        };
        c.add_row(vec![
            Cell::new(id),
            Cell::new(crit.kind.as_str()),
            Cell::new(format!("{adverse} {word}")),
            Cell::new(unknown),
        ]);
    }
    out.push_str(&format!("{c}\n"));
    let not_asked: Vec<String> = rs
        .questions
        .iter()
        .zip(&t.not_asked)
        .filter(|(_, n)| **n > 0)
        .map(|(q, n)| format!("{} in {n} case(s)", q.id))
        .collect();
    if !not_asked.is_empty() {
        out.push_str(&format!(
            "Recorded but not asked here (skip logic set the answers aside; \
             JSON Lines output lists them per row as recorded_not_asked): {}\n",
            not_asked.join(", ")
        ));
    }
    out.push_str(&format!(
        "{} case(s) screened with {} v{}",
        t.cases, rs.meta.id, rs.meta.version
    ));
    out
}
