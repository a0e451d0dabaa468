//! What screening a case needs from files and gives back as text, shared by
//! `run --answers` and the interactive walk.

use std::path::Path;

use super::clock;
use super::exit::AppError;
use super::output;
use super::request::{Format, RunRequest};
use crate::diagnostics::{Diagnostics, FileId};
use crate::engine::{Answer, Evaluation, RuleSet};
use crate::files::answers::{self, AnswersDoc, Match};
use crate::files::{read_text, yaml};
use crate::report::{self, Sections, Summary, Wanted};

/// Reads an answers file and checks it against `rs`.
pub fn read_answers(path: &Path, rs: &RuleSet, mode: Match) -> Result<Vec<Answer>, AppError> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    let invalid = |d| AppError::Invalid(Diagnostics::with_text(&name, &text, d));
    let doc: AnswersDoc = yaml::parse(&text, FileId::MAIN).map_err(|d| invalid(vec![d]))?;
    answers::bind(rs, &doc, &text, mode).map_err(invalid)
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
    let date = clock::today();
    let summary = Summary::new(rs, ev, &date, Sections::new(rs, ev, &wanted));
    match req.format {
        Format::Text => report::text::render(&summary, output::stdout_style(req.color)),
        Format::Markdown => report::markdown::render(&summary),
        Format::Html => report::html::render(&summary),
        Format::Json => report::json::render(&summary),
        Format::Fhir => report::json::pretty(&report::fhir::response(rs, ev, &date)),
    }
}
