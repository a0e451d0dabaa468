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
//! 5. `analysis`: why-traces, what-if, what-would-change, compare, vignettes.
//! 6. `report`: one typed summary and its renderers.
//! 7. `cli`: the command line, the walk, batch, output and interrupts.
//!
//! The public API is what the benchmarks, examples and property tests need:
//! the engine's types and a few functions below. Everything else is private
//! to the crate.

mod analysis;
mod cli;
mod compile;
pub mod diagnostics;
pub mod engine;
mod files;
mod report;

use std::process::ExitCode;

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
    files::answers::to_file_text(rs, answers)
}

/// Reads answers-file text for `rs` (strictly: its `rule_set` must match).
pub fn read_answers_text(rs: &RuleSet, text: &str) -> Result<Vec<Answer>, String> {
    let doc: AnswersDoc =
        files::yaml::parse(text, diagnostics::FileId::MAIN).map_err(|d| d.message)?;
    files::answers::bind(rs, &doc, Match::Strict).map_err(|ds| {
        ds.iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// A condition in words: `first_block_relief_percent >= 75 and ...`.
pub fn describe_condition(rs: &RuleSet, node: NodeId) -> String {
    analysis::describe::condition(rs, node)
}

/// The command-line program (what `main` runs).
pub fn cli_main() -> ExitCode {
    cli::main()
}
