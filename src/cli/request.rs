//! What the user asked for, as plain values: the parsed command line is
//! turned into a [`Request`] once, here, and the commands, the walk and batch
//! take these values, never clap's types (as hyperfine's `Options` and
//! ripgrep's high-level arguments do).

use std::path::PathBuf;

use super::args::{self, Cli, Command, ExplainFormat};
pub use super::args::{BatchFormat, ColorWhen, ExportKind, Format, GraphFormat};
use crate::diagnostics;

/// Settings every command shares.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub diagnostics: diagnostics::Format,
}

/// One screening: a walk, or a case from an answers file.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// `None`: the rule set the answers or resumed file names, else the default.
    pub rules: Option<String>,
    pub answers: Option<PathBuf>,
    pub format: Format,
    pub save: Option<PathBuf>,
    /// Replace an existing `save` file.
    pub force: bool,
    pub resume: Option<PathBuf>,
    pub teach: bool,
    pub why: bool,
    pub set: Vec<String>,
    pub what_would_change: bool,
    pub color: ColorWhen,
    /// Show the summary through a pager (on a terminal only).
    pub pager: bool,
}

#[derive(Debug, Clone)]
pub struct BatchRequest {
    pub input: PathBuf,
    pub rules: String,
    pub format: BatchFormat,
    pub input_format: Option<BatchFormat>,
    pub output: Option<PathBuf>,
    pub strict: bool,
    pub id_column: Option<String>,
    /// Worker threads (at least 1).
    pub threads: usize,
}

#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// Empty: every bundled rule set.
    pub rules: Vec<String>,
    pub answers: Option<PathBuf>,
    pub vignettes: Option<PathBuf>,
    pub color: ColorWhen,
}

#[derive(Debug, Clone)]
pub struct TestRequest {
    /// Empty: every bundled rule set.
    pub rule_sets: Vec<String>,
    pub vignettes: Option<PathBuf>,
}

/// Every command, with what it needs.
#[derive(Debug, Clone)]
pub enum Request {
    Run(RunRequest),
    Validate {
        files: Vec<String>,
    },
    Rules,
    Batch(BatchRequest),
    Compare(CompareRequest),
    Explain {
        rules: String,
        format: ExplainFormat,
    },
    Graph {
        rules: String,
        format: GraphFormat,
    },
    Export {
        rules: String,
        what: ExportKind,
    },
    Schema {
        kind: String,
    },
    Completions {
        shell: clap_complete::Shell,
    },
    Man {
        subcommand: Option<String>,
        dir: Option<PathBuf>,
    },
    Test(TestRequest),
}

impl From<args::RunArgs> for RunRequest {
    fn from(a: args::RunArgs) -> Self {
        RunRequest {
            rules: a.rules.rules,
            answers: a.answers,
            format: a.format,
            save: a.save,
            force: a.force,
            resume: a.resume,
            teach: a.teach,
            why: a.why,
            set: a.set,
            what_would_change: a.what_would_change,
            color: a.color,
            pager: a.pager,
        }
    }
}

/// Turns the parsed command line into the request and shared settings.
pub fn from_cli(cli: Cli) -> (Settings, Request) {
    let settings = Settings {
        diagnostics: match cli.diagnostic_format {
            args::DiagnosticFormat::Rich => diagnostics::Format::Rich,
            args::DiagnosticFormat::Short => diagnostics::Format::Short,
        },
    };
    let request = match cli.command {
        None => Request::Run(cli.run.into()),
        Some(Command::Run(a)) => Request::Run(a.into()),
        Some(Command::Validate(a)) => Request::Validate { files: a.files },
        Some(Command::Rules) => Request::Rules,
        Some(Command::Batch(a)) => Request::Batch(BatchRequest {
            input: a.input,
            rules: a.rules.or_default(),
            format: a.format,
            input_format: a.input_format,
            output: a.output,
            strict: a.strict,
            id_column: a.id_column,
            threads: a.threads.map_or_else(
                || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
                usize::from,
            ),
        }),
        Some(Command::Compare(a)) => Request::Compare(CompareRequest {
            vignettes: a.vignettes,
            rules: a.rules,
            answers: a.answers,
            color: a.color,
        }),
        Some(Command::Explain(a)) => Request::Explain {
            rules: a.rules.or_default(),
            format: a.format,
        },
        Some(Command::Graph(a)) => Request::Graph {
            rules: a.rules.or_default(),
            format: a.format,
        },
        Some(Command::Export(a)) => Request::Export {
            rules: a.rules.or_default(),
            what: a.what,
        },
        Some(Command::Schema(a)) => Request::Schema { kind: a.kind },
        Some(Command::Completions(a)) => Request::Completions { shell: a.shell },
        Some(Command::Man(a)) => Request::Man {
            subcommand: a.subcommand,
            dir: a.dir,
        },
        Some(Command::Test(a)) => Request::Test(TestRequest {
            rule_sets: a.rule_sets,
            vignettes: a.vignettes,
        }),
    };
    (settings, request)
}
