//! How the command line is spelled, as clap types. Parsing only: each is
//! turned once into a plain request value ([`super::request`]) that the
//! commands take, so no command depends on clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::exit;
use crate::compile::catalog::DEFAULT_ID;

/// Screen a patient's candidacy for sacroiliac (SI) joint fusion against a
/// rule set of published selection criteria.
///
/// With no command, runs the interactive screening walk with the default rule
/// set. Nothing is written to disk unless you pass --save.
///
/// Keys in the walk: y / n / u answer yes / no / unknown, the digit beside an
/// option picks it (in a tick list, Space or the digit ticks it), ? shows
/// help, Esc goes back, arrows and Enter work everywhere; q or Ctrl-C
/// stops, asking first whether to save answers not yet saved. Enter on the
/// "(choose an answer)" line records nothing.
#[derive(Debug, Parser)]
#[command(name = "sij-screen", version, after_help = exit::help_text(), args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// How problems in files are shown: with the source line and a marker
    /// (rich), or one file:line:col line each, for editors and scripts (short).
    #[arg(long, value_enum, global = true, default_value_t = DiagnosticFormat::Rich)]
    pub diagnostic_format: DiagnosticFormat,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen one case: interactively in a terminal, or from --answers FILE.
    ///
    /// Keys in the walk: y / n / u answer yes / no / unknown, the digit beside
    /// an option picks it (in a tick list, Space or the digit ticks it), ?
    /// shows help, Esc goes back, arrows and Enter work everywhere; q or
    /// Ctrl-C stops, asking first whether to save answers not yet saved.
    Run(RunArgs),
    /// Check rule-set files; every problem is listed as file:line:col.
    Validate(ValidateArgs),
    /// List the bundled rule sets.
    Rules,
    /// Screen many cases from CSV or JSON Lines (one case per row), streaming.
    Batch(BatchArgs),
    /// Screen one case against several rule sets, or set two rule sets' criteria side by side.
    Compare(CompareArgs),
    /// Print a rule set as readable text: questions, skip logic, criteria, sources.
    Explain(ExplainArgs),
    /// Draw a rule set's logic as a flowchart (Mermaid or Graphviz DOT).
    Graph(GraphArgs),
    /// Export a rule set for other systems.
    Export(ExportArgs),
    /// Print a JSON Schema (draft-07) for editors: of rule sets (default),
    /// question banks, answers files or vignette files.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print a man page (roff): the program's, or a subcommand's; --dir writes them all.
    Man(ManArgs),
    /// Run rule sets' vignettes (teaching cases with expected results) and report coverage.
    Test(TestArgs),
}

/// `--rules`, declared once and flattened into every command that takes one
/// rule set.
#[derive(Debug, Args, Clone)]
pub struct RulesArg {
    /// Rule set: a bundled id (see `sij-screen rules`) or a path to a YAML
    /// file [default: nass-2015; `run --answers` and `--resume` use the
    /// bundled rule set the file names]
    #[arg(long, short = 'r', value_name = "NAME|PATH")]
    pub rules: Option<String>,
}

