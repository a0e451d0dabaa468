//! `sij-screen run`: screen one case, interactively or from an answers file,
//! with optional what-if changes (`--set`).

use std::io::IsTerminal;

use crate::cli::exit::{AppError, Exit};
use crate::cli::request::{RunRequest, Settings};
use crate::cli::{output, render_diagnostics, screening, walk};
use crate::compile::catalog;
use crate::diagnostics::suggest;
use crate::engine::{Answer, RuleSet, parse_text};
use crate::files::answers::Match;

pub fn run(settings: &Settings, req: &RunRequest) -> Result<Exit, AppError> {
    let loaded = catalog::load(&req.rules)?;
    let rs = &loaded.rules;
    let Some(path) = &req.answers else {
        if !loaded.warnings.items.is_empty() {
            // Warnings do not stop a screening, but an author should see them.
            output::eprintln(&render_diagnostics(settings, &loaded.warnings));
        }
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(AppError::NoTerminal);
        }
        return walk::terminal::run(rs, req);
    };
    let given = screening::read_answers(path, rs, Match::Strict)?;
    let (answers, before) = if req.set.is_empty() {
        (given, None)
    } else {
        let before = rs.evaluate(&given);
        (apply_sets(rs, given, &req.set)?, Some(before))
    };
    let ev = rs.evaluate(&answers);
    output::stdout(&screening::render(rs, &ev, req, before.as_ref()))?;
    Ok(Exit::Success)
}

/// Applies `--set question=value` changes, checking each like an answer.
fn apply_sets(
    rs: &RuleSet,
    mut answers: Vec<Answer>,
    sets: &[String],
) -> Result<Vec<Answer>, AppError> {
    for set in sets {
        let Some((id, value)) = set.split_once('=') else {
            return Err(AppError::Usage(format!(
                "--set {set}: expected QUESTION=VALUE"
            )));
        };
        let id = id.trim();
        let Some(qi) = rs.question_idx(id) else {
            let hint = suggest::did_you_mean(id, rs.questions.iter().map(|q| q.id.as_str()));
            return Err(AppError::Usage(format!(
                "--set {set}: rule set '{}' has no question '{id}'{hint}",
                rs.meta.id
            )));
        };
        answers[qi] = parse_text(&rs.questions[qi], value)
            .map_err(|msg| AppError::Usage(format!("--set {set}: {msg}")))?;
    }
    Ok(answers)
}
