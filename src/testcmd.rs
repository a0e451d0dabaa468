//! `sij-screen test`: run rule sets' vignettes and show the results.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use comfy_table::{Cell, Color};

use crate::catalog::{self, BUNDLED, VIGNETTES};
use crate::cli::TestArgs;
use crate::diagnostic::Diagnostics;
use crate::error::{AppError, Exit};
use crate::load;
use crate::logic::Tri;
use crate::output;
use crate::report::text::{Style, table};
use crate::vignette::{self, Report, VignetteDoc};

/// Runs the command: prints a report per rule set and a closing count line.
pub fn run(args: &TestArgs) -> Result<Exit, AppError> {
    let specs: Vec<String> = if args.rule_sets.is_empty() {
        BUNDLED.iter().map(|b| b.id.to_string()).collect()
    } else {
        args.rule_sets.clone()
    };
    if args.vignettes.is_some() && specs.len() != 1 {
        return Err(AppError::Usage(
            "--vignettes goes with exactly one rule set".into(),
        ));
    }
    let style = output::stdout_style(crate::cli::ColorWhen::Auto);
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for spec in &specs {
        let loaded = catalog::load(spec)?;
        let (name, text) = vignette_text(spec, args.vignettes.as_deref())?;
        let doc: VignetteDoc = load::parse_yaml(&text)
            .map_err(|d| AppError::Invalid(Diagnostics::new(&name, vec![d])))?;
        let report = vignette::run(&loaded.rules, &doc)
            .map_err(|d| AppError::Invalid(Diagnostics::new(&name, d)))?;
        render(&mut out, &loaded.rules.meta.id, &name, &report, style);
        passed += report.passed();
        failed += report.failed();
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
        return Ok((path.display().to_string(), load::read_text(path)?));
    }
    if let Some((id, text)) = VIGNETTES.iter().find(|(id, _)| *id == spec) {
        return Ok((format!("rules/{id}.vignettes.yaml"), text.to_string()));
    }
    let path = PathBuf::from(spec);
    let beside = path.with_extension("vignettes.yaml");
    if beside.is_file() {
        return Ok((beside.display().to_string(), load::read_text(&beside)?));
    }
    Err(AppError::Usage(format!(
        "no vignettes for {spec}: expected {} (or pass --vignettes FILE)",
        beside.display()
    )))
}

fn render(out: &mut String, id: &str, file: &str, report: &Report, style: Style) {
    let _ = writeln!(out, "{id} ({file}): {} case(s)", report.cases.len());
    let mut t = table(style);
    t.set_header(["case", "expected", "actual", "result"]);
    for c in &report.cases {
        let (word, color) = if c.passed() {
            ("pass", Color::Green)
        } else {
            ("FAIL", Color::Red)
        };
        let result = if style.color {
            Cell::new(word).fg(color)
        } else {
            Cell::new(word)
        };
        t.add_row(vec![
            Cell::new(&c.id),
            Cell::new(c.expected.as_str()),
            Cell::new(c.actual.as_str()),
            result,
        ]);
    }
    let _ = writeln!(out, "{t}");
    for c in report.cases.iter().filter(|c| !c.passed()) {
        let _ = writeln!(
            out,
            "FAIL {}{}",
            c.id,
            if c.description.is_empty() {
                String::new()
            } else {
                format!(": {}", c.description)
            }
        );
        let mut d = table(style);
        d.set_header(["check", "expected", "actual"]);
        for m in &c.mismatches {
            d.add_row(vec![
                m.what.as_str(),
                m.expected.as_str(),
                m.actual.as_str(),
            ]);
        }
        let _ = writeln!(out, "{d}");
    }
    if report.coverage_gaps.is_empty() {
        let _ = writeln!(
            out,
            "coverage: complete (every criterion is true, false and unknown in some case)"
        );
    } else {
        let _ = writeln!(out, "coverage gaps (no case makes the criterion so):");
        for (criterion, missing) in &report.coverage_gaps {
            let words: Vec<&str> = missing.iter().map(|t: &Tri| t.as_str()).collect();
            let _ = writeln!(out, "  - {criterion}: never {}", words.join(", never "));
        }
    }
    out.push('\n');
}
