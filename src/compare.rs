//! `sij-screen compare`: one case across rule sets, or two rule sets' criteria
//! side by side. The published criteria disagree (50% or 75% relief, one or
//! two blocks, nicotine), and this is where that becomes visible.

use std::collections::HashSet;
use std::fmt::Write;

use comfy_table::{Cell, Color};

use crate::answers::{AnswersDoc, Match};
use crate::catalog::{self, BUNDLED, Loaded};
use crate::cli::CompareArgs;
use crate::describe;
use crate::diagnostic::Diagnostics;
use crate::error::{AppError, Exit};
use crate::evaluate::Outcome;
use crate::load;
use crate::logic::Tri;
use crate::output;
use crate::report::text::{Style, table};
use crate::report::{NOT_ADVICE, is_adverse};
use crate::ruleset::RuleSet;

pub fn run(args: &CompareArgs) -> Result<Exit, AppError> {
    let style = output::stdout_style(args.color);
    let specs: Vec<String> = if args.rules.is_empty() {
        BUNDLED.iter().map(|b| b.id.to_string()).collect()
    } else {
        args.rules.clone()
    };
    let loaded: Vec<Loaded> = specs
        .iter()
        .map(|s| catalog::load(s))
        .collect::<Result<_, _>>()?;
    let text = match &args.answers {
        Some(path) => {
            let name = path.display().to_string();
            let text = load::read_text(path)?;
            let doc: AnswersDoc = load::parse_yaml(&text)
                .map_err(|d| AppError::Invalid(Diagnostics::new(&name, vec![d])))?;
            let mut rows = Vec::new();
            for l in &loaded {
                let answers = crate::answers::bind(&l.rules, &doc, Match::ByQuestionId)
                    .map_err(|d| AppError::Invalid(Diagnostics::new(&name, d)))?;
                rows.push((&l.rules, l.rules.evaluate(&answers)));
            }
            case_table(&rows, style)
        }
        None => {
            let [a, b] = loaded.as_slice() else {
                return Err(AppError::Usage(
                    "compare needs --answers FILE, or exactly two --rules to set side by side"
                        .into(),
                ));
            };
            criteria_table(&a.rules, &b.rules, style)
        }
    };
    output::stdout(&text)?;
    Ok(Exit::Success)
}

/// One row per rule set: the outcome and the criteria that decided it.
fn case_table(rows: &[(&RuleSet, crate::evaluate::Evaluation)], style: Style) -> String {
    let mut t = table(style);
    t.set_header(["Rule set", "Outcome", "Decided by", "Unknown"]);
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
            .map(|(c, _)| c.label.clone())
            .collect();
        let decided = if ev.outcome == Outcome::Met {
            "every criterion met".to_string()
        } else {
            deciding.join("\n")
        };
        let unknown: Vec<&str> = ev
            .unanswered()
            .into_iter()
            .chain(ev.not_assessed())
            .map(|qi| rs.questions[qi].id.as_str())
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
                unknown.join(", ")
            }),
        ]);
    }
    format!(
        "{t}\n\nQuestions a rule set asks but the case does not answer count as unknown, not as failures.\n{NOT_ADVICE}\n"
    )
}

/// The criteria of two rule sets side by side, paired by the questions they
/// read, with the tests that differ.
fn criteria_table(a: &RuleSet, b: &RuleSet, style: Style) -> String {
    let read = |rs: &RuleSet, ci: usize| -> HashSet<String> {
        rs.questions_read(rs.criteria[ci].root)
            .into_iter()
            .map(|q| rs.questions[q].id.clone())
            .collect()
    };
    // Greedy pairing by overlap of questions read (Jaccard), best first.
    let mut scores = Vec::new();
    for ai in 0..a.criteria.len() {
        let qa = read(a, ai);
        for bi in 0..b.criteria.len() {
            let qb = read(b, bi);
            let shared = qa.intersection(&qb).count();
            if shared > 0 {
                let score = shared as f64 / qa.union(&qb).count() as f64;
                scores.push((score, ai, bi));
            }
        }
    }
    scores.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut pair_of_a = vec![None; a.criteria.len()];
    let mut taken_b = vec![false; b.criteria.len()];
    for (_, ai, bi) in scores {
        if pair_of_a[ai].is_none() && !taken_b[bi] {
            pair_of_a[ai] = Some(bi);
            taken_b[bi] = true;
        }
    }

    let mut t = table(style);
    t.set_header([
        format!("{} v{}", a.meta.id, a.meta.version),
        format!("{} v{}", b.meta.id, b.meta.version),
        "Differences".to_string(),
    ]);
    let cell = |rs: &RuleSet, ci: usize| {
        let c = &rs.criteria[ci];
        format!(
            "{} ({})\n{}",
            c.label,
            c.kind.as_str(),
            describe::condition(rs, c.root)
        )
    };
    let mut differing = 0;
    for (ai, pair) in pair_of_a.iter().enumerate() {
        let (left, right, diff) = match pair {
            Some(bi) => {
                let la: Vec<String> = describe::leaves(a, a.criteria[ai].root);
                let lb: Vec<String> = describe::leaves(b, b.criteria[*bi].root);
                let only_a: Vec<&String> = la.iter().filter(|x| !lb.contains(x)).collect();
                let only_b: Vec<&String> = lb.iter().filter(|x| !la.contains(x)).collect();
                let same_shape = describe::condition(a, a.criteria[ai].root)
                    == describe::condition(b, b.criteria[*bi].root);
                let diff = if only_a.is_empty() && only_b.is_empty() && same_shape {
                    String::new()
                } else if only_a.is_empty() && only_b.is_empty() {
                    "same tests, combined differently".to_string()
                } else {
                    let mut d = String::new();
                    for x in &only_a {
                        let _ = writeln!(d, "{}: {x}", a.meta.id);
                    }
                    for x in &only_b {
                        let _ = writeln!(d, "{}: {x}", b.meta.id);
                    }
                    d.trim_end().to_string()
                };
                (cell(a, ai), cell(b, *bi), diff)
            }
            None => (
                cell(a, ai),
                "-".to_string(),
                format!("only in {}", a.meta.id),
            ),
        };
        if !diff.is_empty() {
            differing += 1;
        }
        let diff_cell = if style.color && !diff.is_empty() {
            Cell::new(&diff).fg(Color::Yellow)
        } else {
            Cell::new(&diff)
        };
        t.add_row(vec![Cell::new(left), Cell::new(right), diff_cell]);
    }
    for (bi, taken) in taken_b.iter().enumerate() {
        if !taken {
            differing += 1;
            let diff = format!("only in {}", b.meta.id);
            let diff_cell = if style.color {
                Cell::new(&diff).fg(Color::Yellow)
            } else {
                Cell::new(&diff)
            };
            t.add_row(vec![Cell::new("-"), Cell::new(cell(b, bi)), diff_cell]);
        }
    }
    format!(
        "{t}\n\n{differing} of the rows differ. Criteria are paired by the questions they read.\n{NOT_ADVICE}\n"
    )
}
