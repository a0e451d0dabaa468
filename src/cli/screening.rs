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
use crate::files::fhir_response;
use crate::files::{read_text, yaml};
use crate::report::{self, Sections, Summary, Wanted};

/// How a QuestionnaireResponse's name is shown in messages.
const READ_AS: &str = " (a FHIR QuestionnaireResponse, read as answers)";

/// An answers file, read and parsed once: the rule set it names can choose
/// the rule set before it is bound, and one file can be bound to several
/// (`compare`). Works for standard input (`-`) too.
#[derive(Debug)]
pub struct AnswersFile {
    name: String,
    text: String,
    doc: AnswersDoc,
    /// The file as read, when it is a FHIR QuestionnaireResponse: `text`
    /// and `doc` are then the answers it stands for, re-made for each rule
    /// set it is bound to (which questions take lists).
    response: Option<String>,
}

impl AnswersFile {
    pub fn read(path: &Path) -> Result<Self, AppError> {
        let name = path.display().to_string();
        let text = read_text(path)?;
        if fhir_response::is_response(&text) {
            // This first reading only learns the rule set (the answers are
            // read again for it, knowing which questions take lists); every
            // question may take a list here, so no question's second answer
            // is refused before its kind is known.
            return Self::from_response(name, text, &|_| true);
        }
        match yaml::parse(&text, FileId::MAIN) {
            Ok(doc) => Ok(AnswersFile {
                name,
                text,
                doc,
                response: None,
            }),
            Err(d) => Err(AppError::Invalid(Diagnostics::with_text(
                &name,
                &text,
                vec![d],
            ))),
        }
    }

    /// A QuestionnaireResponse, as the answers file it stands for.
    fn from_response(
        name: String,
        json: String,
        is_multi: &dyn Fn(&str) -> bool,
    ) -> Result<Self, AppError> {
        let shown = format!("{}{READ_AS}", name.trim_end_matches(READ_AS));
        let text = fhir_response::to_answers_text(&json, is_multi).map_err(|message| {
            AppError::Response {
                name: name.clone(),
                message,
            }
        })?;
        match yaml::parse(&text, FileId::MAIN) {
            Ok(doc) => Ok(AnswersFile {
                name: shown,
                text,
                doc,
                response: Some(json),
            }),
            Err(d) => Err(AppError::Invalid(Diagnostics::with_text(
                &shown,
                &text,
                vec![d],
            ))),
        }
    }

    /// Whether the file is a FHIR QuestionnaireResponse.
    pub fn is_response(&self) -> bool {
        self.response.is_some()
    }

    /// The rule set the file says it was written for.
    pub fn rule_set(&self) -> &str {
        &self.doc.rule_set.value
    }

    /// The file's name, as messages give it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The answers, checked against `rs`.
    pub fn bind(&self, rs: &RuleSet, mode: Match) -> Result<Vec<Answer>, AppError> {
        if let Some(json) = &self.response {
            // Bound as every response is: each problem placed in the
            // response (its JSON path), not in text it never held.
            let name = self.name.trim_end_matches(READ_AS).to_string();
            let failed = |message: String| AppError::Response {
                name: name.clone(),
                message,
            };
            let whole = match fhir_response::read(json) {
                Some(Ok(v)) => v,
                Some(Err(message)) => return Err(failed(message)),
                None => return Err(failed("not a FHIR resource in JSON".into())),
            };
            return fhir_response::read_answers(rs, &whole, mode).map_err(|e| failed(e.message));
        }
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
        Format::Note => report::note::render(&summary),
        Format::Json => report::json::render(&summary),
        Format::Fhir => {
            let authored = clock::now_utc();
            let response = report::fhir::response(rs, ev, &authored);
            report::json::pretty(&report::fhir::bundle::bundle(&summary, response, &authored))
        }
    }
}

/// The one-line recap of a screening (outcome and what decides it).
pub fn recap(rs: &RuleSet, ev: &Evaluation) -> String {
    let date = clock::screened_at();
    let wanted = Wanted {
        what_if: None,
        why: false,
        what_would_change: false,
    };
    let summary = Summary::new(rs, ev, &date, Sections::new(rs, ev, &wanted));
    report::text::recap(&summary)
}

/// One line on standard error for each recorded answer skip logic set
/// aside, saying what became of it; `from` names where the answer came
/// from (the file, or `--set`).
pub fn note_not_asked(rs: &RuleSet, ev: &Evaluation, from: impl Fn(usize) -> String) {
    for (qi, a) in &ev.dropped {
        let q = &rs.questions[*qi];
        let value = a.to_yaml(q).unwrap_or_default();
        let fate = if rs.is_pending(*qi, ev) {
            format!(
                "is recorded but may not be asked (that depends on answers not known yet): {}",
                crate::report::PENDING_USE
            )
        } else {
            "is recorded but not asked here, so it is not used".to_string()
        };
        output::eprintln(&format!(
            "{}: note: {} = {} {fate}",
            from(*qi),
            q.id,
            crate::diagnostics::inert(&value)
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::vignettes;
    use crate::compile::catalog::{self, VIGNETTES};
    use crate::diagnostics::FileId;
    use crate::files::answers::{self, Match};
    use crate::files::{fhir_response, yaml};
    use crate::report::fhir;

    /// Every bundled vignette case, screened, exported as a
    /// QuestionnaireResponse and read back, gives the same answers, the same
    /// outcome and the same value for every criterion.
    #[test]
    fn every_vignette_round_trips_through_the_tools_own_fhir() {
        let mut checked = 0;
        for (id, text) in VIGNETTES {
            let rs = catalog::load(id).expect("bundled").rules;
            let doc = yaml::parse(text, FileId::MAIN).expect("vignettes");
            let cases = vignettes::case_answers(&rs, &doc, text).expect("cases");
            for (case, given) in cases {
                let ev = rs.evaluate(&given);
                let json = fhir::response(&rs, &ev, "2026-01-01T00:00:00Z").to_string();
                let answers_text = fhir_response::to_answers_text(&json, &|q| rs.takes_list(q))
                    .unwrap_or_else(|e| panic!("{id}/{case}: {e}"));
                let back_doc = yaml::parse(&answers_text, FileId::MAIN).expect("answers");
                let back = answers::bind(&rs, &back_doc, &answers_text, Match::Strict)
                    .unwrap_or_else(|e| panic!("{id}/{case}: {e:?}\n{answers_text}"));
                let again = rs.evaluate(&back);
                assert_eq!(again.answers, ev.answers, "{id}/{case}: answers");
                assert_eq!(again.outcome, ev.outcome, "{id}/{case}: outcome");
                assert_eq!(again.holds, ev.holds, "{id}/{case}: criteria");
                checked += 1;
            }
        }
        assert!(checked >= 130, "{checked} cases");
    }
}
