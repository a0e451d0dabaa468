//! What each command does: turns parsed arguments into work and an exit code.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde_json::json;

use crate::answers::{self, Answer, AnswersDoc, Match};
use crate::catalog::{self, BUNDLED};
use crate::cli::{
    Cli, Command, CompletionsArgs, ExportArgs, ExportKind, Format, GraphArgs, GraphFormat,
    RulesArg, RunArgs, ValidateArgs,
};
use crate::diagnostic::Diagnostics;
use crate::error::{AppError, Exit};
use crate::evaluate::Evaluation;
use crate::explain;
use crate::fhir;
use crate::graph;
use crate::load;
use crate::output;
use crate::report::{self, Summary};
use crate::ruleset::RuleSet;
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
        Some(Command::Explain(args)) => explain_cmd(&args),
        Some(Command::Graph(args)) => graph_cmd(&args),
        Some(Command::Export(args)) => export_cmd(&args),
        Some(Command::Schema) => {
            output::stdout(&crate::schema::text())?;
            Ok(Exit::Success)
        }
        Some(Command::Completions(args)) => completions_cmd(&args),
        Some(Command::Man) => man_cmd(),
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
    let (answers, before) = if args.set.is_empty() {
        (given, None)
    } else {
        let before = rs.evaluate(&given);
        (apply_sets(rs, given, &args.set)?, Some(before))
    };
    let ev = rs.evaluate(&answers);
    output::stdout(&render_result(rs, &ev, args, before.as_ref()))?;
    Ok(Exit::Success)
}

/// Applies `--set question=value` changes, checking each like an answer.
fn apply_sets(
    rs: &RuleSet,
    mut answers: Vec<Answer>,
    sets: &[String],
) -> Result<Vec<Answer>, AppError> {
    for set in sets {
        let Some((id, value)) = set.split_once('=') else {
            return Err(AppError::Usage(format!(
                "--set {set}: expected QUESTION=VALUE"
            )));
        };
        let id = id.trim();
        let Some(qi) = rs.question_idx(id) else {
            let hint = answers::did_you_mean(id, rs.questions.iter().map(|q| q.id.as_str()));
            return Err(AppError::Usage(format!(
                "--set {set}: rule set '{}' has no question '{id}'{hint}",
                rs.meta.id
            )));
        };
        answers[qi] = answers::parse_text(&rs.questions[qi], value)
            .map_err(|msg| AppError::Usage(format!("--set {set}: {msg}")))?;
    }
    Ok(answers)
}

/// Renders a screening result in the chosen format, with the sections the
/// flags ask for (`--why`, `--set`, `--what-would-change`).
pub fn render_result(
    rs: &RuleSet,
    ev: &Evaluation,
    args: &RunArgs,
    before: Option<&Evaluation>,
) -> String {
    let summary = Summary::new(rs, ev);
    let mut extra = String::new();
    if let Some(before) = before {
        extra.push_str(&format!(
            "What changed (--set {}):\n",
            args.set.join(", --set ")
        ));
        for line in explain::differences(rs, before, ev) {
            extra.push_str(&format!("  {line}\n"));
        }
    }
    if args.why {
        extra.push_str("Why:\n");
        for (ci, c) in rs.criteria.iter().enumerate() {
            extra.push_str(&format!(
                "  {} [{}]: {}\n",
                c.label,
                c.id,
                report::status_word(c.kind, ev.holds[ci])
            ));
            for line in explain::why(rs, ev, ci) {
                extra.push_str(&format!("    {line}\n"));
            }
        }
    }
    if args.what_would_change {
        extra.push_str(&explain::what_would_change_text(rs, ev));
    }
    match args.format {
        Format::Text => {
            report::text::render_with(&summary, output::stdout_style(args.color), &extra)
        }
        Format::Markdown => {
            report::markdown::render_markdown(&summary, &report::markdown::today(), &extra)
        }
        Format::Html => report::markdown::render_html(&summary, &report::markdown::today(), &extra),
        Format::Fhir => report::json::pretty(&fhir::response(rs, ev, &report::markdown::today())),
        Format::Json => {
            let mut v = report::json::value(&summary);
            if let Some(before) = before {
                v["what_if"] = json!({
                    "set": args.set,
                    "outcome_before": before.outcome,
                    "changes": explain::differences(rs, before, ev),
                });
            }
            if args.why {
                let traces: serde_json::Map<String, serde_json::Value> = rs
                    .criteria
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| (c.id.clone(), json!(explain::why(rs, ev, ci))))
                    .collect();
                v["why"] = serde_json::Value::Object(traces);
            }
            if args.what_would_change {
                let (changes, settles) = explain::what_would_change(rs, ev);
                v["what_would_change"] = json!({
                    "changes": changes.iter().map(|c| json!({
                        "question": rs.questions[c.question].id,
                        "answer": c.answer,
                        "outcome": c.outcome,
                    })).collect::<Vec<_>>(),
                    "unknowns": settles.iter().map(|s| json!({
                        "question": rs.questions[s.question].id,
                        "settles": s.settles,
                        "outcomes": s.outcomes.iter().map(|(a, o)| json!({"answer": a, "outcome": o})).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                });
            }
            report::json::pretty(&v)
        }
    }
}

fn explain_cmd(args: &RulesArg) -> Result<Exit, AppError> {
    let loaded = catalog::load(&args.rules)?;
    output::stdout(&explain::rule_set(&loaded.rules))?;
    Ok(Exit::Success)
}

fn graph_cmd(args: &GraphArgs) -> Result<Exit, AppError> {
    let loaded = catalog::load(&args.rules.rules)?;
    let text = match args.format {
        GraphFormat::Mermaid => graph::mermaid(&loaded.rules),
        GraphFormat::Dot => graph::dot(&loaded.rules),
    };
    output::stdout(&text)?;
    Ok(Exit::Success)
}

fn export_cmd(args: &ExportArgs) -> Result<Exit, AppError> {
    let loaded = catalog::load(&args.rules.rules)?;
    match args.what {
        ExportKind::FhirQuestionnaire => {
            let (q, not_expressed) = fhir::questionnaire(&loaded.rules);
            for id in not_expressed {
                eprintln!(
                    "sij-screen: warning: the skip logic of '{id}' cannot be written as FHIR enableWhen; exported without it"
                );
            }
            output::stdout(&report::json::pretty(&q))?;
        }
    }
    Ok(Exit::Success)
}

fn completions_cmd(args: &CompletionsArgs) -> Result<Exit, AppError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "sij-screen", &mut buf);
    output::stdout(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Success)
}

fn man_cmd() -> Result<Exit, AppError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|source| AppError::Write {
            path: "standard output".into(),
            source,
        })?;
    output::stdout(&String::from_utf8_lossy(&buf))?;
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
