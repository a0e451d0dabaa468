//! `sij-screen test`: run rule sets' vignettes and show the results.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::analysis::vignettes;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::request::{ColorWhen, TestRequest};
use crate::cli::usage::UsageError;
use crate::compile::catalog::{self, BUNDLED, VIGNETTES};
use crate::diagnostics::{Diagnostics, FileId, inert};
use crate::files::vignettes::VignetteDoc;
use crate::files::{read_text, yaml};
use crate::report;

/// Runs the command: prints a report per rule set and a closing count line.
pub fn run(args: &TestRequest) -> Result<Exit, AppError> {
    let specs: Vec<String> = if args.rule_sets.is_empty() {
        BUNDLED.iter().map(|b| b.id.to_string()).collect()
    } else {
        args.rule_sets.clone()
    };
    if args.vignettes.is_some() && specs.len() != 1 {
        return Err(UsageError::VignettesNeedOneRuleSet.into());
    }
    let style = output::stdout_style(ColorWhen::Auto);
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for spec in &specs {
        let loaded = catalog::load(spec)?;
        let (name, text) = vignette_text(spec, args.vignettes.as_deref())?;
        let invalid = |d| AppError::Invalid(Diagnostics::with_text(&name, &text, d));
        let doc: VignetteDoc = yaml::parse(&text, FileId::MAIN).map_err(|d| invalid(vec![d]))?;
        let result = vignettes::run(&loaded.rules, &doc, &text).map_err(invalid)?;
        for note in &result.notes {
            output::eprintln(&format!("{}: note: {}", inert(&name), inert(note)));
        }
        report::vignettes::render(&mut out, &loaded.rules.meta.id, &name, &result, style);
        passed += result.passed();
        failed += result.failed();
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    output::stdout(&out)?;
    Ok(if failed == 0 {
        Exit::Success
    } else {
        Exit::Problems
    })
}

/// Finds the vignettes for `spec`: the given file, the bundled ones, or the
/// file beside a rule set on disk.
fn vignette_text(spec: &str, given: Option<&Path>) -> Result<(String, String), AppError> {
    if let Some(path) = given {
        return Ok((path.display().to_string(), read_text(path)?));
    }
    if let Some((id, text)) = VIGNETTES.iter().find(|(id, _)| *id == spec) {
        return Ok((format!("rules/{id}.vignettes.yaml"), text.to_string()));
    }
    let path = PathBuf::from(spec);
    let beside = path.with_extension("vignettes.yaml");
    if beside.is_file() {
        return Ok((beside.display().to_string(), read_text(&beside)?));
    }
    Err(UsageError::NoVignettes {
        spec: spec.to_string(),
        expected: beside,
    }
    .into())
}
