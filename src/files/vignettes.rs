//! Vignettes: teaching cases that test a rule set, as CQL's testing framework
//! tests measures. Each case gives answers and what the rule set must make of
//! them; `sij-screen test` runs every case (see `crate::analysis::vignettes`) and reports coverage: which
//! criteria no case makes true, false or unknown.
//!
//! ```yaml
//! rule_set: nass-2015
//! cases:
//!   - id: meets-all
//!     description: Every criterion met, at the borderline values.
//!     answers: { saddle_anaesthesia: no, block_count: 2, ... }
//!     expect:
//!       outcome: met
//!       criteria: { diagnostic_blocks: true, provocation_cluster: true }
//!   - id: second-block-74
//!     extends: meets-all                 # start from another case's answers
//!     answers: { second_block_relief_percent: 74 }   # `~` removes an answer
//!     expect: { outcome: not_met, criteria: { diagnostic_blocks: false } }
//! ```
//!
//! `criteria` values are `true`, `false` or `~` (null: unknown); criteria not
//! listed are not checked.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::answers::Entries;
use super::rule_set::ID_PATTERN;
use crate::engine::Outcome;

/// A vignette file as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VignetteDoc {
    /// The id of the rule set the cases test.
    #[schemars(with = "String")]
    pub rule_set: Spanned<String>,
    /// The cases, each with answers and what the rule set must make of them.
    pub cases: Vec<CaseDoc>,
}

/// One teaching case.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDoc {
    /// The case's id, unique in the file.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the case shows, quoting the source line that justifies the
    /// expected outcome.
    #[serde(default)]
    pub description: String,
    /// Start from another case's answers (by id); answers here override
    /// them, ~ removes one.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub extends: Option<Spanned<String>>,
    /// Answers by question id.
    #[serde(default)]
    pub answers: Entries,
    /// The expected outcome, and criterion values to check.
    pub expect: ExpectDoc,
}

/// What the rule set must make of a case.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectDoc {
    /// red_flag, excluded, not_met, incomplete or met.
    #[schemars(schema_with = "outcome_schema")]
    pub outcome: Spanned<Outcome>,
    /// Criterion values by id: true, false, or ~ for unknown.
    #[serde(default)]
    #[schemars(schema_with = "criterion_values")]
    pub criteria: Entries,
}

/// The outcome names, from the engine's one list.
fn outcome_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
    schemars::json_schema!({ "enum": names })
}

/// Criterion values by id: `true`, `false` or `~`.
fn criterion_values(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "propertyNames": {"pattern": ID_PATTERN},
        "additionalProperties": {"type": ["boolean", "null"]}
    })
}
