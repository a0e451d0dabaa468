//! sij-screen: screen candidacy for sacroiliac joint fusion against a YAML
//! rule set of published selection criteria.
//!
//! The crate is layered; each layer uses only those before it:
//!
//! 1. [`diagnostics`]: problems in files, with places, help and rendering.
//! 2. [`engine`]: three-valued logic, answers, the compiled rule set and its
//!    evaluation. No I/O, no terminal, no clinical words.
//! 3. `files`: reading files safely and the document types.
//! 4. `compile`: checking documents and compiling them into a rule set.
//! 5. `rows`: reading cases from row files (CSV, JSON Lines, FHIR NDJSON
//!    and Bundles), block by block.
//! 6. `analysis`: why-traces, what-if, what-would-change, compare, vignettes.
//! 7. `report`: one typed summary and its renderers.
//! 8. `batch`: screening many cases on every core, in order, with the
//!    result rows and the closing tally.
//! 9. `cli`: the command line, the walk, files, output and interrupts.
//!
//! The public API is what the benchmarks, examples and property tests need:
//! the engine's types and a few functions below. Everything else is private
//! to the crate.

mod analysis;
mod batch;
mod cli;
mod compile;
pub mod diagnostics;
pub mod engine;
mod files;
mod report;
mod rows;

use std::process::ExitCode;

pub use analysis::number_range::NumberRange;
pub use analysis::what_would_change::{
    Change, Settle, Trial, Verdict, WhatWouldChange, what_would_change,
};
use engine::{Answer, NodeId, RuleSet};
use files::answers::{AnswersDoc, Match};

/// Ids of the rule sets compiled into the binary, default first.
pub fn bundled_rule_sets() -> impl Iterator<Item = &'static str> {
    compile::catalog::BUNDLED.iter().map(|b| b.id)
}

/// The id of the rule set used when none is named.
pub const DEFAULT_RULES: &str = compile::catalog::DEFAULT_ID;

/// Loads a bundled rule set by id, or a rule-set file by path; the error is
/// one line (diagnostics in the short format).
pub fn load_rules(spec: &str) -> Result<RuleSet, String> {
    compile::catalog::load(spec)
        .map(|l| l.rules)
        .map_err(|e| match e {
            compile::catalog::LoadError::Invalid(d) => {
                diagnostics::render::render(&d, diagnostics::Format::Short, false)
            }
            other => other.to_string(),
        })
}

/// Compiles rule-set text named `name`; the error lists every problem, one
/// per line.
pub fn compile_rules(name: &str, text: &str) -> Result<RuleSet, String> {
    compile::catalog::compile_text(name, text)
        .map(|l| l.rules)
        .map_err(|d| diagnostics::render::render(&d, diagnostics::Format::Short, false))
}

/// A case in the answers-file format (what `--save` writes).
pub fn answers_file_text(rs: &RuleSet, answers: &[Answer]) -> String {
    files::answers::to_file_text(rs, answers, None)
}

