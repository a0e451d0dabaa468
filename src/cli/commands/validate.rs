//! `sij-screen validate`: check rule-set files, listing every problem.

use std::path::Path;

use crate::cli::exit::{AppError, Exit};
use crate::cli::request::Settings;
use crate::cli::{output, render_diagnostics};
use crate::compile::catalog;
use crate::diagnostics::{self, Diagnostics};
use crate::files::read_text;

pub fn run(settings: &Settings, files: &[String]) -> Result<Exit, AppError> {
    let (mut errors, mut warnings, mut unreadable) = (0, 0, 0);
    for spec in files {
        let result = match catalog::bundled(spec) {
            Some(b) => catalog::compile_text(&format!("rules/{}.yaml", b.id), b.text),
            None => match read_text(Path::new(spec)) {
                Ok(text) => catalog::compile_text(spec, &text),
                Err(e) => {
                    output::eprintln(&format!(
                        "sij-screen: error: {}",
                        diagnostics::inert(&e.to_string())
                    ));
                    unreadable += 1;
                    continue;
                }
            },
        };
        let diags: Diagnostics = match result {
            Ok(loaded) => loaded.warnings,
            Err(diags) => diags,
        };
        if !diags.items.is_empty() {
            output::stdout(&format!("{}\n", render_diagnostics(settings, &diags)))?;
        }
        errors += diags.errors();
        warnings += diags.warnings();
    }
    output::eprintln(&format!(
        "checked {} file(s): {errors} error(s), {warnings} warning(s){}",
        files.len(),
        if unreadable > 0 {
            format!(", {unreadable} unreadable")
        } else {
            String::new()
        }
    ));
    Ok(if unreadable > 0 {
        Exit::Usage
    } else if errors > 0 {
        Exit::Problems
    } else {
        Exit::Success
    })
}
