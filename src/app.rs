//! What each command does: turns parsed arguments into work and an exit code.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::answers::{self, AnswersDoc, Match};
use crate::catalog::{self, BUNDLED};
use crate::cli::{Cli, Command, Format, RunArgs, ValidateArgs};
use crate::diagnostic::Diagnostics;
use crate::error::{AppError, Exit};
use crate::load;
use crate::output;
use crate::report::{self, Summary};
use crate::walk;

/// The program: parse arguments, run, print any error on one line, exit.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(e) => {
            report_error(&e);
            e.exit().into()
        }
    }
}

fn report_error(e: &AppError) {
    match e {
        AppError::Invalid(diags) => {
            eprintln!("{diags}");
            eprintln!(
                "sij-screen: error: {} has {} error(s); nothing was screened",
                diags.file,
                diags.errors()
            );
        }
        other => eprintln!("sij-screen: error: {other}"),
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Exit, AppError> {
    match cli.command {
        None => screen(&cli.run),
        Some(Command::Run(args)) => screen(&args),
        Some(Command::Validate(args)) => validate(&args),
        Some(Command::Rules) => list_rules(),
        Some(Command::Test(args)) => crate::testcmd::run(&args),
        Some(Command::Compare(args)) => crate::compare::run(&args),
        Some(Command::Batch(args)) => crate::batch::run(&args),
    }
}

fn screen(args: &RunArgs) -> Result<Exit, AppError> {
    let loaded = catalog::load(&args.rules)?;
    if !loaded.warnings.items.is_empty() && args.answers.is_none() {
        // Warnings do not stop a screening, but an author should see them.
        eprintln!("{}", loaded.warnings);
    }
    let rs = &loaded.rules;
    let Some(path) = &args.answers else {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(AppError::NoTerminal);
        }
        return walk::run_in_terminal(rs, args);
    };
    let given = read_answers(path, rs, Match::Strict)?;
    let ev = rs.evaluate(&given);
    let summary = Summary::new(rs, &ev);
    let text = match args.format {
        Format::Text => report::text::render(&summary, output::stdout_style(args.color)),
        Format::Json => report::json::render(&summary),
    };
    output::stdout(&text)?;
    Ok(Exit::Success)
}

/// Reads an answers file and checks it against `rs`.
pub fn read_answers(
    path: &Path,
    rs: &crate::ruleset::RuleSet,
    mode: Match,
) -> Result<Vec<answers::Answer>, AppError> {
    let name = path.display().to_string();
    let text = load::read_text(path)?;
    let doc: AnswersDoc =
        load::parse_yaml(&text).map_err(|d| AppError::Invalid(Diagnostics::new(&name, vec![d])))?;
    answers::bind(rs, &doc, mode).map_err(|d| AppError::Invalid(Diagnostics::new(&name, d)))
}

fn validate(args: &ValidateArgs) -> Result<Exit, AppError> {
    let (mut errors, mut warnings, mut unreadable) = (0, 0, 0);
    for spec in &args.files {
        let result = match catalog::bundled(spec) {
            Some(b) => catalog::compile_text(&format!("rules/{}.yaml", b.id), b.text),
            None => match load::read_text(Path::new(spec)) {
                Ok(text) => catalog::compile_text(spec, &text),
                Err(e) => {
                    eprintln!("sij-screen: error: {e}");
                    unreadable += 1;
                    continue;
                }
            },
        };
        let diags = match result {
            Ok(loaded) => loaded.warnings,
            Err(diags) => diags,
        };
        if !diags.items.is_empty() {
            output::stdout(&format!("{diags}\n"))?;
        }
        errors += diags.errors();
        warnings += diags.warnings();
    }
    let files = args.files.len();
    eprintln!(
        "checked {files} file(s): {errors} error(s), {warnings} warning(s){}",
        if unreadable > 0 {
            format!(", {unreadable} unreadable")
        } else {
            String::new()
        }
    );
    Ok(if unreadable > 0 {
        Exit::Usage
    } else if errors > 0 {
        Exit::Problems
    } else {
        Exit::Success
    })
}

fn list_rules() -> Result<Exit, AppError> {
    let mut t = report::text::table(output::stdout_style(crate::cli::ColorWhen::Never));
    t.set_header(["id", "title", "version", "review", "default"]);
    for b in BUNDLED {
        let loaded = catalog::compile_text(b.id, b.text).map_err(AppError::Invalid)?;
        let m = &loaded.rules.meta;
        t.add_row(vec![
            m.id.clone(),
            m.title.clone(),
            m.version.clone(),
            format!("{} ({})", m.review_status.as_str(), m.review_date),
            if b.id == catalog::DEFAULT_ID {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    output::stdout(&format!("{t}\n"))?;
    Ok(Exit::Success)
}
