//! `sij-screen run`: screen one case, interactively or from an answers file,
//! with optional what-if changes (`--set`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::exit::{AppError, Exit};
use crate::cli::request::{Format, RunRequest, Settings};
use crate::cli::screening::AnswersFile;
use crate::cli::usage::UsageError;
use crate::cli::{atomic, output, render_diagnostics, screening, walk};
use crate::compile::catalog;
use crate::diagnostics::{inert, suggest};
use crate::engine::{Answer, RuleSet, parse_text};
use crate::files::answers::Match;

pub fn run(settings: &Settings, req: &RunRequest) -> Result<Exit, AppError> {
    let case_path = req.answers.as_ref().or(req.resume.as_ref());
    let case = case_path.map(|p| AnswersFile::read(p)).transpose()?;
    let spec = match (&req.rules, &case, case_path) {
        (Some(r), _, _) => r.clone(),
        (None, Some(file), Some(path)) => named_rule_set(file, path)?,
        _ => catalog::DEFAULT_ID.to_string(),
    };
    let loaded = catalog::load(&spec)?;
    let rs = &loaded.rules;
    if let Some(save) = &req.save {
        check_save_target(save, req, &loaded.paths)?;
    }
    // A resumed walk saves back to its file, as an answers file: never over
    // a FHIR response, which would be replaced by YAML.
    if req.resume.is_some()
        && req.save.is_none()
        && case.as_ref().is_some_and(AnswersFile::is_response)
    {
        return Err(UsageError::ResumeResponseNeedsSave.into());
    }
    let Some(file) = case.as_ref().filter(|_| req.answers.is_some()) else {
        if !loaded.warnings.items.is_empty() {
            // Warnings do not stop a screening, but an author should see them.
            output::eprintln(&render_diagnostics(settings, &loaded.warnings));
        }
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(AppError::NoTerminal);
        }
        let resumed = case
            .as_ref()
            .map(|f| f.bind(rs, Match::Strict))
            .transpose()?;
        return walk::terminal::run(rs, req, resumed);
    };
    if !req.set.is_empty() && req.format == Format::Fhir {
        return Err(UsageError::FhirWhatIf.into());
    }
    let given = file.bind(rs, Match::Strict)?;
    let (answers, set_by_hand, before) = if req.set.is_empty() {
        (given, Vec::new(), None)
    } else {
        let before = rs.evaluate(&given);
        let (answers, set) = apply_sets(rs, given, &req.set)?;
        (answers, set, Some(before))
    };
    let ev = rs.evaluate(&answers);
    // An answer skip logic did not use is said on standard error too, where
    // a script or a clinician reading JSON still sees it.
    screening::note_not_asked(rs, &ev, |qi| {
        if set_by_hand.contains(&qi) {
            "--set".to_string()
        } else {
            inert(file.name()).into_owned()
        }
    });
    output::summary(&screening::render(rs, &ev, req, before.as_ref()), req.pager)?;
    Ok(Exit::Success)
}

/// The bundled rule set an answers or resumed file names (`rule_set:`), so
/// a saved case reopens under the rules it was screened with.
fn named_rule_set(file: &AnswersFile, path: &Path) -> Result<String, AppError> {
    let id = file.rule_set();
    if catalog::bundled(id).is_some() {
        Ok(id.to_string())
    } else {
        Err(UsageError::NotBundled {
            path: path.to_path_buf(),
            id: id.to_string(),
        }
        .into())
    }
}

/// `--save FILE` must never silently replace another case or a file being
/// read: an existing file is refused unless it is the one being resumed or
/// `--force` is given, and the rule set or bank is always refused. Checked
/// before anything is asked.
fn check_save_target(save: &Path, req: &RunRequest, reading: &[PathBuf]) -> Result<(), AppError> {
    let shown = save.display().to_string();
    let (_, existing) = atomic::check_target(save, &shown)?;
    let resuming_it = req
        .resume
        .as_ref()
        .is_some_and(|r| same_file::is_same_file(r, save).unwrap_or(false));
    if existing.is_some() && !resuming_it && !req.force {
        return Err(UsageError::SaveExists { shown }.into());
    }
    let labelled: Vec<(&str, &Path)> = reading
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                if i == 0 { "rule set" } else { "question bank" },
                p.as_path(),
            )
        })
        .collect();
    atomic::refuse_if_reading(save, &labelled)
}

/// Applies `--set question=value` changes, checking each like an answer;
/// also gives the questions they set.
fn apply_sets(
    rs: &RuleSet,
    mut answers: Vec<Answer>,
    sets: &[String],
) -> Result<(Vec<Answer>, Vec<usize>), AppError> {
    let mut set_questions = Vec::with_capacity(sets.len());
    for set in sets {
        let Some((id, value)) = set.split_once('=') else {
            return Err(UsageError::SetSyntax { set: set.clone() }.into());
        };
        let id = id.trim();
        let Some(qi) = rs.question_idx(id) else {
            let hint = suggest::did_you_mean(id, rs.questions.iter().map(|q| q.id.as_str()));
            return Err(UsageError::SetNoQuestion {
                set: set.clone(),
                rules: rs.meta.id.clone(),
                id: id.to_string(),
                hint,
            }
            .into());
        };
        answers[qi] =
            parse_text(&rs.questions[qi], value).map_err(|error| UsageError::SetValue {
                set: set.clone(),
                error,
            })?;
        set_questions.push(qi);
    }
    Ok((answers, set_questions))
}