impl RulesArg {
    /// The rule set named, or the default.
    pub fn or_default(self) -> String {
        self.rules.unwrap_or_else(|| DEFAULT_ID.to_string())
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub rules: RulesArg,

    /// text for the terminal; markdown or html for a handout (the HTML is
    /// self-contained and prints on A4 or Letter).
    #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub rules: RulesArg,

    /// Chart language.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Mermaid: renders in Markdown viewers.
    Mermaid,
    /// Graphviz DOT: `dot -Tsvg`.
    Dot,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    pub what: ExportKind,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// The rule set as a self-scoring FHIR R4 / SDC Questionnaire (JSON):
    /// skip logic, and every criterion and the outcome computed in FHIRPath.
    FhirQuestionnaire,
    /// The code systems of its answer options, criteria and outcomes, as a
    /// FHIR R4 Bundle of CodeSystems (JSON).
    FhirCodeSystems,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Cases: a CSV file (header row of question ids, one case per row, empty
    /// cell = unanswered) or JSON Lines (one object per line); - for stdin.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,

    #[command(flatten)]
    pub rules: RulesArg,

    /// Output format: one row per case with the outcome and each criterion.
    #[arg(long, short = 'f', value_enum, default_value_t = BatchFormat::Csv)]
    pub format: BatchFormat,

    /// Input format (default: from the file name, else from the first byte).
    #[arg(long, value_enum)]
    pub input_format: Option<BatchFormat>,

    /// Write results to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Stop at the first bad row (exit 2) instead of marking it and going on.
    #[arg(long)]
    pub strict: bool,

    /// Column or field carried through as the case id (default: case_id or id).
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,

    /// Threads that parse and screen (default: one per core). The output is
    /// the same, in the same order, for any number.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Rule sets to compare (repeatable; default: every bundled rule set).
    #[arg(long, short = 'r', value_name = "NAME|PATH")]
    pub rules: Vec<String>,

    /// The case to screen; answers are matched to each rule set by question id.
    #[arg(long, short = 'a', value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// A vignette file: every case screened against every rule set, as a
    /// cases-by-rule-sets table of outcomes.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub vignettes: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Rule sets to test: bundled ids or paths (default: every bundled rule set).
    /// A rule set on disk uses NAME.vignettes.yaml beside it unless --vignettes is given.
    #[arg(value_name = "RULESET")]
    pub rule_sets: Vec<String>,

    /// Vignette file to run (with exactly one rule set).
    #[arg(long, value_name = "FILE")]
    pub vignettes: Option<std::path::PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub rules: RulesArg,

    /// Screen the case in this answers file (YAML or JSON; - for stdin) instead of asking.
    #[arg(long, short = 'a', value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Output format of the summary.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Interactive: write the answers to FILE after every answer (atomically).
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub save: Option<PathBuf>,

    /// Interactive: with --save, replace an existing file instead of refusing.
    #[arg(long, requires = "save")]
    pub force: bool,

    /// Interactive: continue a walk saved with --save (keeps saving to it unless --save says otherwise).
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub resume: Option<PathBuf>,

    /// Interactive: show each question's rationale and sources as it is asked,
    /// and continue past a red flag.
    #[arg(long, conflicts_with = "answers")]
    pub teach: bool,

    /// On a terminal, show the summary through a pager: $SIJ_SCREEN_PAGER,
    /// else $PAGER, else `less -FRX` (which quits at once when the summary
    /// fits). Off unless asked for; ignored when output is a file or pipe.
    #[arg(long)]
    pub pager: bool,

    /// Add a trace under each criterion: which parts of its condition were
    /// true, false or unknown, and which answers made them so.
    #[arg(long)]
    pub why: bool,

    /// What if: change one answer (repeatable) and show what changed.
    #[arg(long = "set", value_name = "QUESTION=VALUE", requires = "answers")]
    pub set: Vec<String>,

    /// List the single answers whose change would change the outcome, and
    /// what assessing each unknown would give.
    #[arg(long)]
    pub what_would_change: bool,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which kind of file.
    #[arg(value_parser = ["rule-set", "bank", "answers", "vignettes"], default_value = "rule-set")]
    pub kind: String,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (default: the program's).
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,

    /// Write every page (sij-screen.1, sij-screen-run.1, ...) into DIR instead.
    #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Rule-set files (or bundled ids) to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Text,
    /// JSON for programs.
    Json,
    /// Markdown, to paste into notes.
    Markdown,
    /// A self-contained, printable HTML page.
    Html,
    /// Plain text for a chart note (at most 15 lines): outcome, red flags,
    /// what is missing, what to assess, rule set and time, not-advice.
    Note,
    /// A FHIR R4 Bundle: the QuestionnaireResponse and an Observation of the
    /// outcome (see `export fhir-questionnaire`).
    Fhir,
}

/// How problems in files are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// The source line with a marker under the problem, and help.
    Rich,
    /// One `file:line:col: error: message` line each.
    Short,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bare_invocation_is_a_walk_with_the_default_rules() {
        let cli = Cli::try_parse_from(["sij-screen"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.run.rules.or_default(), DEFAULT_ID);
    }

    #[test]
    fn top_level_run_flags_work_without_the_subcommand() {
        let cli = Cli::try_parse_from(["sij-screen", "--answers", "x.yaml", "-f", "json"])
            .expect("parses");
        assert_eq!(cli.run.format, Format::Json);
    }
}
