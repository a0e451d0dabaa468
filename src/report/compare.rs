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
    let mut same: Vec<String> = Vec::new();
    for p in pairs {
        let diff = match (p.left, p.right) {
            (Some(_), None) => format!("only in {}", a.meta.id),
            (None, Some(_)) => format!("only in {}", b.meta.id),
            _ if p.combined_differently => "same tests, combined differently".to_string(),
            (Some(l), Some(r)) => {
                // Thresholds on the same question, in plain numbers first.
                let (lines, covered) = thresholds(a, l, b, r);
                let mut d = String::new();
                for x in &lines {
                    let _ = writeln!(d, "{x}");
                }
                for x in p.only_left.iter().filter(|x| !covered.contains(x)) {
                    let _ = writeln!(d, "only {}: {x}", a.meta.id);
                }
                for x in p.only_right.iter().filter(|x| !covered.contains(x)) {
                    let _ = writeln!(d, "only {}: {x}", b.meta.id);
                }
                d.trim_end().to_string()
            }
            (None, None) => String::new(),
        };
        if p.left.is_some() && p.right.is_some() && !p.differs() {
            // The same in both: folded into one line below the table.
            same.push(p.left.map_or_else(String::new, |l| {
                inert_line(&a.criteria[l].label).into_owned()
            }));
            continue;
        }
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
    let folded = if same.is_empty() {
        String::new()
    } else {
        format!(
            "\nThe same in both ({}): {}.\n",
            same.len(),
            same.join("; ")
        )
    };
    format!(
        "{t}\n{folded}\n{differing} of the criteria differ. Criteria are paired by the questions they read.\n{NOT_ADVICE}\n"
    )
}

/// Number thresholds the two criteria set on the same question, in plain
/// words ("'Relief after block 1': at least 75% vs at least 50%"), and the
/// leaves (as `describe::condition` words them) these lines cover.
fn thresholds(a: &RuleSet, l: usize, b: &RuleSet, r: usize) -> (Vec<String>, Vec<String>) {
    use crate::engine::Node;
    let compares =
        |rs: &RuleSet, ci: usize| -> Vec<(String, usize, crate::engine::CmpOp, f64, String)> {
            describe::leaf_nodes(rs, rs.criteria[ci].root)
                .into_iter()
                .filter_map(|n| match rs.node(n) {
                    Node::Compare(q, op, v) => Some((
                        rs.questions[q].id.clone(),
                        q,
                        op,
                        v,
                        describe::condition(rs, n),
                    )),
                    _ => None,
                })
                .collect()
        };
    let (left, right) = (compares(a, l), compares(b, r));
    let mut lines = Vec::new();
    let mut covered = Vec::new();
    for (id, q, op, v, text) in &left {
        let Some((_, rq, rop, rv, rtext)) = right.iter().find(|x| x.0 == *id) else {
            continue;
        };
        if (op, v) == (rop, rv) {
            continue;
        }
        lines.push(format!(
            "'{}': {} vs {}",
            a.questions[*q].short,
            describe::threshold(a, *q, *op, *v),
            describe::threshold(b, *rq, *rop, *rv)
        ));
        covered.push(text.clone());
        covered.push(rtext.clone());
    }
    (lines, covered)
}

/// Cases down, rule sets across, each cell the outcome; the rows where the
/// rule sets disagree are counted below.
pub fn matrix(
    home: &str,
    rule_sets: &[String],
    rows: &[(String, Vec<Outcome>)],
    style: Style,
) -> String {
    let mut t = table(style);
    let mut header = vec![format!("case (from {home})")];
    header.extend(rule_sets.iter().cloned());
    t.set_header(header);
    let mut disagree = 0;
    for (id, outcomes) in rows {
        let differ = outcomes.windows(2).any(|w| w[0] != w[1]);
        disagree += usize::from(differ);
        let mut cells = vec![Cell::new(if differ {
            format!("{} *", inert_line(id))
        } else {
            inert_line(id).into_owned()
        })];
        cells.extend(outcomes.iter().map(|o| Cell::new(o.as_str())));
        t.add_row(cells);
    }
    format!(
        "{t}\n{disagree} of {} case(s) give different outcomes under these rule sets (marked *). Answers are matched by question id; a question a rule set asks but the case does not answer is unknown.\n",
        rows.len()
    )
}
