//! What screening a case needs from files and gives back as text, shared by
//! `run --answers` and the interactive walk.

use std::path::Path;

use super::clock;
use super::exit::AppError;
use super::output;
use super::request::{Format, RunRequest};
use crate::diagnostics::{Diagnostics, FileId};
use crate::engine::{Answer, Evaluation, Outcome, RuleSet};
use crate::files::answers::{self, AnswersDoc, Match};
use crate::files::{read_text, yaml};
use crate::report::{self, Sections, Summary, Wanted};

/// An answers file, read and parsed once: the rule set it names can choose
/// the rule set before it is bound, and one file can be bound to several
/// (`compare`). Works for standard input (`-`) too.
#[derive(Debug)]
pub struct AnswersFile {
    name: String,
    text: String,
    doc: AnswersDoc,
}

impl AnswersFile {
    pub fn read(path: &Path) -> Result<Self, AppError> {
        let name = path.display().to_string();
        let text = read_text(path)?;
        match yaml::parse(&text, FileId::MAIN) {
            Ok(doc) => Ok(AnswersFile { name, text, doc }),
            Err(d) => Err(AppError::Invalid(Diagnostics::with_text(
                &name,
                &text,
                vec![d],
            ))),
        }
    }

    /// The rule set the file says it was written for.
    pub fn rule_set(&self) -> &str {
        &self.doc.rule_set.value
    }

    /// The answers, checked against `rs`.
    pub fn bind(&self, rs: &RuleSet, mode: Match) -> Result<Vec<Answer>, AppError> {
        let answers = answers::bind(rs, &self.doc, &self.text, mode)
            .map_err(|d| AppError::Invalid(Diagnostics::with_text(&self.name, &self.text, d)))?;
        // With `compare`, another rule set may still ask the question.
        let notes = if mode == Match::Strict {
            answers::retired_notes(rs, &self.doc)
        } else {
            Vec::new()
        };
        for note in notes {
            output::eprintln(&format!(
                "{}: {}",
                crate::diagnostics::inert(&self.name),
                note
            ));
        }
        Ok(answers)
    }
}

/// Renders a screening result in the chosen format, with the sections the
/// request asks for (`--why`, `--set`, `--what-would-change`).
pub fn render(
    rs: &RuleSet,
    ev: &Evaluation,
    req: &RunRequest,
    before: Option<&Evaluation>,
) -> String {
    let wanted = Wanted {
        what_if: before.map(|b| (req.set.as_slice(), b)),
        why: req.why,
        what_would_change: req.what_would_change,
    };
    let date = clock::screened_at();
    let mut summary = Summary::new(rs, ev, &date, Sections::new(rs, ev, &wanted));
    if req.teach && ev.outcome == Outcome::RedFlag {
        summary.without_red_flags = Some(rs.outcome_without_red_flags(&ev.holds));
    }
    match req.format {
        Format::Text => report::text::render(&summary, output::stdout_style(req.color)),
        Format::Markdown => report::markdown::render(&summary),
        Format::Html => report::html::render(&summary),
        Format::Json => report::json::render(&summary),
        Format::Fhir => report::json::pretty(&report::fhir::response(rs, ev, &clock::now_utc())),
    }
}
