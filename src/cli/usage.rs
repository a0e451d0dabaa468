//! The ways a command can be asked for wrongly: each a variant with what
//! it needs to say so, worded once here.

use std::path::PathBuf;

use crate::diagnostics::inert;
use crate::engine::AnswerError;

/// A command used in a way it cannot go (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("--vignettes goes with exactly one rule set")]
    VignettesNeedOneRuleSet,
    #[error("no vignettes for {spec}: expected {} (or pass --vignettes FILE)", .expected.display())]
    NoVignettes { spec: String, expected: PathBuf },
    #[error("compare needs --answers FILE, or exactly two --rules to set side by side")]
    CompareNeedsTwo,
    #[error("no schema '{}' (kinds: {kinds})", inert(.kind))]
    NoSchema { kind: String, kinds: String },
    #[error("no subcommand '{}'{hint}", inert(.name))]
    NoSubcommand { name: String, hint: String },
    #[error(
        "--resume of a FHIR QuestionnaireResponse needs --save FILE.yaml: the walk saves an answers file, and would replace the response"
    )]
    ResumeResponseNeedsSave,
    #[error("{} was written for rule set '{}', which is not bundled: pass --rules PATH", .path.display(), inert(.id))]
    NotBundled { path: PathBuf, id: String },
    #[error(
        "{shown} already exists: continue that case with --resume {shown}, or pass --force to replace it"
    )]
    SaveExists { shown: String },
    #[error("{} is the {what} being read; refusing to overwrite it", .output.display())]
    WouldOverwrite { output: PathBuf, what: String },
    #[error("--set {}: expected QUESTION=VALUE", inert(.set))]
    SetSyntax { set: String },
    #[error(
        "--format fhir cannot be used with --set: FHIR resources are records, and a what-if is not the patient's screening (use --format json, which marks it hypothetical)"
    )]
    FhirWhatIf,
    #[error("--set {}: rule set '{rules}' has no question '{}'{hint}", inert(.set), inert(.id))]
    SetNoQuestion {
        set: String,
        rules: String,
        id: String,
        hint: String,
    },
    #[error("--set {}: {error}", inert(.set))]
    SetValue { set: String, error: AnswerError },
}