/// Reads answers-file text for `rs` (strictly: its `rule_set` must match).
pub fn read_answers_text(rs: &RuleSet, text: &str) -> Result<Vec<Answer>, String> {
    let doc: AnswersDoc =
        files::yaml::parse(text, diagnostics::FileId::MAIN).map_err(|d| d.message)?;
    files::answers::bind(rs, &doc, text, Match::Strict).map_err(|ds| {
        ds.iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// A condition in words: `first_block_relief_percent >= 75 and ...`.
/// Every case of a vignettes file, by id, with its answers (through
/// `extends`), for tests that screen the bundled cases elsewhere (the FHIR
/// renderer check).
pub fn vignette_answers(rs: &RuleSet, text: &str) -> Result<Vec<(String, Vec<Answer>)>, String> {
    let doc: files::vignettes::VignetteDoc =
        files::yaml::parse(text, diagnostics::FileId::MAIN).map_err(|d| d.message)?;
    analysis::vignettes::case_answers(rs, &doc, text).map_err(|ds| {
        ds.iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub fn describe_condition(rs: &RuleSet, node: NodeId) -> String {
    analysis::describe::condition(rs, node)
}

/// The command-line program (what `main` runs).
pub fn cli_main() -> ExitCode {
    cli::main()
}

/// Entry points for the fuzz targets in `fuzz/`: each takes arbitrary bytes
/// and runs one kind of input through everything that reads it, the way the
/// command line would. Not a stable API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::analysis::vignettes;
    use crate::batch;
    use crate::compile::catalog;
    use crate::diagnostics::{self, Diagnostics, FileId};
    use crate::engine::{Answer, RuleSet};
    use crate::files::answers::{self, AnswersDoc, Match};
    use crate::files::vignettes::VignetteDoc;
    use crate::files::yaml;
    use crate::report::{self, Sections, Summary, Wanted};
    use crate::rows::Input;

    /// The default rule set, compiled once per process.
    fn default_rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| match catalog::load(catalog::DEFAULT_ID) {
            Ok(l) => l.rules,
            Err(e) => panic!("the bundled rule set does not load: {e}"),
        })
    }

    /// Every report of one evaluated case, with every section.
    fn render_all(rs: &RuleSet, answers: &[Answer]) {
        let ev = rs.evaluate(answers);
        let before = rs.evaluate(&vec![Answer::Unanswered; rs.questions.len()]);
        let set = vec!["x=y".to_string()];
        let wanted = Wanted {
            what_if: Some((&set, &before)),
            why: true,
            what_would_change: true,
        };
        let s = Summary::new(rs, &ev, "2026-01-01", Sections::new(rs, &ev, &wanted));
        let style = report::table::Style {
            utf8: true,
            color: false,
            width: 80,
        };
        let _ = report::text::render(&s, style);
        let _ = report::json::render(&s);
        let _ = report::markdown::render(&s);
        let _ = report::html::render(&s);
        let _ = report::fhir::response(rs, &ev, "2026-01-01");
    }

    fn render_diagnostics(d: &Diagnostics) {
        let _ = diagnostics::render::render(d, diagnostics::Format::Rich, true);
        let _ = diagnostics::render::render(d, diagnostics::Format::Short, false);
    }

    /// A rule-set file: compile it, show its problems, and if it compiles,
    /// explain it, draw it, export it and screen an empty case.
    pub fn rule_set(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        match catalog::compile_text("fuzz.yaml", text) {
            Err(d) => render_diagnostics(&d),
            Ok(loaded) => {
                render_diagnostics(&loaded.warnings);
                let rs = &loaded.rules;
                let _ = report::explain::rule_set(rs);
                let _ = report::graph::mermaid(rs);
                let _ = report::graph::dot(rs);
                let _ = report::fhir::questionnaire(rs);
                render_all(rs, &vec![Answer::Unanswered; rs.questions.len()]);
            }
        }
    }

    /// An answers file for the default rule set.
    pub fn answers(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let rs = default_rules();
        let doc: AnswersDoc = match yaml::parse(text, FileId::MAIN) {
            Ok(doc) => doc,
            Err(d) => return render_diagnostics(&Diagnostics::with_text("a", text, vec![d])),
        };
        for mode in [Match::Strict, Match::ByQuestionId] {
            match answers::bind(rs, &doc, text, mode) {
                Ok(a) => {
                    render_all(rs, &a);
                    let saved = answers::to_file_text(rs, &a, Some("2026-01-01T00:00:00Z"));
                    let again: AnswersDoc = match yaml::parse(&saved, FileId::MAIN) {
                        Ok(doc) => doc,
                        Err(d) => panic!("saved answers do not parse: {}\n{saved}", d.message),
                    };
                    let back = answers::bind(rs, &again, &saved, Match::Strict);
                    assert!(back.as_ref() == Ok(&a), "saved answers differ: {saved}");
                }
                Err(d) => render_diagnostics(&Diagnostics::with_text("a", text, d)),
            }
        }
    }

    /// A FHIR QuestionnaireResponse (or a Bundle holding one) read as
    /// answers for the default rule set.
    pub fn fhir_response(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let rs = default_rules();
        if !crate::files::fhir_response::is_response(text) {
            return;
        }
        if let Some(Ok(whole)) = crate::files::fhir_response::read(text) {
            let _ = crate::files::fhir_response::read_answers(
                rs,
                &whole,
                crate::files::answers::Match::Strict,
            );
        }
    }

    /// A vignette file for the default rule set.
    pub fn vignettes(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let rs = default_rules();
        match yaml::parse::<VignetteDoc>(text, FileId::MAIN) {
            Ok(doc) => {
                if let Err(d) = vignettes::run(rs, &doc, text) {
                    render_diagnostics(&Diagnostics::with_text("v", text, d));
                }
            }
            Err(d) => render_diagnostics(&Diagnostics::with_text("v", text, vec![d])),
        }
    }

    /// Batch rows, as CSV and as JSON Lines, in both output formats.
    pub fn batch_rows(data: &[u8]) {
        /// Hears nothing: the fuzzer looks for panics and hangs.
        struct Quiet;
        impl batch::Events for Quiet {
            fn bad_row(&mut self, _: u64, _: &crate::rows::RowError) {}
            fn note(&mut self, _: &str) {}
        }
        let rs = default_rules();
        for input in [Input::Csv, Input::Jsonl] {
            for format in [batch::OutputFormat::Csv, batch::OutputFormat::Jsonl] {
                let opts = batch::Options {
                    format,
                    strict: false,
                    id_column: None,
                    threads: 2,
                };
                let mut out = Vec::new();
                let reader = std::io::Cursor::new(data);
                let _ = batch::screen(rs, input, reader, "fuzz", &opts, &mut out, &mut Quiet);
            }
        }
    }
}
