//! `sij-screen compare`: one case across rule sets, or two rule sets' criteria
//! side by side.

use crate::analysis::compare::pair_criteria;
use crate::analysis::vignettes;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::request::CompareRequest;
use crate::cli::screening::{self, AnswersFile};
use crate::cli::usage::UsageError;
use crate::compile::catalog::{self, BUNDLED, Loaded};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, inert};
use crate::engine::Outcome;
use crate::files::answers::Match;
use crate::files::vignettes::VignetteDoc;
use crate::files::{read_text, yaml};
use crate::report::compare::{case_table, criteria_table};

pub fn run(args: &CompareRequest) -> Result<Exit, AppError> {
    let style = output::stdout_style(args.color);
    let specs: Vec<String> = if args.rules.is_empty() {
        BUNDLED.iter().map(|b| b.id.to_string()).collect()
    } else {
        args.rules.clone()
    };
    let loaded: Vec<Loaded> = specs
        .iter()
        .map(|s| catalog::load(s).map_err(AppError::from))
        .collect::<Result<_, _>>()?;
    if let Some(path) = &args.vignettes {
        output::stdout(&vignette_matrix(path, &loaded, style)?)?;
        return Ok(Exit::Success);
    }
    let text = match &args.answers {
        Some(path) => {
            let file = AnswersFile::read(path)?;
            let mut rows = Vec::new();
            for l in &loaded {
                let answers = file.bind(&l.rules, Match::ByQuestionId)?;
                let ev = l.rules.evaluate(&answers);
                screening::note_not_asked(&l.rules, &ev, |_| {
                    format!("{} under {}", inert(file.name()), l.rules.meta.id)
                });
                rows.push((&l.rules, ev));
            }
            case_table(&rows, style)
        }
        None => {
            let [a, b] = loaded.as_slice() else {
                return Err(UsageError::CompareNeedsTwo.into());
            };
            let pairs = pair_criteria(&a.rules, &b.rules);
            criteria_table(&a.rules, &b.rules, &pairs, style)
        }
    };
    output::stdout(&text)?;
    Ok(Exit::Success)
}

/// Every case of a vignette file against every rule set: a table of
/// outcomes, cases down and rule sets across, for showing in class where
/// the profiles disagree.
fn vignette_matrix(
    path: &std::path::Path,
    loaded: &[Loaded],
    style: crate::report::table::Style,
) -> Result<String, AppError> {
    let shown = path.display().to_string();
    let text = read_text(path)?;
    let invalid = |d: Vec<Diagnostic>| AppError::Invalid(Diagnostics::with_text(&shown, &text, d));
    let doc: VignetteDoc = yaml::parse(&text, FileId::MAIN).map_err(|d| invalid(vec![d]))?;
    let home = catalog::load(&doc.rule_set.value)?;
    let cases = vignettes::case_answers(&home.rules, &doc, &text).map_err(invalid)?;
    let rows: Vec<(String, Vec<Outcome>)> = cases
        .iter()
        .map(|(id, answers)| {
            let outcomes = loaded
                .iter()
                .map(|l| {
                    let carried = vignettes::carry_answers(&home.rules, answers, &l.rules);
                    l.rules.evaluate(&carried).outcome
                })
                .collect();
            (id.clone(), outcomes)
        })
        .collect();
    let names: Vec<String> = loaded.iter().map(|l| l.rules.meta.id.clone()).collect();
    Ok(crate::report::compare::matrix(
        &doc.rule_set.value,
        &names,
        &rows,
        style,
    ))
}
