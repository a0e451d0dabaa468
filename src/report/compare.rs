//! Comparison tables: one case under several rule sets, and two rule sets'
//! criteria side by side.

use std::fmt::Write;

use comfy_table::{Cell, Color};

use super::table::{Style, table};
use super::{NOT_ADVICE, is_adverse};
use crate::analysis::compare::Pair;
use crate::analysis::describe;
use crate::diagnostics::inert_line;
use crate::engine::{Evaluation, Outcome, RuleSet, Tri};

/// A criterion's label, marked when it could not be checked against its source.
fn labelled(c: &crate::engine::ruleset::Criterion) -> String {
    if c.unverified.is_some() {
        format!("{} (UNVERIFIED)", inert_line(&c.label))
    } else {
        inert_line(&c.label).into_owned()
    }
}

/// One row per rule set: the outcome and the criteria that decided it.
pub fn case_table(rows: &[(&RuleSet, Evaluation)], style: Style) -> String {
    let mut t = table(style);
    t.set_header(["Rule set", "Outcome", "Why", "Unknown answers"]);
    for (rs, ev) in rows {
        let deciding: Vec<String> = rs
            .criteria
            .iter()
            .zip(&ev.holds)
            .filter(|(c, h)| match ev.outcome {
                Outcome::Incomplete => **h == Tri::Unknown,
                Outcome::Met => false,
                _ => is_adverse(c.kind, **h),
            })
            .map(|(c, _)| labelled(c))
            .collect();
        // Say what the listed criteria are: present, applying, not met, or
        // (for an incomplete case) not yet decided.
        let lead = match ev.outcome {
            Outcome::RedFlag => "Red flag present:",
            Outcome::Excluded => "Exclusion applies:",
            Outcome::NotMet => "Not met:",
            Outcome::Incomplete => "Not yet decided:",
            Outcome::Met => "",
        };
        let decided = if ev.outcome == Outcome::Met {
            "every criterion met".to_string()
        } else {
            format!("{lead}\n{}", deciding.join("\n"))
        };
        let unknown: Vec<&str> = ev
            .unanswered()
            .into_iter()
            .chain(ev.not_assessed())
            .map(|qi| rs.questions[qi].short.as_str())
            .collect();
        let outcome = Cell::new(ev.outcome.as_str());
        let outcome = if style.color {
            outcome.fg(match ev.outcome {
                Outcome::Met => Color::Green,
                Outcome::Incomplete => Color::Yellow,
                _ => Color::Red,
            })
        } else {
            outcome
        };
        t.add_row(vec![
            Cell::new(format!("{} v{}", rs.meta.id, rs.meta.version)),
            outcome,
            Cell::new(decided),
            Cell::new(if unknown.is_empty() {
                "-".to_string()
            } else {
                unknown.join("; ")
            }),
        ]);
    }
    format!(
        "{t}\n\nQuestions a rule set asks but the case does not answer count as unknown, not as failures.\n{NOT_ADVICE}\n"
    )
}

/// The criteria of two rule sets side by side, as paired by
/// [`crate::analysis::compare::pair_criteria`], with the tests that differ.
pub fn criteria_table(a: &RuleSet, b: &RuleSet, pairs: &[Pair], style: Style) -> String {
    let mut t = table(style);
    t.set_header([
        format!("{} v{}", a.meta.id, inert_line(&a.meta.version)),
        format!("{} v{}", b.meta.id, inert_line(&b.meta.version)),
        "Differences".to_string(),
    ]);
    let cell = |rs: &RuleSet, ci: Option<usize>| match ci {
        Some(ci) => {
            let c = &rs.criteria[ci];
            format!(
                "{} ({})\n{}",
                labelled(c),
                c.kind.as_str(),
                describe::condition(rs, c.root)
            )
        }
        None => "-".to_string(),
    };
    let mut differing = 0;
    for p in pairs {
        let diff = match (p.left, p.right) {
            (Some(_), None) => format!("only in {}", a.meta.id),
            (None, Some(_)) => format!("only in {}", b.meta.id),
            _ if p.combined_differently => "same tests, combined differently".to_string(),
            _ => {
                let mut d = String::new();
                for x in &p.only_left {
                    let _ = writeln!(d, "{}: {x}", a.meta.id);
                }
                for x in &p.only_right {
                    let _ = writeln!(d, "{}: {x}", b.meta.id);
                }
                d.trim_end().to_string()
            }
        };
        if p.differs() {
            differing += 1;
        }
        let diff_cell = if style.color && !diff.is_empty() {
            Cell::new(&diff).fg(Color::Yellow)
        } else {
            Cell::new(&diff)
        };
        t.add_row(vec![
            Cell::new(cell(a, p.left)),
            Cell::new(cell(b, p.right)),
            diff_cell,
        ]);
    }
    format!(
        "{t}\n\n{differing} of the rows differ. Criteria are paired by the questions they read.\n{NOT_ADVICE}\n"
    )
}
